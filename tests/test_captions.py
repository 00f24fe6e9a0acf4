"""split_caption: every caption form of PORTAL.md and every real caption of the records."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.captions import split_caption

RECORDS = Path(__file__).resolve().parent.parent / "replica" / "data" / "records-2020-11.jsonl"

# (input, expected caption, expected credit), each checked by hand.
FORMS: list[tuple[str, str | None, str | None]] = [
    # The seed page.
    ("Quang cảnh Kỳ họp (Ảnh: PV)", "Quang cảnh Kỳ họp", "PV"),
    (
        "Đồng chí Võ Văn Thưởng phát biểu chỉ đạo kỳ họp. (Ảnh: PV)",
        "Đồng chí Võ Văn Thưởng phát biểu chỉ đạo kỳ họp.",
        "PV",
    ),
    (
        " Đồng chí Võ Văn Thưởng phát biểu chỉ đạo kỳ họp.\n(Ảnh: PV)",
        "Đồng chí Võ Văn Thưởng phát biểu chỉ đạo kỳ họp.",
        "PV",
    ),
    # Bare credits after a separator, or alone.
    (
        "Trước thềm Đại hội Đảng bộ Thành phố Hà Nội - Ảnh: Chinhphu.vn",
        "Trước thềm Đại hội Đảng bộ Thành phố Hà Nội",
        "Chinhphu.vn",
    ),
    ("Ảnh: TTXVN", None, "TTXVN"),
    ("Quang cảnh hội nghị. Ảnh: TTXVN", "Quang cảnh hội nghị.", "TTXVN"),
    ("Quang cảnh hội nghị – Ảnh: TTXVN", "Quang cảnh hội nghị", "TTXVN"),
    ("Quang cảnh hội nghị Ảnh: TTXVN", "Quang cảnh hội nghị", "TTXVN"),
    ("Photo: Reuters", None, "Reuters"),
    ("Nguồn: VGP", None, "VGP"),
    ("Quang cảnh (Nguồn: Internet)", "Quang cảnh", "Internet"),
    ("Nguồn: https://vov.vn", None, "https://vov.vn"),
    ("Ảnh: Quang Vinh/TTXVN", None, "Quang Vinh/TTXVN"),
    ("Lễ kỷ niệm (Ảnh: Quang Vinh/TTXVN).", "Lễ kỷ niệm", "Quang Vinh/TTXVN"),
    ("Ảnh: TTXVN phát", None, "TTXVN"),
    ("Lễ ký kết (Ảnh: TTXVN phát)", "Lễ ký kết", "TTXVN"),
    ("Quang cảnh. (Ảnh: TTXVN.)", "Quang cảnh.", "TTXVN"),
    ("Quang cảnh (Ảnh: PV", "Quang cảnh", "PV"),  # closing parenthesis lost
    # Any case, any Unicode form.
    ("ẢNH: TTXVN", None, "TTXVN"),
    ("Quang cảnh (ảnh: PV)", "Quang cảnh", "PV"),
    (unicodedata.normalize("NFD", "Quang cảnh Kỳ họp (Ảnh: PV)"), "Quang cảnh Kỳ họp", "PV"),
    ("Quang cảnh&nbsp;Kỳ họp\u200b (Ảnh:\u00a0PV)", "Quang cảnh Kỳ họp", "PV"),
    # Stray punctuation before the credit stays; a caption of punctuation only is None.
    ("Quang cảnh Đại hội . (Ảnh: TA)", "Quang cảnh Đại hội .", "TA"),
    (". (Ảnh: Tuấn Anh)", None, "Tuấn Anh"),
    # The illustration marker is no credit; alone it is the caption.
    ("(Ảnh minh họa)", "Ảnh minh họa", None),
    ("Ảnh minh họa", "Ảnh minh họa", None),
    ("Ảnh minh hoạ", "Ảnh minh hoạ", None),
    ("Ảnh: minh họa", "Ảnh: minh họa", None),
    ("Người dân đi bầu cử (Ảnh minh họa)", "Người dân đi bầu cử", None),
    ("Người dân đi bầu cử - Ảnh minh hoạ", "Người dân đi bầu cử", None),
    ("Người dân đi bầu cử. (Ảnh: minh họa)", "Người dân đi bầu cử.", None),
    ("Ảnh minh họa: Internet", None, "Internet"),
    ("Ảnh minh họa (Ảnh: TTXVN)", "Ảnh minh họa", "TTXVN"),
    # Not credits: "hình ảnh:" inside a sentence, a long description after "Ảnh:".
    ("Hình ảnh: Lễ ký kết", "Hình ảnh: Lễ ký kết", None),
    (
        "Ảnh: Đồng chí Võ Văn Thưởng phát biểu chỉ đạo tại kỳ họp sáng nay cùng các đại biểu",
        "Ảnh: Đồng chí Võ Văn Thưởng phát biểu chỉ đạo tại kỳ họp sáng nay cùng các đại biểu",
        None,
    ),
    # Several credits: the last printed is kept, all are removed.
    ("Quang cảnh (Ảnh: X) (Ảnh: Y)", "Quang cảnh", "Y"),
    # Empty and degenerate input.
    ("", None, None),
    ("   ", None, None),
    ("(Ảnh: )", None, None),
    ("Không có nguồn", "Không có nguồn", None),
]

# Every `caption_unreliable` value of the records file (and the captions its bodies
# kept), with the split checked by hand.
REAL: list[tuple[str, str | None, str | None]] = [
    ("Quang cảnh Đại hội. (Ảnh: TA)", "Quang cảnh Đại hội.", "TA"),
    ("Quang cảnh Đại hội . (Ảnh: TA)", "Quang cảnh Đại hội .", "TA"),
    (
        "Đồng chí Võ Văn Thưởng thừa ủy quyền của Chủ tịch nước trao tặng Huân chương Độc lập và"
        " Huân chương Lao động cho các cá nhân có thành tích xuất sắc. (Ảnh: TA)",
        "Đồng chí Võ Văn Thưởng thừa ủy quyền của Chủ tịch nước trao tặng Huân chương Độc lập và"
        " Huân chương Lao động cho các cá nhân có thành tích xuất sắc.",
        "TA",
    ),
    (
        "Đồng chí Võ Văn Phuông, Ủy viên Trung ương Đảng, Phó trưởng Ban thường trực, Chủ tịch"
        " Hội đồng Thi đua khen thưởng cơ quan Ban Tuyên giáo Trung ương phát động phong trào"
        " thi đua",
        "Đồng chí Võ Văn Phuông, Ủy viên Trung ương Đảng, Phó trưởng Ban thường trực, Chủ tịch"
        " Hội đồng Thi đua khen thưởng cơ quan Ban Tuyên giáo Trung ương phát động phong trào"
        " thi đua",
        None,
    ),
    ("yêu nước giai đoạn 2020-2025.", "yêu nước giai đoạn 2020-2025.", None),
    ("Đồng chí Nguyễn Hồng Diên chúc mừng", "Đồng chí Nguyễn Hồng Diên chúc mừng", None),
    (". (Ảnh: Tuấn Anh)", None, "Tuấn Anh"),
    (
        "Đồng chí Nguyễn Hồng Diên thăm và chúc mừng Bộ Giáo dục và Đào tạo. (Ảnh: Tuấn Anh)",
        "Đồng chí Nguyễn Hồng Diên thăm và chúc mừng Bộ Giáo dục và Đào tạo.",
        "Tuấn Anh",
    ),
    (
        "Đồng chí Nguyễn Hồng Diên chúc mừng PGS.TS.NGND Phạm Quý Tư. (Ảnh: Tuấn Anh)",
        "Đồng chí Nguyễn Hồng Diên chúc mừng PGS.TS.NGND Phạm Quý Tư.",
        "Tuấn Anh",
    ),
    ("Toàn cảnh Hội thảo.", "Toàn cảnh Hội thảo.", None),
    (
        "GS.TS. Hoàng Chí Bảo đề xuất chủ đề tổng quát, bao trùm trong học tập và làm theo tư"
        " tưởng, đạo đức, phong cách Hồ Chí Minh trong nhiệm kỳ Đại hội XIII của Đảng là"
        ' "Khát vọng Việt Nam theo tư tưởng, đạo đức, phong cách Hồ Chí Minh: từ nhận thức đến'
        ' hành động"',
        "GS.TS. Hoàng Chí Bảo đề xuất chủ đề tổng quát, bao trùm trong học tập và làm theo tư"
        " tưởng, đạo đức, phong cách Hồ Chí Minh trong nhiệm kỳ Đại hội XIII của Đảng là"
        ' "Khát vọng Việt Nam theo tư tưởng, đạo đức, phong cách Hồ Chí Minh: từ nhận thức đến'
        ' hành động"',
        None,
    ),
    (
        "Đồng chí Lê Chí Công, Phó Trưởng ban Tuyên giáo Tỉnh ủy Lai Châu chia sẻ về việc xây"
        " dựng và tuyên truyền mô hình hay, cách làm hiệu quả, điển hình tiên tiến trong thực"
        " hiện Chỉ thị 05.",
        "Đồng chí Lê Chí Công, Phó Trưởng ban Tuyên giáo Tỉnh ủy Lai Châu chia sẻ về việc xây"
        " dựng và tuyên truyền mô hình hay, cách làm hiệu quả, điển hình tiên tiến trong thực"
        " hiện Chỉ thị 05.",
        None,
    ),
    (
        "Phó Bí thư thường trực Đảng ủy EVN Nguyễn Hữu Tuấn tặng hoa chúc mừng 20/11",
        "Phó Bí thư thường trực Đảng ủy EVN Nguyễn Hữu Tuấn tặng hoa chúc mừng 20/11",
        None,
    ),
    (
        "Các đơn vị trang trí hoàn thành  các hạng mục treo Quốc kỳ, Đảng kỳ, hồng kỳ… trước"
        " thềm Đại hội Đảng bộ Thành phố Hà Nội - Ảnh: Chinhphu.vn",
        "Các đơn vị trang trí hoàn thành các hạng mục treo Quốc kỳ, Đảng kỳ, hồng kỳ… trước"
        " thềm Đại hội Đảng bộ Thành phố Hà Nội",
        "Chinhphu.vn",
    ),
    (
        "Ủy viên Ban Thường vụ Đảng ủy PVN, Tổng Giám đốc BSR Bùi Minh Tiến đại diện PVN trao"
        " biển tượng trưng hỗ trợ 1 tỷ đồng.",
        "Ủy viên Ban Thường vụ Đảng ủy PVN, Tổng Giám đốc BSR Bùi Minh Tiến đại diện PVN trao"
        " biển tượng trưng hỗ trợ 1 tỷ đồng.",
        None,
    ),
    (
        "Tổng Giám đốc BSR Bùi Minh Tiến trao biển tượng trưng hỗ trợ 500 triệu đồng.",
        "Tổng Giám đốc BSR Bùi Minh Tiến trao biển tượng trưng hỗ trợ 500 triệu đồng.",
        None,
    ),
    (
        "Bộ trưởng Bộ Công Thương Trần Tuấn Anh tặng hoa cảm ơn các đơn vị, doanh nghiệp hỗ trợ"
        " tỉnh Quảng Ngãi khắc phục hậu quả thiên tai.",
        "Bộ trưởng Bộ Công Thương Trần Tuấn Anh tặng hoa cảm ơn các đơn vị, doanh nghiệp hỗ trợ"
        " tỉnh Quảng Ngãi khắc phục hậu quả thiên tai.",
        None,
    ),
    (
        "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Quảng Ngãi Đặng Văn Minh phát biểu cảm ơn các"
        " đơn vị doanh nghiệp hỗ trợ kinh phí cho tỉnh Quảng Ngãi.",
        "Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh Quảng Ngãi Đặng Văn Minh phát biểu cảm ơn các"
        " đơn vị doanh nghiệp hỗ trợ kinh phí cho tỉnh Quảng Ngãi.",
        None,
    ),
]


@pytest.mark.parametrize(("text", "caption", "credit"), FORMS + REAL)
def test_split_caption(text: str, caption: str | None, credit: str | None) -> None:
    assert split_caption(text) == (caption, credit)


def test_every_real_caption_is_in_the_table() -> None:
    """REAL covers the records file: a new or changed caption there needs a checked row."""
    with RECORDS.open(encoding="utf-8") as records:
        real = {
            image["caption_unreliable"]
            for line in records
            for image in json.loads(line)["images"]
            if image.get("caption_unreliable")
        }
    assert real <= {text for text, _, _ in REAL}


def test_wrong_type_does_not_raise() -> None:
    assert split_caption(None) == (None, None)  # type: ignore[arg-type]


# Text built from the pieces captions are made of, so that hypothesis reaches the
# credit and marker paths, not only random noise.
_PIECES = st.sampled_from(
    [
        "Ảnh",
        "ảnh",
        "ẢNH",
        "Nguồn",
        "Photo",
        "minh họa",
        "minh hoạ",
        ":",
        "(",
        ")",
        ".",
        " ",
        " - ",
        "–",
        "/",
        "phát",
        "TTXVN",
        "Quang cảnh",
        "&amp;",
        "&nbsp;",
        "\u0301",
        "\u200b",
        "://",
    ]
)
_CAPTIONS = st.one_of(st.text(), st.lists(_PIECES | st.text(max_size=3)).map("".join))


@given(_CAPTIONS)
def test_split_never_raises(text: str) -> None:
    caption, credit = split_caption(text)
    assert caption is None or caption
    assert credit is None or credit


@given(_CAPTIONS)
def test_split_is_idempotent(text: str) -> None:
    caption, _ = split_caption(text)
    if caption is not None:
        assert split_caption(caption) == (caption, None)
