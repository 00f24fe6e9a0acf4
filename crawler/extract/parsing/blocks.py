"""Text of a block as its lines: captions whose credit is its own paragraph, and closing
signatures set as a name, a line break and a role line (issue 15 §7).

`element_text` joins a block's text with no regard for its inner paragraphs, so
`<p>Quang cảnh Kỳ họp</p><p>Ảnh: PV</p>` reads "Quang cảnh Kỳ họpẢnh: PV". These
helpers keep the lines apart, for every layout and for the generic reader.
"""

from __future__ import annotations

from crawler.extract.bylines import looks_like_byline, looks_like_role_line
from crawler.extract.captions import split_caption
from crawler.extract.parsing.dom import Element
from crawler.extract.text import normalize_text

# Elements that start a new line of text.
_BREAKING = frozenset(
    ("p", "div", "br", "li", "td", "tr", "figcaption", "h3", "h4", "h5", "h6", "blockquote")
)
# A signature is a name and one or two role lines.
_MAX_SIGNATURE_LINES = 3


def text_lines(element: Element) -> list[str]:
    """The element's text as its block children and `<br>`s break it, normalised,
    empty lines left out."""
    lines = [""]
    _collect(element, lines)
    return [line for line in (normalize_text(t) for t in lines) if line]


def _collect(element: Element, lines: list[str]) -> None:
    if element.text:
        lines[-1] += element.text
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag in _BREAKING:
            lines.append("")
            _collect(child, lines)
            lines.append("")
        elif isinstance(tag, str) and tag not in ("script", "style"):
            _collect(child, lines)
        if child.tail:
            lines[-1] += child.tail


def caption_text(element: Element) -> str:
    """The caption's text, a credit on its own line joined with " - " (so that
    `split_caption` finds it), never glued to the caption's last word."""
    lines = text_lines(element)
    if len(lines) > 1:
        head, credit = split_caption(lines[-1])
        if head is None and credit is not None:  # the last line is only a credit
            return normalize_text(" ".join(lines[:-1])) + " - " + lines[-1]
    return normalize_text(" ".join(lines))


def signature_lines(element: Element) -> list[str] | None:
    """A closing signature set in one block: `<b>NAME</b><br><i>role</i>`, as lines; None
    when the block is not one (its first line no name, or the rest no role lines)."""
    lines = text_lines(element)
    if not 2 <= len(lines) <= _MAX_SIGNATURE_LINES:
        return None
    if not looks_like_byline(lines[0]) or not all(looks_like_role_line(x) for x in lines[1:]):
        return None
    return lines
