"""The archive read with sqlite-utils, as its users would: the Python API and the CLI.

`sqlite-utils search archive.db articles` cannot work: sqlite-utils joins an FTS table to
its table on `rowid`, and the archive's indexes are keyed by `fts_docs.id` (the rowid of
`articles` may change on VACUUM). The README says to search `fts_exact` (or `fts_folded`
with an unaccented query) and join through `fts_docs`; these tests run what it says.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from crawler.extract.article import Image
from pipelines.archive import Archive
from tests.archive_support import make_article

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.upsert_article(make_article(1, title="Hà Nội mùa thu", body=("Một đoạn.",)))
        archive.upsert_article(make_article(2, title="Tin khác", lead=None, body=("Khác.",)))
        archive.upsert_article(
            make_article(
                3, title="Ảnh", lead=None, body=("Đường phố.",), images=(Image("x", "HÀ NỘI"),)
            )
        )
    return path


def _sqlite_utils(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sqlite_utils", *args], capture_output=True, text=True, timeout=60
    )


def _readme_search_sql() -> str:
    """The join the README gives, so that what it tells users is what is tested."""
    text = README.read_text(encoding="utf-8")
    match = re.search(r'sqlite-utils query data/archive\.db "(SELECT .*?)" -p q', text, re.S)
    assert match, "README lost its sqlite-utils search recipe"
    return " ".join(match[1].split())


def test_python_api_reads_tables_keys_and_rows(db):
    database = sqlite_utils.Database(db)
    articles = database["articles"]
    assert articles.pks == ["site", "article_id"] and articles.count == 3
    assert articles.get(("tuyengiao.vn", 1))["title"] == "Hà Nội mùa thu"
    assert database["images"].pks == ["site", "article_id", "position"]
    assert json.loads(next(database.query("SELECT authors FROM articles"))["authors"])
    assert set(database.table_names(fts5=True)) == {"fts_exact", "fts_folded"}
    hits = list(database["fts_exact"].search("Hà Nội", columns=["title", "captions"]))
    assert {h["title"] for h in hits} == {"Hà Nội mùa thu", "Ảnh"}


def test_cli_search_on_the_archives_own_index(db):
    result = _sqlite_utils("search", str(db), "fts_exact", "Hà Nội", "-c", "title")
    assert result.returncode == 0, result.stderr
    assert {row["title"] for row in json.loads(result.stdout)} == {"Hà Nội mùa thu", "Ảnh"}
    # The folded index takes a query without accents, and holds folded text.
    folded = _sqlite_utils("search", str(db), "fts_folded", "ha noi")
    assert folded.returncode == 0, folded.stderr
    rows = json.loads(folded.stdout)
    assert {row["title"] for row in rows} == {"ha noi mua thu", "anh"}
    # Its rowid is fts_docs.id, the key back to the article.
    keys = sqlite_utils.Database(db).query("SELECT id FROM fts_docs WHERE article_id IN (1, 3)")
    assert {row["rowid"] for row in rows} == {k["id"] for k in keys}


def test_readme_recipe_finds_articles_by_key(db):
    sql = _readme_search_sql()
    result = _sqlite_utils("query", str(db), sql, "-p", "q", "Hà Nội")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["article_id"] for row in rows] == [1, 3]  # the title weighs more
    assert rows[0]["title"] == "Hà Nội mùa thu" and rows[0]["site"] == "tuyengiao.vn"


def test_search_on_articles_is_refused_as_the_readme_says(db):
    result = _sqlite_utils("search", str(db), "articles", "Hà Nội")
    assert result.returncode != 0
    assert "not configured for full-text search" in result.stderr + result.stdout
