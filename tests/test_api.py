"""The public Python API: `import vnarchive`, typed records out of an archive."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import vnarchive
from pipelines.archive import Archive

VN = timezone(timedelta(hours=7))
FIXTURE = Path(__file__).parent / "fixtures" / "pages"


def article(article_id: int, title: str, body: tuple[str, ...]) -> vnarchive.Article:
    return vnarchive.Article(
        url=f"https://www.tuyengiao.vn/thoi-su/bai-{article_id}",
        canonical_url=f"https://www.tuyengiao.vn/thoi-su/bai-{article_id}",
        site="tuyengiao.vn",
        article_id=article_id,
        category="thoi-su",
        title=title,
        lead=None,
        body=body,
        images=(vnarchive.Image("https://www.tuyengiao.vn/a.jpg", "Quang cảnh", "PV"),),
        published_at=datetime(2020, 11, 5, 15, 42, tzinfo=VN),
        fetched_at=datetime(2026, 11, 26, 10, 0, tzinfo=VN),
    )


@pytest.fixture
def archive_path(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.upsert_article(article(1001, "Hà Nội mùa thu", ("Đoạn một.",)))
        archive.upsert_article(article(1002, "Kỳ họp Quốc hội", ("Ở Hà Giang.",)))
        # A second version of 1001: the first becomes a Version.
        archive.upsert_article(article(1001, "Hà Nội mùa thu", ("Đoạn một, sửa.",)))
        archive.record_capture({
            "url": "https://www.tuyengiao.vn/thoi-su/bai-1001",
            "fetched_at": "2026-11-26T10:00:00+07:00",
            "status": 200, "content_type": "text/html", "payload_digest": "sha1:X",
            "record_type": "response", "warc_file": "warc/a.warc.gz", "offset": 0, "length": 10,
            "site": "tuyengiao.vn", "article_id": 1001,
        })  # fmt: skip
    return path


def test_an_archive_reads_back_as_typed_records(archive_path):
    with vnarchive.open_archive(archive_path) as archive:
        articles = list(archive.articles())
        assert [(a.article_id, a.body) for a in articles] == [
            (1001, ("Đoạn một, sửa.",)), (1002, ("Ở Hà Giang.",)),
        ]  # fmt: skip
        assert articles[0].images == (
            vnarchive.Image("https://www.tuyengiao.vn/a.jpg", "Quang cảnh", "PV"),
        )
        assert archive.article("tuyengiao.vn", 1002).title == "Kỳ họp Quốc hội"
        assert archive.article("tuyengiao.vn", 9) is None

        hits = list(archive.search("ha noi"))
        assert [(h.article_id, h.match) for h in hits] == [(1001, "folded")]
        assert isinstance(hits[0], vnarchive.SearchHit)

        (version,) = archive.versions("tuyengiao.vn", 1001)
        assert version.article.body == ("Đoạn một.",) and version.changed_fields == ("body",)

        (capture,) = archive.captures(article_id=1001)
        assert (capture.warc_file, capture.status, capture.crawl_id) == (
            "warc/a.warc.gz",
            200,
            None,
        )
        assert list(archive.captures(site="elsewhere.vn")) == []
        with pytest.raises(FrozenInstanceError):
            capture.status = 404  # type: ignore[misc]


def test_open_archive_refuses_a_path_with_no_archive(tmp_path):
    with pytest.raises(FileNotFoundError, match="no archive at"):
        vnarchive.open_archive(tmp_path / "nothing.db")
    assert not (tmp_path / "nothing.db").exists()


def test_parse_article_is_the_extractor():
    expected = json.loads((FIXTURE / "old-body-dates-131100.json").read_text(encoding="utf-8"))
    parsed = vnarchive.parse_article(
        (FIXTURE / "old-body-dates-131100.html").read_bytes(), expected["url"],
        datetime(2026, 1, 1, tzinfo=VN),
    )  # fmt: skip
    assert isinstance(parsed, vnarchive.Article)
    assert (parsed.article_id, parsed.title) == (expected["article_id"], expected["title"])


def test_the_command_line_starts_without_the_api():
    code = (
        "import sys, vnarchive.cli; print(sorted(m for m in sys.modules"
        " if m.startswith(('pipelines', 'crawler.extract.parsing'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        vnarchive.nope  # noqa: B018
