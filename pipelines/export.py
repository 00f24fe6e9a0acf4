"""Exports that stream: JSON lines, CSV and CSL-JSON citations, in constant memory.

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
from pipelines.search import Filters

FORMATS = ("jsonl", "csv", "csl-json")
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
    elif fmt == "csl-json":
        yield "["
        for n, record in enumerate(records):
            item = json.dumps(csl_item(record), ensure_ascii=False, indent=2)
            yield ("\n" if n == 0 else ",\n") + item
        yield "\n]\n"
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


def csl_item(record: dict[str, Any]) -> dict[str, Any]:
    """One citation in CSL-JSON (the format Zotero, Pandoc and citeproc read)."""
    publisher = record["site"]  # the portal, by its host name ("tuyengiao.vn")
    item: dict[str, Any] = {
        "id": f"{record['site']}/{record['article_id']}",
        "type": "article-newspaper",
        "title": record["title"],
        # Vietnamese names are not "family, given" in Western order: kept whole.
        "author": [{"literal": name} for name in record["authors"]],
        "container-title": publisher,
        "publisher": publisher,
        "URL": record["canonical_url"],
        "language": "vi",
    }
    if record.get("source"):
        # The agency or paper the portal credits ("Theo TTXVN").
        item["source"] = record["source"]
    if record.get("published_at"):
        item["issued"] = _date_parts(record["published_at"])
    if record.get("category"):
        item["section"] = record["category"]
    capture = record.get("capture")
    if record.get("fetched_at"):
        item["accessed"] = _date_parts(record["fetched_at"])
    if capture:
        item["archive"] = "vnarchive"
        item["archive_location"] = (
            f"{capture['warc_file']}#offset={capture['offset']} "
            f"(capture {capture['id']}, {capture['payload_digest']}, {capture['fetched_at']})"
        )
    return item


def _date_parts(iso: str) -> dict[str, Any]:
    day = iso[:10].split("-")
    return {"date-parts": [[int(part) for part in day]], "raw": iso}
