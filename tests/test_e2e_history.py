"""Two crawls of a replica that changed in between: an edited article gets a version,
a removed one a removal event, and nothing is deleted."""

import dataclasses
import json

import pytest

from harness.crawl_support import crawl
from pipelines.archive import Archive
from replica.server import start_replica
from replica.site import Site

pytestmark = pytest.mark.e2e


class EditedSite(Site):
    """The same site, a day later: one headline edited, one article taken down."""

    def __init__(self, *args, edited: int, removed: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.edited, self.removed = edited, removed

    def article(self, article_id):
        if article_id == self.removed:
            return None  # the replica answers 404 for it
        article = super().article(article_id)
        if article is not None and article_id == self.edited:
            article = dataclasses.replace(article, title=article.title + " (cập nhật)")
        return article


@pytest.mark.first_crawl("old", 3)
def test_edit_makes_a_version_and_removal_an_event(tmp_path, first_crawl):
    db = first_crawl.copy_to(tmp_path / "archive")
    ids = first_crawl.ids
    # The first-run article page links to every article; pick two generated ones.
    edited, removed = ids[-1], ids[-2]
    site = EditedSite("old", 3, 1, first_crawl.today, edited=edited, removed=removed)
    with start_replica(site=site, port=first_crawl.port) as replica:
        # Scheduled crawls revisit only recent articles; this one asks for all again.
        second = crawl(replica.base_url, db, "--set", "REVISIT_DAYS=100000")
    assert second.returncode in (0, 3), second.stderr[-2000:]

    with Archive(db) as archive:
        versions = archive.versions("tuyengiao.vn", edited)
        removals = list(archive.db.query("SELECT * FROM removals"))
        still_there = archive.get_article("tuyengiao.vn", removed)
        latest = archive.get_article("tuyengiao.vn", edited)
        crawl_row = dict(archive.db.table("crawls").get(2))
    assert [v["changed_fields"] for v in versions] == [["title"]]
    assert not versions[0]["record"]["title"].endswith("(cập nhật)")
    assert latest is not None and latest.title.endswith("(cập nhật)")
    assert [(r["article_id"], r["status"], r["kind"], r["crawl_id"]) for r in removals] == [
        (removed, 404, "gone", 2)
    ]
    assert still_there is not None  # nothing is ever deleted
    assert crawl_row["articles_updated"] == 1, json.dumps(crawl_row, default=str)[:500]


@pytest.mark.first_crawl("new", 3)
@pytest.mark.parametrize("recheck", [False, True])
def test_unlinked_archived_articles_are_rechecked_on_request(tmp_path, recheck, first_crawl):
    db = first_crawl.copy_to(tmp_path / "archive")
    generated = set(first_crawl.ids)
    # The next day the generated articles are gone and nothing links to them.
    with first_crawl.replica(generated=0) as replica:
        generated -= set(replica.site.ids())
        extra = ["--set", "RECHECK_ARCHIVED=true"] if recheck else []
        result = crawl(replica.base_url, db, *extra)
    assert result.returncode in (0, 3), result.stderr[-2000:]
    with Archive(db) as archive:
        removed = {r[0] for r in archive.db.execute("SELECT article_id FROM removals")}
        assert archive.count_articles() == 24
    assert len(generated) == 3
    assert removed == (generated if recheck else set())
