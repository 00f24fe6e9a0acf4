"""A replica that misbehaves: faults switched on per URL pattern, at a rate, N times.

Tests use the Python API (`server.faults.add(r"-1234$", "truncate", count=2)`), the
command line `--fault PATTERN=NAME[,rate=R][,count=N][,key=value...]`. A rule matches
a request target (path and query) with `re.search`; control endpoints are never faulted.
Rules are tried in order; a random draw (seeded: `--fault-seed`) decides a rate below 1.

HTTP faults (answered on the socket, some deliberately malformed):
  http500 http502 http503 http429 http404 http410   [retry_after=S]
  hang [seconds=S]            accept, answer nothing, close after S (default 10)
  drip [interval=S]           the right headers, then one byte every S (default 0.5)
  reset                       half the body, then a TCP reset (RST)
  truncate                    Content-Length of the whole body, half of it sent
  close_early                 no Content-Length, half the body, connection closed
  gzip_cut                    gzip body, its stream cut in half (Content-Length agrees)
  redirect_loop               A -> A?loop=1 -> A ...
  redirect_chain [hops=N]     N redirects (default 12), then the page
  redirect_offsite [host=H]   302 to http://H/ (default offsite.invalid, never resolves)
  redirect_private [address=A]  302 to http://A/ (default 10.255.255.1)
  huge [mb=N]                 an N MB page (default 20) with its Content-Length
  huge_stream [mb=N]          the same without Content-Length (connection closed at end)
  gzip_bomb [mb=N] [layers=L] N MB of zeros (default 100) gzipped to ~0.1% of that; with
                              layers=2 gzipped twice, sent as `Content-Encoding: gzip, gzip`
  redirect_article to=PATH    302 to another page of the site (two rules: A -> B -> A)
Traps (issue 16), served for any page the pattern matches, in the site's link markup:
  trap_empty_pager            a listing with no article that links ?page=N+1, for ever
  trap_categories             a page whose menu links a new category path, for ever
  trap_endless                a listing with one new article a page, and ?page=N+1
  content_type [type=T]       the page under another Content-Type (application/octet-stream)
  empty                       200 with an empty body
Content faults (the page as served, altered):
  unclosed charset_lie_1258 charset_lie_utf8 mojibake nul huge_paragraph many_images script
  bad_links (hrefs urllib cannot parse: an unclosed IPv6 host, a port out of range)
  hostile_ids (links whose article id is past 64 bits, or in other scripts' digits)
  long_link [id=N] (a link to article N under a URL of 2,200 characters)
"""

from __future__ import annotations

import gzip
import random
import re
import socket
import struct
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from replica.pages import HTML, TEXT, Response

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler

STATUS_FAULTS = {"http500": 500, "http502": 502, "http503": 503, "http429": 429,
                 "http404": 404, "http410": 410}  # fmt: skip
SOCKET_FAULTS = {"hang", "drip", "reset", "truncate", "close_early", "gzip_cut", "huge",
                 "huge_stream", "gzip_bomb"}  # fmt: skip
REDIRECT_FAULTS = {"redirect_loop", "redirect_chain", "redirect_offsite", "redirect_private",
                   "redirect_article"}  # fmt: skip
CONTENT_FAULTS = {"unclosed", "charset_lie_1258", "charset_lie_utf8", "mojibake", "nul",
                  "huge_paragraph", "many_images", "script", "content_type", "empty",
                  "bad_links", "hostile_ids", "long_link"}  # fmt: skip
TRAP_FAULTS = {"trap_empty_pager", "trap_categories", "trap_endless"}
FAULTS = frozenset(STATUS_FAULTS) | SOCKET_FAULTS | REDIRECT_FAULTS | CONTENT_FAULTS | TRAP_FAULTS
# The first id a trap's endless pager lists (none of the site's: they answer 404).
TRAP_FIRST_ID = 900_000


@dataclass
class FaultRule:
    pattern: re.Pattern[str]
    name: str
    rate: float = 1.0
    count: int | None = None  # None: every matching request
    params: dict[str, str] = field(default_factory=dict)
    served: int = 0


class FaultPlan:
    """The faults a server applies; thread-safe (the server is threaded)."""

    def __init__(self, seed: int = 0) -> None:
        self.rules: list[FaultRule] = []
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def add(
        self, pattern: str, name: str, *, rate: float = 1.0, count: int | None = None,
        **params: Any,
    ) -> FaultRule:  # fmt: skip
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r} (known: {', '.join(sorted(FAULTS))})")
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be within 0-1")
        rule = FaultRule(
            re.compile(pattern), name, rate, count, {k: str(v) for k, v in params.items()}
        )
        with self._lock:
            self.rules.append(rule)
        return rule

    def reseed(self, seed: int) -> None:
        with self._lock:
            self._rng = random.Random(seed)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def pick(self, target: str) -> FaultRule | None:
        if urlsplit(target).path.startswith("/__replica__/"):
            return None
        with self._lock:
            for rule in self.rules:
                if rule.count is not None and rule.served >= rule.count:
                    continue
                if not rule.pattern.search(target):
                    continue
                if rule.rate < 1.0 and self._rng.random() >= rule.rate:
                    continue
                rule.served += 1
                return rule
        return None

    def served(self) -> dict[str, int]:
        with self._lock:
            return {f"{r.pattern.pattern}={r.name}": r.served for r in self.rules}


def parse_fault(spec: str) -> tuple[str, str, dict[str, Any]]:
    """`PATTERN=NAME[,rate=R][,count=N][,key=value...]` -> (pattern, name, keywords).

    The pattern ends at the last `=` before the first `,` (so it may hold `=`, not `,`)."""
    head, _, rest = spec.partition(",")
    pattern, sep, name = head.rpartition("=")
    if not sep or not pattern:
        raise ValueError(f"--fault takes PATTERN=NAME[,key=value...], got {spec!r}")
    keywords: dict[str, Any] = {}
    for option in filter(None, rest.split(",")):
        key, eq, value = option.partition("=")
        if not eq:
            raise ValueError(f"--fault option {option!r} is not key=value")
        keywords[key] = float(value) if key == "rate" else int(value) if key == "count" else value
    if name not in FAULTS:
        raise ValueError(f"unknown fault {name!r} (known: {', '.join(sorted(FAULTS))})")
    return pattern, name, keywords


# -- serving ------------------------------------------------------------------------


def serve(handler: BaseHTTPRequestHandler, rule: FaultRule, page: Response) -> None:
    """Answer with the fault. `page` is what the replica would have served."""
    name, params = rule.name, rule.params
    handler.close_connection = True  # a faulted connection is never reused
    if name in STATUS_FAULTS:
        headers = [("Retry-After", params["retry_after"])] if "retry_after" in params else []
        _answer(handler, STATUS_FAULTS[name], TEXT, f"fault {name}\n".encode(), headers)
    elif name == "redirect_chain" and _hop(handler.path) >= int(params.get("hops", "12")):
        _answer(handler, page.status, page.content_type, page.body, [])
    elif name in TRAP_FAULTS:
        _answer(handler, 200, HTML, trap_page(name, handler.path).encode("utf-8"), [])
    elif name in REDIRECT_FAULTS:
        _answer(handler, 302, TEXT, b"", [("Location", _location(handler.path, name, params))])
    elif name in SOCKET_FAULTS:
        _socket_fault(handler, name, params, page)
    else:
        content_type, body = alter(name, params, page)
        _answer(handler, 200, content_type, body, [])


def _answer(
    handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes,
    headers: list[tuple[str, str]], *, length: int | None = None, send: bytes | None = None,
) -> None:  # fmt: skip
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    if length is not None or send is None:
        handler.send_header("Content-Length", str(len(body) if length is None else length))
    handler.send_header("Connection", "close")
    for key, value in headers:
        handler.send_header(key, value)
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body if send is None else send)
    handler.wfile.flush()


def _location(target: str, name: str, params: dict[str, str]) -> str:
    path, _, query = target.partition("?")
    if name == "redirect_loop":
        return path if "loop=1" in query else f"{path}?loop=1"
    if name == "redirect_chain":
        return f"{path}?hop={_hop(target) + 1}"
    if name == "redirect_article":
        return params["to"]
    if name == "redirect_offsite":
        return f"http://{params.get('host', 'offsite.invalid')}{path}"
    return f"http://{params.get('address', '10.255.255.1')}{path}"


def _hop(target: str) -> int:
    found = re.search(r"[?&]hop=(\d+)", target)
    return int(found.group(1)) if found else 0


def _socket_fault(
    handler: BaseHTTPRequestHandler, name: str, params: dict[str, str], page: Response
) -> None:
    body = page.body
    if name == "hang":
        time.sleep(float(params.get("seconds", "10")))
    elif name == "drip":
        handler.send_response(200)
        handler.send_header("Content-Type", page.content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.flush()
        interval = float(params.get("interval", "0.5"))
        for byte in body[:200]:  # bounded: the client gives up long before
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(interval)
    elif name == "reset":
        _answer(handler, 200, page.content_type, body, [], length=len(body),
                send=body[: len(body) // 2])  # fmt: skip
        # SO_LINGER 0: close() sends RST instead of FIN, a reset mid-body.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif name == "truncate":
        _answer(handler, 200, page.content_type, body, [], length=len(body),
                send=body[: len(body) // 2])  # fmt: skip
    elif name == "close_early":
        _answer(handler, 200, page.content_type, body, [], send=body[: len(body) // 2])
    elif name == "gzip_cut":
        packed = gzip.compress(body)
        half = packed[: len(packed) // 2]
        _answer(handler, 200, page.content_type, half, [("Content-Encoding", "gzip")])
    elif name in ("huge", "huge_stream"):
        _huge(handler, int(params.get("mb", "20")) * 1024 * 1024, stream=name == "huge_stream")
    elif name == "gzip_bomb":
        layers = int(params.get("layers", "1"))
        packed = bomb(int(params.get("mb", "100")), layers)
        _answer(handler, 200, HTML, packed, [("Content-Encoding", ", ".join(["gzip"] * layers))])


def _huge(handler: BaseHTTPRequestHandler, size: int, *, stream: bool) -> None:
    head = b"<!DOCTYPE html><html><body><p>"
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    if not stream:
        handler.send_header("Content-Length", str(size))
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = ("Lời văn rất dài. " * 4096).encode()[: 64 * 1024]
    handler.wfile.write(head)
    sent = len(head)
    try:
        while sent < size:
            piece = chunk[: size - sent]
            handler.wfile.write(piece)
            sent += len(piece)
    except OSError:
        return  # the client hung up once it had enough: that is the point


@lru_cache(maxsize=4)
def bomb(megabytes: int, layers: int = 1) -> bytes:
    packed = gzip.compress(b"\0" * (megabytes * 1024 * 1024), compresslevel=9)
    for _ in range(layers - 1):
        packed = gzip.compress(packed, compresslevel=9)
    return packed


def trap_page(name: str, target: str) -> str:
    """A page of a crawler trap. Its links use both layouts' listing markup (a pager in
    `ul.pagination` and `div.datapager`, cards under `div.zonepage-l h4.story-title`,
    the menu in `nav`), so the spider reads it whatever the site's layout."""
    path, _, query = target.partition("?")
    found = re.search(r"(?:^|&)p(?:age)?=(\d+)", query)
    page = int(found.group(1)) if found else 1
    links, cards = "", ""
    if name == "trap_categories":
        # /<anything> links /bay-1, /bay-N links /bay-(N+1): a new category a page.
        number = re.search(r"/bay-(\d+)", path)
        links = f'<a href="/bay-{int(number.group(1)) + 1 if number else 1}">Chuyên mục</a>'
    else:
        links = f'<a href="{path}?page={page + 1}">Trang sau</a>'
    if name == "trap_endless":
        article = f"{path.rstrip('/')}/bai-bay-{TRAP_FIRST_ID + page}"
        cards = f'<h4 class="story-title"><a href="{article}">Bài {page}</a></h4>'
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Bẫy</title></head><body>'
        f"<nav>{links if name == 'trap_categories' else ''}</nav>"
        f'<div class="zonepage-l">{cards}</div>'
        f'<div class="datapager"><ul class="pagination">'
        f"{links if name != 'trap_categories' else ''}</ul></div></body></html>"
    )


# -- content faults -------------------------------------------------------------------

_BODY_OPEN = re.compile(r'(<div[^>]*class="[^"]*(?:story_body|story-body)[^"]*"[^>]*>)')
# End tags a sloppy CMS leaves out (paragraphs, list items, cells, captions, emphasis),
# and the page's last ones: what a browser still reads as the same article.
_CLOSING = re.compile(r"</(?:p|li|td|tr|figcaption|strong|em|b|i)>|</div>\s*</body>\s*</html>\s*$")
_BODY_TAG = re.compile(r"<body[^>]*>", re.I)
_META = re.compile(r'<meta charset="utf-8"\s*/?>', re.I)
INJECTED = (
    '<p>Trước đoạn mã <script>document.title="pwned"</script> và '
    '<a href="javascript:alert(1)">liên kết độc</a> '
    '<img src="/Uploads/x.jpg" onerror="alert(2)"> sau đoạn mã.</p>'
)


def alter(name: str, params: dict[str, str], page: Response) -> tuple[str, bytes]:
    text = page.body.decode("utf-8")
    if name == "content_type":
        return params.get("type", "application/octet-stream"), page.body
    if name == "empty":
        return HTML, b""
    if name == "unclosed":
        return page.content_type, _CLOSING.sub("", text).encode("utf-8")
    if name == "charset_lie_1258":
        return page.content_type, to_cp1258(text)
    if name == "charset_lie_utf8":
        lied = _META.sub('<meta charset="windows-1258">', text)
        return "text/html; charset=windows-1258", lied.encode("utf-8")
    if name == "mojibake":
        # UTF-8 read once as windows-1252 and saved as UTF-8 again (the text only).
        head, sep, rest = text.partition("<body")
        return page.content_type, (head + sep + as_mojibake(rest)).encode("utf-8")
    if name == "nul":
        return page.content_type, text.replace("<p>", "<p>\0").encode("utf-8") + b"\0"
    extra = {
        "huge_paragraph": "<p>" + "Một đoạn văn rất dài. " * (1024 * 1024 // 22) + "</p>",
        "many_images": "".join(
            f'<p><img src="/Uploads/2020/11/1/1/anh-{n}.jpg"></p>' for n in range(5000)
        ),
        "script": INJECTED,
        "bad_links": '<p><a href="http://[::1">một</a> <a href="/x:99999/a-1">hai</a> '
        '<a href="http://127.0.0.1:99999/a-130001">ba</a> <a href="http://a:x/">bốn</a></p>',
        "hostile_ids": f'<p><a href="/thoi-su/x-{2**63}">một</a> '
        f'<a href="/thoi-su/x-{"9" * 400}">hai</a> '
        '<a href="/thoi-su/x-\u0661\u0663\u0660\u0660\u0660\u0661">ba</a></p>',
        "long_link": f'<p><a href="/thoi-su/{"dai-" * 550}{params.get("id", "990001")}">'
        "dài</a></p>",
    }[name]
    if not _BODY_OPEN.search(text):
        # Not an article page (a listing): the links go at the top of its body.
        return page.content_type, _BODY_TAG.sub(lambda m: m.group(0) + extra, text, 1).encode()
    return page.content_type, _BODY_OPEN.sub(lambda m: m.group(1) + extra, text, 1).encode()


def to_cp1258(text: str) -> bytes:
    """Text as windows-1258 writes it: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = list(unicodedata.normalize("NFD", ch))
        shape = [m for m in marks if m in "\u0302\u0306\u031b"]  # circumflex, breve, horn
        if shape:
            base = unicodedata.normalize("NFC", base + shape[0])
            marks.remove(shape[0])
        out += (base + "".join(marks)).encode("cp1258", errors="replace")
    return bytes(out)


def as_mojibake(text: str) -> str:
    """UTF-8 read as windows-1252 (undefined bytes kept as C1 controls, as browsers do)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode())
