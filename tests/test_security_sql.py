"""SQL is only ever built with parameters; file paths from data cannot escape.

The SQL check reads the source (ast): every f-string, `%` or `.format` whose literal text
is SQL may interpolate only the expressions listed here, each of which is built in code
from identifiers or from `?`/`:name` placeholders (column lists, table names from a
constant tuple, WHERE clauses of placeholders). A new interpolation fails this test
until it is looked at and listed; a value (a URL, a title, a search term) must go in a
parameter instead.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("crawler", "pipelines", "vnarchive", "replica", "bench")
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WHERE|VALUES|MATCH)\b")

# file -> interpolated expressions (as ast.unparse writes them), each checked by hand.
ALLOWED: dict[str, set[str]] = {
    # Table and column names read from the sqlite_master of the archives it compares.
    "bench/archive_identity.py": {"table", "', '.join(kept)"},
    "pipelines/archive.py": {
        "columns", "placeholders", "updates",  # from the constant _ARTICLE_COLUMNS
        "int(busy_timeout_s * 1000)",  # an int
        "', '.join(columns)", "', '.join(('?' for _ in columns))",  # CAPTURE_COLUMNS
    },
    "pipelines/export.py": {"where"},  # Filters.sql(): placeholders
    "pipelines/dataset_card.py": {"where"},  # Filters.sql(): placeholders
    # The Table constants' column lists and ORDER BY; Filters.sql(): placeholders.
    "pipelines/parquet_export.py": {"table.select", "table.order", "where"},
    "pipelines/export_wacz.py": {"where"},  # Filters.sql(): placeholders
    "pipelines/frontier_store.py": {"marks"},  # "?, ?"
    "pipelines/fts.py": {"table", "columns", "', '.join(FTS_COLUMNS)", "placeholders"},
    "pipelines/reparse.py": {"' AND '.join(conditions)", "newest"},  # constant conditions
    "pipelines/schema.py": {"int(target)", "name", "kind"},  # an int; CRAWL_COLUMNS
    "pipelines/schema_sites.py": {"table"},  # from the constant _WRITTEN
    "pipelines/schema_browse.py": {"_FILL.format('new', '')", "_CLEAR", "name", "table",
                                   "columns"},
    "pipelines/search.py": {"table", "where"},  # FTS table constants; placeholders
    "vnarchive/browse/facets.py": {"self.sql"},
    "vnarchive/browse/pictures.py": {"marks"},  # "?, ?"  # a constant per facet
    "vnarchive/browse/plugin.py": {"' OR '.join(terms)"},  # terms of :named placeholders
    "vnarchive/browse/limits.py": {"marks", "SQLITE_HEAP_LIMIT"},  # "?, ?"; an int constant
    "vnarchive/browse/queries.py": {"_IN_CATEGORY.format('')"},
    "vnarchive/api.py": {"columns", "where"},  # CAPTURE_COLUMNS; constant conditions
    "vnarchive/archive_commands.py": {"where"},  # Filters.sql(): placeholders
    "vnarchive/demo.py": {"db", "Path(db).name"},  # a printed hint, not executed
    # A table name given in code ("crawls"); constant conditions of placeholders.
    "vnarchive/status.py": {"table", "where", "unfinished"},
}  # fmt: skip


def formatted_sql(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, expression) of every value interpolated into literal SQL text."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if SQL.search(literal):
                found += [
                    (node.lineno, ast.unparse(v.value))
                    for v in node.values
                    if isinstance(v, ast.FormattedValue)
                ]
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
            and SQL.search(node.left.value)
        ):
            found.append((node.lineno, f"% {ast.unparse(node.right)}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
            and SQL.search(node.func.value.value)
        ):
            found += [(node.lineno, f".format {ast.unparse(a)}") for a in node.args]
    return found


def scan() -> dict[str, list[tuple[int, str]]]:
    result = {}
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            found = formatted_sql(ast.parse(path.read_text(encoding="utf-8")))
            if found:
                result[str(path.relative_to(ROOT))] = found
    return result


def test_sql_interpolates_only_reviewed_identifiers():
    unreviewed = [
        f"{name}:{line}: {expression}"
        for name, found in scan().items()
        for line, expression in found
        if expression not in ALLOWED.get(name, set())
    ]
    assert not unreviewed, "SQL built with values? Use parameters:\n" + "\n".join(unreviewed)


@pytest.mark.parametrize(
    "source",
    [
        "db.execute(f\"SELECT * FROM articles WHERE url = '{url}'\")",
        "db.execute(\"DELETE FROM articles WHERE title = '%s'\" % title)",
        'db.execute("SELECT * FROM images WHERE url = {}".format(url))',
    ],
)
def test_the_check_catches_values_in_sql(source):
    assert formatted_sql(ast.parse(source))


def test_a_search_for_sql_changes_nothing(tmp_path):
    from pipelines.archive import Archive
    from tests.browse_helpers import hostile_article

    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.upsert_article(hostile_article("https://www.tuyengiao.vn"))
    for query in ["'; DROP TABLE articles; --", '" OR 1=1 --', "x') OR ('1'='1"]:
        result = subprocess.run(
            [sys.executable, "-m", "vnarchive", "search", query, "--db", str(db)],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode in (0, 2), result.stderr
    with Archive(db) as archive:
        assert archive.count_articles() == 1
