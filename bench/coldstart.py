"""Cold start of `vnarchive --help`, against the bare interpreter, and what it imports."""

from __future__ import annotations

import re

from bench.common import PYTHON, VNARCHIVE, Report, run_child

GROUP = "cold start"


def run(report: Report, *, runs: int) -> None:
    help_ = report.figure(GROUP, "vnarchive --help, wall time", "s", target="< 0.5")
    bare = report.figure(GROUP, "python -c pass (the interpreter alone), wall time", "s")
    run_child([VNARCHIVE, "--help"])  # warm the page cache and .pyc files once
    for _ in range(runs):
        result = run_child([VNARCHIVE, "--help"])
        if result.returncode != 0:
            raise RuntimeError(f"vnarchive --help failed: {result.stderr[-500:]}")
        help_.add(result.wall_s)
        bare.add(run_child([PYTHON, "-c", "pass"]).wall_s)
    result = run_child([PYTHON, "-X", "importtime", "-m", "vnarchive", "--help"])
    cumulative: list[tuple[int, str]] = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 2:  # top-level imports only
            cumulative.append((int(match.group(1)), match.group(3)))
    cumulative.sort(reverse=True)
    top = ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in cumulative[:5])
    report.note(GROUP, f"largest top-level imports of `vnarchive --help` (-X importtime): {top}")
