"""Security: offsite hosts and private addresses refused before any connection, size
and decompression caps, truncation detection (crawler/safety.py), in isolation.

The end-to-end refusals (a replica redirecting off-site, to 10.x, to 169.254.169.254,
a 20 MB page, a gzip bomb) are in tests/test_faults.py.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.resolver import dnscache

from crawler.extract.errors import (
    OffsiteRedirect,
    PathEscape,
    PrivateAddress,
    RedirectLoop,
    TooLarge,
    TooManyRedirects,
    Truncated,
)
from crawler.safety import (
    AddressGuardMiddleware,
    AddressPolicy,
    BodyGuardMiddleware,
    RedirectGuardMiddleware,
    compressed_size,
    html_complete,
    policy_for,
)
from crawler.spiders.tuyengiao import TuyengiaoSpider
from pipelines.pathguard import check_output, inside
from tests.scrapy_support import project_crawler

ROOT = Path(__file__).resolve().parent.parent
HOSTS = {"www.tuyengiao.vn", "tuyengiao.vn"}
PUBLIC = "203.162.4.190"  # a public address (never contacted: the resolver is a fake)


class FakeResolver:
    """Answers from a table and remembers what was asked; never touches the network."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table, self.asked = table, []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.table:
            raise OSError(f"cannot resolve {host}")
        return self.table[host]


def policy(table=None, **kwargs) -> AddressPolicy:
    return AddressPolicy(HOSTS, resolver=FakeResolver(table or {}), **kwargs)


@pytest.mark.parametrize(
    "address",
    ["10.0.0.5", "172.16.3.4", "192.168.1.1", "127.0.0.1", "169.254.169.254", "0.0.0.0",
     "100.64.0.1", "224.0.0.1", "::1", "fd00::1", "fe80::1", "::ffff:10.0.0.1"],
)  # fmt: skip
def test_a_portal_host_resolving_to_a_private_address_is_refused(address):
    resolver = FakeResolver({"www.tuyengiao.vn": [PUBLIC, address]})
    guard = AddressPolicy(HOSTS, resolver=resolver)
    with pytest.raises(PrivateAddress, match="resolves to"):
        guard.check("https://www.tuyengiao.vn/thoi-su/a-123456")
    assert resolver.asked == ["www.tuyengiao.vn"]


def test_a_public_address_is_allowed_and_remembered():
    resolver = FakeResolver({"www.tuyengiao.vn": [PUBLIC]})
    guard = AddressPolicy(HOSTS, resolver=resolver)
    assert guard.check("https://www.tuyengiao.vn/a-1") == PUBLIC
    assert guard.check("https://www.tuyengiao.vn/a-2") == PUBLIC
    assert resolver.asked == ["www.tuyengiao.vn"]  # one lookup per host


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://evil.example/", OffsiteRedirect),
        ("http://tuyengiao.vn.evil.example/", OffsiteRedirect),
        ("http://localhost:8800/", OffsiteRedirect),
        ("http://10.255.255.1/a-1", PrivateAddress),
        ("http://[fd00::1]/a-1", PrivateAddress),
        ("http://169.254.169.254/latest/meta-data/", PrivateAddress),
        ("file:///etc/passwd", OffsiteRedirect),
        ("javascript:alert(1)", OffsiteRedirect),
        ("http://www.tuyengiao.vn:99999/", OffsiteRedirect),
    ],
)
def test_offsite_and_private_targets_are_refused_without_a_lookup(url, error):
    guard = policy()
    with pytest.raises(error):
        guard.check(url)
    assert guard.resolver.asked == []  # type: ignore[attr-defined]


def test_loopback_only_when_the_start_url_is_loopback():
    spider = TuyengiaoSpider(start_url="http://127.0.0.1:8800/")
    crawler = project_crawler()
    assert policy_for(crawler, spider).check("http://127.0.0.1:8800/a-1") == "127.0.0.1"
    portal = policy_for(crawler, TuyengiaoSpider(start_url="https://www.tuyengiao.vn/"))
    portal.resolver = FakeResolver({"www.tuyengiao.vn": ["127.0.0.1"]})
    with pytest.raises(PrivateAddress):
        portal.check("https://www.tuyengiao.vn/a-1")


def test_a_private_start_url_is_refused_unless_its_network_is_allowed():
    spider = TuyengiaoSpider(start_url="http://10.1.2.3/")
    with pytest.raises(PrivateAddress):
        policy_for(project_crawler(), spider).check("http://10.1.2.3/")
    allowed = project_crawler(SAFETY_ALLOWED_NETWORKS=["10.1.0.0/16"])
    assert policy_for(allowed, spider).check("http://10.1.2.3/") == "10.1.2.3"


def _crawler(spider_url: str = "https://www.tuyengiao.vn/", **settings):
    crawler = project_crawler(TuyengiaoSpider, **settings)
    crawler.spider = TuyengiaoSpider(start_url=spider_url)
    crawler.spider.crawler = crawler
    return crawler


def test_the_request_guard_refuses_before_the_download_and_pins_the_checked_address():
    crawler = _crawler()
    guard = AddressGuardMiddleware(crawler)
    guard.policy.resolver = FakeResolver({"www.tuyengiao.vn": ["10.0.0.7"]})
    with pytest.raises(PrivateAddress):
        guard.process_request(Request("https://www.tuyengiao.vn/thoi-su/a-123456"))
    assert crawler.stats.get_value("vnarchive/safety/private_address") == 1

    ok = AddressGuardMiddleware(_crawler())
    ok.policy.resolver = FakeResolver({"tuyengiao.vn": [PUBLIC]})
    assert ok.process_request(Request("https://tuyengiao.vn/a-1")) is None
    # Scrapy's resolver will answer the connection with the address that was checked.
    assert dnscache["tuyengiao.vn"] == PUBLIC


def _redirect(url: str, location: str, **meta) -> tuple[Request, Response]:
    request = Request(url, meta=meta)
    return request, Response(url, status=302, headers={"Location": location}, request=request)


def test_the_redirect_guard_refuses_offsite_private_loops_and_long_chains():
    guard = RedirectGuardMiddleware(_crawler("http://127.0.0.1:8800/", REDIRECT_MAX_TIMES=10))
    base = "http://127.0.0.1:8800/thoi-su/a-123456"
    with pytest.raises(OffsiteRedirect):
        guard.process_response(*_redirect(base, "https://elsewhere.example/"))
    with pytest.raises(PrivateAddress):
        guard.process_response(*_redirect(base, "http://192.168.0.1/admin"))
    with pytest.raises(RedirectLoop):
        guard.process_response(*_redirect(base + "?x=1", base, redirect_urls=[base]))
    with pytest.raises(TooManyRedirects):
        guard.process_response(*_redirect(base, base + "?hop=11", redirect_times=10))
    with pytest.raises(OffsiteRedirect):
        guard.process_response(*_redirect(base, "http://[::1/"))  # urllib cannot parse it
    request, response = _redirect(base, "/khoa-giao/a-123456")
    assert guard.process_response(request, response) is response


def test_a_complete_gzip_body_passes_and_a_cut_one_is_found():
    page = b"<html><body>" + b"x" * 50_000 + b"</body></html>"
    packed = gzip.compress(page)
    assert compressed_size(packed, [b"gzip"], 10**7) == (len(page), True)
    assert compressed_size(packed[: len(packed) // 2], [b"gzip"], 10**7)[1] is False
    assert compressed_size(packed[:-4], [b"gzip"], 10**7)[1] is False  # no size trailer
    two = gzip.compress(b"a" * 10) + gzip.compress(b"b" * 10)  # two members
    assert compressed_size(two, [b"gzip"], 10**7) == (20, True)
    assert compressed_size(zlib.compress(page), [b"deflate"], 10**7) == (len(page), True)
    raw = zlib.compressobj(wbits=-15)
    deflated = raw.compress(page) + raw.flush()
    assert compressed_size(deflated, [b"deflate"], 10**7) == (len(page), True)


def test_a_bomb_stops_just_past_the_cap():
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))
    size, _ = compressed_size(bomb, [b"gzip"], 1024 * 1024)
    assert 1024 * 1024 < size <= 1024 * 1024 + 64 * 1024


@pytest.mark.parametrize(
    ("body", "complete"),
    [
        (b"<html><body><p>x</p></body></html>\n", True),
        (b"<HTML><body>x</body></HTML >  <!-- cached 12ms -->\n", True),
        (b"<html><body><p>x</p></bo", False),
        (b"", False),
    ],
)
def test_html_completeness(body, complete):
    assert html_complete(body) is complete


def _body_guard(**settings) -> BodyGuardMiddleware:
    return BodyGuardMiddleware(_crawler("http://127.0.0.1:8800/", **settings))


def test_a_partial_page_is_retried_then_refused_as_truncated():
    guard = _body_guard(RETRY_TIMES=1)
    url = "http://127.0.0.1:8800/a-123456"
    request = Request(url)
    cut = HtmlResponse(url, body=b"<html><body><p>half", flags=["partial"], request=request)
    retry = guard.process_response(request, cut)
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    with pytest.raises(Truncated):
        guard.process_response(retry, cut.replace(request=retry))
    whole = HtmlResponse(url, body=b"<html><p>x</p></html>", flags=["partial"], request=request)
    assert guard.process_response(request, whole) is whole


def test_a_decompression_bomb_is_refused_as_too_large():
    guard = _body_guard(DOWNLOAD_MAXSIZE=1024 * 1024)
    url = "http://127.0.0.1:8800/a-123456"
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    response = Response(url, body=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(TooLarge):
        guard.process_response(Request(url), response)


# -- paths ---------------------------------------------------------------------------


def test_paths_from_stored_data_stay_inside_their_folder(tmp_path):
    base = tmp_path / "archive"
    (base / "warc").mkdir(parents=True)
    assert inside(base, "warc/a.warc.gz") == (base / "warc/a.warc.gz").resolve()
    for name in ["../secret", "warc/../../secret", "/etc/passwd", "warc/\0.warc.gz"]:
        with pytest.raises(PathEscape):
            inside(base, name)
    (base / "warc" / "out").symlink_to(tmp_path)  # a symlink out of the folder
    with pytest.raises(PathEscape):
        inside(base, "warc/out/x.warc.gz")
    # WARC_DIR outside the archive's folder is stored absolute: WARC files only.
    assert inside(base, "/srv/warc/x.warc.gz") == Path("/srv/warc/x.warc.gz")


def test_an_export_may_not_overwrite_the_archive(tmp_path):
    db = tmp_path / "archive.db"
    for output in [db, f"{db}-wal", f"{db}-shm", f"{db}.lock", tmp_path / "warc" / "x.warc.gz",
                   tmp_path / "sub" / ".." / "archive.db"]:  # fmt: skip
        with pytest.raises(PathEscape):
            check_output(output, db)
    assert check_output(tmp_path / "export.jsonl", db) == (tmp_path / "export.jsonl").resolve()


def test_export_refuses_the_archive_as_output_and_reparse_a_file_outside(tmp_path):
    from pipelines.archive import Archive
    from pipelines.reparse import reparse
    from tests.browse_helpers import hostile_article

    db = tmp_path / "archive.db"
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_text("not for the archive")
    with Archive(db) as archive:
        article = hostile_article("https://www.tuyengiao.vn")
        archive.upsert_article(article)
        archive.record_capture({
            "url": article.url, "fetched_at": "2026-11-26T12:00:00+07:00", "status": 200,
            "payload_digest": "sha1:X", "record_type": "response", "offset": 0, "length": 10,
            "warc_file": f"../{secret.name}", "site": article.site,
            "article_id": article.article_id,
        })  # fmt: skip
        summary = reparse(archive)
    assert summary.failed == 1 and summary.failures == {"warc_read": 1}
    result = subprocess.run(
        [sys.executable, "-m", "vnarchive", "export", "--format", "jsonl", "--db", str(db),
         "-o", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and "archive" in result.stderr
    with Archive(db) as archive:
        assert archive.count_articles() == 1


def test_a_plain_spider_with_a_loopback_start_url_may_reach_loopback_only():
    class Plain:
        start_urls = ("http://127.0.0.1:8800/",)

    guard = policy_for(project_crawler(), Plain())
    assert guard.check("http://127.0.0.1:8800/a-1") == "127.0.0.1"
    with pytest.raises(PrivateAddress):
        guard.check("http://10.0.0.1/")
