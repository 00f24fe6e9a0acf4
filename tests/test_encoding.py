"""Decoding Vietnamese pages: UTF-8 first, windows-1258, mojibake repaired or refused,
TCVN3/VNI refused. Never a silently wrong text."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.encoding import (
    MOJIBAKE_REPAIRED,
    UTF8_REPLACED,
    decode_page,
    legacy_charset,
    repair_mojibake,
)
from crawler.extract.errors import DecodingError
from replica.faults import to_cp1258

TEXT = "Đồng chí Nguyễn Trọng Nghĩa phát biểu: “Ủy ban hòa giải” ở Hà Nội."
VIETNAMESE = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậỳỷỹýỵĐƯỜỮ .,")),
    max_size=80,
)


def page(body: str, charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}</head><body><p>{body}</p></body></html>"


def as_mojibake(text: str) -> str:
    """UTF-8 read as windows-1252 (undefined bytes kept as C1 controls, as browsers do)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode())


def test_utf8_page():
    decoded = decode_page(page(TEXT).encode())
    assert TEXT in decoded.text and decoded.flags == ()


def test_one_stray_byte_keeps_utf8_and_flags_it():
    data = page(TEXT * 20, None).encode().replace(b"</p>", b"\xff</p>")
    decoded = decode_page(data)
    assert TEXT * 20 in decoded.text
    assert decoded.text.count("\ufffd") == 1 and decoded.flags == (UTF8_REPLACED,)


@pytest.mark.parametrize("charset", ["windows-1258", None])
def test_windows_1258_declared_or_not_is_nfc(charset):
    data = to_cp1258(page(TEXT, charset))
    decoded = decode_page(data)
    assert TEXT in decoded.text
    assert unicodedata.is_normalized("NFC", decoded.text)


def test_mojibake_is_repaired_and_flagged():
    decoded = decode_page(page(as_mojibake(TEXT)).encode())
    assert TEXT in decoded.text and decoded.flags == (MOJIBAKE_REPAIRED,)


def test_tcvn3_is_refused():
    # "Việt Nam" in TCVN3 (ABC): V i Ö t N a m, with the .VnTime font of such pages.
    data = b'<html><body style="font-family:.VnTime"><p>Vi\xd6t Nam</p></body></html>'
    assert legacy_charset(data) == "tcvn3"
    with pytest.raises(DecodingError):
        decode_page(data)


def test_vni_font_is_refused():
    data = b'<html><body><font face="VNI-Times">Vie\xe4t Nam</font></body></html>'
    assert legacy_charset(data) == "vni"
    with pytest.raises(DecodingError):
        decode_page(data)


@given(VIETNAMESE)
def test_mojibake_round_trip(text):
    text = unicodedata.normalize("NFC", text)
    fixed, _, left = repair_mojibake(as_mojibake(text))
    assert left == 0 and fixed == text


@given(VIETNAMESE)
def test_clean_vietnamese_is_never_touched(text):
    assert repair_mojibake(text)[0] == text


@given(st.binary(max_size=300))
def test_decode_never_fails_otherwise(data):
    try:
        decoded = decode_page(data)
    except DecodingError:
        return
    assert isinstance(decoded.text, str)


def test_byte_prefilter_never_misses_mojibake():
    # The quick look on UTF-8 bytes must see every start the text regex would find.
    from crawler.extract.encoding import _CONT_CHARS, _MOJIBAKE_START, _may_hold_mojibake

    for lead in map(chr, range(0x80, 0x250)):
        for cont in (*_CONT_CHARS, *map(chr, range(0x80, 0x250))):
            text = f"a{lead}{cont}b"
            if _MOJIBAKE_START.search(text):
                assert _may_hold_mojibake(text.encode()), repr(text)


def test_unsafe_byte_table_is_the_regex():
    from crawler.extract.parsing.dom import _XML_UNSAFE, has_unsafe_bytes

    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        text = f"x{chr(code)}y"
        assert has_unsafe_bytes(text.encode()) == bool(_XML_UNSAFE.search(text))
