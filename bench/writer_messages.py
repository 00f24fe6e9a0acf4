"""The writer process's cost per message: the protocol alone, and with the archive.

A crawl-like stream (per article: its validators, the article, its capture; a listing
page read per 20 articles) is framed as the crawl frames it, then read back and
applied as `pipelines.writer.serve` does, in batches of BATCH_MAX. Two figures:

- codec: frame + unpickle, µs per message (what the protocol itself costs), for the
  whole stream and for its small messages alone (all but the articles);
- writer: unpickle + dispatch + the SQLite writes (one commit per batch), µs per message.

CPU time of this process (the machine is shared: wall time measured its neighbours).

    python -m bench.writer_messages [--articles N] [--runs R]

Runs against whichever tree is first on PYTHONPATH: a tree without
`pipelines.messages` (before issue 14) gets the tuples it spoke.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.pages import BASE_URL, replica_articles

SITE = "tuyengiao.vn"


def stream(articles: list[Any]) -> list[Any]:
    """The writes a crawl of these articles sends, in the protocol of the tree in use."""
    from crawler.protocol.frontier import Listed

    try:
        from pipelines import messages as m
    except ImportError:
        m = None  # type: ignore[assignment]
    ops: list[Any] = []
    for first in range(0, len(articles), 20):
        chunk = articles[first : first + 20]
        listed = [Listed(a.article_id, a.url, None) for a in chunk]
        if m is not None:
            ops.append(m.ReadListing("thoi-su", first // 20 + 1, listed, listed, None))
            ops.append(m.MarkStarted([a.article_id for a in chunk]))
        else:
            ops.append(("frontier", "listing_read", ("thoi-su", first // 20 + 1, listed),
                        {"new": listed, "walk_next": None}))  # fmt: skip
            ops.append(("frontier", "started", ([a.article_id for a in chunk],), {}))
        for article in chunk:
            capture = {"url": article.url, "fetched_at": "2026-11-26T12:00:00+07:00",
                       "status": 200, "content_type": "text/html", "payload_digest":
                       f"sha1:{article.article_id}", "record_type": "response",
                       "warc_file": "a.warc.gz", "offset": 0, "length": 1000, "site": SITE,
                       "article_id": article.article_id}  # fmt: skip
            etag, modified = f'"{article.article_id}"', "Thu, 26 Nov 2026 05:00:00 GMT"
            if m is not None:
                ops.append(m.SetValidators(article.article_id, article.url, etag, modified))
                ops.append(m.StoreArticle(article))
                ops.append(m.RecordCapture(capture))
            else:
                ops.append(("frontier", "set_validators",
                            (article.article_id, article.url, etag, modified), {}))  # fmt: skip
                ops.append(("article", article))
                ops.append(("capture", capture))
    return ops


def _is_article(op: Any) -> bool:
    return op[0] == "article" if isinstance(op, tuple) else type(op).__name__ == "StoreArticle"


def frames(ops: list[Any]) -> bytes:
    from pipelines.writer import frame

    return b"".join(frame(op) for op in ops)


def decode(buffer: bytes) -> list[Any]:
    """What `serve` does with what it read: frames back into messages."""
    from pipelines.writer import HEADER

    try:
        from pipelines.messages import decode as read
    except ImportError:
        read = pickle.loads
    ops, offset = [], 0
    while offset < len(buffer):
        (size,) = HEADER.unpack_from(buffer, offset)
        start = offset + HEADER.size
        ops.append(read(buffer[start : start + size]))
        offset = start + size
    return ops


def time_codec(ops: list[Any]) -> float:
    started = time.process_time()
    decode(frames(ops))
    return (time.process_time() - started) / len(ops) * 1e6


def time_writer(ops: list[Any], directory: Path) -> float:
    from pipelines.archive import Archive
    from pipelines.writer import BATCH_MAX, Writer

    data = frames(ops)
    archive = Archive(directory / "archive.db")
    crawl_id = archive.start_crawl(spider="bench", start_url=BASE_URL)
    writer = Writer(archive, SITE, crawl_id, 3)
    started = time.process_time()
    messages = decode(data)
    for first in range(0, len(messages), BATCH_MAX):
        writer.apply_batch(messages[first : first + BATCH_MAX])
    elapsed = time.process_time() - started
    writer.close()
    archive.close()
    return elapsed / len(ops) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.writer_messages", description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    ops = stream(replica_articles(args.articles))
    small = [op for op in ops if not _is_article(op)]
    codec, codec_small, writer = [], [], []
    for _ in range(args.runs):
        codec.append(time_codec(ops))
        codec_small.append(time_codec(small))
        with tempfile.TemporaryDirectory() as directory:
            writer.append(time_writer(ops, Path(directory)))
    print(f"{len(ops)} messages ({args.articles} articles), CPU time, {args.runs} runs")
    for name, values in (("codec (frame + unpickle)", codec),
                         ("codec, small messages only", codec_small),
                         ("writer (unpickle + apply + commit)", writer)):  # fmt: skip
        print(
            f"{name:35s} min {min(values):7.2f}  median {statistics.median(values):7.2f} µs/message"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
