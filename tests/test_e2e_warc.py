"""Raw captures end to end: crawl the replica, read the WARC back, revisit, reparse."""

import hashlib
import subprocess
import sys
from base64 import b32encode
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from harness.crawl_support import crawl
from pipelines.archive import Archive
from pipelines.reparse import reparse
from replica.server import start_replica

pytestmark = pytest.mark.e2e


def read_record(db: Path, warc_file: str, offset: int):
    with open(db.parent / warc_file, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record, record.content_stream().read()


def test_captures_read_back_byte_identical_then_revisit(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="mixed", generated=5, port=0) as replica:
        first = crawl(replica.base_url, db, "--set", "WARC_MAX_SIZE=30000")
        assert first.returncode == 0, first.stderr[-2000:]
        served = {}
        with Archive(db) as archive:
            captures = list(archive.db.query("SELECT * FROM captures ORDER BY id"))
        for capture in captures:
            path = capture["url"].removeprefix(replica.base_url) or "/"
            served[capture["url"]] = replica.server.respond(path).body
        second = crawl(replica.base_url, db)
    assert second.returncode == 0, second.stderr[-2000:]

    assert {c["record_type"] for c in captures} == {"response"}
    assert any(c["url"].endswith("/robots.txt") for c in captures)
    assert sum(1 for c in captures if c["article_id"]) == 26
    # Rotation at 30 kB: several files, every record still found at its offset.
    assert len({c["warc_file"] for c in captures}) > 1
    for capture in captures:
        record, payload = read_record(db, capture["warc_file"], capture["offset"])
        assert record.rec_type == "response"
        assert payload == served[capture["url"]], capture["url"]
        digest = "sha1:" + b32encode(hashlib.sha1(payload).digest()).decode()
        assert record.rec_headers.get_header("WARC-Payload-Digest") == digest
        assert capture["payload_digest"] == digest
        assert record.http_headers.get_header("Content-Length") == str(len(payload))
        assert record.http_headers.get_header("Content-Encoding") is None

    # Each response follows its request record, in its own gzip member.
    first_file = db.parent / captures[0]["warc_file"]
    with open(first_file, "rb") as stream:
        kinds = [r.rec_type for r in ArchiveIterator(stream)]
    assert kinds[0] == "warcinfo" and kinds[1:3] == ["request", "response"]

    with Archive(db) as archive:
        again = list(archive.db.query("SELECT * FROM captures WHERE crawl_id = 2"))
    # However many pages the second run asks for again, none is stored twice.
    assert again and {c["record_type"] for c in again if c["status"] == 200} == {"revisit"}
    record, payload = read_record(db, again[0]["warc_file"], again[0]["offset"])
    assert record.rec_type == "revisit" and payload == b""
    assert record.rec_headers.get_header("WARC-Refers-To-Target-URI") == again[0]["url"]


@pytest.mark.first_crawl("old", 3)
def test_reparse_writes_only_changes_and_is_idempotent(tmp_path, first_crawl):
    db = first_crawl.copy_to(tmp_path / "archive")
    with first_crawl.replica() as replica:
        assert crawl(replica.base_url, db).returncode == 0  # revisits: reparse follows them
    with Archive(db) as archive:
        summary = reparse(archive)
        assert (summary.articles, summary.changed, summary.failed) == (24, 0, 0)
        # What an older parser might have stored: a wrong headline and no byline.
        archive.db.execute(
            "UPDATE articles SET title = 'cũ', byline = NULL, content_hash = 'old' "
            "WHERE article_id IN (SELECT article_id FROM articles ORDER BY article_id LIMIT 2)"
        )
        archive.db.conn.commit()
        fixed = reparse(archive)
        assert fixed.changed == 2 and fixed.by_field["title"] == 2
        versions = list(archive.db.query("SELECT cause, changed_fields FROM article_versions"))
        assert {v["cause"] for v in versions} == {"reparse"} and len(versions) == 2
        assert reparse(archive).changed == 0
        assert archive.db.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 2


def test_reparse_command_reports_by_field(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="new", generated=2, port=0) as replica:
        assert crawl(replica.base_url, db).returncode == 0
    with Archive(db) as archive:
        archive.db.execute("UPDATE articles SET lead = 'x', content_hash = 'old'")
        archive.db.conn.commit()
    command = [sys.executable, "-m", "vnarchive", "reparse", "--db", str(db)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "23 articles: 23 changed, 0 unchanged, 0 failed" in result.stderr
    assert "  lead: 23" in result.stderr
    again = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert "0 changed, 23 unchanged" in again.stderr


@pytest.mark.first_crawl("old", 3)
def test_not_modified_answers_are_server_not_modified_revisits(tmp_path, first_crawl):
    # The same first crawl as the reparse test's (it asserts no article count).
    db = first_crawl.copy_to(tmp_path / "archive")
    with first_crawl.replica() as replica:
        assert crawl(replica.base_url, db, "--set", "REVISIT_DAYS=100000").returncode == 0
    with Archive(db) as archive:
        not_modified = list(archive.db.query("SELECT * FROM captures WHERE status = 304"))
        first = {c["url"]: c for c in archive.db.query("SELECT * FROM captures WHERE crawl_id = 1")}
        if not not_modified:
            pytest.skip("this spider sends no conditional requests")
        assert {c["record_type"] for c in not_modified} == {"revisit"}
        # Re-extraction still reads the last full answer.
        assert reparse(archive).failed == 0
    record, payload = read_record(db, not_modified[0]["warc_file"], not_modified[0]["offset"])
    assert payload == b""
    assert record.rec_headers.get_header("WARC-Profile").endswith("/server-not-modified")
    assert record.rec_headers.get_header("WARC-Refers-To-Target-URI") in first


def test_a_compressed_site_is_captured_as_sent_and_reparses_the_same(tmp_path):
    import gzip

    db = tmp_path / "archive.db"
    with start_replica(layout="mixed", generated=3, port=0, compress=True) as replica:
        result = crawl(replica.base_url, db)
        truth = {r["article_id"] for r in replica.site.truth(replica.base_url)}
        with Archive(db) as archive:
            captures = list(archive.db.query("SELECT * FROM captures WHERE article_id > 0"))
            before = {a.article_id: a.to_record() for a in archive.iter_articles()}
        served = {c["url"]: replica.server.respond(c["url"].removeprefix(replica.base_url)).body
                  for c in captures}  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(before) == truth and captures
    for capture in captures:
        with open(db.parent / capture["warc_file"], "rb") as stream:
            stream.seek(capture["offset"])
            record = next(iter(ArchiveIterator(stream)))
            sent = record.raw_stream.read()
        # The payload as the server sent it (gzip), digested as stored...
        assert record.http_headers.get_header("Content-Encoding") == "gzip"
        assert record.http_headers.get_header("Content-Length") == str(len(sent))
        assert (
            capture["payload_digest"] == "sha1:" + b32encode(hashlib.sha1(sent).digest()).decode()
        )
        # ...and what a WARC reader decodes is the page.
        assert gzip.decompress(sent) == served[capture["url"]]
        assert read_record(db, capture["warc_file"], capture["offset"])[1] == served[capture["url"]]
    with Archive(db) as archive:
        summary = reparse(archive)
        after = {a.article_id: a.to_record() for a in archive.iter_articles()}
    assert (summary.failed, summary.changed) == (0, 0) and after == before
