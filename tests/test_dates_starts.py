"""`first_full` and `iter_full` try the full-date pattern only where a match can begin.

They must give exactly what `FULL.search` and `FULL.finditer` give: the listing cards'
days and every date field go through them. Texts are drawn from the pieces the pattern
reads (weekdays, "ngay", digits, separators, offsets), run together or apart, so that
candidates touch and overlap ("t25/11/2020").
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.extract.dates import _patterns as P
from crawler.extract.dates import find_dates_in_text, iter_dates_in_text

PIECES = [
    "t2", "t7", "t", "thu", "thu nam", "chu nhat", "cn", "ngay", "ngay ", "monday",
    "thang", "thang muoi mot", "nam", "luc", "vao", "gmt+7", "(gmt+7)", "utc", "ict",
    "+07:00", "z", "sa", "ch", "a", "x", "2", "5", "12", "25", "11", "2020", "1999",
    "15", "42", "/", ".", "-", ":", "h", " ", ", ", " - ", "|",
    "25/11/2020", "5.6.2021", "2020-11-12", "12/11/2020 15:42", "15:42 12/11/2020",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)


@settings(max_examples=600, deadline=None)
@given(texts)
@example("t25/11/2020")
@example("xngay 12/11/2020 t3 5/6/2021")
def test_iter_full_gives_finditers_matches(text: str) -> None:
    assert [m.span() for m in P.iter_full(text)] == [m.span() for m in P.FULL.finditer(text)]


@settings(max_examples=600, deadline=None)
@given(texts)
@example("t25/11/2020")
def test_first_full_gives_searchs_match(text: str) -> None:
    expected = P.FULL.search(text)
    found = P.first_full(text)
    assert (found.span() if found else None) == (expected.span() if expected else None)
    if found is not None and expected is not None:
        assert found.groupdict() == expected.groupdict()


VIETNAMESE = [
    "Thứ Năm, 12/11/2020 - 15:42", "Ngày 5 tháng 3 năm 2020", "Chủ nhật", "Cập nhật: ",
    "lúc 9h30", "(GMT+7)", "Tin mới ", "T2", "ngày", "12/11", "tháng 11/2020", "x", " ",
]  # fmt: skip
vietnamese_texts = st.lists(st.sampled_from(VIETNAMESE + PIECES), max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(vietnamese_texts)
def test_the_dates_found_are_those_of_every_full_match(text: str) -> None:
    composed = P.nfc(text)
    # A two-digit year ("2/12/11") makes a complete date only beside a time of day.
    spans = [
        m.span()
        for m in P.FULL.finditer(P.fold(composed))
        if m.group("y2") is None or m.group("ah", "bh") != (None, None)
    ]
    expected = [found for s, e in spans if (found := composed[s:e].strip(" ,;|-"))]
    assert find_dates_in_text(text) == expected
    assert list(iter_dates_in_text(text)) == expected
