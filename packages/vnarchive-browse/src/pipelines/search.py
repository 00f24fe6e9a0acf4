"""Full-text search over both indexes, exact-accent hits first.

A query runs on `fts_exact` as typed, then on `fts_folded` folded like the indexed
text; folded hits that the exact index already returned are not repeated. So
"Hà Nội" lists articles that write "Hà Nội" before those that only match once
accents are dropped ("hà nói", "Ha Noi"), and "ha noi" still finds "Hà Nội".

Plain words are quoted before they reach FTS5, so "Covid-19" or "8/3" never trip
its syntax; a query that uses the syntax itself (quotes, parentheses, AND/OR/NOT,
NEAR, `*`, `column:`) is passed on, and a malformed one raises `SearchQueryError`.

Words that stand together rank first (issue 17.8): a plain query of two or more
words runs as a phrase before it runs as words anywhere, so "ha noi" lists
articles that write "Hà Nội" before those that merely hold "Hà Giang" and "nội
dung". The order is: the phrase as typed, the phrase folded, the words as typed,
the words folded; each tier is ranked by bm25 and no article is listed twice.

Every search is bounded (issue 16.3): at most `MAX_TERMS` words, and at most
`TIME_LIMIT_S` of work (a progress handler); past either, `SearchQueryError` says
so in one line.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlite_utils

from crawler.extract.errors import VnarchiveError
from crawler.extract.text import fold_text, normalize_text


class SearchQueryError(VnarchiveError):
    """The query is not valid FTS5 syntax (unbalanced quotes, a bare operator...), has
    too many words, or took too long."""

    kind = "bad_query"


# bm25 costs ~15 µs a matching article: a word in nearly every article ("Ban Tuyên
# giáo") would cost seconds on 200,000. Each index ranks at most the WINDOW most
# recently indexed matches (fts rowids grow with archiving), so a search costs the same
# on any archive size; a rarer query has fewer matches than this and is ranked whole.
WINDOW = 1000
# A query's words: more than any real search needs (a headline is 10-20 words; the
# phrase tier then still finds it), few enough that one search stays cheap (100
# words over one 4 MB article took 32 s before the index took a bounded share of it).
MAX_TERMS = 24
# The work of one search, all tiers together: the bench's searches take tens of ms
# on 200,000 articles; a search past this is stopped, not left to hold a thread.
TIME_LIMIT_S = 5.0
# The deadline is checked every this many steps of SQLite's machine (well under a
# millisecond). FTS5's own work for one row is one step: the index's cut of each
# field (pipelines.fts_cuts) is what bounds that.
PROGRESS_STEPS = 10_000
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
_SYNTAX = re.compile(r'["()*^:{}+]|\b(?:AND|OR|NOT|NEAR)\b')
_WORD = re.compile(r'"[^"]*"|\S+')


@dataclass(frozen=True, slots=True)
class Filters:
    since: date | None = None
    until: date | None = None  # inclusive
    category: str | None = None
    site: str | None = None  # one site of an archive of several (`tuyengiao.vn`)

    def sql(self, alias: str = "a") -> tuple[str, list[Any]]:
        """WHERE conditions on `articles` (alias `alias`), with their parameters."""
        conditions: list[str] = []
        params: list[Any] = []
        # published_at is ISO 8601 at +07:00 throughout, so strings compare as dates.
        if self.since is not None:
            conditions.append(f"{alias}.published_at >= ?")
            params.append(self.since.isoformat())
        if self.until is not None:
            end = _day(self.until) + timedelta(days=1)
            conditions.append(f"{alias}.published_at < ?")
            params.append(end.isoformat())
        if self.category:
            # A category holds its subcategories' articles, as on the portal.
            conditions.append(f"({alias}.category = ? OR {alias}.category LIKE ? ESCAPE '\\')")
            escaped = self.category.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params += [self.category, escaped + "/%"]
        if self.site:
            conditions.append(f"{alias}.site = ?")
            params.append(self.site)
        return " AND ".join(conditions) or "1", params


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _checked(query: str) -> str:
    text = normalize_text(query)
    if not text:
        raise SearchQueryError("empty search query")
    if text.count('"') % 2:
        raise SearchQueryError(f"unbalanced double quote in {query!r}")
    terms = len(re.findall(r"\w+", _SYNTAX.sub(" ", text)))
    if terms > MAX_TERMS:
        raise SearchQueryError(
            f"too many words in the search ({terms}; at most {MAX_TERMS}): "
            "keep the words that matter"
        )
    return text


def phrase_query(query: str, *, folded: bool) -> str | None:
    """The plain query's words as one FTS5 phrase; None for one word or FTS5 syntax."""
    text = _checked(query)
    words = text.split()
    if _SYNTAX.search(text) is not None or len(words) < 2:
        return None
    phrase = " ".join(fold_text(w) if folded else w for w in words)
    return '"' + phrase.replace('"', '""') + '"'


def fts_query(query: str, *, folded: bool) -> str:
    """The FTS5 expression for a user's query, for the exact or the folded index."""
    text = _checked(query)
    if _SYNTAX.search(text) is None:
        # A word said twice matches what it matches once (and costs twice).
        words = list(dict.fromkeys(w.replace('"', '""') for w in text.split()))
        text = " ".join(f'"{fold_text(w) if folded else w}"' for w in words)
        return text
    if not folded:
        return text
    # Operators stay upper case (folded they would be words); everything else folds.
    return "".join(
        piece if piece in _OPERATORS else fold_text(piece)
        for piece in re.split(r"(\bAND\b|\bOR\b|\bNOT\b|\bNEAR\b)", text)
    )


def search(
    db: sqlite_utils.Database,
    query: str,
    *,
    filters: Filters | None = None,
    limit: int = 20,
    bounded: bool = True,
) -> list[dict[str, Any]]:
    """Matching articles, best first: the words together, then anywhere; within each,
    exact-accent hits by rank, then folded-only ones.

    `bounded=False` leaves the connection's progress handler alone (a search run
    inside a query that already has one: Datasette's canned queries).
    """
    filters = filters or Filters()
    where, params = filters.sql()
    tiers = [
        (table, folded, phrase, expression)
        for phrase, build in ((True, phrase_query), (False, fts_query))
        for table, folded in (("fts_exact", False), ("fts_folded", True))
        if (expression := build(query, folded=folded)) is not None
    ]
    hits: list[dict[str, Any]] = []
    seen: set[int] = set()
    with _deadline(db.conn, TIME_LIMIT_S if bounded else None):
        for table, folded, phrase, expression in tiers:
            if len(hits) >= limit:
                break
            rows = _ranked(db, table, query, expression, where, params, seen, limit - len(hits))
            if len(rows) < limit - len(hits) and where != "1":
                # The filters may have emptied the window: rank every match instead.
                rows = _ranked(db, table, query, expression, where, params, seen,
                               limit - len(hits), window=-1)  # fmt: skip
            for doc_id, site, article_id, title, url, published, category, score in rows:
                seen.add(doc_id)
                hits.append(
                    {
                        "site": site,
                        "article_id": article_id,
                        "title": title,
                        "url": url,
                        "published_at": published,
                        "category": category,
                        "match": "folded" if folded else "exact",
                        "phrase": phrase,
                        "score": score,
                    }
                )
    return hits


@contextmanager
def _deadline(conn: sqlite3.Connection, seconds: float | None) -> Iterator[None]:
    if seconds is None:
        yield
        return
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
    try:
        yield
    finally:
        conn.set_progress_handler(None, 0)


def _ranked(
    db: sqlite_utils.Database,
    table: str,
    query: str,
    expression: str,
    where: str,
    params: list[Any],
    seen: set[int],
    count: int,
    window: int | None = None,
) -> list[tuple[Any, ...]]:
    window = WINDOW if window is None else window
    if window >= 0:  # -1: no window (SQLite's LIMIT -1)
        # Hits already listed by the exact index take no place in the folded window.
        window += len(seen)
    excluded = ", ".join("?" for _ in seen)
    sql = (
        "SELECT d.id, a.site, a.article_id, a.title, a.canonical_url, a.published_at, "
        "a.category, h.score "
        f"FROM (SELECT rowid AS id, rank AS score FROM {table} WHERE {table} MATCH ? "
        "ORDER BY rowid DESC LIMIT ?) h "
        "JOIN fts_docs d ON d.id = h.id "
        "JOIN articles a ON a.site = d.site AND a.article_id = d.article_id "
        f"WHERE {where} "
        + (f"AND d.id NOT IN ({excluded}) " if seen else "")
        + "ORDER BY h.score LIMIT ?"
    )
    try:
        return db.execute(sql, [expression, window, *params, *seen, count]).fetchall()
    except sqlite3.OperationalError as error:
        if str(error) == "interrupted":
            raise SearchQueryError(
                f"search {query!r} stopped: it took longer than a search may "
                f"({TIME_LIMIT_S:g} s); use fewer or rarer words, or a date or category filter"
            ) from None
        raise SearchQueryError(
            f"malformed search query {query!r} ({error}); put phrases in double quotes "
            "and use AND, OR, NOT only between terms"
        ) from None
