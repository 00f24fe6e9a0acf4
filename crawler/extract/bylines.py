"""Bylines: who wrote an article, and which agency it was taken from.

The portal prints the byline as the body's last short paragraph(s): a pen name
("Nhật Minh"), initials ("T. Thanh", "N.KHANH"), a name with a role line under it,
an agency credit ("Theo TTXVN") or a desk code ("TG", "PV"). The archive keeps three
things apart: the raw lines as printed, the person names, and the credited source.

Decisions for the ambiguous forms (tests/test_bylines.py pins each one):
- An academic or military title is a role, not part of the name:
  "PGS.TS Nguyễn Văn A" gives the author "Nguyễn Văn A".
- Desk codes (TG, PV, BTV, CTV, TH) and "Nhóm PV"/"Nhóm phóng viên" credit no person
  and no agency; "TTXVN" alone is an agency, so it is the source.
- An unknown all-caps word alone ("BNA", "NL") is not recognised (it may be initials,
  a code or a heading), but beside a name ("Thu Hằng/BNA") it is the agency.
- Whatever follows a name in parentheses is the agency ("Nhật Minh (TTXVN)"), unless
  it is a desk code or a role.
- Several agencies on one line are kept as printed: "Theo TTXVN/VOV" -> "TTXVN/VOV".
- A line that is not recognised is kept in `raw` only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from crawler.extract.text import normalize_text


@dataclass(frozen=True, slots=True)
class Byline:
    raw: str | None  # the byline lines, normalised, joined with " / "
    authors: tuple[str, ...]  # person names only
    source: str | None  # the agency credited ("TTXVN", "nhandan.com.vn", "Báo Nhân Dân"...)


EMPTY = Byline(None, (), None)

# Desk and organisation codes: the newsroom signs, no person is named.
_DESK_CODES = frozenset({"TG", "PV", "BTV", "CTV", "TH", "BBT", "P.V", "PV."})
_GROUP = re.compile(r"^nhóm\s+(?:pv|phóng\s+viên|ctv|cộng\s+tác\s+viên|tác\s+giả)$", re.I)
# Agencies that appear bare; anything else is recognised by shape (domain, "Báo ...").
_AGENCIES = frozenset(
    {"TTXVN", "VNA", "VOV", "VTV", "TTX", "VTC", "QĐND", "TTO", "VGP", "VNEXPRESS", "VIETNAMPLUS"}
)
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov|info|edu)(?:\.vn)?$", re.I)
# A capital must follow: "Báo Nhân Dân" is a paper, "Báo cáo viên" (reporter) is not.
_AGENCY_PREFIX = re.compile(
    r"^(?:báo|tạp\s+chí|đài|thông\s+tấn\s+xã|cổng\s+thông\s+tin|cổng\s+TTĐT|trang\s+tin|"
    r"hãng\s+thông\s+tấn|kênh)\s+(?P<next>\S)",
    re.I,
)
# An acronym such as "VTV1" or "BNA": an agency when it stands beside a name.
_ACRONYM = re.compile(r"^[A-ZĐ]{2,8}\d?$")
# "Theo TTXVN", "Nguồn: VOV", "Theo: nhandan.com.vn".
_SOURCE_PREFIX = re.compile(r"^(?:theo|nguồn)(?:\s*:\s*|\s+)(?P<rest>.+)$", re.I)
_TRAILING_PARENS = re.compile(r"^(?P<head>.+?)\s*\((?P<tail>[^()]+)\)$")
# "(tổng hợp)", "(lược dịch)": how the text was made; neither an agency nor a person.
_COMPILED = re.compile(
    r"^(?:tổng\s+hợp|lược\s+dịch|biên\s+dịch|dịch|tổng\s+hợp\s+và\s+dịch|theo\s+tổng\s+hợp)$",
    re.I,
)
# Separators between names: "Nhật Minh - Thu Hằng", "Thu Hằng/TTXVN", "A, B", "A và B".
_SEPARATORS = re.compile(r"\s*[/,;&–—]\s*|\s+-\s+|\s+(?:và|and)\s+")
# Titles before a name are roles: "PGS.TS", "ThS.", "Đại tá", "Nhà báo"...
_TITLE = (
    r"(?:(?:PGS|GS|TSKH|TS|ThS|Ths|THS|NCS|BS|CKII|CKI|KS|LS|CN|NGND|NGƯT|NSND|NSƯT)"
    r"(?=[\s.,]|$)\.?"
    r"|phó\s+giáo\s+sư|giáo\s+sư|tiến\s+sĩ|thạc\s+sĩ|bác\s+sĩ|kỹ\s+sư|luật\s+sư|"
    r"nhà\s+báo|nhà\s+văn|nhà\s+thơ|đại\s+tá|thượng\s+tá|trung\s+tá|thiếu\s+tá|đại\s+úy|"
    r"thiếu\s+tướng|trung\s+tướng|thượng\s+tướng|đại\s+tướng)"
)
_TITLES = re.compile(rf"^(?:{_TITLE}\s*[.,]?\s*)+", re.I)
# Words that open a role line ("Phó Trưởng ban, ...", "Học viện ...", "Giám đốc Sở ...").
_ROLE_START = re.compile(
    r"^(?:phó|trưởng|cựu|giám\s+đốc|tổng\s+giám\s+đốc|bí\s+thư|chủ\s+tịch|"
    r"ủy\s+viên|uỷ\s+viên|thứ\s+trưởng|bộ\s+trưởng|chánh|vụ\s+trưởng|cục\s+trưởng|"
    r"viện\s+trưởng|hiệu\s+trưởng|tổng\s+biên\s+tập|thư\s+ký|giảng\s+viên|"
    r"nghiên\s+cứu\s+viên|chuyên\s+viên|cán\s+bộ|đại\s+biểu|thành\s+viên|học\s+viên|"
    r"sinh\s+viên|học\s+viện|đại\s+học|viện|ban|sở|bộ|cục|tổng\s+cục|vụ|hội|ủy\s+ban|"
    r"uỷ\s+ban|tỉnh\s+ủy|tỉnh\s+uỷ|thành\s+ủy|thành\s+uỷ|huyện\s+ủy|huyện\s+uỷ|"
    r"quận\s+ủy|đảng\s+ủy|đảng\s+uỷ|đảng\s+bộ|UBND|HĐND|MTTQ|trung\s+tâm|văn\s+phòng|"
    r"công\s+ty|tổng\s+công\s+ty)(?=[\s,]|$)",
    re.I,
)
# "Trường", "Khoa" and "Nguyên" are also given names ("Nguyên Anh"): a role only with
# a lower-case word after them ("Trường Chính trị tỉnh", "Nguyên Phó Chủ tịch tỉnh").
_AMBIGUOUS_ROLE_START = re.compile(r"^(?:trường|khoa|nguyên)\s", re.I)
# Official texts close with "/." or "./."; such a paragraph is text, never a byline.
_CLOSING_MARK = re.compile(r"\.?/\.\s*$")
# Emphasis left by markdown-ish extractors: "**Nhật Minh**", "_T. Thanh_".
_EMPHASIS = "*_ "
# Vietnamese family names, to accept a name printed all in capitals ("NGUYỄN VĂN A")
# without taking every short all-caps heading for a person.
_SURNAMES = frozenset(
    re.findall(
        r"\S+",
        "NGUYỄN TRẦN LÊ PHẠM HOÀNG HUỲNH PHAN VŨ VÕ ĐẶNG BÙI ĐỖ HỒ NGÔ DƯƠNG LÝ ĐINH ĐÀO "
        "TRỊNH MAI TRƯƠNG LƯƠNG LƯU TÔ HÀ CAO LÂM QUÁCH TẠ VƯƠNG KIỀU CHU TÔN THÁI",
    )
)
_DATE = re.compile(r"\b\d{1,2}[/-]\d{1,2}\b")
_MAX_NAME_WORDS = 6
_MAX_BYLINE_WORDS = 12
_MAX_ROLE_WORDS = 25


@dataclass(frozen=True, slots=True)
class _Line:
    """What one byline line credits; `None` from `_parse_line` means "not recognised"."""

    authors: tuple[str, ...] = ()
    source: str | None = None


def parse_byline(lines: Sequence[str], *, caps_names: bool = False) -> Byline:
    """Split the byline block's lines (top to bottom) into raw text, authors and source.

    `caps_names`: the lines come from an element the page names as its byline, where a
    name printed in capitals ("NHẬT XUÂN") is a person even without a known family name.
    """
    if isinstance(lines, str):  # a lone string would otherwise be read letter by letter
        lines = [lines]
    cleaned = [normalize_text(line) for line in lines if isinstance(line, str)]
    cleaned = [line for line in cleaned if line]
    if not cleaned:
        return EMPTY
    authors: list[str] = []
    source: str | None = None
    for line in cleaned:
        parsed = _parse_line(line, caps_names)
        if parsed is None:
            continue  # a role line or something unknown: kept in raw only
        authors.extend(a for a in parsed.authors if a not in authors)
        source = source or parsed.source
    return Byline(" / ".join(cleaned), tuple(authors), source)


def looks_like_byline(text: str, *, caps_names: bool = False) -> bool:
    """Is this short paragraph plausibly a byline line (name, initials, "Theo X", desk code)?"""
    if not isinstance(text, str):
        return False
    line = _strip_emphasis(normalize_text(text))
    if not line or _CLOSING_MARK.search(line) or len(line.split()) > _MAX_BYLINE_WORDS:
        return False
    return _parse_line(line, caps_names) is not None


def looks_like_role_line(text: str) -> bool:
    """Is this a role/title line such as "Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau"?"""
    if not isinstance(text, str):
        return False
    line = _strip_emphasis(normalize_text(text))
    words = line.split()
    if not words or len(words) > _MAX_ROLE_WORDS or _CLOSING_MARK.search(line):
        return False
    # Roles carry no exclamations, questions or quotes; a colon or semicolon at the end
    # introduces more text; a full stop after many words ends a sentence.
    if _NOT_A_ROLE.search(line) or line.endswith((":", ";")):
        return False
    if _DATE.search(line):  # "... tặng hoa chúc mừng 20/11" is a caption, not a title
        return False
    if line.endswith(".") and len(words) > 12 and not _TITLES.match(line):
        return False
    if _TITLES.match(line):
        return True
    if _AMBIGUOUS_ROLE_START.match(line):
        return any(w[:1].islower() for w in words[1:])
    return bool(_ROLE_START.match(line))


# A pure function of the line, memoised: the body's last paragraph is read once by
# `looks_like_byline` (is it a byline?) and again by `parse_byline` (whose?).
@lru_cache(maxsize=16)
def _parse_line(text: str, caps: bool = False) -> _Line | None:
    line = _strip_emphasis(text)
    if line.startswith("(") and line.endswith(")") and "(" not in line[1:]:
        line = line[1:-1].strip()  # "(Theo Báo Nhân Dân)"
    if not line:
        return None
    if line.endswith(".") and not line.endswith(".."):
        # "Theo TTXVN.": the full stop is punctuation, not part of the credit.
        parsed = _parse_unwrapped(line[:-1].rstrip(), caps)
        if parsed is not None:
            return parsed
    return _parse_unwrapped(line, caps)


def _parse_unwrapped(line: str, caps: bool = False) -> _Line | None:
    if _is_agency(line, beside_name=False):
        return _Line(source=line)
    match = _SOURCE_PREFIX.match(line)
    if match:
        return _parse_source(match["rest"].strip(), caps)
    if _is_role(line):
        return None
    match = _TRAILING_PARENS.match(line)
    if match:
        head = _parse_parts(match["head"], caps)
        tail = match["tail"].strip()
        if head is not None and _COMPILED.match(tail):
            return head  # "Hà Thu (tổng hợp)": how the text was made, not a source
        source_match = _SOURCE_PREFIX.match(tail)
        if source_match:
            tail = source_match["rest"].strip()
        if head is None or not _short_credit(tail):
            return None
        if _is_desk_code(tail) or looks_like_role_line(tail) or _COMPILED.match(tail):
            return head
        return _Line(head.authors, head.source or tail)
    return _parse_parts(line, caps)


def _parse_source(rest: str, caps: bool = False) -> _Line | None:
    """After "Theo"/"Nguồn:": an agency, or a name with its agency ("Theo Nhật Minh/TTXVN")."""
    # An agency starts with a capital ("Theo TTXVN") or is a domain; "Theo đó, ..." is text.
    if not _short_credit(rest) or not (rest[:1].isupper() or _DOMAIN.match(rest)):
        return None
    parsed = _parse_unwrapped(rest, caps)
    if parsed is not None and parsed.authors and parsed.source:
        return parsed
    return _Line(source=rest)


def _parse_parts(text: str, caps: bool = False) -> _Line | None:
    """Names and agencies separated by "-", "/", ",", "và"; None if any part is unknown."""
    if _GROUP.match(text) or _is_desk_code(text):
        return _Line()
    parts = [p.strip() for p in _SEPARATORS.split(text)]
    if any(not p for p in parts):
        return None
    authors: list[str] = []
    sources: list[str] = []
    for part in parts:
        if _GROUP.match(part) or _is_desk_code(part) or _is_title_only(part):
            continue  # "PGS, TS Nguyễn Văn A": the bare title is not a person
        name = _name(part, caps)
        if name is not None and not _is_agency(part, beside_name=len(parts) > 1):
            authors.append(name)
        elif _is_agency(part, beside_name=len(parts) > 1):
            sources.append(part)
        else:
            return None
    source = sources[0] if sources else None
    if sources and not authors:
        source = text  # only agencies: keep them as printed ("TTXVN/VOV")
    return _Line(tuple(authors), source)


def _name(text: str, caps: bool = False) -> str | None:
    """The person's name as printed, without a leading title; None if not name-shaped."""
    title = _TITLES.match(text)
    name = text[title.end() :].strip() if title else text
    return name if name and _is_name(name, caps) else None


def _is_name(text: str, caps: bool = False) -> bool:
    words = text.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS or len(text) > 60:
        return False
    has_initials = False
    for word in words:
        segments = word.split(".")
        if len(segments) > 1:
            has_initials = True
            # Initials: "N.", "Th.", "N.KHANH", "V.Anh", "T.T.Hằng"; the last part may be empty.
            if not all(_is_initial(s) for s in segments[:-1]):
                return False
            if segments[-1] and not (_is_title_word(segments[-1]) or _is_caps_word(segments[-1])):
                return False
        elif not (_is_title_word(word) or _is_caps_word(word)):
            return False
    capitals = [w for w in words if "." not in w and _is_caps_word(w)]
    if any(len(w) > 1 for w in capitals) and not has_initials:
        # All-caps names only when a family name shows it is a person, not a heading
        # (or when the page names the element as its byline: `caps`).
        return len(capitals) == len(words) >= 2 and (caps or any(w in _SURNAMES for w in words))
    return True


def _is_initial(segment: str) -> bool:
    return 1 <= len(segment) <= 2 and segment.isalpha() and segment[0].isupper()


def _is_title_word(word: str) -> bool:
    return word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower())


def _is_caps_word(word: str) -> bool:
    return word.isalpha() and word.isupper()


def _is_agency(text: str, *, beside_name: bool) -> bool:
    if text.upper() in _AGENCIES or _DOMAIN.match(text):
        return True
    prefix = _AGENCY_PREFIX.match(text)
    if prefix and prefix["next"][0].isupper() and _short_credit(text):
        return True
    return beside_name and bool(_ACRONYM.match(text)) and not _is_desk_code(text)


def _is_title_only(text: str) -> bool:
    title = _TITLES.match(text)
    return title is not None and not text[title.end() :].strip()


def _is_desk_code(text: str) -> bool:
    return text.upper() in _DESK_CODES


def _is_role(line: str) -> bool:
    title = _TITLES.match(line)
    if title:  # "PGS.TS Nguyễn Văn A" is a name; "ThS., Học viện ..." a role
        return _name(line) is None
    return looks_like_role_line(line)


# Sentence punctuation: a line with it is no role line, a text with it no credit.
_NOT_A_ROLE = re.compile(r"[!?\"“”]")
_NOT_A_NAME = re.compile(r"[;:!?\"“”()]")


def _short_credit(text: str) -> bool:
    """A credit is a few words, without sentence punctuation."""
    return 0 < len(text.split()) <= 8 and not _NOT_A_NAME.search(text.replace("://", ""))


def _strip_emphasis(text: str) -> str:
    return text.strip(_EMPHASIS)
