"""`bench/run` (or `python -m bench`): every performance figure of issue 9 in one run.

    bench/run                 # full: 5,000-article crawls, 200,000-article search, memory
    bench/run --quick         # the same code paths, smaller, under a minute
    bench/run --only crawl    # one figure: crawl, extraction, generic, storage, search,
                              #             memory, coldstart, profile
                              # (generic: the generic reader against trafilatura on
                              #  real pages, CPU time per page, issue 15)
    bench/run --runs 5        # runs per figure (default 3 full, 2 quick)

Full mode writes bench/RESULTS.md; quick mode prints, and writes bench/RESULTS-quick.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import coldstart, crawl, extraction, generic_speed, profile, storage
from bench.common import Report, fmt, machine

HERE = Path(__file__).resolve().parent
FIGURES = (
    "coldstart",
    "extraction",
    "generic",
    "storage",
    "search",
    "crawl",
    "memory",
    "profile",
)

# name: (full, quick)
SCALE = {
    "crawl_articles": (5000, 150),
    "memory_articles": (20000, 400),
    "extraction_pages": (300, 40),
    "generic_repeat": (9, 3),
    "storage_articles": (3000, 300),
    "search_articles": (200_000, 3_000),
    "profile_articles": (2000, 0),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small scale, under 60 s")
    parser.add_argument("--only", action="append", choices=FIGURES, help="run only this figure")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3, quick 2)")
    parser.add_argument("--output", type=Path, help="where to write the markdown report")
    args = parser.parse_args(argv)
    quick = args.quick
    runs = args.runs or (2 if quick else 3)
    only = set(args.only or FIGURES)
    if quick and not args.only:
        only.discard("profile")

    def scale(name: str) -> int:
        return SCALE[name][1 if quick else 0]

    output = args.output or HERE / ("RESULTS-quick.md" if quick else "RESULTS.md")
    if args.only and not args.output and not quick:
        output = HERE / "RESULTS-partial.md"
    report = Report()
    info = machine()
    started = time.perf_counter()
    timings: dict[str, float] = {}
    profile_lines: list[str] = []
    generic_lines: list[str] = []
    steps = [
        ("coldstart", lambda: coldstart.run(report, runs=max(runs, 5) if not quick else 3)),
        ("extraction", lambda: extraction.run(report, pages=scale("extraction_pages"), runs=runs)),
        (
            "generic",
            lambda: generic_lines.extend(
                generic_speed.run(report, runs=runs, repeat=scale("generic_repeat"))
            ),
        ),
        (
            "storage",
            lambda: storage.run_storage(report, articles=scale("storage_articles"), runs=runs),
        ),
        (
            "crawl",
            # Five runs at least: a 5,000-page crawl's pages/s moves by 10-30% from one
            # minute to the next on this shared machine (bench/CHANGES.md).
            lambda: crawl.run(
                report, articles=scale("crawl_articles"), runs=max(runs, 5) if not quick else runs
            ),
        ),
        ("memory", lambda: crawl.memory(report, articles=scale("memory_articles"))),
        (
            "search",
            lambda: storage.run_search(
                report,
                articles=scale("search_articles"),
                runs=runs,
                repeats=20 if not quick else 5,
            ),
        ),
    ]

    def write(final: bool) -> None:
        text = render(
            report,
            quick=quick,
            runs=runs,
            elapsed=time.perf_counter() - started,
            timings=timings,
            profile_lines=profile_lines,
            info=info,
            partial=not final,
            generic_lines=generic_lines,
        )
        output.write_text(text, encoding="utf-8")

    for name, step in steps:
        if name not in only:
            continue
        print(f"bench: {name} ...", flush=True)
        began = time.perf_counter()
        step()
        timings[name] = time.perf_counter() - began
        print(f"bench: {name} done in {timings[name]:.0f} s", flush=True)
        write(final=False)  # a run cut short still leaves what it measured
    if "profile" in only:
        print("bench: profile ...", flush=True)
        began = time.perf_counter()
        profile_lines = profile.run(report, articles=scale("profile_articles") or 1000)
        timings["profile"] = time.perf_counter() - began
    elapsed = time.perf_counter() - started
    write(final=True)
    print()
    print(table(report))
    print(f"\nbench: {elapsed:.0f} s in all; report written to {output}")
    return 0


def table(report: Report) -> str:
    rows = [("figure", "measure", "median", "min", "max", "unit", "n", "target")]
    for f in (f for f in report.figures if f.samples):
        rows.append((f.group, f.name, *f.cells(), f.unit, str(len(f.samples)), f.target))
    widths = [min(70, max(len(r[i]) for r in rows)) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        lines.append(
            "  ".join(
                cell.ljust(widths[i])[: max(widths[i], len(cell))] for i, cell in enumerate(row)
            )
        )
    return "\n".join(lines)


def render(
    report: Report,
    *,
    quick: bool,
    runs: int,
    elapsed: float,
    timings: dict[str, float],
    profile_lines: list[str],
    info: dict[str, str],
    partial: bool = False,
    generic_lines: list[str] | None = None,
) -> str:
    info = {**info, "load average at the end": " ".join(f"{v:.2f}" for v in os.getloadavg())}
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = "quick (`bench/run --quick`)" if quick else "full (`bench/run`)"
    lines = [
        "# vnarchive benchmark results"
        + (" (quick)" if quick else "")
        + (" (PARTIAL: written while the run was still going)" if partial else ""),
        "",
        f"Written by `bench/run` on {now}, mode {mode}, {runs} runs per figure unless "
        f"noted, {elapsed:.0f} s in all. Every figure is the median of its runs with min "
        "and max; every ratio is computed within one run (both sides measured back to "
        "back on this machine) and then summarised the same way.",
        "",
        "## Machine",
        "",
        "| | |",
        "| --- | --- |",
    ]
    lines += [f"| {key} | {value} |" for key, value in info.items()]
    lines += [
        "",
        "## Figures",
        "",
        "| figure | measure | median | min | max | unit | runs | target |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for f in (f for f in report.figures if f.samples):
        median, low, high = f.cells()
        lines.append(
            f"| {f.group} | {f.name} | {median} | {low} | {high} | {f.unit} | "
            f"{len(f.samples)} | {f.target} |"
        )
    lines += ["", "## How each figure was measured", ""]
    for group, notes in report.notes.items():
        lines.append(f"- **{group}**: " + " ".join(n.rstrip(".") + "." for n in notes))
    if timings:
        lines += [
            "",
            "Time per figure: " + ", ".join(f"{k} {fmt(v)} s" for k, v in timings.items()) + ".",
        ]
    if generic_lines:
        lines += ["", "## The generic reader against trafilatura, per page", *generic_lines]
    if profile_lines:
        lines += ["", "## Profile of a crawl", "", *profile_lines]
    changes = HERE / "CHANGES.md"
    if changes.exists() and not quick:
        lines += ["", changes.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
