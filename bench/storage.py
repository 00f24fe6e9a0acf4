"""Storage (upserts with images and both search indexes) and search/facet latency.

Articles are the replica's truth records (exactly what the parser reads from the
replica's pages) turned into `Article`s; beyond 20,000 they repeat with new ids and
dates (see `bench.pages.replica_articles`). No network, no parsing here.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Report, quantile
from bench.legacy import legacy_code
from bench.pages import replica_articles

GROUP = "storage"
SEARCH = "search"

QUERIES = {
    "common word (exact)": "Đảng",
    "two words (exact)": "chuyển đổi số",
    "phrase": '"tuyên giáo"',
    "folded (no accents)": "ha noi",
    "prefix": "tuyen*",
    "rare word": "Khen thưởng",
}
FACETS = {
    "facet: category": "SELECT category, count(*) AS n FROM articles "
    "GROUP BY category ORDER BY n DESC LIMIT 31",
    "facet: month of publication": "SELECT substr(published_at, 1, 7) AS month, count(*) "
    "FROM articles GROUP BY month ORDER BY month DESC LIMIT 31",
    "facet: author (JSON array)": "SELECT j.value, count(*) AS n FROM articles, "
    "json_each(articles.authors) AS j GROUP BY j.value ORDER BY n DESC LIMIT 31",
    "facet: category of a search's hits": "SELECT a.category, count(*) AS n FROM fts_folded "
    "JOIN fts_docs d ON d.id = fts_folded.rowid JOIN articles a ON a.site = d.site "
    "AND a.article_id = d.article_id WHERE fts_folded MATCH 'ha noi' "
    "GROUP BY a.category ORDER BY n DESC LIMIT 31",
    "count in a date range": "SELECT count(*) FROM articles "
    "WHERE published_at >= '2020-01-01' AND published_at < '2021-01-01'",
}


def upsert_rate(articles: list[Any], path: Path, batch: int = 1) -> float:
    """Articles/s through `upsert_article`; `batch` > 1 wraps that many in one transaction
    (each article's own transaction then becomes a savepoint)."""
    from pipelines.archive import Archive

    with Archive(path) as archive:
        started = time.perf_counter()
        if batch == 1:
            for article in articles:
                archive.upsert_article(article, crawl_id=None)
        else:
            for start in range(0, len(articles), batch):
                with archive.db.atomic():
                    for article in articles[start : start + batch]:
                        archive.upsert_article(article, crawl_id=None)
        return len(articles) / (time.perf_counter() - started)


def run_storage(report: Report, *, articles: int, runs: int) -> None:
    rate = report.figure(
        GROUP, "upsert_article (images + both FTS indexes), articles/s", "articles/s"
    )
    rate_before = report.figure(
        GROUP, "upsert_article, fold_text before issue 9's fix, articles/s", "articles/s"
    )
    rate_batched = report.figure(
        GROUP,
        "upsert_article, 100 articles per transaction, articles/s",
        "articles/s",
        note="what batching the pipeline's commits would give",
    )
    rate_again = report.figure(
        GROUP, "upsert_article of unchanged articles, articles/s", "articles/s"
    )
    material = replica_articles(articles)
    images = sum(len(a.images) for a in material)
    report.note(
        GROUP,
        f"{len(material):,} articles ({images / len(material):.1f} images each on average) "
        "into an empty archive, one transaction per article as in a crawl; then the same "
        "articles again (unchanged: hash compared, last_seen updated)",
    )
    for _ in range(runs):
        workdir = Path(tempfile.mkdtemp(prefix="vnarchive-bench-store-"))
        try:
            rate.add(upsert_rate(material, workdir / "a.db"))
            rate_again.add(upsert_rate(material, workdir / "a.db"))
            rate_batched.add(upsert_rate(material, workdir / "batched.db", batch=100))
            with legacy_code():
                rate_before.add(upsert_rate(material, workdir / "before.db"))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def build_archive(path: Path, count: int) -> float:
    """An archive of `count` articles, written in batches of 1,000 per transaction."""
    from pipelines.archive import Archive
    from pipelines.fts import DEFAULT_MAX_SEGMENTS

    material = replica_articles(count)
    started = time.perf_counter()
    with Archive(path) as archive:
        for start in range(0, len(material), 1000):
            with archive.db.atomic():  # per-article transactions become savepoints
                for article in material[start : start + 1000]:
                    archive.upsert_article(article)
        archive.db.execute("ANALYZE")
        # As a crawl that wrote articles ends (pipelines/fts.py).
        archive.merge_search_after_run(max_segments=DEFAULT_MAX_SEGMENTS)
    return time.perf_counter() - started


def run_search(report: Report, *, articles: int, runs: int, repeats: int = 20) -> None:
    from pipelines.archive import Archive
    from pipelines.search import search

    workdir = Path(tempfile.mkdtemp(prefix="vnarchive-bench-search-"))
    try:
        path = workdir / "archive.db"
        seconds = build_archive(path, articles)
        size_mb = path.stat().st_size / 1024 / 1024
        report.note(
            SEARCH,
            f"archive of {articles:,} articles built in {seconds:.0f} s "
            f"({articles / seconds:,.0f} articles/s in batches of 1,000 per transaction), "
            f"{size_mb:,.0f} MB; {runs} runs x {repeats} repetitions of each query, "
            "p50 and p95 within each run; search() returns the first 20 hits",
        )
        names = (*QUERIES, *FACETS)
        hits: dict[str, int] = {}
        p50 = {}
        p95 = {}
        with Archive(path) as archive:
            for _ in range(runs):
                timings: dict[str, list[float]] = {name: [] for name in names}
                for _ in range(repeats):
                    for name, query in QUERIES.items():
                        started = time.perf_counter()
                        found = search(archive.db, query, limit=20)
                        timings[name].append((time.perf_counter() - started) * 1000)
                        hits[name] = len(found)
                    for name, sql in FACETS.items():
                        started = time.perf_counter()
                        archive.db.execute(sql).fetchall()
                        timings[name].append((time.perf_counter() - started) * 1000)
                for name, values in timings.items():
                    if name not in p50:
                        kind = f"search {QUERIES[name]!r}" if name in QUERIES else name
                        label = f"{kind} ({name}, {hits[name]} hits)" if name in QUERIES else kind
                        p50[name] = report.figure(SEARCH, f"{label}: p50", "ms")
                        p95[name] = report.figure(SEARCH, f"{label}: p95", "ms")
                    p50[name].add(quantile(values, 0.5))
                    p95[name].add(quantile(values, 0.95))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
