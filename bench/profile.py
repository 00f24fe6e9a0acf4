"""Where a crawl spends its time: py-spy samples one `vnarchive crawl`, aggregated by
function (inclusive: the function and what it calls; self: the function's own code)."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from bench.common import PYTHON, Report, replica, run_child

GROUP = "profile"
_FRAME = re.compile(r"(.*?) \((.*?):\d+\)$")


def _short(path: str) -> str:
    for marker in ("site-packages/", "/work/main/", "/lib/python3."):
        if marker in path:
            path = path.split(marker, 1)[1]
    return path


def aggregate(raw: Path) -> tuple[int, Counter[str], Counter[str]]:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        names = []
        for frame in stack.split(";"):
            match = _FRAME.match(frame)
            names.append(f"{match.group(1)} ({_short(match.group(2))})" if match else frame)
        for name in set(names):
            inclusive[name] += samples
        own[names[-1]] += samples
    return total, inclusive, own


def run(report: Report, *, articles: int) -> list[str]:
    """Profile one crawl; returns markdown lines (empty without py-spy)."""
    py_spy = shutil.which("py-spy", path=str(Path(PYTHON).parent)) or shutil.which("py-spy")
    if not py_spy:
        report.note(GROUP, "py-spy is not installed (pip install -e '.[bench]'): no profile")
        return []
    workdir = Path(tempfile.mkdtemp(prefix="vnarchive-bench-prof-"))
    try:
        raw = workdir / "profile.txt"
        with replica(articles) as rep:
            result = run_child(
                [
                    py_spy,
                    "record",
                    "--rate",
                    "200",
                    "--format",
                    "raw",
                    "--output",
                    str(raw),
                    "--",
                    PYTHON,
                    "-m",
                    "vnarchive",
                    "crawl",
                    "--start-url",
                    rep.base_url,
                    "--db",
                    str(workdir / "archive.db"),
                    "--log-level",
                    "WARNING",
                ]
            )
        if not raw.exists():
            report.note(GROUP, f"py-spy failed: {result.stderr[-300:]}")
            return []
        total, inclusive, own = aggregate(raw)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    ours = ("crawler/", "pipelines/", "vnarchive/")
    lines = [
        f"py-spy, 200 samples/s, one `vnarchive crawl` of a {articles:,}-article replica "
        f"(WARC on), {total:,} samples.",
        "",
        "| inclusive | function (the project's, and what it calls) |",
        "| ---: | --- |",
    ]
    project = [(n, c) for n, c in inclusive.most_common() if any(m in n for m in ours)]
    lines += [f"| {100 * c / total:.1f}% | `{n}` |" for n, c in project[:18]]
    lines += ["", "| self | function (any code: its own lines only) |", "| ---: | --- |"]
    lines += [f"| {100 * c / total:.1f}% | `{n}` |" for n, c in own.most_common(15)]
    return lines
