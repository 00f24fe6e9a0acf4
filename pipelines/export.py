"""Exports that stream: JSON lines, CSV and citations (CSL-JSON, BibTeX, RIS), in constant memory.

Each reads the archive through one cursor (plus a small query per article for its
images and latest capture) and yields text a row at a time, so an export of the
whole archive never holds more than one article.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from pipelines.archive import Archive
from pipelines.citations import citation_lines, csl_item

__all__ = ["FORMATS", "csl_item", "export_lines", "iter_records"]
from pipelines.search import Filters

CITATION_FORMATS = ("csl-json", "bibtex", "ris")
FORMATS = ("jsonl", "csv", *CITATION_FORMATS)
# When the archive saw the article, beside what the article says.
CAPTURE_FIELDS = ("fetched_at", "first_seen_at", "last_changed_at", "capture")


def iter_records(archive: Archive, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
    """`Article.to_record()` of each matching article plus its capture metadata."""
    where, params = (filters or Filters()).sql()
    rows = archive.db.query(
        f"SELECT * FROM articles a WHERE {where} ORDER BY a.published_at, a.site, a.article_id",
        params,
    )
    for row in rows:
        capture = latest_capture(archive, row["site"], row["article_id"])
        yield {
            **archive.article_from_row(row).to_record(),
            "fetched_at": capture["fetched_at"] if capture else row["last_seen_at"],
            "first_seen_at": row["first_seen_at"],
            "last_changed_at": row["last_changed_at"],
            "capture": capture,
        }


def latest_capture(archive: Archive, site: str, article_id: int) -> dict[str, Any] | None:
    """The newest successful capture of an article's page, as an index row."""
    rows = list(
        archive.db.query(
            "SELECT id, fetched_at, warc_file, offset, length, payload_digest, record_type "
            "FROM captures WHERE site = ? AND article_id = ? AND status = 200 "
            "ORDER BY fetched_at DESC, id DESC LIMIT 1",
            (site, article_id),
        )
    )
    return rows[0] if rows else None


def export_lines(
    archive: Archive,
    fmt: str,
    filters: Filters | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    excel: bool = False,
) -> Iterator[str]:
    """The export as pieces of text, in order; join or write them as they come.

    `progress` is called with the running count after each article. `excel` (CSV only):
    a UTF-8 byte order mark and CRLF line ends, without which Excel reads the file as
    the machine's legacy code page and garbles every Vietnamese letter.
    """
    records = iter_records(archive, filters)
    if progress is not None:
        records = _counted(records, progress)
    if fmt == "jsonl":
        for record in records:
            yield json.dumps(record, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        yield from _csv(records, excel=excel)
    elif fmt in CITATION_FORMATS:
        yield from citation_lines(records, fmt)
    else:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")


def _counted(
    records: Iterator[dict[str, Any]], progress: Callable[[int], None]
) -> Iterator[dict[str, Any]]:
    for count, record in enumerate(records, 1):
        yield record
        progress(count)


def _csv(records: Iterator[dict[str, Any]], *, excel: bool = False) -> Iterator[str]:
    buffer = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for record in records:
        # Lists and nested objects as JSON strings: one row per article, losslessly.
        flat = {
            k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
            for k, v in record.items()
        }
        if writer is None:
            writer = csv.DictWriter(
                buffer, fieldnames=list(flat), lineterminator="\r\n" if excel else "\n"
            )
            if excel:
                buffer.write("\ufeff")
            writer.writeheader()
        writer.writerow(flat)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
