"""The generic reader's quick paths give exactly what their plain definitions give.

Each shortcut taken for speed (issue 15 §6) is checked here against the slow, obvious
way of computing the same answer, on arbitrary markup and on every fixture page.
"""

from __future__ import annotations

import re
from itertools import islice
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from crawler.extract.dates import _patterns as P
from crawler.extract.dates import find_dates_in_text
from crawler.extract.parsing.dom import element_text, has_text, parse_document
from crawler.extract.parsing.generic import _LEAD_CLASS, _drop_invisible
from crawler.extract.parsing.generic_body import _AUTHOR_CLASS, _AUTHOR_STEMS
from crawler.extract.parsing.generic_dom import ROLE_ATTRIBUTES, Doc, inside
from crawler.extract.parsing.generic_labels import _TAGS_CLASS
from crawler.extract.parsing.generic_parts import (
    _BOX_HEADINGS,
    _FURNITURE_STEMS,
    _FURNITURE_WORDS,
    _RELATED_WORDS,
    _WORD_SPLIT,
    _first_text,
    _mostly_links,
    is_furniture,
    is_related_box,
)
from crawler.extract.parsing.page import Page

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted(FIXTURES.rglob("*.html"))

PIECES = [
    "<div class='ArticleLead sapo'>", "<div id='boxAuthor' class='author'>", "</div>",
    "<p>", "</p>", "<span class='tags Tag-List'>", "</span>", "<script>x=1</script>",
    "<noscript><p>n</p></noscript>", "<form><button>b</button></form>", "<svg><path/></svg>",
    "<div itemprop='articleBody'>", "<section data-role='related'>", "</section>", "<br>",
    "<!-- c -->", "&amp;", "&#8203;", "\u200b", "\u00ad", " ", "\n", "Từ khóa:", "<a href='/x'>",
    "</a>", "<template><b>t</b></template>", "<iframe></iframe>", "<style>p{}</style>",
    "<script type='application/ld+json'>{}</script>", "Hà Nội", "<b>", "</b>", "12/3/2024",
]  # fmt: skip
markup = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40).map(
    lambda parts: "<html><body><div>" + "".join(parts) + "</div></body></html>"
)


def _doc(html: str) -> Doc | None:
    root = parse_document(html)
    if root is None:
        return None
    page = Page(root)
    _drop_invisible(page)
    return Doc(page)


def _roles(element: etree._Element) -> str:
    """The role words as the reader defines them: the role attributes joined, camelCase
    words apart."""
    words = [v for k, v in element.items() if k in ROLE_ATTRIBUTES and v]
    role = " ".join(words)
    return role if role.islower() else re.sub(r"(?<=[a-z])(?=[A-Z])", "-", role)


_FURNITURE_ROLES = ("class", "id", "type", "data-type", "data-role", "data-content-name")


def _furniture(element: etree._Element) -> bool:
    """`is_furniture` as defined: class/id words, the tag, or a box heading."""
    if element.tag in ("aside", "nav", "footer", "header", "form"):
        return True
    value = " ".join(v for k, v in element.items() if k in _FURNITURE_ROLES and v).lower()
    if value and (
        _FURNITURE_STEMS.search(value)
        or not _FURNITURE_WORDS.isdisjoint(_WORD_SPLIT.split(value))
        or not _FURNITURE_WORDS.isdisjoint(value.split())
    ):
        return True
    first = _first_text(element)
    return bool(first) and _BOX_HEADINGS.match(first) is not None and _mostly_links(element)


def _related_box(element: etree._Element) -> bool:
    """`is_related_box` as defined: the related-box words, or a box heading."""
    value = " ".join(str(element.get(a) or "") for a in _FURNITURE_ROLES).lower()
    if value.strip():
        words = set(_WORD_SPLIT.split(value)) | set(value.split())
        if words & _RELATED_WORDS or _FURNITURE_STEMS.search(value):
            return True
    first = _first_text(element)
    return bool(first) and _BOX_HEADINGS.match(first) is not None and _mostly_links(element)


def _check(doc: Doc) -> None:
    elements = doc.elements
    for element in elements:
        assert is_furniture(element) == _furniture(element)
        assert is_related_box(element) == _related_box(element)
        assert doc.role(element) == _roles(element)
        assert doc.text(element) == element_text(element)
        assert has_text(element) == bool(element_text(element))
        furniture = any(_furniture(a) for a in [element, *element.iterancestors()][:5])
        assert doc.in_furniture(element, 5) == furniture
    for stems, pattern in ((_AUTHOR_STEMS, _AUTHOR_CLASS), (("tag", "keyword"), _TAGS_CLASS)):
        expected = [
            e
            for e in elements
            if any(s in _roles(e).lower() for s in stems) and pattern.search(_roles(e).lower())
        ]
        assert doc.named(stems, pattern) == expected
    for anchor in [None, *islice(elements, 0, None, 7)]:
        start = elements.index(anchor) + 1 if anchor is not None else 0
        expected = [e for e in elements[start:] if _LEAD_CLASS.search(_roles(e))]
        assert list(doc.matching(_LEAD_CLASS, after=anchor)) == expected
    xpath = etree.XPath("//*[@itemprop='articleBody']")
    assert doc.with_attribute("itemprop", "articleBody") == xpath(doc.page.root)
    for ancestor in islice(elements, 0, None, 3):
        for element in islice(elements, 0, None, 5):
            assert doc.within(element, ancestor) == inside(element, ancestor)


@settings(max_examples=150, deadline=None)
@given(markup)
@example("<html><body><div><p>&amp;#8203;</p><p>&amp;amp;</p></div></body></html>")
def test_doc_answers_as_the_definitions(html: str) -> None:
    doc = _doc(html)
    if doc is not None:
        _check(doc)


def test_doc_answers_as_the_definitions_on_every_fixture_page() -> None:
    for path in PAGES:
        doc = _doc(path.read_bytes().decode("utf-8", "replace"))
        if doc is not None:
            _check(doc)


def _dropped_tag_by_tag(html: str) -> bytes:
    """The page left when each invisible tag is dropped in turn (the old order)."""
    root = parse_document(html)
    assert root is not None
    page = Page(root)
    for tag in ("script", "style", "noscript", "template", "svg", "iframe", "form", "button"):
        for element in page.by_tag(tag):
            if element.get("type") != "application/ld+json" and element.getparent() is not None:
                page.drop(element)
    return etree.tostring(root)


@settings(max_examples=150, deadline=None)
@given(markup)
def test_one_walk_drops_what_the_tag_by_tag_drops_did(html: str) -> None:
    root = parse_document(html)
    assert root is not None
    page = Page(root)
    before = {tag: page.by_tag(tag) for tag in ("a", "p", "b", "path")}  # indexed first
    _drop_invisible(page)
    assert etree.tostring(root) == _dropped_tag_by_tag(html)
    for tag in before:
        # An index built before the drops never answers with a dropped element.
        assert page.by_tag(tag) == list(root.iter(tag))


@given(st.text(max_size=60) | st.sampled_from(["Thứ Ba, 10/12/2024 - 14:20", "hôm qua"]))
def test_a_text_without_ascii_digits_holds_no_date(text: str) -> None:
    # generic_body._is_date_line skips the date reader for such a line.
    assert find_dates_in_text(re.sub("[0-9]", "", text)) == []


@given(
    st.lists(
        st.sampled_from(["hôm qua", "thứ hai", "tháng năm", "cách đây", "ngày", "lúc", "giờ"])
        | st.text(max_size=10),
        max_size=8,
    ).map(" ".join)
)
def test_only_day_words_read_without_digits(text: str) -> None:
    # dates._core.fast tries only DAY_WORD and JUST_NOW on a text without digits, and
    # skips the fallback: every other pattern, and the fallback's year, needs a digit.
    folded = P.fold(P.nfc(re.sub("[0-9]", "", text)))
    for pattern in (P.FULL, P.AGO, P.PARTIAL, P.YEAR):
        assert pattern.search(folded) is None
