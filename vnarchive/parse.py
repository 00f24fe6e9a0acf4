"""`vnarchive parse`: one saved page in, its record out, as JSON."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path


def run_parse(
    page: str, *, url: str, fetched_at: datetime | None, portal: str | None = None
) -> int:
    from crawler.extract.dates import VN_TZ
    from crawler.extract.errors import ExtractionError
    from crawler.extract.parsing import parse_article
    from crawler.portals import portal_by_name
    from crawler.settings import DOWNLOAD_MAXSIZE

    try:
        told = portal_by_name(portal) if portal is not None else None
    except KeyError as error:
        print(f"vnarchive parse: error: {error.args[0]}", file=sys.stderr)
        return 2

    path = Path(page)
    try:
        size = path.stat().st_size
        if path.is_file() and size > DOWNLOAD_MAXSIZE:
            # The crawl never keeps a page this large; reading it whole costs ~5x its
            # size in memory (a 256 MB file took 1.3 GB).
            print(
                f"vnarchive parse: error: {page} is {size / 2**20:.1f} MiB, over the crawl's "
                f"page limit (DOWNLOAD_MAXSIZE, {DOWNLOAD_MAXSIZE / 2**20:.0f} MiB): not read",
                file=sys.stderr,
            )
            return 2
        with path.open("rb") as handle:
            # A pipe or a file growing meanwhile is bounded too: one byte over is enough.
            data = handle.read(DOWNLOAD_MAXSIZE + 1)
    except OSError as error:
        print(f"vnarchive parse: error: cannot read {page}: {error.strerror}", file=sys.stderr)
        return 2
    if len(data) > DOWNLOAD_MAXSIZE:
        limit = DOWNLOAD_MAXSIZE / 2**20
        print(f"vnarchive parse: error: {page} is over the crawl's page limit "
              f"(DOWNLOAD_MAXSIZE, {limit:.0f} MiB): not read", file=sys.stderr)  # fmt: skip
        return 2
    when = fetched_at or datetime.now(VN_TZ).replace(microsecond=0)
    try:
        article = parse_article(data, url, when, portal=told)
    except ExtractionError as error:
        print(f"vnarchive parse: error: {error} [{error.kind}]", file=sys.stderr)
        return 2
    json.dump(article.to_record(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
