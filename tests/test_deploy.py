"""The scheduling files: the unit and the cron line run one script, and that exact
script crawls the replica (only its environment differs: the replica's URL, a
temporary archive)."""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
from pathlib import Path

import pytest

from pipelines.archive import Archive
from replica.server import start_replica

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
INSTALLED = "/opt/vnarchive/"  # where the unit expects the checkout


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name)
    return parser


def test_the_unit_and_the_timer_fit_together():
    service, timer = unit("vnarchive-crawl.service"), unit("vnarchive-crawl.timer")
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"] == INSTALLED + "deploy/run-crawl.sh"
    # Degraded, layout drift and "already running" are not unit failures; 1 is.
    assert set(service["Service"]["SuccessExitStatus"].split()) == {"3", "4", "75"}
    assert timer["Timer"]["OnCalendar"] == "hourly"
    assert timer["Install"]["WantedBy"] == "timers.target"
    cron = [line for line in (DEPLOY / "crontab").read_text().splitlines()
            if line.strip() and not line.startswith("#")]  # fmt: skip
    assert len(cron) == 1
    fields = shlex.split(cron[0])
    assert len(fields[:5]) == 5 and INSTALLED + "deploy/run-crawl.sh" in fields


def test_the_command_the_unit_runs_crawls_the_replica(tmp_path):
    service = unit("vnarchive-crawl.service")["Service"]
    script = ROOT / service["ExecStart"].removeprefix(INSTALLED)
    assert script.is_file() and os.access(script, os.X_OK)
    # configparser keeps the last Environment= line only; read them all from the file.
    environment = dict(
        line.removeprefix("Environment=").split("=", 1)
        for line in (DEPLOY / "vnarchive-crawl.service").read_text().splitlines()
        if line.startswith("Environment=")
    )
    assert set(environment) == {"VNARCHIVE_HOME", "VNARCHIVE_DB"}
    db = tmp_path / "archive.db"
    with start_replica(layout="new", generated=3) as replica:
        env = {
            **os.environ,
            **environment,
            # What differs on this machine: the checkout, the archive, the site.
            "VNARCHIVE_HOME": str(ROOT),
            "VNARCHIVE_DB": str(db),
            "VNARCHIVE_START_URL": replica.base_url,
            "VNARCHIVE_CONTACT": "mailto:archive@example.org",
        }
        result = subprocess.run(
            [str(script)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
        )
        agents = {e["user_agent"] for e in replica.access_log()}
        served = len(replica.truth())
    assert result.returncode == 0, result.stderr[-2000:]
    # Not a terminal: progress and the summary are plain lines, no carriage returns.
    assert "\r" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("crawl #1 ok:")
    assert agents == {"vnarchive/0.1 (+mailto:archive@example.org; archival crawler for research)"}
    with Archive(db) as archive:
        assert archive.count_articles() == served


def test_the_per_portal_template_runs_one_portal_per_instance(tmp_path):
    service, timer = unit("vnarchive-crawl@.service"), unit("vnarchive-crawl@.timer")
    assert service["Service"]["ExecStart"] == INSTALLED + "deploy/run-crawl.sh"
    assert set(service["Service"]["SuccessExitStatus"].split()) == {"3", "4", "75"}
    assert timer["Timer"]["OnCalendar"] == "hourly"
    lines = (DEPLOY / "vnarchive-crawl@.service").read_text().splitlines()
    assert "Environment=VNARCHIVE_PORTAL=%i" in lines
    # The script passes the instance's portal on: an unknown one is refused by name,
    # before anything is fetched or written.
    script = ROOT / "deploy" / "run-crawl.sh"
    env = {**os.environ, "VNARCHIVE_HOME": str(ROOT), "VNARCHIVE_DB": str(tmp_path / "a.db"),
           "VNARCHIVE_PORTAL": "no-such-portal"}  # fmt: skip
    result = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "'no-such-portal'" in result.stderr, result.stderr
    assert not (tmp_path / "a.db").exists()
