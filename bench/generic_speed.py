"""The generic reader against trafilatura, side by side on real pages (issue 15 §6).

Target: the generic reader (any news site, no profile) takes at most 1/3 of
`trafilatura.extract`'s time on each page. Measured as CPU time (`time.process_time`),
which a shared machine's load disturbs far less than wall time:

- both get the same bytes and URL (the reader's time includes decoding, parsing and
  freeing the page, as a crawl pays them);
- each page is read `repeat` times by each, the two alternating call by call (and which
  goes first alternating too), after one warm-up call each; a page's time is the median
  of its calls;
- the ratio is computed per page, and a run's figure is the median of the per-page
  ratios, with the worst page and how many pages meet the target beside it.

    .venv/bin/python -m bench.generic_speed [--repeat 9] [FIXTURES ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import ROOT, Report

GROUP = "generic reader"
TARGET = 1 / 3
# The page sets, as `vnarchive eval` reads them: real pages of six portals, and the
# tuyengiao gold set (every layout of the portal the project was built for).
SETS = {
    "real pages": ROOT / "tests" / "fixtures" / "portals",
    "tuyengiao gold set": ROOT / "tests" / "fixtures" / "pages",
}

Reader = Callable[[bytes, str], Any]


@dataclass(frozen=True)
class PageTime:
    name: str
    ours_ms: float
    theirs_ms: float

    @property
    def ratio(self) -> float:
        return self.ours_ms / self.theirs_ms


def readers() -> tuple[Reader, Reader]:
    """(the generic reader, trafilatura.extract), each called as a crawl would."""
    import trafilatura

    from vnarchive.eval import GOLD_FETCHED_AT, _reader

    generic = _reader("generic")

    def ours(html: bytes, url: str) -> Any:
        try:
            return generic(html, url, GOLD_FETCHED_AT)
        except Exception:  # a refusal costs its time too; the eval scores it
            return None

    def theirs(html: bytes, url: str) -> Any:
        return trafilatura.extract(html, url=url)

    return ours, theirs


def article_pages(directory: Path) -> list[tuple[str, bytes, str]]:
    """(name, bytes, url) of the gold set's article pages (listings and errors left out)."""
    from vnarchive.eval import load_gold

    return [
        (page.name, page.html, page.expected["url"])
        for page in load_gold(directory)
        if "error" not in page.expected
    ]


def cpu_ms(read: Reader, html: bytes, url: str) -> float:
    started = time.process_time()
    read(html, url)
    return (time.process_time() - started) * 1000


def measure(
    pages: Sequence[tuple[str, bytes, str]], ours: Reader, theirs: Reader, repeat: int
) -> list[PageTime]:
    """Per page: the median CPU ms of each reader over `repeat` alternating calls."""
    found = []
    for name, html, url in pages:
        ours(html, url)  # warm-up: lazy imports and per-process caches, both sides
        theirs(html, url)
        mine: list[float] = []
        other: list[float] = []
        for call in range(repeat):
            if call % 2 == 0:
                mine.append(cpu_ms(ours, html, url))
                other.append(cpu_ms(theirs, html, url))
            else:
                other.append(cpu_ms(theirs, html, url))
                mine.append(cpu_ms(ours, html, url))
        found.append(PageTime(name, statistics.median(mine), statistics.median(other)))
    return found


def summary(times: Sequence[PageTime]) -> dict[str, float]:
    ratios = [t.ratio for t in times]
    return {
        "ours_ms": statistics.median(t.ours_ms for t in times),
        "theirs_ms": statistics.median(t.theirs_ms for t in times),
        "ratio": statistics.median(ratios),
        "worst": max(ratios),
        "met": sum(r <= TARGET for r in ratios),
    }


def table(times: Sequence[PageTime]) -> list[str]:
    lines = [
        "| page | generic reader, CPU ms | trafilatura.extract, CPU ms | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for t in times:
        mark = "" if t.ratio <= TARGET else " (over 1/3)"
        lines.append(f"| {t.name} | {t.ours_ms:.2f} | {t.theirs_ms:.2f} | {t.ratio:.3f}{mark} |")
    return lines


def run(report: Report, *, runs: int, repeat: int) -> list[str]:
    """The figures into `report`; returns the per-page tables of the last run."""
    ours, theirs = readers()
    tables: list[str] = []
    report.note(
        GROUP,
        "CPU time (time.process_time) per call of the generic reader (read_page + "
        "generic_article, as `vnarchive eval --reader generic` calls it) and of "
        f"trafilatura.extract, both given the page's bytes; {repeat} calls each per page, "
        "alternating; a page's time is the median of its calls, the ratio is per page, a "
        "run's figure is the median of the per-page ratios",
    )
    for label, directory in SETS.items():
        pages = article_pages(directory)
        figures = {
            "ours_ms": report.figure(GROUP, f"{label}: generic reader, CPU ms/page", "ms"),
            "theirs_ms": report.figure(GROUP, f"{label}: trafilatura.extract, CPU ms/page", "ms"),
            "ratio": report.figure(
                GROUP,
                f"{label}: generic reader / trafilatura (median of per-page ratios)",
                "ratio",
                target="<= 0.333",
            ),
            "worst": report.figure(GROUP, f"{label}: worst page's ratio", "ratio"),
            "met": report.figure(
                GROUP, f"{label}: pages at or under 1/3 (of {len(pages)})", "pages"
            ),
        }
        times: list[PageTime] = []
        for _ in range(runs):
            times = measure(pages, ours, theirs, repeat)
            for key, value in summary(times).items():
                figures[key].add(value)
        tables += ["", f"{label} ({directory.relative_to(ROOT)}), the last run:", ""]
        tables += table(times)
        print("\n".join(tables[-len(times) - 3 :]), flush=True)
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fixtures", nargs="*", type=Path, help="gold folders (default: both sets)")
    parser.add_argument("--repeat", type=int, default=9, help="calls per page and reader")
    args = parser.parse_args(argv)
    ours, theirs = readers()
    for directory in args.fixtures or list(SETS.values()):
        times = measure(article_pages(directory), ours, theirs, args.repeat)
        print(f"\n{directory}: {len(times)} article pages, {args.repeat} calls each")
        print("\n".join(table(times)))
        found = summary(times)
        print(
            f"median CPU ms/page: generic {found['ours_ms']:.2f}, trafilatura "
            f"{found['theirs_ms']:.2f}; generic / trafilatura: median of per-page ratios "
            f"{found['ratio']:.3f} (target <= {TARGET:.3f}: "
            f"{'met' if found['ratio'] <= TARGET else 'NOT met'}), worst page "
            f"{found['worst']:.3f}, {found['met']:.0f} of {len(times)} pages at or under 1/3"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
