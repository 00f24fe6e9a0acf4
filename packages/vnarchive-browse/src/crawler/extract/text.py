"""Text normalisation: what every stored string goes through.

All functions are idempotent: applying one twice gives the same result as once
(a hypothesis property in tests/test_text_props.py).
"""

from __future__ import annotations

import html
import re
import unicodedata

# Zero-width characters and the BOM carry no text; soft hyphens are layout hints.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
# Every Unicode space (NBSP, thin space, ideographic space...) and control
# whitespace collapses to one ASCII space.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# The portal marks its own articles with "(TG) - " (also "(TG)-", "(TG) – ").
_TG_MARK = re.compile(r"^\s*\(\s*TG\s*\)\s*[-–—:]?\s*")
# C0/C1 control characters other than whitespace: never text, sometimes injected.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DELETED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def normalize_text(value: str) -> str:
    """Decode entities, drop invisible and control characters, collapse spaces, NFC."""
    if "&" not in value and value.isprintable() and "  " not in value:
        # The usual paragraph: a printable string has no control, invisible or format
        # character and no space but U+0020 (tests/test_text_props.py checks every code
        # point), so only its ends can change; split/join below costs 3x as much.
        return unicodedata.normalize("NFC", value.strip())
    # Unescape until stable: "&amp;amp;" would otherwise change on a second pass.
    previous = None
    text = value
    while previous != text and "&" in text:
        previous, text = text, html.unescape(text)
    # One pass deletes invisible and control characters (what `_INVISIBLE` and
    # `_CONTROLS` name); split() breaks on exactly the characters `_SPACES` matches
    # (str.isspace), so this is the same result 4x faster (bench/RESULTS.md, issue 9).
    text = _DELETED.sub("", text)
    text = " ".join(text.split())
    return unicodedata.normalize("NFC", text)


def normalize_optional(value: str | None) -> str | None:
    """`normalize_text`, with empty results turned into None."""
    if value is None:
        return None
    text = normalize_text(value)
    return text or None


def strip_tg_mark(text: str) -> str:
    """Remove the portal's leading "(TG) - " mark, keeping the text after it."""
    previous = None
    while previous != text:
        previous, text = text, _TG_MARK.sub("", text, count=1)
    return text


# Combining marks of every block a diacritic can come from, once text is decomposed.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})


def fold_text(text: str) -> str:
    """Text as the folded search index and folded queries see it.

    Lower case, every diacritic dropped and đ read as d, so "Hà Nội", "ha noi" and
    "HÀ NỘI" fold alike. Dropping every mark also makes the old and new tone-mark
    placements ("hoà"/"hòa", "uỷ"/"ủy", "thuý"/"thúy") fold to the same word, which a
    per-syllable rewrite could only approximate. Idempotent.
    """
    if text.isascii():
        return text.lower()
    # Word by word, each distinct word folded once: an article repeats most of its
    # words, and folding a body this way took half the time (issue 9). Folding never
    # reaches across a space (lower case, decomposition and composition all stop at
    # one), so the words folded apart join to the text folded whole.
    words = _FOLDED_WORDS
    if len(words) > _FOLDED_WORDS_MAX:
        words.clear()
    return " ".join([words.get(word) or _fold_word(word) for word in text.split(" ")])


# A site's vocabulary, with punctuation attached to words, is tens of thousands of
# entries; the bound keeps a long run's memory flat.
_FOLDED_WORDS: dict[str, str] = {}
_FOLDED_WORDS_MAX = 50_000


def _fold_word(word: str) -> str:
    folded = _FOLDED_WORDS[word] = fold_whole(word)
    return folded


def fold_whole(text: str) -> str:
    """`fold_text` in one pass over the whole text (its definition)."""
    # đ is a letter of its own, not d with a mark: no decomposition removes its stroke.
    # lower() first makes Đ đ; str.replace is ~10x faster than translate (issue 9).
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return unicodedata.normalize("NFC", _COMBINING.sub("", decomposed))
