"""`bench/reliability [--cycles N] [--fuzz N] [--quick]`: the reliability figures (issue 8).

Runs, with fixed budgets, against replicas on 127.0.0.1 only:
1. the fault matrix (harness/fault_matrix.py): one crawl where each article misbehaves
   its own way (hostile ids, long URLs, odd Retry-After values, bombs, redirect loops
   between articles among them), each case's outcome and the archive's invariants
   checked; then the crawler traps (an empty pager, a new category a page, an endless
   pager, and one under a run-time bound), each of which must end the run by itself;
2. kill cycles (harness/process_faults.py): N crawls and N `vnarchive reparse` runs,
   each SIGKILLed at a random moment, the archive checked after every kill, then a
   restart that must end with every article present once and read right;
3. the full-disk and concurrent-reader tests (tests/test_process_faults.py);
4. the fuzzers (tests/test_fuzz.py) with FUZZ_EXAMPLES per property.
and prints one table of measured figures. Exit status 1 if any figure is a failure.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.fault_matrix import CASES, assign, check_archive, crawl  # noqa: E402
from harness.process_faults import kill_cycles, titles  # noqa: E402
from replica.server import start_replica  # noqa: E402


def fault_matrix(work: Path) -> dict[str, object]:
    db = work / "matrix.db"
    with start_replica(layout="mixed", generated=len(CASES)) as replica:
        plan = assign(replica)
        truth = {r["article_id"]: r for r in replica.truth()}
        result = crawl(replica.base_url, db)
    outcome = check_archive(db, truth, plan)
    labels = {case.label for case in plan.values()}
    failed_cases = [f for f in outcome.failed if f.split(":")[0] in labels]
    return {
        "cases": len(plan),
        "survived": len(plan) - len(failed_cases),
        "checks": len(outcome.survived) + len(outcome.failed),
        "checks_failed": outcome.failed,
        "exit_code": result.returncode,
    }


# The crawler traps of the fault replica (issue 16), each with the bound that must stop it.
TRAPS = (
    ("trap_empty_pager", r"^/the-gioi(?:\?|$)", "empty_pages"),
    ("trap_categories", r"^/(?:the-gioi|bay-\d+)(?:\?|$)", "categories"),
    ("trap_endless", r"^/the-gioi(?:\?|$)", "listing_depth"),
)
TIGHT_BOUNDS = ("CRAWL_MAX_EMPTY_PAGES=3", "CRAWL_MAX_LISTING_DEPTH=4",
                "CRAWL_MAX_EXTRA_CATEGORIES=3")  # fmt: skip


def traps(work: Path) -> dict[str, object]:
    """Each trap, and an endless pager under a 3 s run-time bound: the run must end by
    itself, degraded (exit 3), with its bound as a crawl_errors row."""
    import sqlite3

    runs = [(f"{trap} -> {bound}", trap, pattern, bound, TIGHT_BOUNDS)
            for trap, pattern, bound in TRAPS]  # fmt: skip
    timed = ("CRAWL_MAX_LISTING_DEPTH=0", "CRAWL_MAX_DURATION=3")
    runs.append(("trap_endless -> max_duration (3 s)", "trap_endless", TRAPS[2][1],
                 "max_duration", timed))  # fmt: skip
    held, failed = [], []
    for n, (label, trap, pattern, bound, settings) in enumerate(runs):
        db = work / f"trap-{n}.db"
        started = time.monotonic()
        with start_replica(layout="old", generated=3) as replica:
            rule = replica.faults.add(pattern, trap)
            try:
                result = crawl(replica.base_url, db, *settings, timeout=120)
                code: int | str = result.returncode
            except subprocess.TimeoutExpired:
                code = "still running after 120 s"
        with sqlite3.connect(db) as conn:
            rows = conn.execute(
                "SELECT count(*) FROM crawl_errors WHERE kind = ?", (f"bound_{bound}",)
            ).fetchone()[0]
        detail = f"exit {code}, {rule.served} trap pages, {rows} bound rows, " \
                 f"{time.monotonic() - started:.0f} s"  # fmt: skip
        (held if code == 3 and rows >= 1 else failed).append(f"{label}: {detail}")
    return {"cases": len(runs), "held": held, "failed": failed}


def kills(work: Path, cycles: int, seed: int) -> dict[str, object]:
    db = work / "killed.db"
    with start_replica(layout="mixed", generated=20) as replica:
        truth = {r["article_id"]: r["title"] for r in replica.truth()}
        report = kill_cycles(replica.base_url, db, truth, cycles, random.Random(seed))
    import sqlite3

    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT article_id FROM articles")]
    final = titles(db)
    return {
        "crawl_runs": report.crawl_runs,
        "crawl_kills": report.crawl_kills,
        "reparse_runs": report.reparse_runs,
        "reparse_kills": report.reparse_kills,
        "articles": len(truth),
        "lost": len(set(truth) - set(ids)),
        "duplicates": len(ids) - len(set(ids)),
        "wrong": sum(final.get(i) != t for i, t in truth.items() if i in final),
        "problems": report.problems,
    }


def pytest_run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})},
    )  # fmt: skip
    lines = result.stdout.strip().splitlines()
    return result.returncode, lines[-1] if lines else result.stderr[-300:]


def fuzz(work: Path, examples: int) -> dict[str, object]:
    counts = work / "fuzz-counts.tsv"
    code, line = pytest_run(
        "tests/test_fuzz.py",
        env={"FUZZ_EXAMPLES": str(examples), "FUZZ_COUNT_FILE": str(counts)},
    )
    tried: dict[str, int] = {}
    if counts.exists():
        for row in counts.read_text(encoding="utf-8").splitlines():
            name, count = row.split("\t")
            tried[name] = tried.get(name, 0) + int(count)
    return {"ok": code == 0, "summary": line, "tried": tried}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/reliability",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cycles", type=int, default=20, help="kill cycles (default 20)")
    parser.add_argument("--fuzz", type=int, default=1000, help="inputs per fuzz property")
    parser.add_argument("--seed", type=int, default=8, help="seed of the kill moments")
    parser.add_argument("--quick", action="store_true", help="3 cycles, 100 fuzz inputs")
    args = parser.parse_args(argv)
    if args.quick:
        args.cycles, args.fuzz = 3, 100
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vnarchive-reliability-") as tmp:
        work = Path(tmp)
        print("fault matrix ...", file=sys.stderr, flush=True)
        matrix = fault_matrix(work)
        print("crawler traps ...", file=sys.stderr, flush=True)
        trapped = traps(work)
        print(f"kill cycles x{args.cycles} ...", file=sys.stderr, flush=True)
        killed = kills(work, args.cycles, args.seed)
        print("full disk, readers during a crawl ...", file=sys.stderr, flush=True)
        disk_code, disk = pytest_run("tests/test_process_faults.py", "-k", "full_disk or full_f")
        read_code, readers = pytest_run("tests/test_process_faults.py", "-k", "readers")
        print(f"fuzzing, {args.fuzz} inputs per property ...", file=sys.stderr, flush=True)
        fuzzed = fuzz(work, args.fuzz)
    rows = [
        ("fault cases tried", matrix["cases"]),
        ("fault cases survived", matrix["survived"]),
        ("archive checks after the fault crawl", f"{matrix['checks']}, "
         f"{len(matrix['checks_failed'])} failed"),  # type: ignore[arg-type]
        ("crawler traps bounded (exit 3, recorded)",
         f"{len(trapped['held'])} / {trapped['cases']}"),  # type: ignore[arg-type]
        ("crawl runs killed (SIGKILL) / run", f"{killed['crawl_kills']} / {killed['crawl_runs']}"),
        ("reparse runs killed (SIGKILL) / run",
         f"{killed['reparse_kills']} / {killed['reparse_runs']}"),
        ("checks failed after a kill", len(killed["problems"])),  # type: ignore[arg-type]
        ("articles served / lost", f"{killed['articles']} / {killed['lost']}"),
        ("duplicates", killed["duplicates"]),
        ("full disk (max_page_count; tmpfs crawl)", disk),
        ("readers during a crawl (SQL, Datasette)", readers),
        ("fuzz inputs tried", sum(fuzzed["tried"].values())),  # type: ignore[attr-defined]
        ("fuzz properties", fuzzed["summary"]),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    print(f"reliability on {os.cpu_count()} cores, {time.monotonic() - started:.0f} s")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    for name, count in sorted(fuzzed["tried"].items()):  # type: ignore[attr-defined]
        print(f"  fuzz {name:<{width - 7}}  {count}")
    for line in trapped["held"]:  # type: ignore[attr-defined]
        print(f"  trap {line}")
    for problem in [*matrix["checks_failed"], *trapped["failed"],  # type: ignore[misc]
                    *killed["problems"]][:20]:  # fmt: skip
        print(f"FAILED: {problem}")
    bad = (
        matrix["survived"] != matrix["cases"] or matrix["checks_failed"] or trapped["failed"]
        or killed["problems"]
        or killed["lost"] or killed["duplicates"] or disk_code or read_code or not fuzzed["ok"]
    )  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
