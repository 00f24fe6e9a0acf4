"""Pictures outlive the site (issue 17.9): crawl a replica, stop it, and every picture
of every article is still served, from the archive's captures, by the Datasette app."""

from __future__ import annotations

import asyncio
import html
import re
import urllib.request
from urllib.error import URLError

import pytest
from datasette.app import Datasette
from datasette.plugins import pm

import vnarchive.browse
from crawler.extract.image_urls import image_fetch_url
from crawler.portals import TUYENGIAO
from harness.crawl_support import crawl
from pipelines.archive import Archive
from replica.server import start_replica

pytestmark = pytest.mark.e2e

if not pm.has_plugin("vnarchive"):  # an install without the entry point (e.g. plain PYTHONPATH)
    pm.register(vnarchive.browse, "vnarchive")

_IMG = re.compile(r'<img class="(vn-\w+)" src="([^"]+)"')


def test_every_picture_is_served_from_the_archive_once_the_replica_is_gone(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="mixed", generated=5, port=0) as replica:
        result = crawl(replica.base_url, db)
        assert result.returncode == 0, result.stderr[-2000:]
        with Archive(db) as archive:
            articles = list(archive.db.query("SELECT site, article_id, url FROM articles"))
            images = list(
                archive.db.query("SELECT * FROM images ORDER BY site, article_id, position")
            )
        served: dict[str, bytes] = {}
        for image in images:
            (article,) = [a for a in articles if a["article_id"] == image["article_id"]]
            url = image_fetch_url(image["url"], article["url"], TUYENGIAO.all_image_hosts)
            with urllib.request.urlopen(url, timeout=10) as answer:  # the replica's own bytes
                served[url] = answer.read()
        base_url = replica.base_url
    with pytest.raises(URLError):
        urllib.request.urlopen(base_url + "/robots.txt", timeout=5)

    # Both layouts' pictures: the old one's on the portal's host, the new one's CDN.
    assert len(images) >= 20
    assert not [i["url"] for i in images if "127.0.0.1" in i["url"]]
    assert {i["url"].split("/")[2] for i in images} == {"www.tuyengiao.vn", "cdn.tuyengiao.vn"}

    ds = Datasette([str(db)], settings={"num_sql_threads": 1})

    async def check() -> int:
        checked = 0
        for article in articles:
            page = await ds.client.get(
                f"/-/article/archive/{article['site']}/{article['article_id']}"
            )
            assert page.status_code == 200
            own = [i for i in images if i["article_id"] == article["article_id"]]
            found = _IMG.findall(page.text)
            assert [kind for kind, _ in found] == ["vn-archived"] * len(own), article["url"]
            for image, (_, src) in zip(own, found, strict=True):
                picture = await ds.client.get(html.unescape(src))
                assert picture.status_code == 200, (image["url"], picture.text[:300])
                assert picture.headers["content-type"].startswith("image/")
                url = image_fetch_url(image["url"], article["url"], TUYENGIAO.all_image_hosts)
                assert picture.content == served[url], image["url"]
                # The original URL is shown beside the picture.
                assert f'href="{html.escape(image["url"])}"' in page.text
                checked += 1
        return checked

    assert asyncio.run(check()) == len(images)
