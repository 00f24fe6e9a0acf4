"""Caption + photo credit: stored apart, written together the ways the portal writes them.

Styles (rendered text for caption "Quang cảnh Kỳ họp", credit "PV"):
  paren         `Quang cảnh Kỳ họp (Ảnh: PV)`
  plain         `Quang cảnh Kỳ họp Ảnh: PV`
  dash          `Quang cảnh Kỳ họp - Ảnh: PV`
  source        `Quang cảnh Kỳ họp (Nguồn: PV)`
  source_plain  `Quang cảnh Kỳ họp Nguồn: PV`
  break         `Quang cảnh Kỳ họp<br>(Ảnh: PV)` (as on the seed page)
A credit without caption is written alone (`(Ảnh: PV)`: caption None, credit "PV").
Rule for `Ảnh minh họa` ("illustration"): it is the caption "Ảnh minh họa" with credit
None, because it names no photographer.
"""

from __future__ import annotations

import html
import re

_TEMPLATES = {
    "paren": "(Ảnh: {})",
    "plain": "Ảnh: {}",
    "dash": "- Ảnh: {}",
    "source": "(Nguồn: {})",
    "source_plain": "Nguồn: {}",
    "break": "(Ảnh: {})",
}
CREDIT_STYLES = tuple(_TEMPLATES)

_SPLIT = re.compile(r"(?:^|\s+)(?:[-–]\s+)?\(?\s*(?:Ảnh|Nguồn):\s*(?P<credit>[^()]+?)\s*\)?\s*$")


def caption_html(caption: str | None, credit: str | None, style: str) -> str:
    """The escaped HTML shown under an image (empty when there is nothing to show)."""
    parts = [html.escape(caption)] if caption else []
    if credit:
        credit_part = html.escape(_TEMPLATES[style].format(credit))
        if parts and style == "break":
            return f"{parts[0]}<br>{credit_part}"
        parts.append(credit_part)
    return " ".join(parts)


def split_caption(text: str) -> tuple[str | None, str | None]:
    """Inverse of `caption_html` on visible text: (caption, credit)."""
    text = " ".join(text.split())
    match = _SPLIT.search(text)
    if not match:
        return (text or None), None
    caption = text[: match.start()].strip()
    return (caption if caption not in ("", ".") else None), match.group("credit")
