"""Photo captions: the caption text and its photo credit, apart.

Captions sit under pictures and end with a credit: "Quang cảnh Kỳ họp (Ảnh: PV)",
"... Hà Nội - Ảnh: Chinhphu.vn", "Ảnh: TTXVN". The archive stores both separately.

Rules (tests/test_captions.py pins each one):
- A credit is a trailing "(Ảnh: X)", "(Nguồn: X)", "(Photo: X)" or the same without
  parentheses ("... - Ảnh: X", "... . Ảnh: X"); any case of "Ảnh", any diacritic form.
- The credit and the separators before it (spaces, "-", "–", "—", "|", ",", ";", ":")
  go; the caption's own text, final full stop included, stays as printed (normalised):
  "Quang cảnh Đại hội . (Ảnh: TA)" keeps "Quang cảnh Đại hội .".
- A trailing "phát" ("Ảnh: TTXVN phát", "released by") and a final full stop are not part
  of the credit.
- "Ảnh minh họa" (illustration) is a marker, not a credit: trailing other text it is
  dropped, giving (text, None); as the whole caption it is the caption,
  ("Ảnh minh họa", None), without its parentheses. "Ảnh minh họa: X" credits X.
- Lower-case "ảnh:" right after a word is text ("hình ảnh: ..."), not a credit label.
- A caption left with only punctuation (". (Ảnh: Tuấn Anh)") is None.
- Several trailing credits: the last one printed is kept, all are removed, so that
  splitting a returned caption again finds no credit.
"""

from __future__ import annotations

import re

from crawler.extract.text import normalize_text

_LABELS = r"(?:ảnh\s+minh\s+h(?:ọa|oạ)|nguồn\s+ảnh|ảnh|photo|nguồn|source)"
# The illustration marker, alone ("Ảnh minh họa", "Ảnh: minh hoạ.").
_MARKER = re.compile(r"ảnh\s*:?\s*minh\s+h(?:ọa|oạ)\s*\.?", re.I)
_MARKER_WORDS = re.compile(r"minh\s+h(?:ọa|oạ)\.?", re.I)
# "(...)" closing the caption, maybe followed by a full stop.
_TRAILING_PARENS = re.compile(r"\((?P<inner>[^()]*)\)\s*\.?$")
_LABELLED = re.compile(rf"^{_LABELS}\s*:\s*(?P<credit>.*)$", re.I | re.S)
# A label with its colon anywhere; the last one is the candidate for a bare credit.
_BARE_LABEL = re.compile(rf"(?<!\w){_LABELS}\s*:", re.I)
_BARE_MARKER = re.compile(rf"(?<!\w){_MARKER.pattern}$", re.I)
_TRAILING_SEPARATORS = re.compile(r"[\s\-–—|,;:(]+$")
_LABEL_AFTER = frozenset("-–—|.,;:(")
_PUBLISHED = re.compile(r"\s+phát$", re.I)
# A credit names a photographer or an agency: a few words, not a sentence.
_MAX_CREDIT_WORDS = 10


def split_caption(text: str) -> tuple[str | None, str | None]:
    """Split a caption into (caption, credit); either may be None. Never raises."""
    if not isinstance(text, str):
        return None, None
    caption = normalize_text(text)
    credit: str | None = None
    while caption:
        found = _trailing_credit(caption)
        if found is None:
            break
        head, found_credit, marker = found
        if credit is None:
            credit = found_credit  # the last credit printed is the one found first
        if marker is not None and not _has_word(head):
            caption = normalize_text(marker)  # "Ảnh minh họa" alone is the caption
            break
        caption = normalize_text(head)
    return (caption if _has_word(caption) else None), credit


def _trailing_credit(text: str) -> tuple[str, str | None, str | None] | None:
    """(text before, credit, marker text) for a credit or marker ending `text`, else None."""
    match = _TRAILING_PARENS.search(text)
    if match:
        inner = match["inner"].strip()
        found = _read_credit(inner)
        if found is not None:
            credit, is_marker = found
            return _head(text, match.start()), credit, inner if is_marker else None
    match = _BARE_MARKER.search(text)
    if match and _label_may_start(text, match.start()):
        return _head(text, match.start()), None, text[match.start() :].strip()
    # The last label wins: an earlier one would swallow the later credit.
    label = next(reversed(list(_BARE_LABEL.finditer(text))), None)
    if label is None or not _label_may_start(text, label.start()):
        return None
    rest = text[label.end() :]
    if "(" in rest or ")" in rest or ":" in rest.replace("://", ""):
        return None
    found = _read_credit(text[label.start() :])
    if found is None:
        return None
    credit, is_marker = found
    marker = text[label.start() :].strip() if is_marker else None
    return _head(text, label.start()), credit, marker


# "H.Y.T.", "P.T.": the last full stop closes the last initial.
_INITIALS_END = re.compile(r"(?:^|[\s.])\w{1,2}\.\w{1,2}\.$")


def _read_credit(labelled: str) -> tuple[str | None, bool] | None:
    """(credit, is it the illustration marker) for "Ảnh: X"-like text, else None."""
    if _MARKER.fullmatch(labelled):
        return None, True
    match = _LABELLED.match(labelled)
    if not match:
        return None
    credit = match["credit"].strip()
    if _MARKER_WORDS.fullmatch(credit):
        return None, True  # "Ảnh: minh họa"
    if len(credit.split()) > _MAX_CREDIT_WORDS:
        return None  # a sentence after "Ảnh:" is a description, not a credit
    credit = _strip_stop(credit)
    credit = _strip_stop(_PUBLISHED.sub("", credit))
    return (credit if _has_word(credit) else None), False


def _strip_stop(credit: str) -> str:
    """The credit without a final full stop, unless the stop closes an initial ("H.Y.T.")."""
    credit = credit.rstrip(" ")
    if _INITIALS_END.search(credit):
        return credit
    return credit.rstrip(" .")


def _label_may_start(text: str, start: int) -> bool:
    """A label begins the text, follows a separator, or is capitalised ("... Hà Nội Ảnh: X")."""
    before = text[:start].rstrip()
    return not before or before[-1] in _LABEL_AFTER or text[start].isupper()


def _head(text: str, end: int) -> str:
    return _TRAILING_SEPARATORS.sub("", text[:end])


def _has_word(text: str | None) -> bool:
    return text is not None and any(ch.isalnum() for ch in text)
