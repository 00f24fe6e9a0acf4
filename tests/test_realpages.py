"""The six real pages of other portals (tests/fixtures/portals/*), read by the generic reader.

Each `NAME.json` is the gold record labelled by hand from the visible page (the
folder's README says how); it is compared field by field, and every gold field must
be one this test knows: a gold field nobody checks would be a silent pass.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawler.extract.article import Article
from crawler.extract.parsing import parse_article, read_page
from crawler.extract.parsing.generic_article import generic_article
from crawler.extract.parsing.page import Page
from crawler.extract.urls import site_host

PORTALS = Path(__file__).parent / "fixtures" / "portals"
FETCHED_AT = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=7)))
PAGES = {p.stem: p.parent for p in PORTALS.glob("*/*-*.html")}
NAMES = sorted(PAGES)
# Gold fields compared with the record's field of the same name.
SAME = (
    "title",
    "lead_prefix",
    "published_at",
    "published_text",
    "updated_at",
    "authors",
    "source",
    "body",
    "tags",
    "category",
)
# Gold fields compared otherwise (see `record_value`).
MAPPED = ("lead", "images")
# Gold fields that are no record field: the page's URL is the input; the notes are the
# labellers'; the raw metadata stamp is not kept (`sources["published_at"]` says which
# evidence gave the date).
NOT_IN_RECORD = ("url", "notes", "published_meta")
FIELDS = (*SAME, *MAPPED)


def gold(name: str) -> dict[str, Any]:
    return json.loads((PAGES[name] / f"{name}.json").read_text(encoding="utf-8"))


def read(name: str) -> Article:
    expected = gold(name)
    parsed = read_page((PAGES[name] / f"{name}.html").read_bytes(), expected["url"])
    return generic_article(Page(parsed.root), parsed.decoded, expected["url"], FETCHED_AT)


_CACHE: dict[str, dict[str, Any]] = {}


def record(name: str) -> dict[str, Any]:
    if name not in _CACHE:
        _CACHE[name] = read(name).to_record()
    return _CACHE[name]


def record_value(rec: dict[str, Any], field: str) -> Any:
    if field == "lead":
        # The gold keeps the mark in the lead; the record splits it off.
        return " ".join(p for p in (rec["lead_prefix"], rec["lead"]) if p)
    if field == "images":
        return [
            {"caption": i["caption"], "credit": i["credit"], "src": i["url"]} for i in rec["images"]
        ]
    return rec[field]


def test_six_pages_with_their_gold() -> None:
    assert len(NAMES) == 6
    for name in NAMES:
        assert (PAGES[name] / f"{name}.json").exists()


@pytest.mark.parametrize("name", NAMES)
def test_every_gold_field_is_checked(name: str) -> None:
    assert set(gold(name)) == {*FIELDS, *NOT_IN_RECORD}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", NAMES)
def test_field_against_gold(name: str, field: str) -> None:
    assert record_value(record(name), field) == gold(name)[field]


@pytest.mark.parametrize("name", NAMES)
def test_site_is_the_page_host_and_every_field_has_its_evidence(name: str) -> None:
    rec = record(name)
    assert rec["site"] == site_host(gold(name)["url"])
    assert rec["layout"] == "generic" and rec["extraction_method"] == "generic"
    for field in ("title", "lead", "published_at", "authors", "body"):
        assert rec["sources"].get(field), field
    assert rec["sources"]["published_at"] == "text"  # the visible minute, not metadata seconds


@pytest.mark.parametrize("name", NAMES)
def test_a_page_under_an_undeclared_host_is_read_generically_as_that_host_s(name: str) -> None:
    # A copy on a host no portal declares (a mirror nobody told us of) is read by the
    # generic reader under its own host, never as the portal its markup or canonical
    # URL names.
    expected = gold(name)
    mirror = "https://mirror.example" + urlsplit(expected["url"]).path
    article = parse_article((PAGES[name] / f"{name}.html").read_bytes(), mirror, FETCHED_AT)
    assert article.site == "mirror.example" and article.layout == "generic"
    assert article.title == expected["title"]
