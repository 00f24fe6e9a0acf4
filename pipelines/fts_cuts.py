"""How much of one article the search indexes take, and the record of every cut (issue 16.3).

A hostile or broken page can carry megabytes in one field (a 1.1 MB title was
archived and indexed as is); every search that matches such an article then walks
its positions, and a many-word query over one 4 MB article took 100 s. The archive
keeps every field whole (`articles`); only the text fed to `fts_exact`/`fts_folded`
is cut, at a character limit per field well above any real article, and each cut
is recorded in `fts_cuts` (one row per article and field), so a researcher can see
which articles are searchable only in part.

`fts_cuts` is created the first time a cut happens (most archives never need it), so
no schema version changes; the lead's migrations can adopt it as it is.
"""

from __future__ import annotations

import sqlite_utils

# Characters per field. Real articles of the portal: titles under 300 characters,
# leads under 1,000, bodies under 40,000 (the 2020-11 records); the longest documents
# portals publish whole (congress resolutions, speeches) stay under 300,000.
FIELD_LIMITS: dict[str, int] = {
    "title": 2_000,
    "lead": 10_000,
    "body": 500_000,
    "captions": 50_000,
}


def create_fts_cuts(db: sqlite_utils.Database) -> None:
    """The table of what the indexes were not given (created with the indexes)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS fts_cuts ("
        "site TEXT NOT NULL, article_id INTEGER NOT NULL, field TEXT NOT NULL, "
        "length INTEGER NOT NULL, indexed INTEGER NOT NULL, "
        "PRIMARY KEY (site, article_id, field))"
    )


def cut_for_index(fields: dict[str, str]) -> tuple[dict[str, str], dict[str, int]]:
    """The fields as the indexes take them, and field -> full length of each one cut."""
    kept: dict[str, str] = {}
    cut: dict[str, int] = {}
    for name, text in fields.items():
        limit = FIELD_LIMITS.get(name)
        if limit is not None and len(text) > limit:
            kept[name] = text[:limit]
            cut[name] = len(text)
        else:
            kept[name] = text
    return kept, cut


def record_cuts(db: sqlite_utils.Database, site: str, article_id: int, cut: dict[str, int]) -> None:
    """Replace the article's rows in `fts_cuts` by these (none: the article is whole)."""
    db.execute("DELETE FROM fts_cuts WHERE site = ? AND article_id = ?", (site, article_id))
    for field, length in cut.items():
        db.execute(
            "INSERT INTO fts_cuts (site, article_id, field, length, indexed) "
            "VALUES (?, ?, ?, ?, ?)",
            (site, article_id, field, length, FIELD_LIMITS[field]),
        )
