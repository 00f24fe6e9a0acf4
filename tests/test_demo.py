"""`vnarchive demo`, the README's first command, end to end (small: 5 generated articles
on tuyengiao.vn, 3 on each of two real portals)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def test_the_demo_archives_every_site_it_serves_and_says_how_to_browse(tmp_path):
    db = tmp_path / "archive.db"
    result = subprocess.run(
        [sys.executable, "-m", "vnarchive", "demo", "--db", str(db), "--articles", "5",
         "--portals", "dantri,plo", "--portal-articles", "3"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(db) as conn:
        counts = dict(conn.execute("SELECT site, count(*) FROM articles GROUP BY site"))
    # The 21 real tuyengiao articles and 5 generated; 3 generated on each real portal.
    assert counts == {"tuyengiao.vn": 26, "dantri.com.vn": 3, "plo.vn": 3}
    for site, n in counts.items():
        assert f"demo: {site}: the replica served {n} articles; {n} of them are in the archive" in (
            result.stdout
        )
    assert "MISSING" not in result.stdout
    assert f"vnarchive serve --db {db}" in result.stdout
