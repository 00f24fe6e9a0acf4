"""Three real portals' replicas crawled into one archive (issue 15 §5), end to end.

VnExpress, Tuổi Trẻ and Dân trí each serve, on their own 127.0.0.1 port, generated
articles in their real page's markup, listings in their paging style, a feed (Dân trí's
is Atom), a dated sitemap index and robots.txt. The three `vnarchive crawl --portal`
runs start together, one per portal, as three scheduled jobs would, into one archive.
Then: every row carries its portal's site and id and the replica's truth; each article
was fetched once; Datasette facets the archive by site; `gaps` speaks per site; and a
second round fetches only what was published or edited since.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from crawler.portals import portal_for_url
from harness.fault_matrix import assert_no_in_progress
from replica.press import start_portals
from replica.server import ReplicaHandle

pytestmark = pytest.mark.e2e

PORTALS = {"vnexpress": "vnexpress.net", "tuoitre": "tuoitre.vn", "dantri": "dantri.com.vn"}
GENERATED = 25


def command(name: str, replica: ReplicaHandle, db: Path) -> list[str]:
    return [
        sys.executable, "-m", "vnarchive", "crawl", "--portal", name,
        "--start-url", replica.base_url + "/", "--db", str(db), "--log-level", "WARNING",
        "--set", "REVISIT_DAYS=0",
    ]  # fmt: skip


def crawl_all(replicas: dict[str, ReplicaHandle], db: Path) -> dict[str, str]:
    """The three crawls at once; each one's summary line (asserting exit 0)."""
    running = {
        name: subprocess.Popen(
            command(name, replica, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name, replica in replicas.items()
    }
    summaries = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, f"{name}: exit {process.returncode}\n{err[-3000:]}"
        summaries[name] = (out + err).strip().splitlines()[-1]
    assert_no_in_progress(db)
    return summaries


def truth(replica: ReplicaHandle) -> dict[int, dict[str, Any]]:
    with urllib.request.urlopen(replica.url("/__replica__/truth.jsonl"), timeout=30) as answer:
        records = [json.loads(line) for line in answer if line.strip()]
    return {r["article_id"]: r for r in records}


def post(replica: ReplicaHandle, path: str) -> Any:
    request = urllib.request.Request(replica.url(path), method="POST")
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def article_fetches(replica: ReplicaHandle) -> list[int]:
    """The ids of the article pages the replica answered 200, in order (read by the
    portal's own id rule, as the crawl reads them)."""
    portal = portal_for_url(f"https://{replica.server.replica_of}/")  # type: ignore[attr-defined]
    assert portal is not None
    ids = []
    for entry in replica.access_log:
        article_id = portal.article_id(entry["path"].split("?")[0])
        if entry["status"] == 200 and article_id is not None:
            ids.append(article_id)
    return ids


def rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT site, article_id, title, lead, published_at, authors FROM articles"
        ).fetchall()


@pytest.fixture(scope="module")
def press(tmp_path_factory) -> Any:
    db = tmp_path_factory.mktemp("press") / "archive.db"
    with start_portals(PORTALS, generated=GENERATED) as replicas:
        first = crawl_all(replicas, db)
        yield replicas, db, first


def test_every_row_is_its_portals_article_with_the_truths_fields(press):
    replicas, db, _ = press
    archived = {(site, article_id): row for site, article_id, *row in rows(db)}
    for name, replica in replicas.items():
        expected = truth(replica)
        site = PORTALS[name]
        assert len(expected) >= GENERATED
        assert {i for s, i in archived if s == site} == set(expected), name
        for article_id, record in expected.items():
            title, lead, published_at, authors = archived[site, article_id]
            assert title == record["title"]
            assert lead == record["lead"]
            assert published_at == record["published_at"]
            assert json.loads(authors) == record["authors"]
    # No row of any other site: nothing was filed under a portal it is not.
    assert {site for site, _ in archived} == set(PORTALS.values())


def test_each_article_was_fetched_once(press):
    replicas, _, _ = press
    for name, replica in replicas.items():
        fetched = article_fetches(replica)
        assert len(fetched) == len(set(fetched)), name
        assert set(fetched) >= set(truth(replica)), name


def test_datasette_facets_the_archive_by_site(press):
    from datasette.app import Datasette

    _, db, _ = press
    ds = Datasette([str(db)], immutables=[])
    response = asyncio.run(ds.client.get(f"/{db.stem}/articles.json?_size=0&_facet=site"))
    counts = {r["value"]: r["count"] for r in response.json()["facet_results"]["site"]["results"]}
    with sqlite3.connect(db) as conn:
        expected = dict(conn.execute("SELECT site, count(*) FROM articles GROUP BY site"))
    assert counts == expected and set(counts) == set(PORTALS.values())


def test_gaps_and_status_speak_per_site(press, tmp_path):
    _, db, _ = press
    # A copy loses one VnExpress article: only VnExpress has a gap, and says so.
    copy = tmp_path / "copy.db"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
        lost = target.execute(
            "SELECT article_id FROM articles WHERE site = 'vnexpress.net' LIMIT 1"
        ).fetchone()[0]
        target.execute("DELETE FROM articles WHERE site = 'vnexpress.net' AND article_id = ?",
                       (lost,))  # fmt: skip
    gaps = subprocess.run(
        [sys.executable, "-m", "vnarchive", "gaps", "--db", str(copy)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert gaps.returncode in (0, 3), gaps.stderr
    sections = re.split(r"(?m)^(?=site )", gaps.stdout)  # "site vnexpress.net:" ...
    with_lost = [s for s in sections if str(lost) in s]
    assert len(with_lost) == 1 and "vnexpress.net" in with_lost[0].splitlines()[0], gaps.stdout
    assert "--portal vnexpress" in with_lost[0], gaps.stdout
    status = subprocess.run(
        [sys.executable, "-m", "vnarchive", "status", "--db", str(db)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert status.returncode == 0, status.stdout + status.stderr
    for site in PORTALS.values():
        assert site in status.stdout


def test_a_second_round_fetches_only_what_was_published_or_edited(press):
    replicas, db, _ = press
    for replica in replicas.values():
        replica.access_log.clear()
    new_ids = {int(i) for i in post(replicas["vnexpress"], "/__replica__/publish?n=2")["published"]}
    edited = next(iter(truth(replicas["tuoitre"])))
    post(replicas["tuoitre"], f"/__replica__/edit?id={edited}")

    summaries = crawl_all(replicas, db)

    assert set(article_fetches(replicas["dantri"])) == set(), summaries["dantri"]
    assert set(article_fetches(replicas["tuoitre"])) == {edited}, summaries["tuoitre"]
    vnexpress = article_fetches(replicas["vnexpress"])
    assert len(vnexpress) == len(set(vnexpress)) and set(vnexpress) == new_ids, summaries
    assert " 2 new," in summaries["vnexpress"], summaries["vnexpress"]
    assert " 1 updated," in summaries["tuoitre"], summaries["tuoitre"]
    with sqlite3.connect(db) as conn:
        (versions,) = conn.execute(
            "SELECT count(*) FROM article_versions WHERE site = 'tuoitre.vn' AND article_id = ?",
            (edited,),
        ).fetchone()
    assert versions >= 1


def test_a_real_portals_replica_crawled_without_its_portal_stops_and_says_which(tmp_path):
    # A loopback start URL without --portal is crawled as tuyengiao's replica: this one
    # says it imitates plo.vn, so the crawl stops at its first page instead of filing
    # its articles under 127.0.0.1 while its run says tuyengiao.vn.
    db = tmp_path / "archive.db"
    with start_portals(["plo"], generated=3) as replicas:
        result = subprocess.run(
            [sys.executable, "-m", "vnarchive", "crawl", "--start-url",
             replicas["plo"].base_url + "/", "--db", str(db), "--log-level", "WARNING"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert result.returncode == 1, result.stderr[-3000:]
    assert "crawl it with --portal plo" in result.stderr
    with sqlite3.connect(db) as conn:
        (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        errors = conn.execute("SELECT kind, message FROM crawl_errors").fetchall()
    assert articles == 0
    assert [kind for kind, _ in errors] == ["wrong_portal"]
