"""Code as it was before issue 9's fixes, so the benchmark times before and after in
the same run. Swapped in only inside `legacy_code()`; never used by the product."""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from crawler import encoding as _encoding
from crawler import text as _text


def normalize_text_before(value: str) -> str:
    """`crawler.text.normalize_text` as of commit 04a5464 (before issue 9's fix)."""
    previous = None
    text = value
    while previous != text and "&" in text:
        previous, text = text, html.unescape(text)
    text = text.translate(_text._INVISIBLE)
    text = _text._CONTROLS.sub("", text)
    text = _text._SPACES.sub(" ", text).strip()
    return unicodedata.normalize("NFC", text)


def fold_text_before(text: str) -> str:
    """`crawler.text.fold_text` as of commit 6cbdd6b (before issue 9's fix)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.translate(_text._D_STROKE).lower())
    return unicodedata.normalize("NFC", _text._COMBINING.sub("", decomposed))


# Matches at the start of every text: `_repaired` then always runs the full mojibake
# search, as it did before the prefilter.
_ALWAYS = re.compile("")


@contextmanager
def legacy_code() -> Iterator[None]:
    """Every project module sees the code before the fixes meanwhile."""
    swaps = [
        (_text.normalize_text, normalize_text_before),
        (_text.fold_text, fold_text_before),
        (_encoding._MOJIBAKE_START, _ALWAYS),
    ]
    patched: list[tuple[object, str, object]] = []
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] not in ("crawler", "pipelines"):
            continue
        for attribute, value in list(vars(module).items()):
            for current, before in swaps:
                if value is current:
                    patched.append((module, attribute, current))
                    setattr(module, attribute, before)
    try:
        yield
    finally:
        for module, attribute, current in patched:
            setattr(module, attribute, current)
