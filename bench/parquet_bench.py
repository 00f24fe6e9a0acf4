"""Parquet and dataset exports of a 200,000-article archive: time and memory.

    .venv/bin/python bench/parquet_bench.py                    # build (once) and measure
    .venv/bin/python bench/parquet_bench.py --articles 20000

The archive is datasette_bench's (built from the replica's generator through the
archive's normal write path, kept in bench/out/ and reused while the count matches).
Each export runs as `vnarchive export` in a child process; its resident memory is read
from /proc every 0.2 s, so the figures show whether memory stays flat as the export
goes on (the claim: it streams, BATCH_ROWS rows at a time) and what the peak is
(VmHWM). Results are printed and appended to bench/RESULTS-export.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.datasette_bench import build, count  # noqa: E402


def _status_kb(pid: int, key: str) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return None


def measure(db: Path, fmt: str) -> dict[str, object]:
    out = Path(tempfile.mkdtemp(prefix="vnarchive-export-")) / fmt
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vnarchive",
            "export",
            "--format",
            fmt,
            "--db",
            str(db),
            "-o",
            str(out),
        ],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    samples: list[tuple[float, int]] = []
    peak = 0
    while child.poll() is None:
        rss = _status_kb(child.pid, "VmRSS")
        hwm = _status_kb(child.pid, "VmHWM")
        if rss is not None:
            samples.append((time.perf_counter() - started, rss))
        peak = max(peak, hwm or 0)
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    err = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"export failed ({child.returncode}): {err}")
    files = [out] if out.is_file() else [p for p in out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    shutil.rmtree(out.parent)
    # RSS at a quarter, half, three quarters of the run and at its end: flat or growing?
    marks = {}
    for frac in (0.25, 0.5, 0.75, 1.0):
        at = [rss for t, rss in samples if t <= frac * seconds]
        marks[frac] = at[-1] if at else 0
    return {
        "format": fmt,
        "seconds": seconds,
        "peak_mb": max(peak, max((r for _, r in samples), default=0)) / 1024,
        "rss_mb": {k: v / 1024 for k, v in marks.items()},
        "size_mb": size / 1e6,
        "summary": err.strip().splitlines()[-1] if err.strip() else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--formats", default="parquet,hf,jsonl")
    args = parser.parse_args()
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    db = out_dir / f"datasette-{args.articles}.db"
    if count(db) != args.articles:
        print(f"building {db} ({args.articles} articles)...", flush=True)
        print(f"  built in {build(db, args.articles):.0f} s", flush=True)
    rows = [measure(db, fmt) for fmt in args.formats.split(",")]
    lines = [
        f"\n## {time.strftime('%Y-%m-%d %H:%M')} UTC, {args.articles:,} articles "
        f"(Python {platform.python_version()}, {os.cpu_count()} cores, load "
        f"{os.getloadavg()[0]:.1f})\n",
        "| format | wall s | peak RSS MB | RSS at 25% / 50% / 75% / end MB | output MB |",
        "| --- | ---: | ---: | --- | ---: |",
    ]
    for row in rows:
        rss = row["rss_mb"]
        assert isinstance(rss, dict)
        marks = " / ".join(f"{rss[k]:.0f}" for k in (0.25, 0.5, 0.75, 1.0))
        lines.append(
            f"| {row['format']} | {row['seconds']:.1f} | {row['peak_mb']:.0f} | {marks} | "
            f"{row['size_mb']:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    results = ROOT / "bench" / "RESULTS-export.md"
    if not results.exists():
        results.write_text(
            "# Export benchmarks (bench/parquet_bench.py)\n\nPeak RSS is the export "
            "process's VmHWM; the RSS columns sample VmRSS during the run.\n"
        )
    with results.open("a") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
