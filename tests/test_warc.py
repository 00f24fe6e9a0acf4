"""The capture extension and the in-process sink without a network: records, revisits,
redirects, images, rotation, and a write that fails midway."""

import errno
from datetime import UTC, datetime

import pytest
from scrapy.http import HtmlResponse, Request, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader

from crawler.protocol.signals import response_redirected
from crawler.spiders.tuyengiao import TuyengiaoSpider
from crawler.warc import WarcCaptureExtension
from pipelines.capture_sink import CaptureSink
from pipelines.warc_files import RotatingWarcWriter, request_headers, response_headers
from tests.scrapy_support import project_crawler

BASE = "http://127.0.0.1:8800"


def setup(tmp_path, **settings):
    # EXTENSIONS={}: this test makes the one capture extension itself.
    crawler = project_crawler(
        TuyengiaoSpider, ARCHIVE_PATH=str(tmp_path / "a.db"), EXTENSIONS={}, **settings
    )
    spider = TuyengiaoSpider.from_crawler(crawler, start_url=BASE + "/")
    crawler.spider = spider
    extension = WarcCaptureExtension.from_crawler(crawler)
    rows: list[dict] = []
    sink = CaptureSink.register(crawler, rows.append)
    assert sink is not None and extension.delegate is sink
    return sink, spider, extension, rows


def respond(url, body=b"<html>x</html>", status=200, **headers):
    request = Request(url)
    headers = {"Content-Type": "text/html; charset=utf-8", **headers}
    return request, HtmlResponse(url, status=status, body=body, headers=headers, request=request)


def records(tmp_path):
    out = []
    for path in sorted((tmp_path / "warc").iterdir()):
        with open(path, "rb") as stream:
            out += [
                (r.rec_type, r.rec_headers, r.content_stream().read())
                for r in ArchiveIterator(stream)
            ]
    return out


def test_responses_revisits_redirects_and_images(tmp_path):
    sink, spider, extension, rows = setup(tmp_path, WARC_IMAGES=False)
    request, response = respond(f"{BASE}/thoi-su/bai-viet-130001", body=b"<html>one</html>")
    extension.response_received(response, request, spider)
    request, response = respond(f"{BASE}/bai-viet-130001", body=b"<html>one</html>")  # same payload
    extension.response_received(response, request, spider)
    request, response = respond(
        f"{BASE}/bai-viet-130002", body=b"", status=301, Location="https://x.example/"
    )
    sink.crawler.signals.send_catch_log(
        response_redirected, request=request, response=response, spider=spider
    )
    image = Response(
        f"{BASE}/Uploads/a.jpg", body=b"\xff\xd8", headers={"Content-Type": "image/jpeg"}
    )
    extension.response_received(image, Request(image.url), spider)
    extension.spider_closed(spider)
    sink.close()

    assert [(r["record_type"], r["status"], r["article_id"]) for r in rows] == [
        ("response", 200, 130001), ("revisit", 200, 130001), ("response", 301, 130002),
    ]  # fmt: skip
    assert rows[0]["site"] == "tuyengiao.vn" and rows[0]["warc_file"].startswith("warc/")
    kinds = [(kind, payload) for kind, _, payload in records(tmp_path)]
    assert kinds == [
        ("warcinfo", kinds[0][1]), ("request", b""), ("response", b"<html>one</html>"),
        ("request", b""), ("revisit", b""), ("request", b""), ("response", b""),
    ]  # fmt: skip
    revisit = records(tmp_path)[4][1]
    assert revisit.get_header("WARC-Refers-To-Target-URI") == f"{BASE}/thoi-su/bai-viet-130001"


def test_images_only_when_asked_and_files_rotate(tmp_path):
    sink, spider, extension, rows = setup(tmp_path, WARC_IMAGES=True, WARC_MAX_SIZE=1)
    image = Response(
        f"{BASE}/Uploads/a.jpg", body=b"\xff\xd8", headers={"Content-Type": "image/jpeg"}
    )
    extension.response_received(image, Request(image.url), spider)
    request, response = respond(f"{BASE}/bai-viet-130003")
    extension.response_received(response, request, spider)
    extension.spider_closed(spider)
    sink.close()
    assert [r["content_type"] for r in rows] == ["image/jpeg", "text/html; charset=utf-8"]
    assert len({r["warc_file"] for r in rows}) == 2


class FillsUp:
    """A file on a disk that fills up in the middle of a write."""

    def __init__(self, file):
        self.file = file

    def write(self, data):
        self.file.write(bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.file, name)


def test_a_write_that_fails_midway_leaves_no_part_of_it_in_the_file(tmp_path):
    warc = RotatingWarcWriter(tmp_path / "warc", max_size=10**9)

    def exchange(n):
        body = f"<html>{n}</html>".encode() * 200
        return warc.write_exchange(
            f"{BASE}/a-{n}", body, response_headers(200, [], len(body)),
            request_headers("GET", f"{BASE}/a-{n}", []), datetime(2026, 11, 27, tzinfo=UTC),
        )  # fmt: skip

    _, path, first, _ = exchange(1)
    real = warc._file
    warc._file = FillsUp(real)
    with pytest.raises(OSError):
        exchange(2)
    warc._file = real  # space was freed
    _, _, third, _ = exchange(3)
    warc.close()
    with open(path, "rb") as stream:
        read = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
            for r in ArchiveIterator(stream)
        ]
    assert read == [("warcinfo", None), ("request", f"{BASE}/a-1"), ("response", f"{BASE}/a-1"),
                    ("request", f"{BASE}/a-3"), ("response", f"{BASE}/a-3")]  # fmt: skip
    for offset, n in ((first, 1), (third, 3)):
        with open(path, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            assert record.content_stream().read() == f"<html>{n}</html>".encode() * 200


def test_a_record_holds_the_payload_as_sent_and_readers_decode_it(tmp_path):
    import gzip

    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware

    from crawler.warc import RawBodyMiddleware

    sink, spider, extension, rows = setup(tmp_path)
    raw_body = RawBodyMiddleware.from_crawler(sink.crawler)
    decompress = HttpCompressionMiddleware.from_crawler(sink.crawler)
    html = "<html>Hà Nội</html>".encode()
    request = Request(f"{BASE}/thoi-su/bai-viet-130010")
    raw_body.process_request(request)
    asked = request.headers[b"Accept-Encoding"].decode().split(", ")
    assert "gzip" in asked and "zstd" not in asked  # no WARC reader undoes zstd
    assert set(asked) <= set(BufferedReader.get_supported_decompressors())
    sent = HtmlResponse(
        request.url, body=gzip.compress(html), request=request,
        headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
    )  # fmt: skip
    # Downloader middlewares see a response from the highest priority down.
    response = decompress.process_response(request, raw_body.process_response(request, sent))
    assert response.body == html  # what the parser reads
    extension.response_received(response, request, spider)
    # A retry of the same request answered without compression keeps nothing stale.
    plain = HtmlResponse(request.url, body=b"<html>2</html>", request=request,
                         headers={"Content-Type": "text/html"})  # fmt: skip
    extension.response_received(raw_body.process_response(request, plain), request, spider)
    extension.spider_closed(spider)
    sink.close()

    (first, second) = [
        (headers, payload) for kind, headers, payload in records(tmp_path) if kind == "response"
    ]
    assert first[1] == html  # warcio undoes the Content-Encoding on read
    assert second[1] == b"<html>2</html>"
    with open(tmp_path / rows[0]["warc_file"], "rb") as stream:
        stream.seek(rows[0]["offset"])
        record = next(iter(ArchiveIterator(stream)))
        assert record.http_headers.get_header("Content-Encoding") == "gzip"
        assert gzip.decompress(record.raw_stream.read()) == html  # stored as sent
