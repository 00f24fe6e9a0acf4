"""The article page's pictures, served from the archive's captures (issue 17.9):
the capture route, what it refuses, and the page that points at it."""

from __future__ import annotations

import asyncio
import html
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.plugins import pm

import vnarchive.browse
from crawler.extract.article import Article, Image
from crawler.protocol.exchange import Exchange
from pipelines.archive import Archive
from pipelines.warc_files import WarcRecorder, read_only

if not pm.has_plugin("vnarchive"):  # an install without the entry point (e.g. plain PYTHONPATH)
    pm.register(vnarchive.browse, "vnarchive")

REPLICA = "http://127.0.0.1:42761"
JPEG = b"\xff\xd8\xff\xfe\x00\x07a.jpg\xff\xd9"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def capture(recorder: WarcRecorder, archive: Archive, url: str, body: bytes, ctype: str) -> int:
    ex = Exchange(
        uri=url, status=200, protocol="HTTP/1.1", headers=[("Content-Type", ctype)], body=body,
        method="GET", request_url=url, request_headers=[], fetched=datetime.now(UTC),
        content_type=ctype, site="tuyengiao.vn", article_id=None,
    )  # fmt: skip
    return archive.record_capture(recorder.record(ex))


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    db = tmp_path / "archive.db"
    ids: dict[str, int] = {}
    with Archive(db) as archive:
        archive.upsert_article(
            Article(
                url=f"{REPLICA}/thoi-su/bai-viet-130001",
                canonical_url="https://www.tuyengiao.vn/thoi-su/bai-viet-130001",
                site="tuyengiao.vn", article_id=130001, category="thoi-su",
                title="Bài có ảnh", lead=None, body=("Đoạn một.",),
                images=(
                    Image("https://www.tuyengiao.vn/Uploads/2020/11/1/1/a.jpg", "Ảnh một", "PV"),
                    Image("https://cdn.tuyengiao.vn/uploads/2020/11/01/01/b.jpg?s=1", "Ảnh hai"),
                    Image("https://example.org/c.jpg", "Ảnh ba"),
                    Image(f"{REPLICA}/x.svg", "Ảnh bốn: an SVG, captured but never served"),
                ),
            )
        )  # fmt: skip
        recorder = WarcRecorder(tmp_path / "warc", db, max_size=10**9, connect=read_only(db))
        ids["jpeg"] = capture(recorder, archive, f"{REPLICA}/Uploads/2020/11/1/1/a.jpg", JPEG,
                              "image/jpeg")  # fmt: skip
        # The CDN's copy, fetched from the replica in its place: the same bytes, a revisit.
        ids["revisit"] = capture(
            recorder, archive, f"{REPLICA}/uploads/2020/11/01/01/b.jpg?s=1", JPEG, "image/jpeg"
        )
        ids["html"] = capture(recorder, archive, f"{REPLICA}/thoi-su/bai-viet-130001",
                              b"<html>page</html>", "text/html; charset=utf-8")  # fmt: skip
        ids["svg"] = capture(recorder, archive, f"{REPLICA}/x.svg", SVG, "image/svg+xml")
        recorder.close()
    return db, ids


def get(db: Path, *paths: str) -> list[Any]:
    ds = Datasette([str(db)], settings={"num_sql_threads": 1})

    async def fetch() -> list[Any]:
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(fetch())


def test_a_captured_picture_is_served_with_its_type_and_the_guard_headers(archive):
    db, ids = archive
    with Archive(db) as stored:
        kinds = [r["record_type"] for r in stored.db.query("SELECT record_type FROM captures")]
    assert kinds[:2] == ["response", "revisit"]
    picture, revisit = get(db, f"/-/capture/archive/{ids['jpeg']}",
                           f"/-/capture/archive/{ids['revisit']}")  # fmt: skip
    for response in (picture, revisit):
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/jpeg"
        assert response.content == JPEG
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'self'" in response.headers["content-security-policy"]


def test_a_capture_that_is_not_a_picture_is_refused(archive):
    db, ids = archive
    page, svg, missing = get(
        db, f"/-/capture/archive/{ids['html']}", f"/-/capture/archive/{ids['svg']}",
        "/-/capture/archive/9999",
    )  # fmt: skip
    assert page.status_code == 403 and b"<html>page</html>" not in page.content
    assert svg.status_code == 403 and b"alert(1)" not in svg.content
    assert missing.status_code == 404


def _point_at(db: Path, capture_id: int, warc_file: str) -> None:
    with Archive(db) as archive:
        archive.db.execute(
            "UPDATE captures SET warc_file = ? WHERE id = ?", (warc_file, capture_id)
        )


def test_a_warc_file_outside_the_archive_folder_is_refused(archive, tmp_path):
    db, ids = archive
    (stored,) = {p for p in (tmp_path / "warc").iterdir()}
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    shutil.copy(stored, outside / stored.name)
    _point_at(db, ids["jpeg"], f"../{outside.name}/{stored.name}")
    (escaped,) = get(db, f"/-/capture/archive/{ids['jpeg']}")
    assert escaped.status_code == 403 and JPEG not in escaped.content
    # A symlink inside the folder that leads out of it is refused too.
    os.symlink(outside / stored.name, tmp_path / "warc" / "link.warc.gz")
    _point_at(db, ids["jpeg"], "warc/link.warc.gz")
    (linked,) = get(db, f"/-/capture/archive/{ids['jpeg']}")
    assert linked.status_code == 403 and JPEG not in linked.content


def test_the_article_page_shows_captured_pictures_and_says_which_are_not(archive):
    db, ids = archive
    (page,) = get(db, "/-/article/archive/tuyengiao.vn/130001")
    assert page.status_code == 200
    sources = [
        html.unescape(s) for s in re.findall(r'<img class="vn-\w+" src="([^"]+)"', page.text)
    ]
    assert sources == [
        f"/-/capture/archive/{ids['jpeg']}",
        f"/-/capture/archive/{ids['revisit']}",
        "https://example.org/c.jpg",
        f"{REPLICA}/x.svg",
    ]
    text = html.unescape(page.text)
    for original in ("https://www.tuyengiao.vn/Uploads/2020/11/1/1/a.jpg",
                     "https://cdn.tuyengiao.vn/uploads/2020/11/01/01/b.jpg?s=1",
                     "https://example.org/c.jpg"):  # fmt: skip
        assert f'class="vn-image-original" href="{original}"' in text
    assert text.count("Not archived") == 2
