"""`vnarchive portals`: what the project knows of each portal, and what checks it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from crawler.portals import PORTALS, Portal

# Each portal's real pages and their hand-labelled records (tests/test_portals.py).
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "portals"


def fixture_count(portal: Portal) -> int:
    """Gold pages of the portal: saved pages with their hand-labelled record."""
    folder = FIXTURES / portal.name
    return sum(1 for page in folder.glob("*.html") if page.with_suffix(".json").exists())


def describe(portal: Portal) -> dict[str, Any]:
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
        "fixtures": fixture_count(portal),
    }


def run_portals(*, as_json: bool = False) -> int:
    rows = [describe(portal) for portal in PORTALS]
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
