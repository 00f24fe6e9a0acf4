"""Bytes to text for Vietnamese pages, where declared charsets are often wrong.

UTF-8 is preferred whenever it decodes with few errors: one stray bad byte must
not turn a whole page into replacement characters (Scrapy then falls back to a
single-byte codec and destroys every diacritic). Pages that are not UTF-8 are read
with their declared charset, else windows-1258, and always NFC-composed.

Two faults are never stored silently:
- mojibake (UTF-8 that was once read as cp1252 and saved again) is repaired run by
  run and flagged; if some of it cannot be repaired the page is refused;
- TCVN3 (ABC) and VNI, the pre-Unicode Vietnamese font encodings, have no Python
  codec: they are detected (font names, byte profile) and the page is refused with
  `DecodingError`, so the crawl counts it instead of archiving gibberish.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from crawler.extract.errors import DecodingError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
# Fewer bad bytes than this share of the page means "UTF-8 with a few stray bytes".
_UTF8_ERROR_RATE = 0.001

# Flags (see `Article.flags`).
UTF8_REPLACED = "encoding:utf8_replaced"
MOJIBAKE_REPAIRED = "encoding:mojibake_repaired"
LEGACY_CHARSETS = ("tcvn3", "vni")

# The characters cp1252 gives to the bytes 0x80-0xBF (UTF-8 continuation bytes); the five
# bytes cp1252 leaves undefined are kept as the C1 control of the same value, as browsers do.
_CONT_BYTES = bytes(range(0x80, 0xC0))
_CONT_CHARS = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in _CONT_BYTES)
_TO_BYTE = {ch: bytes([b]) for b, ch in zip(_CONT_BYTES, _CONT_CHARS, strict=True)}
_CONT = "[" + re.escape(_CONT_CHARS) + "]"
# A UTF-8 sequence of 2 or 3 bytes as cp1252 shows it: a lead (Â..ß or à..ï) and its
# continuations. Vietnamese letters are 2 bytes (đ, ơ, ư) or 3 (ạ..ỹ).
_MOJIBAKE = re.compile(f"(?:[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}})+")
# Every such run starts with a lead and one continuation. Searched first because a
# pattern that starts with a character class is scanned ~6x faster (bench/RESULTS.md).
_MOJIBAKE_START = re.compile(f"[\u00c2-\u00ef]{_CONT}")


def _mojibake_bytes() -> re.Pattern[bytes]:
    # In UTF-8, a match of _MOJIBAKE_START is a lead's two bytes (C3, then a
    # continuation byte) followed by the first byte of a continuation character. A page
    # whose bytes hold no such three is free of mojibake; searching the bytes for them
    # (a literal first byte) is ~4x quicker than classing every byte with `translate`
    # and far quicker than the regex on the text (every page is scanned).
    leads = {chr(c).encode()[0] for c in range(0xC2, 0xF0)}
    assert leads == {0xC3}
    firsts = sorted({ch.encode()[0] for ch in _CONT_CHARS})
    assert not any(0x80 <= b < 0xC0 for b in firsts)
    return re.compile(rb"\xc3[\x80-\xbf][" + b"".join(re.escape(bytes([b])) for b in firsts) + b"]")


_UTF8_MOJIBAKE = _mojibake_bytes()


def _may_hold_mojibake(utf8: bytes) -> bool:
    return _UTF8_MOJIBAKE.search(utf8) is not None


# TCVN3 and VNI pages name their fonts: .VnTime, .VnArial (TCVN3), VNI-Times (VNI).
_TCVN3_FONT = re.compile(rb"font-family\s*:\s*['\"]?\.vn|face\s*=\s*['\"]?\.vn", re.I)
_VNI_FONT = re.compile(rb"font-family\s*:\s*['\"]?vni-|face\s*=\s*['\"]?vni-", re.I)
_TCVN3_DECLARED = re.compile(rb"charset\s*=\s*['\"]?\s*(x-viet-)?tcvn", re.I)
_VNI_DECLARED = re.compile(rb"charset\s*=\s*['\"]?\s*(x-viet-)?vni", re.I)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    charset: str
    flags: tuple[str, ...] = ()
    # The page's bytes when `text` is exactly their UTF-8 reading (nothing replaced or
    # repaired): the HTML parser reads those bytes faster than the str.
    utf8: bytes | None = field(default=None, repr=False, compare=False)


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def decode_page(data: bytes, http_charset: str | None = None) -> Decoded:
    """Decode a page to NFC text, repairing or refusing what would be stored wrong.

    Raises `DecodingError` for TCVN3/VNI pages and for mojibake that cannot be undone.
    """
    try:
        return _repaired(data.decode("utf-8"), "utf-8", (), data)
    except UnicodeDecodeError:
        pass
    legacy = declared_legacy(data)
    if legacy:
        raise DecodingError(f"the page is in {legacy.upper()}, which has no Unicode codec here")
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(1, int(len(data) * _UTF8_ERROR_RATE)):
        return _repaired(text, "utf-8", (UTF8_REPLACED,))
    if _tcvn3_profile(data):
        raise DecodingError("the page is in TCVN3, which has no Unicode codec here")
    for charset in (http_charset, declared_charset(data), "windows-1258"):
        if not charset or charset.replace("-", "").lower() == "utf8":
            continue
        try:
            decoded = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
        # windows-1258 decodes to combining tone marks: NFC composes them.
        return _repaired(unicodedata.normalize("NFC", decoded), charset.lower(), ())
    return _repaired(text, "utf-8", (UTF8_REPLACED,))


def check_text(text: str) -> Decoded:
    """A page that is already text: repaired (and flagged) or refused like decoded bytes."""
    return _repaired(text, "unicode", ())


def legacy_charset(data: bytes) -> str | None:
    """ "tcvn3" or "vni" when the page is written in one of them, else None."""
    legacy = declared_legacy(data)
    if legacy is None and not _is_utf8(data) and _tcvn3_profile(data):
        return "tcvn3"
    return legacy


def declared_legacy(data: bytes) -> str | None:
    """The legacy encoding a page names, by charset or by its fonts (.VnTime, VNI-Times)."""
    head = data[:65536]
    if _TCVN3_DECLARED.search(head) or _TCVN3_FONT.search(head):
        return "tcvn3"
    if _VNI_DECLARED.search(head) or _VNI_FONT.search(head):
        return "vni"
    return None


def _tcvn3_profile(data: bytes) -> bool:
    # TCVN3 puts its lower-case Vietnamese letters on 0xA1-0xBF, which in every Latin
    # charset (windows-1258 included) are symbols that text hardly ever uses. Only
    # asked of bytes that are not UTF-8, whose continuation bytes share that range.
    high = [b for b in data if b >= 0x80]
    return len(high) >= 20 and sum(0xA1 <= b <= 0xBF for b in high) > 0.4 * len(high)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def repair_mojibake(text: str) -> tuple[str, int, int]:
    """(text, runs repaired, runs left) for UTF-8 that was read as cp1252."""
    repaired = left = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal repaired, left
        run = match.group(0)
        try:
            raw = b"".join(_TO_BYTE.get(ch) or ch.encode("latin-1") for ch in run)
            fixed = raw.decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            left += 1
            return run
        repaired += 1
        return fixed

    return _MOJIBAKE.sub(fix, text), repaired, left


def _repaired(
    text: str, charset: str, flags: tuple[str, ...], utf8: bytes | None = None
) -> Decoded:
    if utf8 is not None and not _may_hold_mojibake(utf8):
        return Decoded(text, charset, flags, utf8)
    if _MOJIBAKE_START.search(text) is None or _MOJIBAKE.search(text) is None:
        return Decoded(text, charset, flags, utf8)
    fixed, _repaired_runs, left = repair_mojibake(text)
    if left:
        raise DecodingError(f"mojibake (UTF-8 read as cp1252) that cannot be undone: {left} runs")
    return Decoded(unicodedata.normalize("NFC", fixed), charset, (*flags, MOJIBAKE_REPAIRED))
