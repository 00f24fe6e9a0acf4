"""End to end: the portal changes its layout without notice. The crawl still archives
every article (read by the metadata and generic fallback), and says so: status
"layout_drift", exit status 4."""

import subprocess
import sys
from pathlib import Path

import pytest

from harness.fault_matrix import assert_no_in_progress
from pipelines.archive import Archive
from pipelines.ledger import EXIT_LAYOUT_DRIFT
from replica.server import start_replica

pytestmark = pytest.mark.e2e


def crawl(base_url: str, db: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "vnarchive", "crawl", "--start-url", base_url, "--db", str(db)]
    result = subprocess.run(
        [*command, "--log-level", "WARNING"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert_no_in_progress(db)
    return result


def test_a_drifted_layout_is_read_and_reported(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="drift", generated=5, port=0) as replica:
        result = crawl(replica.base_url, db)
        truth = {r["article_id"]: r for r in replica.site.truth(replica.base_url)}
    assert result.returncode == EXIT_LAYOUT_DRIFT, result.stderr[-3000:]
    assert "read by the fallback" in result.stderr
    with Archive(db) as archive:
        articles = list(archive.iter_articles())
        crawl_row = archive.crawl(1)
    assert crawl_row["status"] == "layout_drift" and crawl_row["exit_code"] == EXIT_LAYOUT_DRIFT
    assert {a.article_id for a in articles} == set(truth)
    for article in articles:
        expected = truth[article.article_id]
        assert article.extraction_method == "generic" and article.layout == "unknown"
        # Headline and date still exact, from the page's metadata.
        assert article.title == expected["title"]
        assert article.to_record()["published_at"] == expected["published_at"]
        assert article.published_source == "meta"
