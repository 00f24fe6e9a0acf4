"""Bylines: every form of PORTAL.md's "Bylines seen" and every real byline of the records."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.bylines import Byline, looks_like_byline, looks_like_role_line, parse_byline

RECORDS = Path(__file__).resolve().parent.parent / "replica" / "data" / "records-2020-11.jsonl"

# (byline lines, expected authors, expected source), checked by hand. The raw is
# always the normalised lines joined with " / " (test_raw_keeps_every_line).
FORMS: list[tuple[list[str], tuple[str, ...], str | None]] = [
    # Personal names and initials, kept as printed.
    (["Nhật Minh"], ("Nhật Minh",), None),
    (["Hay Nguyễn"], ("Hay Nguyễn",), None),
    (["Thu Hằng"], ("Thu Hằng",), None),
    (["T. Thanh"], ("T. Thanh",), None),
    (["N.KHANH"], ("N.KHANH",), None),
    (["NGUYỄN VĂN A"], ("NGUYỄN VĂN A",), None),
    (["Nguyên Anh"], ("Nguyên Anh",), None),  # "Nguyên" is also "former": here a name
    # A title is a role: the author is the name without it.
    (["PGS.TS Nguyễn Văn A"], ("Nguyễn Văn A",), None),
    (["PGS, TS Nguyễn Văn A"], ("Nguyễn Văn A",), None),
    (["ThS. Trần Thị B"], ("Trần Thị B",), None),
    (["Đại tá Nguyễn Văn B", "Học viện Quốc phòng"], ("Nguyễn Văn B",), None),
    # A name with its role line under it.
    (
        ["Phạm Việt Phong", "Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau"],
        ("Phạm Việt Phong",),
        None,
    ),
    (["Nguyễn Văn A", "Học viện Chính trị quốc gia Hồ Chí Minh"], ("Nguyễn Văn A",), None),
    (["Nguyễn Văn A", "Giám đốc Sở Thông tin và Truyền thông"], ("Nguyễn Văn A",), None),
    (["Nguyễn Văn A", "Trưởng Ban Tuyên giáo Tỉnh ủy Cà Mau"], ("Nguyễn Văn A",), None),
    (["Nhật Minh (Phó Trưởng ban, Ban Tuyên giáo)"], ("Nhật Minh",), None),
    # Agency credits: a source, no author.
    (["Theo TTXVN"], (), "TTXVN"),
    (["Theo TTXVN."], (), "TTXVN"),
    (["THEO TTXVN"], (), "TTXVN"),
    (["Theo nhandan.com.vn"], (), "nhandan.com.vn"),
    (["Theo qdnd.com.vn"], (), "qdnd.com.vn"),
    (["Nguồn: VOV"], (), "VOV"),
    (["Nguồn:VOV"], (), "VOV"),
    (["(Theo Báo Nhân Dân)"], (), "Báo Nhân Dân"),
    (["Theo TTXVN/VOV"], (), "TTXVN/VOV"),
    (["TTXVN"], (), "TTXVN"),
    # A name with its agency: both.
    (["Nhật Minh (TTXVN)"], ("Nhật Minh",), "TTXVN"),
    (["Nhật Minh (Theo TTXVN)"], ("Nhật Minh",), "TTXVN"),
    (["Thu Hằng/TTXVN"], ("Thu Hằng",), "TTXVN"),
    (["Nhật Minh - TTXVN"], ("Nhật Minh",), "TTXVN"),
    (["Thu Hằng/BNA"], ("Thu Hằng",), "BNA"),
    (["Theo Nhật Minh/TTXVN"], ("Nhật Minh",), "TTXVN"),
    (["Nhật Minh", "Báo Nhân Dân"], ("Nhật Minh",), "Báo Nhân Dân"),
    # Desk and organisation codes: no person, and no source.
    (["TG"], (), None),
    (["PV"], (), None),
    (["BTV"], (), None),
    (["CTV"], (), None),
    (["Nhóm PV"], (), None),
    (["Nhóm phóng viên"], (), None),
    (["Nhóm PV (TTXVN)"], (), "TTXVN"),
    # Several authors.
    (["Nhật Minh - Thu Hằng"], ("Nhật Minh", "Thu Hằng"), None),
    (["Nhật Minh – Thu Hằng"], ("Nhật Minh", "Thu Hằng"), None),
    (["Nhật Minh, Thu Hằng"], ("Nhật Minh", "Thu Hằng"), None),
    (["Nhật Minh và Thu Hằng"], ("Nhật Minh", "Thu Hằng"), None),
    (["Nhật Minh - Thu Hằng (TTXVN)"], ("Nhật Minh", "Thu Hằng"), "TTXVN"),
    (["Nhật Minh", "Thu Hằng"], ("Nhật Minh", "Thu Hằng"), None),
    (["Nhật Minh", "Nhật Minh"], ("Nhật Minh",), None),
    # Normalised first: NFD, entities, odd spaces, markdown emphasis.
    ([unicodedata.normalize("NFD", "Thu Hằng")], ("Thu Hằng",), None),
    (["Nhật&nbsp;Minh\u200b"], ("Nhật Minh",), None),
    (["**Nhật Minh**"], ("Nhật Minh",), None),
    # Not recognised: kept in raw only.
    (["Ban Biên tập"], (), None),
    (["BNA"], (), None),
    (["KẾT LUẬN"], (), None),
]

# Every byline of the records file (byline, then byline_role), and the three bylines
# its crawler left in the body (130806, 130812, 130827), plus the seed page's.
REAL: list[tuple[list[str], tuple[str, ...], str | None]] = [
    (["Tuấn Đạt"], ("Tuấn Đạt",), None),
    (
        ["Phạm Việt Phong", "Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau"],
        ("Phạm Việt Phong",),
        None,
    ),
    (["T. Thanh"], ("T. Thanh",), None),
    (["Nhật Minh"], ("Nhật Minh",), None),
    (["TG"], (), None),
    (["Theo qdnd.com.vn"], (), "qdnd.com.vn"),
    (["Thu Hằng"], ("Thu Hằng",), None),
    (["Theo TTXVN"], (), "TTXVN"),
    (["Lập Thạch"], ("Lập Thạch",), None),
    (["Phương Thảo"], ("Phương Thảo",), None),
    (["Theo nhandan.com.vn"], (), "nhandan.com.vn"),
    (["N.KHANH"], ("N.KHANH",), None),
    (["V.Anh"], ("V.Anh",), None),
    (["N.L"], ("N.L",), None),
    (["Hay Nguyễn"], ("Hay Nguyễn",), None),
]


def _records() -> list[dict[str, Any]]:
    with RECORDS.open(encoding="utf-8") as records:
        return [json.loads(line) for line in records]


@pytest.mark.parametrize(("lines", "authors", "source"), FORMS + REAL)
def test_parse_byline(lines: list[str], authors: tuple[str, ...], source: str | None) -> None:
    byline = parse_byline(lines)
    assert (byline.authors, byline.source) == (authors, source)


@pytest.mark.parametrize("lines", [lines for lines, _, _ in FORMS + REAL])
def test_raw_keeps_every_line(lines: list[str]) -> None:
    # Recognised or not, every line is kept, normalised (here: NFC, spaces, invisibles).
    raw = " / ".join(
        unicodedata.normalize("NFC", line).replace("&nbsp;", " ").replace("\u200b", "").strip()
        for line in lines
    )
    assert parse_byline(lines).raw == raw


def test_role_line_example_in_full() -> None:
    assert parse_byline(["Phạm Việt Phong", " Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau"]) == (
        Byline(
            raw="Phạm Việt Phong / Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau",
            authors=("Phạm Việt Phong",),
            source=None,
        )
    )


@pytest.mark.parametrize("lines", [[], [""], ["  ", "\u200b"], ()])
def test_empty(lines: list[str]) -> None:
    assert parse_byline(lines) == Byline(None, (), None)


def test_blank_lines_are_dropped_from_raw() -> None:
    assert parse_byline(["", "Nhật Minh", "  "]).raw == "Nhật Minh"


def test_a_lone_string_is_one_line() -> None:
    assert parse_byline("Nhật Minh") == Byline("Nhật Minh", ("Nhật Minh",), None)


def test_byline_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_byline(["Nhật Minh"]).raw = "x"  # type: ignore[misc]


def test_every_real_byline_is_in_the_table() -> None:
    """REAL covers the records file: a new or changed byline there needs a checked row."""
    real = {(r["byline"], r["byline_role"]) for r in _records() if r["byline"] or r["byline_role"]}
    table = {(lines[0], lines[1] if len(lines) > 1 else None) for lines, _, _ in REAL}
    assert real <= table


@pytest.mark.parametrize(
    "text",
    [
        "Hay Nguyễn",
        "Nhật Minh",
        "T. Thanh",
        "N.KHANH",
        "Theo TTXVN",
        "Theo nhandan.com.vn",
        "(Theo Báo Nhân Dân)",
        "Nguồn: VOV",
        "TG",
        "PV",
        "Nhóm PV",
        "Nhật Minh - Thu Hằng",
        "Nhật Minh (TTXVN)",
        "Thu Hằng/TTXVN",
        "PGS.TS Nguyễn Văn A",
        "_Nhật Minh_",
    ],
)
def test_looks_like_byline(text: str) -> None:
    assert looks_like_byline(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "/.",
        "./.",
        "Xin trân trọng cảm ơn./.",
        "Nhật Minh./.",
        "Toàn cảnh Hội thảo",
        "Thưa các đồng chí,",
        "Theo đó, phong trào thi đua trong giai đoạn tới tập trung vào các nội dung sau:",
        "Theo Bộ Lao động - Thương binh và Xã hội, hiện cả nước có hơn 1.900 cơ sở.",
        "Báo cáo viên các cấp",
        "Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau",
        "KẾT LUẬN",
        "Ngày 12/11/2020",
        "12/11/2020",
        "---",
        "|",
        "![](/Uploads/2020/11/12/18/kyb.jpg)",
        "Một Hai Ba Bốn Năm Sáu Bảy",
    ],
)
def test_does_not_look_like_byline(text: str) -> None:
    assert not looks_like_byline(text)


# Record ids whose last body paragraph is in fact the byline (their crawler missed it).
_LAST_PARAGRAPH_IS_BYLINE = {130806: "N.KHANH", 130827: "N.L"}


def test_last_body_paragraphs() -> None:
    """The last paragraph of each record's body is text, except where it is the byline."""
    records = _records()
    assert len(records) == 20
    for record in records:
        last = record["body"][-1]
        expected = record["article_id"] in _LAST_PARAGRAPH_IS_BYLINE
        assert looks_like_byline(last) is expected, (record["article_id"], last)
        if expected:
            assert last == _LAST_PARAGRAPH_IS_BYLINE[record["article_id"]]


def test_no_other_body_paragraph_looks_like_a_byline() -> None:
    bylines = {(130806, 9), (130812, 19), (130827, 18)}  # "N.KHANH", "V.Anh", "N.L"
    found = {
        (record["article_id"], index)
        for record in _records()
        for index, paragraph in enumerate(record["body"])
        if looks_like_byline(paragraph)
    }
    assert found == bylines


@pytest.mark.parametrize(
    "text",
    [
        "Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau",
        "Trưởng Ban Tuyên giáo Tỉnh ủy Cà Mau",
        "Giám đốc Sở Thông tin và Truyền thông",
        "Học viện Chính trị quốc gia Hồ Chí Minh",
        "Trường Chính trị tỉnh Cà Mau",
        "Nguyên Phó Chủ tịch UBND tỉnh",
        "Ủy viên Trung ương Đảng, Phó Trưởng Ban Tuyên giáo Trung ương",
        "ThS. Học viện Báo chí và Tuyên truyền",
        "PGS.TS Nguyễn Văn A",
        "Phó Trưởng ban, Ban Tuyên giáo Tỉnh ủy Cà Mau.",
    ],
)
def test_looks_like_role_line(text: str) -> None:
    assert looks_like_role_line(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Nhật Minh",
        "Nguyên Anh",
        "Theo TTXVN",
        "TG",
        "Phó Bí thư thường trực Đảng ủy EVN Nguyễn Hữu Tuấn tặng hoa chúc mừng 20/11",
        "Phó Chủ tịch nước Đặng Thị Ngọc Thịnh dự buổi lễ cùng thầy và trò nhà trường.",
        "Thưa các đồng chí!",
        "Trước đó, sáng cùng ngày, các đại biểu tham dự Lễ kỷ niệm đã dâng hoa./.",
    ],
)
def test_does_not_look_like_role_line(text: str) -> None:
    assert not looks_like_role_line(text)


@given(st.lists(st.text()))
def test_parse_never_raises(lines: list[str]) -> None:
    byline = parse_byline(lines)
    assert all(byline.authors) and (byline.source is None or byline.source)
    assert looks_like_byline(lines[0] if lines else "") in (True, False)
    assert looks_like_role_line(lines[0] if lines else "") in (True, False)
