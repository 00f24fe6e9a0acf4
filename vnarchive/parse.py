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

    try:
        told = portal_by_name(portal) if portal is not None else None
    except KeyError as error:
        print(f"vnarchive parse: error: {error.args[0]}", file=sys.stderr)
        return 2

    try:
        data = Path(page).read_bytes()
    except OSError as error:
        print(f"vnarchive parse: error: cannot read {page}: {error.strerror}", file=sys.stderr)
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
