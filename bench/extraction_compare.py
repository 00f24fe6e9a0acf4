"""Side by side on the gold set: `parse_article`, trafilatura and htmldate.

    .venv/bin/python bench/extraction_compare.py [--fixtures tests/fixtures/pages] [--repeat 5]
    .venv/bin/python bench/extraction_compare.py --fixtures tests/fixtures/realpages \
        --reader generic

Accuracy uses the same per-field scoring as `vnarchive eval` (vnarchive/eval.py), on the
same hand-checked pages. trafilatura is called as a researcher would call it
(`bare_extraction(..., with_metadata=True)`); it has no notion of a photo credit, an
agency source or a caption tied to its picture, so those fields score what it can give
(nothing). htmldate only gives a date: only `published_at` is scored for it.

Speed: CPU time (`time.process_time`) per call; every function gets the page's bytes,
page by page in turn, `--repeat` times, the functions taking turns call by call (the
first of each round rotating); a page's figure is its median, the table shows the
median over pages, all from this one run. The ratios are medians of per-page ratios.
`bench/run --only generic` (bench/generic_speed.py) measures the generic reader's
ratio the same way on both gold sets, against the 1/3 target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vnarchive.eval import (  # noqa: E402 (the repository root must be on the path first)
    FIELDS,
    GOLD_FETCHED_AT,
    GoldPage,
    Scores,
    evaluate,
    format_pages,
    format_table,
    load_gold,
    score_record,
)


def drift_pages(generated: int) -> list[GoldPage]:
    """Every replica article as `--layout drift` serves it, with the replica's truth."""
    import json
    from datetime import date

    from replica import render_new
    from replica.pages import drifted
    from replica.site import Site

    site = Site("drift", generated, 1, date(2021, 1, 24))
    base = "https://www.tuyengiao.vn"
    truth = {r["article_id"]: r for r in site.truth(base)}
    pages = []
    for article in site.articles():
        html = drifted(render_new.render_article(site, article)).encode()
        expected = json.loads(json.dumps(truth[article.article_id]))
        pages.append(GoldPage(f"drift-{article.article_id}", html, expected))
    return pages


def trafilatura_record(page: GoldPage) -> dict[str, Any] | None:
    import trafilatura

    doc = trafilatura.bare_extraction(
        page.html, url=page.expected["url"], with_metadata=True, include_tables=True
    )
    if doc is None:
        return None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
    categories = data.get("categories") or []
    return {
        "title": data.get("title"),
        "lead": data.get("description"),
        "body": [line for line in (data.get("text") or "").splitlines() if line.strip()],
        "images": [],
        "authors": authors,
        "source": None,
        "published_at": _iso_or_none(data.get("date")),
        "tags": list(data.get("tags") or []),
        "category": categories[-1] if categories else None,
    }


def htmldate_record(page: GoldPage) -> dict[str, Any] | None:
    from htmldate import find_date

    found = find_date(
        page.html, extensive_search=True, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S"
    )
    return {"published_at": _iso_or_none(found)}


def _iso_or_none(value: str | None) -> str | None:
    # A bare date or naive time is taken at +07:00, the most favourable reading for it.
    if not value:
        return None
    return (value if "T" in value else f"{value}T00:00:00") + "+07:00"


def score_other(
    pages: list[GoldPage],
    read: Callable[[GoldPage], dict[str, Any] | None],
    fields: tuple[str, ...],
    per_page: dict[str, dict[str, float]] | None = None,
) -> Scores:
    scores = Scores()
    for page in pages:
        if per_page is not None:
            per_page[page.name] = {}
        record = read(page)
        if "error" in page.expected:
            scores.add(page.name, {"page_kind": float(record is None)})
            continue
        if record is None:
            scores.add(page.name, score_record({}, page.expected) | {"page_kind": 0.0})
            continue
        page_scores = score_record(record, page.expected)
        kept = {k: v for k, v in page_scores.items() if k in fields}
        scores.add(page.name, kept)
        if per_page is not None:
            per_page[page.name] = kept
    return scores


def timings(pages: list[GoldPage], repeat: int, reader: str) -> dict[str, list[float]]:
    import lxml.html
    import trafilatura
    from htmldate import find_date

    from vnarchive.eval import _reader

    read = _reader(reader)
    functions: dict[str, Callable[[GoldPage], Any]] = {
        reader: lambda p: read(p.html, p.expected["url"], GOLD_FETCHED_AT),
        "trafilatura.extract": lambda p: trafilatura.extract(p.html, url=p.expected["url"]),
        "htmldate.find_date": lambda p: find_date(p.html, extensive_search=True),
        "lxml.html.fromstring": lambda p: lxml.html.fromstring(p.html),
    }
    for function in functions.values():  # imports and caches warmed before timing
        function(pages[0])
    per_page: dict[str, list[float]] = {name: [] for name in functions}
    names = list(functions)
    for page in pages:
        samples: dict[str, list[float]] = {name: [] for name in names}
        for call in range(repeat):
            shift = call % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.process_time()
                functions[name](page)
                samples[name].append(time.process_time() - start)
        for name in names:
            per_page[name].append(statistics.median(samples[name]) * 1000)
    return per_page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", default=str(ROOT / "tests" / "fixtures" / "pages"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--drift-replica",
        type=int,
        default=0,
        metavar="N",
        help="also score the replica's drifted layout (N generated articles + 21 real)",
    )
    parser.add_argument(
        "--reader",
        choices=("parse_article", "generic"),
        default="parse_article",
        help="which vnarchive reader to score and time (generic: the generic reader alone)",
    )
    args = parser.parse_args(argv)
    pages = load_gold(Path(args.fixtures))
    articles = [p for p in pages if "error" not in p.expected]
    print(f"{len(pages)} gold pages ({len(articles)} articles), {os.cpu_count()} cores")
    per_page_scores: dict[str, dict[str, float]] = {}
    trafilatura_pages: dict[str, dict[str, float]] = {}
    columns = {
        args.reader: evaluate(pages, reader=args.reader, per_page=per_page_scores),
        "trafilatura": score_other(pages, trafilatura_record, FIELDS, trafilatura_pages),
        "htmldate": score_other(pages, htmldate_record, ("page_kind", "published_at")),
    }
    columns["htmldate"].counts["page_kind"] = 0  # htmldate does not judge pages: not scored
    print(format_table(columns))
    print(f"\nper page, {args.reader}:")
    print(format_pages(per_page_scores))
    print("\nper page, trafilatura:")
    print(format_pages(trafilatura_pages))
    if args.drift_replica:
        drifted = drift_pages(args.drift_replica)
        print(f"\nreplica --layout drift: {len(drifted)} articles, read by the fallback only")
        print(
            format_table(
                {
                    "parse_article": evaluate(drifted),
                    "trafilatura": score_other(drifted, trafilatura_record, FIELDS),
                }
            )
        )
    per_page = timings(articles, args.repeat, args.reader)
    print(f"\nmedian CPU ms per article page ({len(articles)} pages, {args.repeat} runs each)")
    for name, values in per_page.items():
        print(f"  {name:<22} {statistics.median(values):8.3f}")
    ours = per_page[args.reader]
    for other in ("trafilatura.extract", "lxml.html.fromstring"):
        ratios = [a / b for a, b in zip(ours, per_page[other], strict=True)]
        print(
            f"  {args.reader} / {other:<22} {statistics.median(ratios):6.3f} "
            f"(median of per-page ratios; worst page {max(ratios):.3f})"
        )
    if len(articles) <= 12:
        for page, a, b in zip(articles, ours, per_page["trafilatura.extract"], strict=True):
            print(f"    {page.name:<34} {a:8.2f} ms  trafilatura {b:8.2f} ms  ratio {a / b:.3f}")
    print("  (target for the generic reader: <= 0.333 of trafilatura.extract on each page)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
