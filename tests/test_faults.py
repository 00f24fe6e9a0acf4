"""The fault matrix end to end: a replica misbehaving per article, one crawl, and the
archive checked case by case and as a whole (harness/fault_matrix.py)."""

from __future__ import annotations

import sqlite3

import pytest

from harness.fault_matrix import CASES, assign, check_archive, crawl
from replica.faults import parse_fault
from replica.server import start_replica

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_every_fault_is_survived_and_the_archive_stays_consistent(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="mixed", generated=len(CASES)) as replica:
        plan = assign(replica)
        truth = {r["article_id"]: r for r in replica.truth()}
        result = crawl(replica.base_url, db)
        served = replica.faults.served()
    # Errors were expected: the run is degraded, not failed, and it finished.
    assert result.returncode == 3, result.stderr[-3000:]
    assert all(count > 0 for count in served.values()), served
    outcome = check_archive(db, truth, plan)
    assert not outcome.failed, outcome.failed
    assert len(outcome.survived) >= len(CASES)
    with sqlite3.connect(db) as conn:
        stats = conn.execute("SELECT stats FROM crawls").fetchone()[0]
    assert '"retry/count"' in stats and '"vnarchive/politeness/retry_after"' in stats


def test_removed_articles_answering_404_and_410_keep_their_archived_copy(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="old", generated=3) as replica:
        assert crawl(replica.base_url, db).returncode == 0
        gone = sorted(r["article_id"] for r in replica.truth())[:2]
        replica.faults.add(rf"-{gone[0]}(?:\?|$)", "http404")
        replica.faults.add(rf"-{gone[1]}(?:\?|$)", "http410")
        second = crawl(replica.base_url, db, "RECHECK_ARCHIVED=true")
        truth = {r["article_id"]: r for r in replica.truth()}
    assert second.returncode == 0, second.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        removals = dict(conn.execute("SELECT article_id, status FROM removals"))
        titles = dict(conn.execute("SELECT article_id, title FROM articles"))
    assert removals == {gone[0]: 404, gone[1]: 410}
    assert titles == {k: v["title"] for k, v in truth.items()}


def test_transient_errors_at_a_rate_are_retried_until_everything_is_archived(tmp_path):
    db = tmp_path / "archive.db"
    with start_replica(layout="new", generated=10) as replica:
        replica.faults.reseed(7)
        # Every page but robots.txt fails a third of the time; ten retries make a
        # permanent failure a one-in-a-million event per page.
        replica.faults.add(r"^/(?!robots\.txt)", "http503", rate=0.33)
        result = crawl(replica.base_url, db, "RETRY_TIMES=10")
        served = sum(replica.faults.served().values())
        truth = {r["article_id"] for r in replica.truth()}
    assert result.returncode == 0, result.stderr[-3000:]
    assert served > 5
    with sqlite3.connect(db) as conn:
        archived = {row[0] for row in conn.execute("SELECT article_id FROM articles")}
        errors = conn.execute("SELECT count(*) FROM crawl_errors").fetchone()[0]
    assert archived == truth and errors == 0


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("-123$=http503", ("-123$", "http503", {})),
        ("p=2=reset,count=3", ("p=2", "reset", {"count": 3})),
        (
            r"\d=http429,rate=0.5,retry_after=2",
            (r"\d", "http429", {"rate": 0.5, "retry_after": "2"}),
        ),
    ],
)
def test_fault_specs_parse(spec, expected):
    assert parse_fault(spec) == expected


@pytest.mark.parametrize("spec", ["nothing", "x=nosuchfault", "x=reset,count"])
def test_bad_fault_specs_are_refused(spec):
    with pytest.raises(ValueError):
        parse_fault(spec)


def test_the_replica_command_refuses_an_unknown_fault(capsys):
    from replica.cli import run

    assert run(["--port", "0", "--fault=-1$=no_such_fault"]) == 2
    assert "unknown fault" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("faults", "kind"),
    [
        # Scrapy's offsite filter skips start URLs...
        ([("redirect_offsite", {})], "offsite_redirect"),
        # ...and retried requests (dont_filter): a 503, then a redirect to the LAN.
        ([("http503", {"count": 1}), ("redirect_private", {"address": "192.168.0.10"})],
         "private_address"),
    ],
)  # fmt: skip
def test_a_start_url_or_a_retried_request_is_not_followed_off_site(tmp_path, faults, kind):
    db = tmp_path / "archive.db"
    with start_replica(layout="old", generated=0) as replica:
        for name, options in faults:
            replica.faults.add(r"^/$", name, **options)
        # The start URL alone: the declared sections would carry the crawl on without it.
        result = crawl(replica.base_url, db, "DISCOVERY_SECTIONS=False")
        requested = [e["path"] for e in replica.access_log()]
    assert result.returncode != 0, result.stderr[-2000:]  # nothing but robots.txt fetched
    with sqlite3.connect(db) as conn:
        errors = conn.execute("SELECT url, kind FROM crawl_errors").fetchall()
        attempts = conn.execute(
            "SELECT count(*) FROM crawl_errors WHERE message LIKE '%NonLoopback%'"
        ).fetchone()[0]
    assert [kind] == [k for _, k in errors] and attempts == 0
    assert requested.count("/") == len(faults)
