"""The writer process's protocol: one small frozen record per operation and per reply.

The crawl (`pipelines.writer_client`) sends operations; the writer
(`pipelines.writer`) applies each to `pipelines.ops.ArchiveOps` and answers with
replies. Both travel in length-prefixed frames (`frame`, `decode`) that hold a pickle
of the record's code (its place in `_CLASSES`) and its values: a pickled dataclass
names its module and class in every frame, which made the small messages 6x costlier
to send and read than the tuples they replace (bench/writer_messages.py).
"""

from __future__ import annotations

import operator
import pickle
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crawler.extract.article import Article
from crawler.protocol.exchange import Exchange
from crawler.protocol.frontier import Listed

HEADER = struct.Struct(">I")


# -- operations (crawl -> writer) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoreArticle:
    article: Article


@dataclass(frozen=True, slots=True)
class RecordFailure:
    url: str
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class RecordRemoval:
    url: str
    status: int
    kind: str
    location: str | None


@dataclass(frozen=True, slots=True)
class RecordCapture:
    capture: dict[str, Any]


@dataclass(frozen=True, slots=True)
class WriteWarc:
    """An exchange to write as WARC records, then index (the WARC extension's work)."""

    exchange: Exchange


@dataclass(frozen=True, slots=True)
class QueueLinks:
    entries: list[Listed]
    category: str | None


@dataclass(frozen=True, slots=True)
class MarkStarted:
    article_ids: list[int]


@dataclass(frozen=True, slots=True)
class SetValidators:
    article_id: int
    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class MarkFailed:
    """The frontier's side of a failure alone."""

    article_id: int
    url: str
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class StartWalk:
    category: str
    url: str
    until: str | None


@dataclass(frozen=True, slots=True)
class ReadListing:
    category: str
    page: int
    entries: list[Listed]
    new: list[Listed]
    walk_next: tuple[int, str | None] | None


@dataclass(frozen=True, slots=True)
class Refetch:
    """Archived articles a sitemap or feed says changed: pending again."""

    entries: list[Listed]


@dataclass(frozen=True, slots=True)
class SitemapRead:
    url: str
    lastmod: str | None


@dataclass(frozen=True, slots=True)
class FinishRun:
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MergeSearch:
    max_segments: int


Operation = (
    StoreArticle | RecordFailure | RecordRemoval | RecordCapture | WriteWarc | QueueLinks
    | MarkStarted | SetValidators | MarkFailed | StartWalk | ReadListing | FinishRun
    | MergeSearch | Refetch | SitemapRead
)  # fmt: skip


# -- replies (writer -> crawl) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleStored:
    article_id: int
    outcome: str  # new, updated, unchanged


@dataclass(frozen=True, slots=True)
class ArticleFailed:
    """The article's write failed (its error row follows unless the disk is full)."""

    article_id: int
    kind: str


@dataclass(frozen=True, slots=True)
class ArticleSkipped:
    """Not stored (a full disk): it stays pending in the frontier."""

    article_id: int


@dataclass(frozen=True, slots=True)
class ErrorRecorded:
    """The writer wrote an error row; the count is the crawl's."""

    url: str
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class WarcWritten:
    record_type: str


@dataclass(frozen=True, slots=True)
class WarcFailed:
    url: str
    message: str


@dataclass(frozen=True, slots=True)
class DiskFull:
    message: str


@dataclass(frozen=True, slots=True)
class RemovalRecorded:
    kind: str


@dataclass(frozen=True, slots=True)
class WriteFailed:
    """Another operation's write failed: logged and counted, the crawl goes on."""

    message: str


@dataclass(frozen=True, slots=True)
class WriterCpu:
    seconds: float


@dataclass(frozen=True, slots=True)
class RunFinished:
    error: str | None  # None: the ledger row is closed


@dataclass(frozen=True, slots=True)
class Applied:
    """After each batch: how many operations it held (the crawl's backlog count)."""

    count: int


Reply = (
    ArticleStored | ArticleFailed | ArticleSkipped | ErrorRecorded | WarcWritten | WarcFailed
    | DiskFull | RemovalRecorded | WriteFailed | WriterCpu | RunFinished | Applied
)  # fmt: skip


# Both ends must list the same classes in the same order: they are one tree's code.
_CLASSES: tuple[type[Any], ...] = (
    StoreArticle, RecordFailure, RecordRemoval, RecordCapture, WriteWarc, QueueLinks,
    MarkStarted, SetValidators, MarkFailed, StartWalk, ReadListing, FinishRun, MergeSearch,
    ArticleStored, ArticleFailed, ArticleSkipped, ErrorRecorded, WarcWritten, WarcFailed,
    DiskFull, RemovalRecorded, WriteFailed, WriterCpu, RunFinished, Applied,
    Refetch, SitemapRead,
)  # fmt: skip


def _values(cls: type[Any]) -> Callable[[Any], tuple[Any, ...]]:
    names: tuple[str, ...] = cls.__match_args__
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda message: (one(message),)
    return operator.attrgetter(*names)


_ENCODERS = {cls: (code, _values(cls)) for code, cls in enumerate(_CLASSES)}


def frame(message: Operation | Reply) -> bytes:
    code, values = _ENCODERS[type(message)]
    data = pickle.dumps((code, values(message)), protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def decode(data: bytes | bytearray | memoryview) -> Any:
    """The record a frame's body holds (`frame`'s inverse)."""
    code, values = pickle.loads(data)
    return _CLASSES[code](*values)
