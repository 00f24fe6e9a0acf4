"""vnarchive: an archival crawler for Vietnamese news portals, into one SQLite archive.

The public Python API (the command line is `vnarchive --help`):

- `vnarchive.open_archive(path)`: an archive's articles, search, versions and captures
  as iterators of typed records (`vnarchive.api`);
- `vnarchive.parse_article(html, url, fetched_at)`: the extractor, a pure function of a
  page, returning an `Article`.

Both are imported on first use, so the command line starts without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.extract.article import Article, Image
    from crawler.extract.parsing import parse_article
    from vnarchive.api import ArchiveReader, Capture, SearchHit, Version, open_archive

__all__ = [
    "ArchiveReader",
    "Article",
    "Capture",
    "Image",
    "SearchHit",
    "Version",
    "open_archive",
    "parse_article",
]

_WHERE = {
    "Article": "crawler.extract.article",
    "Image": "crawler.extract.article",
    "parse_article": "crawler.extract.parsing",
    "ArchiveReader": "vnarchive.api",
    "Capture": "vnarchive.api",
    "SearchHit": "vnarchive.api",
    "Version": "vnarchive.api",
    "open_archive": "vnarchive.api",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'vnarchive' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_WHERE[name]), name)
