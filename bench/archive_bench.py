"""Benchmark of the long-term archive: WARC storage, re-extraction, search latency.

    .venv/bin/python bench/archive_bench.py [--articles 200000] [--parsed 20000] [--quick]

How the archive is built (printed again in the output):
  * `--parsed` articles come from the replica's generator: each page is rendered by
    the replica, written to WARC exactly as the crawler writes it (request record,
    gzip per record), parsed by `parse_article`, normalised and stored with its
    capture row. Storage ratio and re-extraction are measured on these.
  * the rest, up to `--articles`, are synthesised from the parsed ones (new ids, each
    body spliced from two parsed articles) to give search an archive of full size;
    they have no WARC capture. Parsing 200,000 rendered pages would take ~8 min here.

Figures are wall-clock on this machine, one process (one core).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from crawler.extract.dates import VN_TZ
from crawler.extract.parsing import parse_article
from crawler.extract.text import fold_text
from crawler.extract.urls import article_id_from_url
from crawler.portals import TUYENGIAO
from pipelines.archive import Archive
from pipelines.fts import DEFAULT_MAX_SEGMENTS
from pipelines.normalize import normalize_article
from pipelines.reparse import reparse
from pipelines.search import search
from pipelines.warc_files import (
    RotatingWarcWriter,
    payload_digest,
    request_headers,
    response_headers,
)
from replica.pages import route
from replica.site import Site

BASE = "http://127.0.0.1:8800"
EXACT_QUERIES = [
    "Hà Nội", "Đại hội", "kinh tế", "tuyên truyền", "Thủ tướng", "giáo dục", "biển đảo",
    "Ban Tuyên giáo", "nông thôn mới", "doanh nghiệp", "\"phát triển bền vững\"", "Đà Nẵng",
    "công nghệ", "thanh niên", "văn hóa", "y tế", "hội nghị trực tuyến", "chuyển đổi số",
]  # fmt: skip
REQUEST = [("User-Agent", "vnarchive/0.1 (bench)"), ("Accept", "text/html")]


def build(archive: Archive, warc_dir: Path, parsed: int, total: int) -> dict[str, float]:
    site = Site("mixed", max(parsed - 21, 0), seed=1)
    writer = RotatingWarcWriter(warc_dir, max_size=100 * 1024**2)
    html_bytes = 0
    started = time.perf_counter()
    samples = []
    fetched = datetime(2021, 1, 24, 9, 0, tzinfo=UTC)
    for n, article_id in enumerate(site.ids()[:parsed]):
        entry = site.entry(article_id)
        assert entry is not None
        body = route(site, entry.path).body
        url = BASE + entry.path
        html_bytes += len(body)
        head = response_headers(200, [("Content-Type", "text/html; charset=utf-8")], len(body))
        kind, path, offset, length = writer.write_exchange(
            url, body, head, request_headers("GET", url, REQUEST), fetched
        )
        article = normalize_article(
            parse_article(body, url, fetched.astimezone(VN_TZ), portal=TUYENGIAO)
        )
        with archive.db.atomic():
            archive.upsert_article(article, seen_at=fetched)
            archive.record_capture(
                {
                    "url": url, "fetched_at": fetched.astimezone(VN_TZ).isoformat(),
                    "status": 200, "content_type": "text/html; charset=utf-8",
                    "payload_digest": payload_digest(body), "record_type": kind,
                    "warc_file": str(path.relative_to(archive.path.parent)),
                    "offset": offset, "length": length, "site": article.site,
                    "article_id": article_id_from_url(url),
                }
            )  # fmt: skip
        samples.append(article)
        if (n + 1) % 5000 == 0:
            print(f"  parsed {n + 1}/{parsed}", file=sys.stderr)
    writer.close()
    parse_s = time.perf_counter() - started
    warc_bytes = sum(f.stat().st_size for f in warc_dir.iterdir())
    started = time.perf_counter()
    batch = 2000
    for start in range(0, total - parsed, batch):
        # One transaction per batch (each article a savepoint): loading speed only.
        with archive.db.atomic():
            for i in range(start, min(start + batch, total - parsed)):
                base, other = samples[i % len(samples)], samples[(i * 7919 + 1) % len(samples)]
                half = len(base.body) // 2
                archive.upsert_article(
                    base.replace(
                        article_id=10_000_000 + i,
                        body=base.body[:half] + other.body[half:],
                        lead=other.lead,
                    ),
                    seen_at=fetched,
                )
        if (start // batch) % 10 == 9:
            print(f"  synthesised {start + batch}/{total - parsed}", file=sys.stderr)
    return {
        "parsed": parsed,
        "synthesised": total - parsed,
        "html_bytes_per_article": html_bytes / parsed,
        "warc_bytes_per_article": warc_bytes / parsed,
        "warc_ratio": warc_bytes / html_bytes,
        "build_parsed_s": parse_s,
        "build_synth_s": time.perf_counter() - started,
        **merge_like_a_run(archive),
    }


def merge_like_a_run(archive: Archive) -> dict[str, float]:
    """What a crawl or reparse that wrote articles ends with (pipelines/fts.py): the
    search indexes merged when they hold more than DEFAULT_MAX_SEGMENTS segments."""
    started = time.perf_counter()
    merged = archive.optimize_search(max_segments=DEFAULT_MAX_SEGMENTS)
    return {
        "merge_s": time.perf_counter() - started,
        "merge_segments_before": max(merged.values(), default=0),
    }


def measure_reparse(archive: Archive, *, changes: bool = True) -> dict[str, float]:
    started, cpu = time.perf_counter(), time.process_time()
    summary = reparse(archive)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert summary.failed == 0 and summary.changed == 0, summary.describe()
    figures = {
        "reparse_articles": summary.articles,
        "reparse_unchanged_per_s": summary.articles / elapsed,
        # CPU time of this process: what one core does, whatever else the machine runs.
        "reparse_unchanged_per_cpu_s": summary.articles / cpu,
    }
    if not changes:
        return figures
    # The other path: stored versions that differ (as after a parser fix): each gets
    # a new version written, with its search entries.
    archive.db.execute(
        "UPDATE articles SET title = title || ' (cũ)', content_hash = 'stale' "
        "WHERE article_id IN (SELECT article_id FROM captures LIMIT 2000)"
    )
    archive.db.conn.commit()
    started, cpu = time.perf_counter(), time.process_time()
    changed = reparse(archive)
    changed_s, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert changed.changed == min(2000, summary.articles), changed.describe()
    return {
        **figures,
        "reparse_with_2000_changed_per_s": changed.articles / changed_s,
        "reparse_with_2000_changed_per_cpu_s": changed.articles / cpu,
    }


def measure_search(archive: Archive, rounds: int) -> dict[str, float]:
    """Wall-clock and CPU-time latency per query, accented (exact) and folded input."""
    wall: dict[str, list[float]] = {"exact": [], "folded": []}
    cpu: dict[str, list[float]] = {"exact": [], "folded": []}
    for _ in range(rounds):
        for query in EXACT_QUERIES:
            for kind, text in (("exact", query), ("folded", fold_text(query))):
                started, cpu_started = time.perf_counter(), time.process_time()
                search(archive.db, text, limit=20)
                wall[kind].append((time.perf_counter() - started) * 1000)
                cpu[kind].append((time.process_time() - cpu_started) * 1000)
    out: dict[str, float] = {}
    for label, table in (("", wall), ("cpu_", cpu)):
        for kind, times in table.items():
            times.sort()
            out[f"search_{kind}_{label}p50_ms"] = statistics.median(times)
            out[f"search_{kind}_{label}p95_ms"] = times[int(0.95 * (len(times) - 1))]
    out["search_queries_each"] = len(wall["exact"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--parsed", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="2,000 articles, all parsed")
    parser.add_argument("--rounds", type=int, default=5, help="search rounds over the queries")
    parser.add_argument("--dir", help="where to build (default: a temporary directory)")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure reparse (unchanged path) and search on the archive already in --dir",
    )
    args = parser.parse_args()
    if args.measure_only:
        if not args.dir:
            parser.error("--measure-only needs --dir")
        with Archive(Path(args.dir) / "archive.db") as archive:
            figures = {
                "articles": archive.count_articles(),
                **merge_like_a_run(archive),
                **measure_reparse(archive, changes=False),
                **measure_search(archive, args.rounds),
            }
        print(json.dumps({k: round(v, 3) for k, v in figures.items()}, indent=2))
        return 0
    total, parsed = (2000, 2000) if args.quick else (args.articles, min(args.parsed, args.articles))
    workdir = Path(args.dir or tempfile.mkdtemp(prefix="vnarchive-bench-"))
    shutil.rmtree(workdir / "warc", ignore_errors=True)
    (workdir / "archive.db").unlink(missing_ok=True)
    print(
        f"building {total} articles in {workdir}: {parsed} rendered by the replica, written "
        f"to WARC and parsed; {total - parsed} synthesised from them (no WARC)",
        file=sys.stderr,
    )
    figures: dict[str, object] = {"articles": total, "cpus": os.cpu_count()}
    with Archive(workdir / "archive.db") as archive:
        figures.update(build(archive, workdir / "warc", parsed, total))
        print("  measuring reparse ...", file=sys.stderr)
        figures.update(measure_reparse(archive))
        print("  measuring search ...", file=sys.stderr)
        figures.update(measure_search(archive, args.rounds))
    figures["archive_db_bytes"] = (workdir / "archive.db").stat().st_size
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()},
                     indent=2))  # fmt: skip
    if not args.dir:
        shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
