"""Extraction: median ms per page of `parse_article`, `trafilatura.extract` and the floor,
`lxml.html.fromstring`, on the same replica pages (both layouts), in the same run."""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime
from typing import Any

from bench.common import Report
from bench.pages import replica_pages

GROUP = "extraction"


def run(report: Report, *, pages: int, runs: int) -> None:
    import lxml.html

    from bench.legacy import legacy_code
    from crawler.extract.dates import VN_TZ
    from crawler.extract.parsing import parse_article
    from crawler.portals import portal_by_name

    portal = portal_by_name("tuyengiao")
    material = replica_pages(pages)
    layouts: dict[str, int] = {}
    fetched_at = datetime(2026, 11, 26, 12, 0, tzinfo=VN_TZ)
    for url, body in material:
        layout = parse_article(body, url, fetched_at, portal=portal).layout
        layouts[layout] = layouts.get(layout, 0) + 1
    loaded = [name for name in ("dateparser", "bs4") if name in sys.modules]
    report.note(
        GROUP,
        "slow libraries loaded by these parses: "
        + (", ".join(loaded) if loaded else "none")
        + " (dateparser is only the fallback of crawler.extract.dates; bs4 only re-reads a"
        " page nested past libxml2's depth limit, crawler/extract/parsing/deep.py)",
    )
    import trafilatura  # after the check: it brings libraries of its own

    size_kb = statistics.median(len(body) for _, body in material) / 1024
    report.note(
        GROUP,
        f"{len(material)} replica article pages "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(layouts.items()))}), "
        f"median {size_kb:.0f} KB; each function gets the page's bytes, timed page by page "
        f"in turn; the figure of a run is the median over its pages",
    )

    def ours(url: str, body: bytes) -> Any:
        return parse_article(body, url, fetched_at, portal=portal)

    def ours_legacy(url: str, body: bytes) -> Any:
        with legacy_code():
            return parse_article(body, url, fetched_at, portal=portal)

    def trafi(url: str, body: bytes) -> Any:
        return trafilatura.extract(body, url=url)

    def floor(url: str, body: bytes) -> Any:
        return lxml.html.fromstring(body)

    functions = {
        "parse_article": ours,
        "parse_article, text code before issue 9's fixes": ours_legacy,
        "trafilatura.extract": trafi,
        "lxml.html.fromstring (floor)": floor,
    }
    figures = {name: report.figure(GROUP, f"{name}, ms/page", "ms") for name in functions}
    ratio_trafi = report.figure(GROUP, "parse_article / trafilatura", "ratio", target="<= 0.333")
    ratio_floor = report.figure(GROUP, "parse_article / lxml floor", "ratio", target="<= 4")
    ratio_fix = report.figure(GROUP, "parse_article after / before the fixes", "ratio")
    for url, body in material:  # warm up: compiled selectors, lazy imports, caches
        for function in functions.values():
            function(url, body)
    for _ in range(runs):
        times: dict[str, list[float]] = {name: [] for name in functions}
        for url, body in material:
            for name, function in functions.items():
                started = time.perf_counter()
                function(url, body)
                times[name].append((time.perf_counter() - started) * 1000)
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, value in medians.items():
            figures[name].add(value)
        ratio_trafi.add(medians["parse_article"] / medians["trafilatura.extract"])
        ratio_floor.add(medians["parse_article"] / medians["lxml.html.fromstring (floor)"])
        ratio_fix.add(
            medians["parse_article"] / medians["parse_article, text code before issue 9's fixes"]
        )
