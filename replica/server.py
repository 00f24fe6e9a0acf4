"""The HTTP side: a stdlib threading server bound to 127.0.0.1 only.

HTTP/1.1 with keep-alive (Content-Length on every answer), quiet by default, an
access log for tests, a bounded LRU of rendered pages, and control endpoints:
`/__replica__/truth.jsonl` (the truth for this server's own base URL),
`/__replica__/stats`, and (POST) the changes of `replica.changes` and `replica.control`:
publish, edit, remove, and answering 429/503 with Retry-After for a while.
Article pages carry ETag and Last-Modified and answer conditional GETs with 304.
"""

from __future__ import annotations

import gzip
import json
import socketserver
import sys
import threading
import time
import traceback
from collections import OrderedDict
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from crawler.portals import TUYENGIAO
from replica.accesslog import AccessLog
from replica.changes import Changes, SiteChanges
from replica.control import Throttle, control, validators
from replica.dates import today_in_vietnam
from replica.faults import FaultPlan
from replica.faults import serve as serve_fault
from replica.pages import TEXT, Response, route
from replica.paths import ARTICLE_SEGMENT
from replica.site import Site

ALLOWED_HOST = "127.0.0.1"
JSON = "application/json; charset=utf-8"
NDJSON = "application/x-ndjson; charset=utf-8"


def check_host(host: str) -> None:
    """The replica must never listen beyond this machine's loopback."""
    if host != ALLOWED_HOST:
        raise ValueError(f"the replica only binds {ALLOWED_HOST}; refusing host {host!r}")


class ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True  # keep-alive connections must not hold up shutdown

    def __init__(
        self,
        site: Site,
        *,
        host: str = ALLOWED_HOST,
        port: int = 0,
        crawl_delay: float | None = None,
        access_log: AccessLog | None = None,
        cache_size: int = 256,
        fault_seed: int = 0,
        compress: bool = False,
    ) -> None:
        check_host(host)
        self.site = site
        # Gzip HTML for clients that accept it, as the real portals do.
        self.compress = compress
        # Faults switched on per URL pattern or rate (replica/faults.py); none by default.
        self.faults = FaultPlan(fault_seed)
        self.changes: Changes = self.make_changes(site)
        # The portal this server imitates: every answer says so (X-Replica-Of).
        self.replica_of = TUYENGIAO.site
        self.throttle = Throttle()
        self.crawl_delay = crawl_delay
        self.access_log = access_log if access_log is not None else AccessLog()
        self._cache: OrderedDict[str, Response] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    def make_changes(self, site: Any) -> Changes:
        return SiteChanges(site)

    def route(self, target: str) -> Response:
        """The page for a request target (a subclass serves another portal)."""
        return route(self.site, target, self.crawl_delay)

    def article_id_of(self, target: str) -> int | None:
        """The article id a target's path names, for Last-Modified (None: not one)."""
        segment = target.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        match = ARTICLE_SEGMENT.match(segment)
        return int(match.group("id")) if match else None

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call getfqdn(), a DNS lookup: not wanted offline.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    @property
    def base_url(self) -> str:
        return f"http://{ALLOWED_HOST}:{self.server_port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A crawler killed mid-request (the kill-and-resume tests do it on purpose)
        # resets its connections: that is the client's business, not a server error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def respond(self, target: str) -> Response:
        path = target.split("?", 1)[0]
        if path == "/__replica__/truth.jsonl":
            lines = (json.dumps(r, ensure_ascii=False) for r in self.site.truth(self.base_url))
            return Response(200, NDJSON, "".join(f"{line}\n" for line in lines).encode(), False)
        if path == "/__replica__/stats":
            return Response(200, JSON, json.dumps(self.stats()).encode(), False)
        with self._cache_lock:
            cached = self._cache.get(target)
            if cached is not None:
                self._cache.move_to_end(target)
                return cached
        response = self.route(target)
        if response.cacheable and self._cache_size > 0:
            with self._cache_lock:
                self._cache[target] = response
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return response

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    def stats(self) -> dict[str, Any]:
        return {
            "articles": len(self.site),
            "requests": self.access_log.total,
            "layout": self.site.layout,
            "generated": self.site.generated,
            "seed": self.site.seed,
            "today": self.site.today.isoformat(),
            "cached_pages": len(self._cache),
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TuyenGiaoReplica/1.0"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection is closed after this many seconds
    server: ReplicaServer
    arrived = 0.0  # time.monotonic() when the current request came in

    def parse_request(self) -> bool:
        # When the request arrived, before its page is rendered: intervals between
        # requests (crawl-delay checks) must not include the server's own work.
        self.arrived = time.monotonic()
        return super().parse_request()

    def end_headers(self) -> None:
        # Every response says which portal this replica imitates: a crawl reads its
        # pages as that portal's (crawler/spiders/portal.py), never by their markup.
        self.send_header("X-Replica-Of", self.server.replica_of)
        super().end_headers()

    def do_GET(self) -> None:
        self._serve(with_body=True)

    def do_HEAD(self) -> None:
        self._serve(with_body=False)

    def do_POST(self) -> None:
        # The feedback form posts here; the archive never should. Close: the body is unread.
        self.close_connection = True
        if self.path.startswith("/__replica__/"):
            self._send(control(self.server, self.path), with_body=True)
            return
        self._send(Response(405, TEXT, b"method not allowed\n", False), with_body=True)

    def _serve(self, *, with_body: bool) -> None:
        throttled = self.server.throttle.take(self.path)
        if throttled is not None:
            self._send(throttled[0], with_body=with_body, headers=throttled[1])
            return
        try:
            response = self.server.respond(self.path)
            response, headers = validators(self.server, self.path, response, self.headers)
        except Exception:  # a bug must be a 500 with a trace, not a dropped connection
            traceback.print_exc(file=sys.stderr)
            response, headers = Response(500, TEXT, b"internal error\n", False), []
        fault = self.server.faults.pick(self.path)
        if fault is not None:
            # Logged with status 0 (no ordinary answer) and the fault's name.
            entry = self.server.access_log.record(
                self.command, self.path, 0, self.headers.get("User-Agent"), 0, self.arrived
            )
            entry["fault"] = fault.name
            serve_fault(self, fault, response)
            return
        self._send(response, with_body=with_body, headers=headers)

    def _send(
        self,
        response: Response,
        *,
        with_body: bool,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        # Logged before answering: once a client has its response, the log shows it.
        self.server.access_log.record(
            self.command,
            self.path,
            response.status,
            self.headers.get("User-Agent"),
            len(response.body),
            self.arrived,
        )
        body = response.body
        if (
            self.server.compress
            and response.content_type.startswith("text/html")
            and ("gzip" in (self.headers.get("Accept-Encoding") or ""))
        ):
            body = gzip.compress(body, compresslevel=1)
            headers = [*(headers or ()), ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        if response.status == 405:
            self.send_header("Allow", "GET, HEAD")
        for name, value in headers or ():
            self.send_header(name, value)
        self.end_headers()
        if with_body and response.status != 304:
            self.wfile.write(body)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the access log records requests; stderr stays clean."""


class ReplicaHandle:
    """A replica serving in a background thread. Use as a context manager or call stop()."""

    def __init__(self, server: ReplicaServer) -> None:
        self.server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"replica-{server.server_port}",
            daemon=True,
        )
        self._thread.start()
        self._stopped = False

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def port(self) -> int:
        return self.server.server_port

    @property
    def site(self) -> Site:
        return self.server.site

    @property
    def access_log(self) -> AccessLog:
        return self.server.access_log

    @property
    def faults(self) -> FaultPlan:
        return self.server.faults

    def truth(self) -> list[dict[str, Any]]:
        return self.site.truth(self.base_url)

    def url(self, path: str) -> str:
        return self.base_url + path

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        self.access_log.close()

    def __enter__(self) -> ReplicaHandle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_replica(
    layout: str = "old",
    generated: int = 100,
    seed: int = 1,
    port: int = 0,
    *,
    today: date | None = None,
    host: str = ALLOWED_HOST,
    crawl_delay: float | None = None,
    access_log: str | Path | None = None,
    site: Any = None,
    cache_size: int = 256,
    compress: bool = False,
    server_class: type[ReplicaServer] | None = None,
) -> ReplicaHandle:
    """Serve a replica on 127.0.0.1 (port 0: a free port) in a background thread: of
    `site` (tuyengiao's Site by default; a real portal's with its `server_class`)."""
    check_host(host)
    if site is None:
        site = Site(layout, generated, seed, today or today_in_vietnam())
    server = (server_class or ReplicaServer)(
        site,
        host=host,
        port=port,
        crawl_delay=crawl_delay,
        access_log=AccessLog(access_log),
        cache_size=cache_size,
        compress=compress,
    )
    return ReplicaHandle(server)
