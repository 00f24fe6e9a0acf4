"""Vietnamese person names as citations need them: family name and given names, or whole.

A Vietnamese name is written family name first (`Nguyễn Văn An`: family `Nguyễn`, given
`Văn An`). A citation manager that is handed the name whole guesses Western order and
files Mr Nguyễn under "An"; handed a wrong split it is worse. So a name is split only
when it has the shape of a Vietnamese full name (two to five capitalised syllables of
letters, the first a common family name); anything else (pen names such as `Hay Nguyễn`,
one word, initials, names with digits or dots, foreign names) stays a `literal`.
"""

from __future__ import annotations

import unicodedata

# Family names that are not also common given names or pen-name words: a two-syllable
# name starting with one of these is a family name and one given name (`Trần Phú`).
# fmt: off
_FAMILY_ONLY = frozenset(
    {
        "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
        "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đào", "Đoàn", "Vương", "Trịnh", "Trương",
        "Phùng", "Tạ", "Lương", "Đinh", "Quách", "Lưu", "Triệu", "Kiều", "Đàm", "Tăng",
        "Lại", "Hứa", "Khúc", "Nông", "Diệp", "Thân", "Mạc", "Doãn", "Lã", "Lò",
        "Hầu", "Khổng", "Tống", "Nghiêm", "Khương", "Tôn", "Lục", "Mẫn",
    }
)
# fmt: on
# Family names that are also given names (`Mai Anh`, `Hà Linh`, `Hoàng Anh` may be a
# pen name or given names alone): trusted only before two or more given names.
# fmt: off
_FAMILY_ALSO_GIVEN = frozenset(
    {
        "Hoàng", "Mai", "Hà", "Cao", "Lâm", "Tô", "Thái", "Châu", "Giang", "Kim",
        "Chu", "La", "Âu", "Từ", "Đồng", "Quan", "Ông", "Lạc", "Ninh", "Vi",
    }
)
# fmt: on


def split_name(name: str) -> dict[str, str]:
    """A CSL name object: `{"family", "given"}` when the split is sure, else `{"literal"}`."""
    words = unicodedata.normalize("NFC", name).split()
    literal = {"literal": " ".join(words)}
    if not 2 <= len(words) <= 5 or not all(_is_syllable(w) for w in words):
        return literal
    family, given = words[0], words[1:]
    if family in _FAMILY_ONLY or (family in _FAMILY_ALSO_GIVEN and len(given) >= 2):
        return {"family": family, "given": " ".join(given)}
    return literal


def _is_syllable(word: str) -> bool:
    # A capitalised run of letters: no initial (`V.`), digit, hyphen or all-caps acronym.
    return len(word) >= 2 and word.isalpha() and word[0].isupper() and word[1:].islower()
