"""Re-extraction: run the current parser on the stored WARC captures, with no network.

For each archived article, the newest successful capture of its page is read back
(a `revisit` record is followed to the record holding the identical payload), parsed
and normalised exactly as a crawl does, and compared with the stored version by
content hash. Only a different output is written, as a new version (cause
"reparse"); so a second run changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator

from crawler.extract.errors import ExtractionError, StorageError
from crawler.extract.parsing import parse_article
from crawler.portals import Portal, portal_by_name
from pipelines.archive import Archive
from pipelines.fts import DEFAULT_MAX_SEGMENTS
from pipelines.normalize import normalize_article
from pipelines.pathguard import inside
from pipelines.revisions import changed_fields, content_hash, now


class CaptureReadError(StorageError):
    """A WARC record the captures index points at is missing or unreadable."""

    kind = "warc_read"


@dataclass
class ReparseSummary:
    articles: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    by_field: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        lines = [
            f"reparse: {self.articles} articles: {self.changed} changed, "
            f"{self.unchanged} unchanged, {self.failed} failed"
        ]
        lines += [f"  {name}: {count}" for name, count in sorted(self.by_field.items())]
        lines += [f"  failed ({kind}): {count}" for kind, count in sorted(self.failures.items())]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Capture:
    site: str
    article_id: int
    url: str
    fetched_at: str
    warc_file: str
    offset: int


def latest_captures(
    archive: Archive, *, since: date | None = None, site: str | None = None
) -> Iterator[Capture]:
    """The newest 200 capture of each archived article, in WARC file order."""
    conditions, params = ["c.status = 200", "c.article_id IS NOT NULL"], []
    if site:
        conditions.append("c.site = ?")
        params.append(site)
    # SQLite: with max(), the bare columns come from the row holding the maximum.
    newest = (
        "SELECT max(c.id) AS id, c.site, c.article_id, c.url, c.fetched_at, c.payload_digest "
        f"FROM captures c WHERE {' AND '.join(conditions)} GROUP BY c.site, c.article_id"
    )
    sql = (
        "SELECT n.site, n.article_id, n.url, n.fetched_at, r.warc_file, r.offset "
        f"FROM ({newest}) n JOIN articles a ON a.site = n.site AND a.article_id = n.article_id "
        # The record with the payload: the capture itself, or the first identical one.
        "JOIN captures r ON r.id = (SELECT min(id) FROM captures "
        "WHERE payload_digest = n.payload_digest AND record_type = 'response') "
        + ("WHERE n.fetched_at >= ? " if since else "")
        + "ORDER BY r.warc_file, r.offset"
    )
    if since:
        params.append(since.isoformat())
    for row in archive.db.execute(sql, params):
        yield Capture(*row)


class WarcReader:
    """Reads single records by (file, offset), keeping the last file open."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._path: Path | None = None
        self._file: IO[bytes] | None = None

    def payload(self, warc_file: str, offset: int) -> bytes:
        try:
            # A captures row names its file; it may not lead out of the archive's folder.
            path = inside(self.base, warc_file)
            if path != self._path:
                self.close()
                self._file, self._path = open(path, "rb"), path  # noqa: SIM115
            assert self._file is not None
            self._file.seek(offset)
            record = next(iter(ArchiveIterator(self._file)))
            return bytes(record.content_stream().read())
        except (OSError, StopIteration, ValueError) as error:
            raise CaptureReadError(f"{warc_file}@{offset}: cannot read: {error}") from error

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._file = self._path = None


def reparse(
    archive: Archive,
    *,
    since: date | None = None,
    site: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReparseSummary:
    summary = ReparseSummary()
    reader = WarcReader(archive.path.parent)
    seen = now()
    # Captures are read into a list first: writes on the same connection while a
    # SELECT over the table being written is still open would see a moving target.
    captures = list(latest_captures(archive, since=since, site=site))
    try:
        for capture in captures:
            summary.articles += 1
            try:
                _reparse_one(archive, reader, capture, seen, summary)
            except (ExtractionError, StorageError) as error:
                summary.failed += 1
                summary.failures[error.kind] += 1
            if progress is not None:
                progress(summary.articles)
    finally:
        reader.close()
    if summary.changed:
        archive.merge_search_after_run(max_segments=DEFAULT_MAX_SEGMENTS)
    return summary


def _reparse_one(
    archive: Archive, reader: WarcReader, capture: Capture, seen: datetime, summary: ReparseSummary
) -> None:
    body = reader.payload(capture.warc_file, capture.offset)
    fetched_at = datetime.fromisoformat(capture.fetched_at)
    # The capture was read as its recorded site's portal when it was crawled (a
    # replica or mirror told so): it is read again as that portal, not guessed.
    article = normalize_article(
        parse_article(body, capture.url, fetched_at, portal=_recorded_portal(capture))
    )
    record = article.to_record()
    stored = archive.db.execute(
        "SELECT content_hash FROM articles WHERE site = ? AND article_id = ?",
        (article.site, article.article_id),
    ).fetchone()
    if stored is not None and stored[0] == content_hash(record):
        summary.unchanged += 1
        return
    previous = archive.get_article(article.site, article.article_id)
    archive.upsert_article(article, seen_at=seen, cause="reparse")
    summary.changed += 1
    if previous is not None:
        summary.by_field.update(changed_fields(previous.to_record(), record))


def _recorded_portal(capture: Capture) -> Portal | None:
    try:
        return portal_by_name(capture.site)
    except KeyError:
        return None  # an undeclared site: read as its own host's
