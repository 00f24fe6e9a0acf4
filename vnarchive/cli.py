"""`vnarchive`: a thin command line over the library.

Each command imports what it needs when it runs, so `vnarchive --help` stays fast
and one command's heavy imports (Scrapy, Datasette) never slow another.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime

DEFAULT_DB = "data/archive.db"

EPILOG = """\
exit codes: 0 ok, 1 failed, 2 bad usage or input, 3 degraded (the run finished but
crossed an error threshold), 4 layout drift, 75 another crawl of the archive is
running (see `vnarchive crawl --help`).

Start with `vnarchive demo`: it serves the local replica of the portal, crawls it into
data/archive.db and tells you how to browse the result.
"""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["replica"]:
        # The replica has its own option parser; hand it everything after the name.
        from replica.cli import run

        return run(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    command: Callable[[argparse.Namespace], int] = args.run
    try:
        return command(args)
    except KeyboardInterrupt:
        print("vnarchive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`vnarchive parse ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vnarchive",
        description="An archival crawler for Vietnamese news portals, into one SQLite archive.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_crawl(sub)
    _add_demo(sub)
    _add_parse(sub)
    _add_eval(sub)
    _add_replica(sub)
    _add_reparse(sub)
    _add_search(sub)
    _add_export(sub)
    _add_serve(sub)
    _add_status(sub)
    _add_gaps(sub)
    _add_ingest(sub)
    return parser


def _add_crawl(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "crawl",
        help="crawl a portal into the archive",
        description="Crawl a portal (tuyengiao.vn by default) into the SQLite archive. "
        "Without --start-url it crawls the real portal, politely. Incremental by default: "
        "each category is read from its newest page until the archived articles begin "
        "(plus INCREMENTAL_OVERLAP_PAGES), and articles of the last REVISIT_DAYS days are "
        "revisited with conditional requests. A killed run resumes where it stopped. "
        "Scheduling: see deploy/ and the README.",
        epilog="Exit status: 0 ok; 1 failed (nothing fetched, or the run was cut short); "
        "3 degraded (more than 5% of the pages failed, or no new article for more than "
        "DEGRADED_STALE_DAYS days); 75 another crawl of this archive is running (it holds "
        "<db>.lock; nothing was done); 4 layout drift (more than 5% of "
        "the articles were read by the metadata/generic fallback, or have no publish date: "
        "the portal's layout probably changed; stats vnarchive/fallback, vnarchive/no_date). "
        "Every failure is a row in the crawl_errors table of the archive.",
    )
    p.add_argument("--portal", default="tuyengiao", help="which portal (default: %(default)s)")
    p.add_argument("--start-url", help="where to start (default: the portal's home page)")
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument(
        "--polite",
        choices=("auto", "on", "off"),
        default="auto",
        help="AutoThrottle, delays and 2 requests per host: 'auto' (default) turns them off "
        "only for a loopback replica",
    )
    p.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting (repeatable), e.g. --set USER_AGENT='...'",
    )
    p.add_argument(
        "--backfill",
        action="store_true",
        help="walk every category to its last listing page (or --until); resumes per category",
    )
    p.add_argument("--until", type=_date, help="with --backfill: go back to this date (YYYY-MM-DD)")
    p.add_argument(
        "--contact",
        help="URL or e-mail a webmaster can reach you at; goes into the User-Agent",
    )
    p.add_argument(
        "--redis",
        metavar="URL",
        help="run as one worker of a distributed crawl sharing this Redis frontier "
        "(redis://HOST:PORT/DB); items go to `vnarchive ingest`, --db only places the WARCs",
    )
    p.add_argument("--worker-id", help="with --redis: this worker's name (default: host-pid-…)")
    p.add_argument("--log-level", default="INFO", help="Scrapy log level (default: %(default)s)")
    p.set_defaults(run=_run_crawl)


def _add_ingest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "ingest",
        help="the one writer of a distributed crawl: Redis queue -> archive",
        description="Read what the workers of a distributed crawl (`vnarchive crawl --redis`) "
        "send, write it into the archive and acknowledge each message after its commit. "
        "Only one ingest runs per Redis (a lock with a TTL) and per archive (its flock).",
        epilog="Exit status: 0 ok; 1 failed; 2 bad usage; 75 another writer holds the lock.",
    )
    p.add_argument("--redis", required=True, metavar="URL", help="redis://HOST:PORT/DB")
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument(
        "--until-done",
        action="store_true",
        help="exit once the crawl has ended, no worker is alive and the queue is drained "
        "(default: run until stopped)",
    )
    p.add_argument(
        "--lock-wait",
        type=float,
        default=15.0,
        help="seconds to wait for a dead writer's lock to expire (default: %(default)s)",
    )
    p.set_defaults(run=_run_ingest)


def _add_status(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "status",
        help="the last crawls and the archive's totals",
        description="Print the last runs from the crawls table (status, pages, articles "
        "new/updated/unchanged/removed, errors, duration), the frontier and the archive's "
        "totals. Exits with the last run's exit code (0 when there is none).",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--runs", type=_positive, default=10, help="runs to show (default: 10)")
    p.set_defaults(run=_run_status)


def _add_gaps(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "gaps",
        help="what the listings advertised that the archive lacks",
        description="List days x categories where the archive holds fewer articles than the "
        "listings advertised, and runs of missing article ids per category, each with the "
        "`vnarchive crawl --backfill --until` command that fetches them.",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--category", help="only this category path")
    p.set_defaults(run=_run_gaps)


def _add_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="serve the local replica, crawl it into the archive, say how to browse it",
        description="Offline demo: starts the portal replica on 127.0.0.1, crawls all of it "
        "into the archive, checks the archive against what the replica served, and prints "
        "how to browse the result.",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--layout", choices=("old", "new", "mixed"), default="mixed")
    p.add_argument("--articles", type=int, default=100, help="generated articles (default: 100)")
    p.add_argument("--port", type=int, default=0, help="replica port (default: a free one)")
    p.add_argument("--log-level", default="WARNING", help="Scrapy log level (default: %(default)s)")
    p.set_defaults(run=_run_demo)


def _add_parse(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        type=_iso_datetime,
        help="when it was fetched, ISO 8601 (default: now); anchors relative dates",
    )
    p.set_defaults(run=_run_parse)


def _add_eval(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "eval",
        help="score the extractor per field on a gold set of saved pages",
        description="Run the extractor over every NAME.html with a hand-checked NAME.json "
        "in FIXTURE_DIR and print per-field scores: title and lead exact, body paragraph "
        "and token F1, captions with credits, authors, source, published_at to the minute.",
    )
    p.add_argument("fixture_dir", metavar="FIXTURE_DIR", help="e.g. tests/fixtures/pages")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument(
        "--fetched-at",
        type=_iso_datetime,
        help="when the pages were fetched, ISO 8601; anchors relative dates "
        "(default: 2026-11-26T12:00+07:00, what tests/fixtures/pages assumes)",
    )
    p.set_defaults(run=_run_eval)


def _add_replica(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Listed for --help only: main() hands `vnarchive replica ...` to replica.cli.
    sub.add_parser(
        "replica",
        help="serve the local replica of the portal on 127.0.0.1 (see: vnarchive replica --help)",
        add_help=False,
    )


def _add_reparse(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "reparse",
        help="re-extract archived articles from the stored WARC with the current parser",
        description="Run the current parser on each archived article's newest stored capture "
        "(WARC files under the archive's directory), without any network. A new version is "
        "written only where the output changed, so a second run changes nothing. Progress "
        "and a summary of changed fields go to stderr.",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--since", type=_date, help="only captures fetched on or after DATE")
    p.add_argument("--site", help="only this site's articles, e.g. tuyengiao.vn")
    p.set_defaults(run=_run_reparse)


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--since", type=_date, help="published on or after DATE (YYYY-MM-DD)")
    p.add_argument("--until", type=_date, help="published on or before DATE (YYYY-MM-DD)")
    p.add_argument("--category", help="a category path, with its subcategories, e.g. thoi-su")


def _add_search(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    p.add_argument("--limit", type=_positive, default=20, help="results (default: 20)")
    p.set_defaults(run=_run_search)


def _add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="stream articles out as JSON lines, CSV or CSL-JSON citations",
        description="Export articles in constant memory. jsonl: one article record per line "
        "with its capture metadata; csv: the same, list fields as JSON; csl-json: citations "
        "(title, authors, credited source, the portal as publisher, issued date, URL, "
        "capture time and the archive's reference to the WARC capture).",
    )
    p.add_argument("--format", required=True, choices=("jsonl", "csv", "csl-json"))
    _add_filters(p)
    p.add_argument("-o", "--output", help="file to write (default: standard output)")
    p.set_defaults(run=_run_export)


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="browse the archive in Datasette (facets, search, article pages)",
        description="Start Datasette on the archive with the vnarchive plugin: facets by "
        "category, author, source, year and month; the archive's search in the articles "
        "table ('ha noi' finds 'Hà Nội', exact accents first); canned queries; a readable "
        "page per article. The archive is migrated first, and its Datasette metadata is "
        "generated from the live schema into <archive>.datasette.json on every start.",
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
    p.set_defaults(run=_run_serve)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def _iso_datetime(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        from crawler.dates import VN_TZ

        parsed = parsed.replace(tzinfo=VN_TZ)
    return parsed


def _run_crawl(args: argparse.Namespace) -> int:
    from vnarchive.crawl import run_crawl

    return run_crawl(
        portal=args.portal,
        start_url=args.start_url,
        db=args.db,
        polite=args.polite,
        overrides=args.settings,
        log_level=args.log_level,
        mode="backfill" if args.backfill else "incremental",
        until=args.until.isoformat() if args.until else None,
        contact=args.contact,
        redis=args.redis,
        worker_id=args.worker_id,
    )


def _run_ingest(args: argparse.Namespace) -> int:
    from vnarchive.ingest import run_ingest

    return run_ingest(
        redis_url=args.redis, db=args.db, until_done=args.until_done, lock_wait=args.lock_wait
    )


def _run_status(args: argparse.Namespace) -> int:
    from vnarchive.status import run_status

    return run_status(db=args.db, runs=args.runs)


def _run_gaps(args: argparse.Namespace) -> int:
    from vnarchive.gaps import run_gaps

    return run_gaps(db=args.db, category=args.category)


def _run_demo(args: argparse.Namespace) -> int:
    from vnarchive.demo import run_demo

    return run_demo(
        db=args.db,
        layout=args.layout,
        articles=args.articles,
        port=args.port,
        log_level=args.log_level,
    )


def _run_parse(args: argparse.Namespace) -> int:
    from vnarchive.parse import run_parse

    return run_parse(args.page, url=args.url, fetched_at=args.fetched_at)


def _run_eval(args: argparse.Namespace) -> int:
    from vnarchive.eval import run_eval

    return run_eval(args.fixture_dir, as_json=args.json, fetched_at=args.fetched_at)


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
    )


def _run_export(args: argparse.Namespace) -> int:
    from vnarchive.archive_commands import run_export

    return run_export(
        db=args.db,
        fmt=args.format,
        since=args.since,
        until=args.until,
        category=args.category,
        output=args.output,
    )


def _run_serve(args: argparse.Namespace) -> int:
    from vnarchive.serve import run_serve

    return run_serve(
        db=args.db,
        host=args.host,
        port=args.port,
        immutable=args.immutable,
        settings=[tuple(pair) for pair in args.setting],
    )


if __name__ == "__main__":
    sys.exit(main())
