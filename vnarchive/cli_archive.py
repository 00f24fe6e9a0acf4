"""The commands that read or rework the archive and saved pages: parse, eval, reparse,
search, optimize, export, serve. Split from `vnarchive.cli` to keep each module small; imports
stay lazy, inside each command."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vnarchive.argtypes import DEFAULT_DB, iso_date, iso_datetime, positive_int

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def add_archive_commands(sub: Subparsers) -> None:
    add_parse(sub)
    add_eval(sub)
    add_reparse(sub)
    add_search(sub)
    add_optimize(sub)
    add_export(sub)
    add_serve(sub)
    add_publish(sub)
    add_portals(sub)


def add_parse(sub: Subparsers) -> None:
    p = sub.add_parser(
        "parse",
        help="extract one saved page and print its record as JSON",
        description="Run the extractor on a saved HTML page, without any network, and print "
        "the article record as JSON. A page that is not an article exits with status 2.",
    )
    p.add_argument("page", help="the saved HTML file")
    p.add_argument("--url", required=True, help="the URL the page was fetched from")
    p.add_argument(
        "--fetched-at",
        type=iso_datetime,
        help="when it was fetched, ISO 8601 (default: now); anchors relative dates",
    )
    p.add_argument(
        "--portal",
        help="read the page as this declared portal's although --url is on another host "
        "(a mirror, a replica); default: the portal of --url's host",
    )
    p.set_defaults(run=_run_parse)


def add_portals(sub: Subparsers) -> None:
    p = sub.add_parser(
        "portals",
        help="list the declared portals: status, hosts, discovery sources, fixtures",
        description="Every portal declared in crawler/portals/: 'full' (layouts declared, "
        "checked on real pages in tests/fixtures/portals/<name>/) or 'discovery' (hosts, "
        "article-id rule and sources only; its pages are for the generic reader). "
        "Sources and layouts from public knowledge are marked unverified.",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=_run_portals)


def _run_portals(args: argparse.Namespace) -> int:
    from vnarchive.portals import run_portals

    return run_portals(as_json=args.json)


def add_eval(sub: Subparsers) -> None:
    p = sub.add_parser(
        "eval",
        help="score the extractor per field on a gold set of saved pages",
        description="Run the extractor over every NAME.html with a hand-checked NAME.json "
        "in FIXTURE_DIR and print per-field scores: title and lead exact, body paragraph "
        "and token F1, captions with credits, authors, source, published_at to the minute, "
        "tags and category. Reads the project's records and the realpages labelling "
        "(a lead with its mark and lead_prefix, pictures by src).",
    )
    p.add_argument(
        "fixture_dir",
        metavar="FIXTURE_DIR",
        help="e.g. tests/fixtures/pages or tests/fixtures/portals",
    )
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--per-page", action="store_true", help="also print every page's scores")
    p.add_argument(
        "--reader",
        choices=("parse_article", "generic"),
        default="parse_article",
        help="parse_article (default: the portal's layout, or the generic reader for an "
        "undeclared host) or generic (the generic reader alone, on every page)",
    )
    p.add_argument(
        "--fetched-at",
        type=iso_datetime,
        help="when the pages were fetched, ISO 8601; anchors relative dates "
        "(default: 2026-11-26T12:00+07:00, what tests/fixtures/pages assumes)",
    )
    p.set_defaults(run=_run_eval)


def add_reparse(sub: Subparsers) -> None:
    p = sub.add_parser(
        "reparse",
        help="re-extract archived articles from the stored WARC with the current parser",
        description="Run the current parser on each archived article's newest stored capture "
        "(WARC files under the archive's directory), without any network. A new version is "
        "written only where the output changed, so a second run changes nothing. Progress "
        "and a summary of changed fields go to stderr.",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--since", type=iso_date, help="only captures fetched on or after DATE")
    p.add_argument("--site", help="only this site's articles, e.g. tuyengiao.vn")
    p.set_defaults(run=_run_reparse)


def add_search(sub: Subparsers) -> None:
    p = sub.add_parser(
        "search",
        help="full-text search of titles, leads, bodies and captions",
        description="Search the archive. Matches that keep the query's accents come first "
        "(marked =), then matches found once accents are dropped (marked ~): 'ha noi' "
        "finds 'Hà Nội'. Plain words must all occur; FTS5 syntax (\"a phrase\", OR, NOT, "
        "prefix*) is accepted.",
    )
    p.add_argument("query", help="the words to find")
    _add_filters(p)
    p.add_argument("--limit", type=positive_int, default=20, help="results (default: 20)")
    p.set_defaults(run=_run_search)


def add_optimize(sub: Subparsers) -> None:
    p = sub.add_parser(
        "optimize",
        help="merge the search indexes into one segment each (faster searches)",
        description="Merge each full-text index's segments into one. A crawl or reparse "
        "that writes articles already does this when an index holds more than "
        "FTS_MAX_SEGMENTS (8) segments; run it after loading articles some other way, or "
        "from a maintenance timer. One transaction per index: a kill leaves it as it was. "
        "Takes about 6 s per index on a 200,000-article archive (bench/RESULTS-archive.md).",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.set_defaults(run=_run_optimize)


def add_export(sub: Subparsers) -> None:
    p = sub.add_parser(
        "export",
        help="stream articles out as JSON lines, CSV, citations (CSL-JSON, BibTeX, RIS), "
        "Parquet, a Hugging Face dataset, or a WACZ collection",
        description="Export articles in constant memory. jsonl: one article record per line "
        "with its capture metadata; csv: the same, list fields as JSON; csl-json, bibtex, "
        "ris: citations that Zotero, Pandoc and citeproc read (the outlet and its owner, "
        "the section's name, authors split family/given where sure, the publish date, the "
        "canonical URL, the capture time and the WARC record holding the archived copy). "
        "parquet: a folder (-o DIR) with articles.parquet, images.parquet and "
        "versions.parquet in typed columns (lists, timestamps at +07:00); hf: the same "
        "under DIR/data/ with a dataset card (DIR/README.md), opened by "
        "datasets.load_dataset(DIR). wacz: the articles' WARC captures packaged with "
        "their pages list (-o NAME.wacz), for replay in ReplayWeb.page or pywb. Filters "
        "apply to every format.",
    )
    p.add_argument(
        "--format",
        required=True,
        choices=("jsonl", "csv", "csl-json", "bibtex", "ris", "parquet", "hf", "wacz"),
        help="the format: see above (required)",
    )
    _add_filters(p)
    p.add_argument(
        "-o",
        "--output",
        help="file to write (default: standard output); for parquet and hf, a new folder",
    )
    p.add_argument(
        "--excel",
        action="store_true",
        help="with --format csv: a UTF-8 byte order mark and CRLF line ends, so Excel "
        "shows the Vietnamese letters right (default: plain UTF-8, LF, for other tools)",
    )
    p.set_defaults(run=_run_export)


def add_serve(sub: Subparsers) -> None:
    p = sub.add_parser(
        "serve",
        help="browse the archive in Datasette (facets, search, article pages)",
        description="Start Datasette on the archive with the vnarchive plugin: facets by "
        "category, author, source, year and month; the archive's search in the articles "
        "table ('ha noi' finds 'Hà Nội', exact accents first); canned queries; a readable "
        "page per article. The archive is migrated first; the plugin describes it from its "
        "live schema, as it does under a plain `datasette archive.db`.",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--host", default="127.0.0.1", help="address (default: %(default)s)")
    p.add_argument("--port", type=int, default=8001, help="port (default: %(default)s)")
    p.add_argument(
        "--immutable",
        action="store_true",
        help="serve a published copy read-only, with precomputed counts (never migrated)",
    )
    p.add_argument(
        "--setting",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a Datasette setting, passed on (repeatable), e.g. --setting trace_debug 1",
    )
    p.add_argument(
        "--metadata",
        metavar="FILE",
        help="a Datasette metadata file (JSON or YAML) that overrides the plugin's, key by "
        "key, e.g. plugins: vnarchive: replay_url: http://localhost:8080/news/",
    )
    p.set_defaults(run=_run_serve)


def add_publish(sub: Subparsers) -> None:
    p = sub.add_parser(
        "publish",
        help="write a self-contained copy to publish (read-only media, another machine)",
        description="Write a consistent snapshot of the archive into one compact file in "
        "rollback-journal mode: unlike a `cp` of the live archive (WAL mode), it holds "
        "every commit and opens on read-only media. Safe while a crawl runs. The WARC "
        "files (warc/ beside the archive) are not copied.",
    )
    p.add_argument("output", help="the copy to write, e.g. /media/usb/archive-2026-12.db")
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
    p.set_defaults(run=_run_publish)


def _run_publish(args: argparse.Namespace) -> int:
    from vnarchive.publish import run_publish

    return run_publish(db=args.db, output=args.output, force=args.force)


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--since", type=iso_date, help="published on or after DATE (YYYY-MM-DD)")
    p.add_argument("--until", type=iso_date, help="published on or before DATE (YYYY-MM-DD)")
    p.add_argument("--category", help="a category path, with its subcategories, e.g. thoi-su")
    p.add_argument(
        "--site",
        help="only this site's articles, e.g. vnexpress.net (an archive may hold several "
        "portals; `vnarchive status` lists them)",
    )


def _run_parse(args: argparse.Namespace) -> int:
    from vnarchive.parse import run_parse

    return run_parse(args.page, url=args.url, fetched_at=args.fetched_at, portal=args.portal)


def _run_eval(args: argparse.Namespace) -> int:
    from vnarchive.eval import run_eval

    return run_eval(
        args.fixture_dir,
        as_json=args.json,
        fetched_at=args.fetched_at,
        per_page=args.per_page,
        reader=args.reader,
    )


def _run_reparse(args: argparse.Namespace) -> int:
    from vnarchive.archive_commands import run_reparse

    return run_reparse(db=args.db, since=args.since, site=args.site)


def _run_search(args: argparse.Namespace) -> int:
    from vnarchive.archive_commands import run_search

    return run_search(
        db=args.db,
        query=args.query,
        since=args.since,
        until=args.until,
        category=args.category,
        limit=args.limit,
        site=args.site,
    )


def _run_optimize(args: argparse.Namespace) -> int:
    from vnarchive.archive_commands import run_optimize

    return run_optimize(db=args.db)


def _run_export(args: argparse.Namespace) -> int:
    from vnarchive.archive_commands import run_export

    return run_export(
        db=args.db,
        fmt=args.format,
        since=args.since,
        until=args.until,
        category=args.category,
        output=args.output,
        excel=args.excel,
        site=args.site,
    )


def _run_serve(args: argparse.Namespace) -> int:
    from vnarchive.serve import run_serve

    return run_serve(
        db=args.db,
        host=args.host,
        port=args.port,
        immutable=args.immutable,
        settings=[tuple(pair) for pair in args.setting],
        metadata=args.metadata,
    )
