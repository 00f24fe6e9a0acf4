"""End to end (issue 15 §1): a crawl of a host no portal declares writes no row under
a portal's name. A loopback server that is not the project's replica (it sends no
X-Replica-Of) serves a page in tuyengiao's own markup: before issue 15 the crawl
stored it as tuyengiao.vn's article; now the generic reader archives it as 127.0.0.1's."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ARTICLE = Path(__file__).parent / "fixtures" / "pages" / "new-agency-lazy-146210.html"
HOME = b'<html><body><nav><a href="/thoi-su/bai-viet-146210">bai</a></nav></body></html>'


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = ARTICLE.read_bytes() if self.path.endswith("-146210") else HOME
        self.send_response(200 if self.path in ("/", "/thoi-su/bai-viet-146210") else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stranger() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_crawling_an_unknown_host_labels_no_row_with_a_portals_site(tmp_path, stranger):
    db = tmp_path / "archive.db"
    command = [sys.executable, "-m", "vnarchive", "crawl", "--start-url", stranger, "--db", str(db)]
    subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    with sqlite3.connect(db) as conn:
        sites = [row[0] for row in conn.execute("SELECT site FROM articles")]
        kinds = [row[0] for row in conn.execute("SELECT kind FROM crawl_errors")]
    # Read by the generic reader, and archived under the host it came from.
    assert sites == ["127.0.0.1"], kinds
