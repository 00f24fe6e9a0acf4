"""One ordered list of migrations holds every table: an archive written at any older
schema version migrates in place to exactly the schema of a fresh one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from pipelines.archive import Archive
from pipelines.schema import MIGRATIONS, SCHEMA_VERSION, create_archive_at

SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"


def schema_of(path: Path) -> tuple[int, list[tuple[str, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0], conn.execute(SCHEMA).fetchall()
    finally:
        conn.close()


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[int, list[tuple[str, ...]]]:
    Archive(tmp_path / "fresh.db").close()
    return schema_of(tmp_path / "fresh.db")


def old_archive(path: Path, version: int) -> None:
    db = sqlite_utils.Database(path)
    create_archive_at(db, version)
    db.close()


def test_the_versions_are_consecutive_from_one() -> None:
    assert [version for version, _ in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_an_archive_at_each_old_version_migrates_to_the_fresh_schema(tmp_path, fresh, version):
    old = tmp_path / "old.db"
    old_archive(old, version)
    assert schema_of(old)[0] == version
    Archive(old).close()
    assert schema_of(old) == fresh


def test_tables_created_outside_the_versioning_by_older_code_are_kept(tmp_path, fresh):
    # Before version 5, a crawl created the frontier tables itself; before version 6,
    # the Redis ingest created `redis_ingest`. Such archives say 4 and 5.
    for version in (4, 5):
        old = tmp_path / f"v{version}.db"
        old_archive(old, version + 1)
        sqlite_utils.Database(old).execute(f"PRAGMA user_version = {version}")
        Archive(old).close()
        assert schema_of(old) == fresh


def test_a_fresh_archive_holds_the_ingest_and_frontier_tables(fresh):
    tables = {name for kind, name, _, _ in fresh[1] if kind == "table"}
    assert {"frontier", "listing_walks", "listing_entries", "redis_ingest"} <= tables
    assert {"fts_docs", "fts_exact", "fts_folded", "article_authors"} <= tables
    assert fresh[0] == SCHEMA_VERSION
