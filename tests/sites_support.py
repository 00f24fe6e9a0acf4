"""A small news site of no declared portal, on 127.0.0.1, for crawls of several sites
into one archive: a home page listing its articles (`/thoi-su/<slug>-<id>`) and plain
article pages (headline, date line, byline, paragraphs) for the generic reader."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FIRST_ID = 810_001


def article_html(article_id: int) -> str:
    day = 1 + article_id % 27
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Bản tin số {article_id} | Báo Thử</title>
<meta property="og:title" content="Bản tin số {article_id}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2026-11-{day:02d}T08:30:00+07:00">
</head><body><header><nav><a href="/">Trang chủ</a></nav></header>
<article class="article">
<h1 class="article-title">Bản tin số {article_id}</h1>
<div class="date">Thứ hai, {day:02d}/11/2026, 08:30 (GMT+7)</div>
<p class="sapo"><strong>Tóm tắt của bản tin số {article_id} về công tác thử nghiệm.</strong></p>
<div class="content">
<p>Đoạn thứ nhất của bản tin số {article_id}: các đơn vị đã hoàn thành kế hoạch năm.</p>
<p>Đoạn thứ hai của bản tin số {article_id}: nhiều mô hình mới được nhân rộng.</p>
<p>Đoạn thứ ba của bản tin số {article_id}: hội nghị tổng kết diễn ra tại Hà Nội.</p>
<p class="author"><strong>Nguyễn Văn An</strong></p>
</div></article></body></html>"""


@dataclass
class NewsSite:
    base_url: str
    ids: list[int]
    # Article pages answer only once it is set (a site that keeps its crawl waiting).
    gate: threading.Event = field(default_factory=threading.Event)
    requests: list[str] = field(default_factory=list)

    def url(self, article_id: int) -> str:
        return f"{self.base_url}thoi-su/ban-tin-so-{article_id}"


class _Handler(BaseHTTPRequestHandler):
    site: NewsSite

    def do_GET(self) -> None:
        self.site.requests.append(self.path)
        status, body = 404, "<html><body>không có</body></html>"
        if self.path == "/":
            links = "".join(f'<li><a href="/thoi-su/ban-tin-so-{i}">Bản tin số {i}</a></li>'
                            for i in self.site.ids)  # fmt: skip
            status, body = 200, f"<html><body><ul class='list'>{links}</ul></body></html>"
        elif self.path == "/robots.txt":
            status, body = 200, "User-agent: *\nAllow: /\n"
        else:
            tail = self.path.rsplit("-", 1)[-1]
            if tail.isdigit() and int(tail) in self.site.ids:
                self.site.gate.wait(120)
                status, body = 200, article_html(int(tail))
        data = body.encode("utf-8")
        self.send_response(status)
        kind = "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def news_site(articles: int = 4, *, held: bool = False) -> Iterator[NewsSite]:
    """The site; `held`: its article pages wait until `site.gate` is set."""
    handler = type("Handler", (_Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    site = NewsSite(f"http://127.0.0.1:{server.server_address[1]}/",
                    list(range(FIRST_ID, FIRST_ID + articles)))  # fmt: skip
    if not held:
        site.gate.set()
    handler.site = site
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.gate.set()
        server.shutdown()
        server.server_close()
