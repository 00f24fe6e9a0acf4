"""Code as it was before issue 9's fixes, so the benchmark times before and after in
the same run. Swapped in only inside `legacy_code()`; never used by the product."""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from crawler.extract import encoding as _encoding
from crawler.extract import text as _text


def normalize_text_before(value: str) -> str:
    """`crawler.extract.text.normalize_text` as of commit 04a5464 (before issue 9's fix)."""
    previous = None
    text = value
    while previous != text and "&" in text:
        previous, text = text, html.unescape(text)
    text = text.translate(_text._INVISIBLE)
    text = _text._CONTROLS.sub("", text)
    text = _text._SPACES.sub(" ", text).strip()
    return unicodedata.normalize("NFC", text)


def fold_text_before(text: str) -> str:
    """`crawler.extract.text.fold_text` as of commit 6cbdd6b (before issue 9's fix)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.translate(_text._D_STROKE).lower())
    return unicodedata.normalize("NFC", _text._COMBINING.sub("", decomposed))


# Matches at the start of every text: `_repaired` then always runs the full mojibake
# search, as it did before the prefilter.
_ALWAYS = re.compile("")


def _may_hold_mojibake_before(utf8: bytes) -> bool:
    """Before the quick look at the bytes (perf-extract), every page went to the regex."""
    return True


_targets: list[tuple[object, str, object, object]] | None = None


def _find_targets() -> list[tuple[object, str, object, object]]:
    """(module, attribute, current, before) for every project module holding a fixed
    function by name; found once, so that swapping costs microseconds, not a scan."""
    global _targets
    if _targets is None:
        # Everything that uses the fixed code, loaded before the scan.
        import crawler.extract.parsing  # noqa: F401
        import pipelines.archive
        import pipelines.reparse  # noqa: F401

        swaps = [
            (_text.normalize_text, normalize_text_before),
            (_text.fold_text, fold_text_before),
            (_encoding._MOJIBAKE_START, _ALWAYS),
            (_encoding._may_hold_mojibake, _may_hold_mojibake_before),
        ]
        found = []
        for name, module in list(sys.modules.items()):
            if name.split(".")[0] not in ("crawler", "pipelines"):
                continue
            for attribute, value in list(vars(module).items()):
                for current, before in swaps:
                    if value is current:
                        found.append((module, attribute, current, before))
        _targets = found
    return _targets


@contextmanager
def legacy_code() -> Iterator[None]:
    """Every project module sees the code before the fixes meanwhile. Import what will
    run before the first call: modules imported later are not patched."""
    targets = _find_targets()
    for module, attribute, _current, before in targets:
        setattr(module, attribute, before)
    try:
        yield
    finally:
        for module, attribute, current, _before in targets:
            setattr(module, attribute, current)
