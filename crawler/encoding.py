"""Bytes to text for Vietnamese pages, where declared charsets are often wrong.

UTF-8 is preferred whenever it decodes with few errors: one stray bad byte must
not turn a whole page into replacement characters (Scrapy then falls back to a
single-byte codec and destroys every diacritic).
"""

from __future__ import annotations

import re
import unicodedata

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
# Fewer bad bytes than this share of the page means "UTF-8 with a few stray bytes".
_UTF8_ERROR_RATE = 0.001


def declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def decode_html(data: bytes, http_charset: str | None = None) -> str:
    """Decode a page: UTF-8 if it (nearly) is, else the declared charset, else windows-1258."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(1, int(len(data) * _UTF8_ERROR_RATE)):
        return text
    for charset in (http_charset, declared_charset(data), "windows-1258"):
        if not charset or charset.replace("-", "").lower() == "utf8":
            continue
        try:
            # windows-1258 decodes to combining tone marks: NFC composes them.
            return unicodedata.normalize("NFC", data.decode(charset))
        except (LookupError, UnicodeDecodeError):
            continue
    return text
