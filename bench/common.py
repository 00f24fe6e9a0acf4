"""Shared pieces of the benchmark: figures, the machine, subprocesses, the replica."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from crawler.processes import free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
VNARCHIVE = str(Path(PYTHON).with_name("vnarchive"))


@dataclass
class Figure:
    """One measured quantity: every sample, summarised as median (min-max)."""

    group: str
    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    target: str = ""
    note: str = ""

    def add(self, value: float) -> None:
        self.samples.append(float(value))

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    def cells(self) -> tuple[str, str, str]:
        if not self.samples:
            return ("-", "-", "-")
        return (fmt(self.median), fmt(min(self.samples)), fmt(max(self.samples)))


def fmt(value: float) -> str:
    if value != value:  # NaN
        return "-"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def figure(self, group: str, name: str, unit: str, target: str = "", note: str = "") -> Figure:
        for existing in self.figures:
            if existing.group == group and existing.name == name:
                return existing
        created = Figure(group, name, unit, target=target, note=note)
        self.figures.append(created)
        return created

    def note(self, group: str, text: str) -> None:
        self.notes.setdefault(group, []).append(text)
        print(f"  [{group}] {text}", flush=True)


# -- the machine ----------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    info = {
        "cpu": cpu,
        "cores (nproc)": str(os.cpu_count()),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite (library)": sqlite3.sqlite_version,
        "load average at the start (1, 5, 15 min)": " ".join(f"{v:.2f}" for v in os.getloadavg()),
    }
    for package in (
        "scrapy",
        "twisted",
        "lxml",
        "trafilatura",
        "warcio",
        "sqlite-utils",
        "dateparser",
        "beautifulsoup4",
        "psutil",
        "py-spy",
    ):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = "not installed"
    return info


# -- processes --------------------------------------------------------------------------


@dataclass
class ChildResult:
    returncode: int
    wall_s: float
    user_s: float
    sys_s: float
    maxrss_mb: float  # peak RSS of the child with its own children (the crawl's writer)
    stdout: str
    stderr: str


def run_child(
    command: list[str],
    *,
    timeout: float = 1800,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> ChildResult:
    """Run a command; its CPU from wait4, its peak RSS from /proc/PID/status."""
    out_path = Path(f"/tmp/vnarchive-bench-{os.getpid()}.out")
    err_path = Path(f"/tmp/vnarchive-bench-{os.getpid()}.err")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd, env=env)
        deadline = started + timeout
        peak_kib = 0
        while True:
            # VmHWM, not ru_maxrss: Linux carries the parent's peak RSS across fork and
            # exec into the child's ru_maxrss, so a large bench process would show.
            # The crawl's writer is a process of its own: its memory counts too. The
            # peak of the summed RSS, polled, beside the child's own high-water mark.
            peak_kib = max(peak_kib, _vm_hwm_kib(process.pid), _tree_rss_kib(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    result = ChildResult(
        returncode=process.returncode,
        wall_s=wall,
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        maxrss_mb=peak_kib / 1024,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return result


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, now."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{current}/task/{current}/children", "rb") as children:
                stack += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def _vm_hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a live process, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


@dataclass
class Replica:
    base_url: str
    pid: int
    articles: int

    def cpu_s(self) -> float:
        return proc_cpu_s(self.pid)


@contextmanager
def replica(articles: int, layout: str = "mixed") -> Iterator[Replica]:
    """The replica in its own process, as `vnarchive demo` runs it."""
    port = free_port()
    command = [
        PYTHON,
        "-m",
        "replica",
        "--port",
        str(port),
        "--layout",
        layout,
        "--articles",
        str(articles),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT)
    base_url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the replica exited with status {process.returncode}")
            try:
                with urllib.request.urlopen(base_url + "__replica__/stats", timeout=2) as answer:
                    total = json.load(answer)["articles"]
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield Replica(base_url, process.pid, total)
    finally:
        stop_process(process)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]
