"""Parquet and dataset exports: pyarrow, DuckDB and `datasets` read back what the archive
holds, row for row, with typed columns and times at +07:00."""

import json
import os
import subprocess
from datetime import datetime

import duckdb
import pyarrow.parquet as pq
import pytest

from crawler.extract.article import Image
from crawler.extract.dates import VN_TZ
from pipelines import parquet_export
from pipelines.archive import Archive
from tests.archive_support import make_article
from vnarchive.cli import main


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.upsert_article(make_article(1, source="TTXVN"))
        archive.upsert_article(make_article(1, title="Tiêu đề đã sửa", source="TTXVN"))
        archive.upsert_article(
            make_article(
                2,
                category="the-gioi",
                lead=None,
                authors=(),
                byline=None,
                tags=(),
                images=(Image("https://x/1.jpg", 'Ảnh: "trích" 50%', None),),
                # 00:30 at +07:00: the day before in UTC.
                published_at=datetime(2020, 12, 1, 0, 30, tzinfo=VN_TZ),
                updated_at=datetime(2020, 12, 2, 9, 5, 7, tzinfo=VN_TZ),
            )
        )
        archive.upsert_article(make_article(3, published_at=None, published_text=None))
    return path


def _export(db, tmp_path, fmt, *extra):
    out = tmp_path / fmt
    assert main(["export", "--format", fmt, "--db", str(db), "-o", str(out), *extra]) == 0
    return out


def _articles_as_archived(db):
    with Archive(db) as archive:
        rows = archive.db.query("SELECT site, article_id FROM articles ORDER BY 1, 2")
        return [archive.get_article(r["site"], r["article_id"]).to_record() for r in rows]


def _same_article(row, record):
    """A Parquet row against `Article.to_record()`: every field, times as the archive wrote them."""
    for field in ("site", "article_id", "url", "canonical_url", "category", "title", "lead"):
        assert row[field] == record[field], field
    for field in ("body", "authors", "tags", "flags"):
        assert list(row[field]) == list(record[field]), field
    for field in ("byline", "source", "published_text", "layout", "extraction_method"):
        assert row[field] == record[field], field
    for field in ("published_at", "updated_at"):
        value = row[field]
        assert (value.isoformat() if value is not None else None) == record[field], field


def test_parquet_round_trip_with_pyarrow(db, tmp_path):
    out = _export(db, tmp_path, "parquet")
    assert sorted(p.name for p in out.iterdir()) == [
        "articles.parquet",
        "images.parquet",
        "versions.parquet",
    ]
    articles = pq.read_table(out / "articles.parquet")
    assert str(articles.schema.field("published_at").type) == "timestamp[us, tz=+07:00]"
    assert str(articles.schema.field("body").type) == "list<element: string>"
    assert str(articles.schema.field("article_id").type) == "int64"
    rows = articles.to_pylist()
    expected = _articles_as_archived(db)
    assert len(rows) == len(expected) == 3
    for row, record in zip(rows, expected, strict=True):
        _same_article(row, record)
    # The wall clock at +07:00 is kept: 00:30 on 1 December, not 17:30 on 30 November.
    assert rows[1]["published_at"].isoformat() == "2020-12-01T00:30:00+07:00"
    # And what the archive adds to the record: hashes, counts, when it saw the article.
    with Archive(db) as archive:
        stored = list(archive.db.query("SELECT * FROM articles ORDER BY site, article_id"))
    for row, raw in zip(rows, stored, strict=True):
        for field in ("image_count", "content_hash", "crawl_id", "published_source"):
            assert row[field] == raw[field], field
        for field in ("first_seen_at", "last_seen_at", "last_changed_at"):
            assert row[field].isoformat() == raw[field], field

    with Archive(db) as archive:
        images = list(archive.db.query("SELECT * FROM images ORDER BY site, article_id, position"))
        versions = list(archive.db.query("SELECT * FROM article_versions ORDER BY id"))
    assert pq.read_table(out / "images.parquet").to_pylist() == images
    got_versions = pq.read_table(out / "versions.parquet").to_pylist()
    assert len(got_versions) == len(versions) == 1
    for got, stored in zip(got_versions, versions, strict=True):
        assert json.loads(got["record"]) == json.loads(stored["record"])
        assert got["changed_fields"] == json.loads(stored["changed_fields"])
        assert got["superseded_at"].isoformat() == stored["superseded_at"]
        assert (got["id"], got["cause"], got["content_hash"]) == (
            stored["id"],
            stored["cause"],
            stored["content_hash"],
        )


def test_parquet_streams_in_row_groups(db, tmp_path, monkeypatch):
    monkeypatch.setattr(parquet_export, "BATCH_ROWS", 2)
    out = _export(db, tmp_path, "parquet")
    meta = pq.ParquetFile(out / "articles.parquet").metadata
    assert meta.num_row_groups == 2 and meta.num_rows == 3


def test_duckdb_reads_the_same_rows(db, tmp_path):
    out = _export(db, tmp_path, "parquet")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    rows = con.execute(
        f"SELECT article_id, title, body, authors, strftime(published_at, '%Y-%m-%d %H:%M') "
        f"FROM '{out / 'articles.parquet'}' ORDER BY site, article_id"
    ).fetchall()
    expected = _articles_as_archived(db)
    assert [r[0] for r in rows] == [e["article_id"] for e in expected]
    assert [r[1] for r in rows] == [e["title"] for e in expected]
    assert [r[2] for r in rows] == [e["body"] for e in expected]
    assert [r[3] for r in rows] == [e["authors"] for e in expected]
    assert rows[1][4] == "2020-12-01 00:30" and rows[2][4] is None
    joined = con.execute(
        f"SELECT a.article_id, count(i.url) FROM '{out / 'articles.parquet'}' a "
        f"LEFT JOIN '{out / 'images.parquet'}' i USING (site, article_id) "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert joined == [(1, 2), (2, 1), (3, 2)]


# Run in the virtualenv `datasets` has to itself (scripts/tool-venvs.sh): it brings
# pandas, which sqlite-utils would import in every crawl process of the project's own.
DATASETS_READER = """
import json, sys
import datasets
out, cache = sys.argv[1], sys.argv[2]
def rows(config):
    table = datasets.load_dataset(out, config, cache_dir=cache)["train"]
    return table, [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
                   for r in table]
articles, article_rows = rows(None)
images, _ = rows("images")
versions, _ = rows("versions")
print(json.dumps({"articles": article_rows, "images": images.num_rows,
                  "versions": versions.num_rows,
                  "position": images.features["position"].dtype}, ensure_ascii=False))
"""


def test_hf_folder_opens_with_datasets_offline(db, tmp_path):
    python = os.environ.get("VNARCHIVE_DATASETS_PYTHON")
    if not python:
        pytest.skip("datasets not installed (its own venv; VNARCHIVE_DATASETS_PYTHON)")
    out = _export(db, tmp_path, "hf")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "HF_HOME": str(tmp_path / "hf-home")}  # fmt: skip
    result = subprocess.run(
        [python, "-c", DATASETS_READER, str(out), str(tmp_path / "cache")],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    read = json.loads(result.stdout.splitlines()[-1])
    expected = _articles_as_archived(db)
    assert len(read["articles"]) == len(expected)
    for row, record in zip(read["articles"], expected, strict=True):
        for field in ("published_at", "updated_at"):
            row[field] = datetime.fromisoformat(row[field]) if row[field] else None
        _same_article(row, record)
    assert (read["images"], read["versions"]) == (5, 1)
    assert read["position"] == "int32"


def test_dataset_card_says_what_is_there(db, tmp_path):
    out = _export(db, tmp_path, "hf")
    card = (out / "README.md").read_text(encoding="utf-8")
    front, body = card.split("---\n")[1], card.split("---\n", 2)[2]
    assert "- config_name: articles\n  data_files: data/articles.parquet\n  default: true" in front
    assert "language:\n- vi" in front
    assert "**Tuyên giáo** (https://tuyengiao.vn/), published by Ban Tuyên giáo Trung ương" in body
    assert "| tuyengiao.vn | 2020-11 | 1 |" in body
    assert "| tuyengiao.vn | 2020-12 | 1 |" in body
    assert "| tuyengiao.vn | undated | 1 |" in body
    assert "- `articles`: 3 rows" in body and "- `versions`: 1 rows" in body
    assert "captured from 2026-11-26T10:00:00+07:00" in body
    assert "© their authors and publishers" in body
    for column in pq.read_schema(out / "data" / "articles.parquet").names:
        assert f"| `{column}` |" in body


def test_filters_apply_to_every_table(db, tmp_path):
    out = _export(db, tmp_path, "parquet", "--category", "the-gioi")
    assert pq.read_table(out / "articles.parquet").column("article_id").to_pylist() == [2]
    assert pq.read_table(out / "images.parquet").column("article_id").to_pylist() == [2]
    assert pq.read_table(out / "versions.parquet").num_rows == 0


def test_folder_formats_need_a_new_folder(db, tmp_path, capsys):
    assert main(["export", "--format", "parquet", "--db", str(db)]) == 2
    assert "writes a folder: give it with -o DIR" in capsys.readouterr().err
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "x.txt").write_text("keep me")
    assert main(["export", "--format", "hf", "--db", str(db), "-o", str(taken)]) == 2
    assert "exists and is not an empty folder" in capsys.readouterr().err
    assert (taken / "x.txt").read_text() == "keep me"


def test_an_interrupted_export_leaves_no_folder(db, tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(parquet_export, "write_table", fail)
    code = main(["export", "--format", "parquet", "--db", str(db), "-o", str(tmp_path / "out")])
    assert code != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db"]
