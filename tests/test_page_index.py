"""`Page.select_all` answers from its element index exactly what the selector's XPath finds."""

from pathlib import Path

import pytest
from lxml.cssselect import CSSSelector

from crawler.extract.parsing.dom import parse_document
from crawler.extract.parsing.page import Page
from crawler.portals import PORTALS

PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("*.html"))

TRICKY = """<html><head><title>t</title><meta name="x" content="y"></head><body>
<div id="a" class="box  outer
box"><!-- c --><p class="x\ty">one<span class="y">two</span></p>
  <div class="box inner"><p class="x">three<b class="x y z">four</b></p><br>tail</div>
  <div class="x\u00a0y">nbsp is not a separator</div><div class="">empty</div>
  <section class="outer"><div class="box"><p class="y">five</p></div></section>
</div><table class="tbl-image"><tr><td class="td-image-desc">cap</td></tr></table>
<div id="b" class="box"><a href="#">six</a><div class="box"><a>seven</a></div></div>
<?pi stuff?></body></html>"""

SELECTORS = [
    *(
        selector
        for portal in PORTALS
        for layout in portal.layouts
        for group in (
            layout.detect,
            layout.title,
            layout.lead,
            layout.date,
            layout.body,
            layout.figure,
            layout.figure_caption,
            layout.lead_figure,
            layout.lead_figure_caption,
            layout.byline_top,
            layout.tags,
            layout.furniture,
            layout.listing_links,
        )
        for selector in group
    ),
    ", ".join(PORTALS[0].layouts[0].furniture),
    *("p", "div", "*", "a", "span", ".x", ".y", ".box", ".x.y", "p.x", "div.box.inner"),
    *(".box .x", ".box p", "div .box", "div div", ".box .box", ".outer .box p", "* p"),
    *("#a", "#a p", "div#b a", "#b .box a", ".box#b", "#nope", ".nope a", "body *"),
    *("div > p", "p + div", "[class*=box]", "a[href]", "p:first-child", "span.y, p.x"),
]


# Compiled once: translating CSS to XPath, not the index, was most of this file's time.
COMPILED = {selector: CSSSelector(selector) for selector in SELECTORS}


def assert_same(page: Page, scope) -> None:
    for selector, xpath in COMPILED.items():
        expected = list(xpath(scope))
        assert page.select_all((selector,), scope) == expected, selector


@pytest.mark.parametrize("html", [TRICKY, *PAGES], ids=lambda p: getattr(p, "stem", "tricky"))
def test_index_answers_as_xpath(html) -> None:
    root = parse_document(
        html if isinstance(html, str) else html.read_bytes().decode("utf-8", "replace")
    )
    if root is None:
        return
    page = Page(root)
    scopes = [root, *root.iter("div", "table", "section", "p")][:40]
    for scope in scopes:
        assert_same(page, scope)
    # Dropped elements are never found again, from any scope still in the page.
    for element in page.select_all((".box .box", "table", ".story-body .related")):
        if element.getparent() is not None:
            page.drop(element)
    for scope in [root, *root.iter("div", "section")][:20]:
        assert_same(page, scope)
