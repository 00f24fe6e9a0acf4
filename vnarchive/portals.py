"""`vnarchive portals`: what the project knows of each portal, and what checks it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from crawler.portals import PORTALS, Portal, portal_for_url

# Saved pages with their hand-labelled records (tests/test_portals.py checks them):
# tests/fixtures/portals/<name>/, and tuyengiao.vn's older set in tests/fixtures/pages/.
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def gold_pages(root: Path = FIXTURES) -> dict[str, list[Path]]:
    """Portal name -> its gold pages (`X.html` beside `X.json` whose "url" is the
    portal's): a page counts for the portal its URL's host names."""
    found: dict[str, list[Path]] = {}
    for record in sorted(root.rglob("*.json")):
        page = record.with_suffix(".html")
        if not page.exists():
            continue
        try:
            url = json.loads(record.read_text(encoding="utf-8")).get("url")
        except (ValueError, AttributeError):
            continue
        portal = portal_for_url(url) if isinstance(url, str) else None
        if portal is not None:
            found.setdefault(portal.name, []).append(page)
    return found


def fixture_count(portal: Portal, pages: dict[str, list[Path]] | None = None) -> int:
    return len((gold_pages() if pages is None else pages).get(portal.name, []))


def describe(portal: Portal, pages: dict[str, list[Path]]) -> dict[str, Any]:
    return {
        "name": portal.name,
        "site": portal.site,
        "status": portal.status,
        "outlet": portal.outlet,
        "owner": portal.owner,
        "hosts": list(portal.hosts),
        "article_id_pattern": portal.article_id_pattern,
        "lead_mark": portal.lead_mark or None,
        "layouts": [
            {"name": layout.name, "verified": layout.verified} for layout in portal.layouts
        ],
        "sources": [
            {"kind": s.kind, "url": s.url, "paging": s.paging or None, "verified": s.verified}
            for s in portal.sources
        ],
        "fixtures": fixture_count(portal, pages),
    }


def run_portals(*, as_json: bool = False) -> int:
    pages = gold_pages()
    rows = [describe(portal, pages) for portal in PORTALS]
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for row in rows:
        layouts = ", ".join(
            layout["name"] + ("" if layout["verified"] else " (unverified)")
            for layout in row["layouts"]
        )
        print(f"{row['name']}  [{row['status']}]  {row['outlet']}")
        print(f"  hosts: {', '.join(row['hosts'])}")
        if layouts:
            print(f"  layouts: {layouts}")
        for source in row["sources"]:
            paging = f"  paging {source['paging']}" if source["paging"] else ""
            mark = "" if source["verified"] else "  (unverified)"
            print(f"  {source['kind']}: {source['url']}{paging}{mark}")
        print(f"  fixtures: {row['fixtures']}")
    return 0
