"""Which portal reads a crawled page (issue 15 §1): its host, or what the crawl was told.

A crawl of a host no portal declares must never store a row under a portal's name:
the spider hands such a page to the extractor without a portal, which refuses it
(`unknown_portal`, where the generic reader plugs in) instead of guessing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scrapy.http import HtmlResponse

from crawler.portals import TUYENGIAO, portal_by_name
from crawler.spiders.portal import PortalSpider
from crawler.spiders.tuyengiao import TuyengiaoSpider
from vnarchive.crawl import spider_for

PAGE = b"<html><body><h1 class='story-headline'>T</h1></body></html>"


def response(url: str, **headers: str) -> HtmlResponse:
    return HtmlResponse(url, body=PAGE, headers=headers, encoding="utf-8")


def test_a_portals_own_host_is_read_as_the_portal():
    spider = TuyengiaoSpider()
    assert spider._reading_portal(response("https://www.tuyengiao.vn/a-1.html")) is TUYENGIAO


def test_a_loopback_host_is_read_as_the_portal_only_when_the_replica_says_so():
    spider = TuyengiaoSpider(start_url="http://127.0.0.1:8800/")
    assert spider._reading_portal(response("http://127.0.0.1:8800/a-1.html")) is None
    said = response("http://127.0.0.1:8800/a-1.html", **{"X-Replica-Of": "tuyengiao.vn"})
    assert spider._reading_portal(said) is TUYENGIAO
    other = response("http://127.0.0.1:8800/a-1.html", **{"X-Replica-Of": "vnexpress.net"})
    assert spider._reading_portal(other) is None
    # Any host can send the header: only a replica on this machine is believed.
    remote = response("https://mirror.example/a-1.html", **{"X-Replica-Of": "tuyengiao.vn"})
    assert TuyengiaoSpider(start_url="https://mirror.example/")._reading_portal(remote) is None


def test_a_mirror_is_read_as_the_portal_when_told():
    spider = PortalSpider(start_url="https://mirror.example/", portal="vnexpress")
    assert spider.portal is portal_by_name("vnexpress")
    assert spider._reading_portal(response("https://mirror.example/a-5047363.html")).name == (
        "vnexpress"
    )


def test_the_start_url_chooses_the_portal_and_an_unknown_host_is_its_own_site():
    assert PortalSpider(start_url="https://plo.vn/thoi-su/").portal.name == "plo"
    unknown = PortalSpider(start_url="https://www.example.org/tin/")
    assert unknown.portal.site == "example.org" and not unknown.portal.layouts
    assert unknown._reading_portal(response("https://www.example.org/tin/a-123.html")) is None
    assert spider_for(None, "https://www.example.org/") is PortalSpider
    assert spider_for(None, None) is TuyengiaoSpider
    assert spider_for(None, "http://127.0.0.1:8800/") is TuyengiaoSpider
    assert spider_for("vnexpress", "http://127.0.0.1:8800/") is PortalSpider


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vnarchive", *args], capture_output=True, text=True, timeout=120
    )


def test_vnarchive_parse_reads_a_mirror_as_the_portal_only_with_portal(tmp_path: Path):
    page = Path(__file__).parent / "fixtures" / "portals" / "plo" / "plo-874982.html"
    url = "http://127.0.0.1:8800/doan-dai-bieu-post874982.html"
    # Untold, the loopback copy is an undeclared host's page: read generically, as its own.
    generic = run("parse", str(page), "--url", url)
    assert generic.returncode == 0, generic.stderr
    assert json.loads(generic.stdout)["site"] == "127.0.0.1"
    told = run("parse", str(page), "--url", url, "--portal", "plo")
    assert told.returncode == 0, told.stderr
    record = json.loads(told.stdout)
    assert record["site"] == "plo.vn" and record["article_id"] == 874982
    assert run("parse", str(page), "--url", url, "--portal", "nope").returncode == 2


def test_vnarchive_portals_lists_every_portal():
    listed = run("portals", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert len(rows) == 21
    assert rows["vnexpress"]["status"] == "full" and rows["vnexpress"]["fixtures"] == 1
    assert rows["thanhnien"]["status"] == "discovery" and rows["thanhnien"]["fixtures"] == 0
    assert rows["tuyengiao"]["fixtures"] > 30
    assert all(row["hosts"] and row["sources"] for row in rows.values())
    table = run("portals")
    assert "vnexpress  [full]" in table.stdout and "(unverified)" in table.stdout
