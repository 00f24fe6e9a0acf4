"""End to end: serve the replica, crawl it with `vnarchive crawl`, compare the archive
row by row with what the replica served."""

import json

import pytest

from harness.crawl_support import crawl
from pipelines.archive import Archive
from replica.server import start_replica

pytestmark = pytest.mark.e2e

GENERATED = 30


@pytest.mark.parametrize("layout", ["old", "new", "mixed"])
def test_crawl_archives_every_served_article_exactly_once(tmp_path, layout):
    db = tmp_path / "archive.db"
    with start_replica(layout=layout, generated=GENERATED, port=0) as replica:
        result = crawl(replica.base_url, db)
        truth = {r["article_id"]: r for r in replica.site.truth(replica.base_url)}
        log = list(replica.access_log())
    requested = [entry["path"] for entry in log]
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(truth) == 20 + 1 + GENERATED  # the real records, the seed article, the generated

    with Archive(db) as archive:
        rows = archive.db.execute("SELECT article_id, count(*) FROM articles GROUP BY article_id")
        counts = dict(rows.fetchall())
        assert set(counts) == set(truth), f"missing {set(truth) - set(counts)}"
        assert set(counts.values()) == {1}
        for article in archive.iter_articles():
            got, expected = article.to_record(), truth[article.article_id]
            # Which URL form an article was first linked under depends on crawl order;
            # every form carries the same id on the replica's host.
            assert got.pop("url").startswith(replica.base_url)
            expected.pop("url")
            # Which evidence gave each field is the extractor's account, not a fact of
            # the page the replica served: tests/test_fixtures.py checks it per page.
            expected.pop("sources")
            wrong = {k: (got[k], expected[k]) for k in expected if got[k] != expected[k]}
            assert not wrong, json.dumps({article.article_id: wrong}, ensure_ascii=False)
        crawl_row = dict(archive.db["crawls"].get(1))
    assert crawl_row["status"] == "ok" and crawl_row["articles_new"] == len(truth)

    # Each article fetched once, whatever URL forms the pages linked it under.
    article_fetches = [p for p in requested if p.rsplit("-", 1)[-1].split("?")[0].isdigit()]
    assert len(article_fetches) == len(truth)
    # It says who it is on every request.
    assert {entry["user_agent"].split(" ")[0] for entry in log} == {"vnarchive/0.1"}
    # robots.txt was read and obeyed.
    assert "/robots.txt" in requested
    assert not any(p.startswith("/tim-kiem") for p in requested)


@pytest.mark.first_crawl("old", 5)
def test_second_run_fetches_no_archived_article_and_revisits_conditionally(tmp_path, first_crawl):
    db = first_crawl.copy_to(tmp_path / "archive")
    with first_crawl.replica() as replica:  # a fresh access log: what the second run asked
        second = crawl(replica.base_url, db)
        second_log = replica.access_log()
        replica.access_log.clear()
        # Every archived article "published recently": all revisited, conditionally.
        third = crawl(replica.base_url, db, "--set", "REVISIT_DAYS=100000")
        third_log = replica.access_log()
    assert second.returncode == 0, second.stderr[-2000:]
    assert not [e for e in second_log if e["path"].rsplit("-", 1)[-1].isdigit()]
    assert third.returncode == 0, third.stderr[-2000:]
    with Archive(db) as archive:
        last = dict(archive.db["crawls"].get(3))
    assert last["articles_new"] == 0 and last["articles_updated"] == 0
    assert last["articles_unchanged"] == 26
    assert "0 new, 0 updated, 26 unchanged" in third.stderr
    revisits = [e for e in third_log if e["path"].rsplit("-", 1)[-1].isdigit()]
    assert len(revisits) == 26 and {e["status"] for e in revisits} == {304}
