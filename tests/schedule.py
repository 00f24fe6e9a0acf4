"""The order tests run in: the long modules first, spread evenly over the xdist workers.

pytest-xdist's `worksteal` hands each of N workers one contiguous N-th of the collected
tests, then lets an idle worker take half of the longest queue's tail. In collection
(alphabetical) order the minute-long modules land wherever their names put them, and a
worker that meets the kill cycles last keeps the suite waiting alone. Here the modules
are packed longest first into N bins of (nearly) equal test counts, each bin starting
with its long modules, so the tails that get stolen are the short tests.

A module's cost comes from `tests/durations.json` (seconds of wall time, recorded by
`bash scripts/test.sh --record-durations`); a module not listed costs a small default per test.
Tests of one module stay together (their module-scoped fixtures start once), except
that a bin boundary may fall inside a short module. Without xdist nothing changes.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS = Path(__file__).with_name("durations.json")
# Seconds a test of a module not in durations.json is assumed to take.
DEFAULT_TEST_COST = 0.05


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--record-durations",
        action="store_true",
        help="write each module's wall time of this run to tests/durations.json, "
        "which orders the tests over the xdist workers",
    )


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def _workers() -> int:
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))


def _costs() -> dict[str, float]:
    try:
        data = json.loads(DURATIONS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def pack(modules: dict[str, int], costs: dict[str, float], bins: int) -> list[list[str]]:
    """Modules (name -> test count) in `bins` lists of nearly equal test counts, the
    costly ones spread longest first (LPT), each list costly first."""
    total = sum(modules.values())
    # As xdist splits: worker i takes remaining // (bins - i), so the last ones get more.
    capacity = [total // bins + (1 if i >= bins - total % bins else 0) for i in range(bins)]
    cost = {m: costs.get(m, DEFAULT_TEST_COST * n) for m, n in modules.items()}
    packed: list[list[str]] = [[] for _ in range(bins)]
    load = [0.0] * bins
    room = list(capacity)
    order = sorted(modules, key=lambda m: (-cost[m], m))
    for module in order:
        # The least loaded bin that still has room for the whole module; else the one
        # with the most room (the module then overflows into the next bin's share).
        fits = [i for i in range(bins) if room[i] >= modules[module]]
        target = (
            min(fits, key=lambda i: (load[i], i))
            if fits
            else max(range(bins), key=lambda i: (room[i], -i))
        )
        packed[target].append(module)
        load[target] += cost[module]
        room[target] -= modules[module]
    return packed


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    bins = _workers()
    if bins < 2:
        return
    by_module: dict[str, list[pytest.Item]] = defaultdict(list)
    for item in items:
        by_module[_module(item)].append(item)
    packed = pack({m: len(v) for m, v in by_module.items()}, _costs(), bins)
    items[:] = [item for modules in packed for module in modules for item in by_module[module]]


class _Recorder:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.nodeid.split("::", 1)[0]] += report.duration

    def pytest_sessionfinish(self) -> None:
        data = {m: round(s, 1) for m, s in sorted(self.seconds.items())}
        DURATIONS.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    # On xdist's controller (it sees every test's report), never on a worker.
    if config.getoption("--record-durations") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Recorder(), "vnarchive-record-durations")
