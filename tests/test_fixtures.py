"""Fixture tests: each saved page in tests/fixtures/pages has a hand-checked expected record.

`NAME.html` is the page; `NAME.json` is either the exact record `parse_article` must
return (every field asserted, no extra field allowed), or `{"url": ..., "error": KIND}`
for a page that is not an article. All pages are read with the same fetched_at.
"""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.extract.article import RECORD_FIELDS
from crawler.extract.errors import ExtractionError
from crawler.extract.parsing import parse_article

PAGES = Path(__file__).parent / "fixtures" / "pages"
FETCHED_AT = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=7)))
CASES = sorted(PAGES.glob("*.html"))


def load(page: Path) -> dict:
    return json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))


def test_every_page_has_an_expectation():
    # The gold set of issue #3: at least 40 hand-checked pages (tests/fixtures/README.md).
    assert len(CASES) >= 40, f"only {len(CASES)} fixture pages"
    for page in CASES:
        assert page.with_suffix(".json").exists(), f"{page.name} has no expected .json"


@pytest.mark.parametrize("page", CASES, ids=lambda p: p.stem)
def test_fixture(page: Path) -> None:
    expected = load(page)
    html = page.read_bytes()
    if "error" in expected:
        with pytest.raises(ExtractionError) as info:
            parse_article(html, expected["url"], FETCHED_AT)
        assert info.value.kind == expected["error"]
        return
    assert set(expected) == RECORD_FIELDS, "the expected file itself lists the wrong fields"
    record = parse_article(html, expected["url"], FETCHED_AT).to_record()
    assert set(record) == RECORD_FIELDS, f"extra or missing fields: {set(record) ^ RECORD_FIELDS}"
    wrong = {
        field: {"got": record[field], "expected": expected[field]}
        for field in sorted(RECORD_FIELDS)
        if record[field] != expected[field]
    }
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)
