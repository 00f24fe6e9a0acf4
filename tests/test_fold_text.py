"""Folding for the search index: accents, đ and tone-mark placement all fold alike."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.text import fold_text, fold_whole

PIECES = list("aăâeêioôơuưyđAĂÂĐ àáảãạằắẳẵặầấẩẫậềếểễệİẞ\u0300\u0301\u0323\u0309")
VIETNAMESE = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@given(st.text() | VIETNAMESE)
def test_fold_text_is_idempotent(value: str) -> None:
    once = fold_text(value)
    assert fold_text(once) == once


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hà Nội", "ha noi"),
        ("HÀ NỘI", "ha noi"),
        ("Đà Nẵng", "da nang"),
        ("đường", "duong"),
        ("hoà bình", "hoa binh"),
        ("hòa bình", "hoa binh"),
        ("Ủy ban", "uy ban"),
        ("Uỷ ban", "uy ban"),
        ("thuý", "thuy"),
        ("thúy", "thuy"),
        ("Ha\u0300 No\u0302\u0323i", "ha noi"),  # decomposed input
        ("plain ASCII", "plain ascii"),
    ],
)
def test_fold_text_examples(text: str, folded: str) -> None:
    assert fold_text(text) == folded


WORDS = st.lists(VIETNAMESE | st.text(), max_size=8).map(" ".join)
SIGMA = st.lists(st.sampled_from(list("ΑΣσς Β.'\u0301")), max_size=12).map("".join)


@given(st.text() | WORDS | SIGMA)
def test_folding_word_by_word_is_folding_the_whole_text(value: str) -> None:
    # fold_text folds each space-separated word apart (and remembers it); the result
    # must be what one pass over the whole text gives.
    assert fold_text(value) == fold_whole(value)
    assert fold_text(value) == fold_whole(value)  # the second time from the memo
