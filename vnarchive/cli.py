"""`vnarchive`: a thin command line over the library.

Each command imports what it needs when it runs, so `vnarchive --help` stays fast
and one command's heavy imports (Scrapy, Datasette) never slow another.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from vnarchive.argtypes import DEFAULT_DB, duration, iso_date, positive_int
from vnarchive.cli_archive import add_archive_commands

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

        return run(argv[1:], prog="vnarchive replica")
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
    _add_replica(sub)
    _add_status(sub)
    _add_gaps(sub)
    _add_ingest(sub)
    add_archive_commands(sub)
    return parser


def _add_crawl(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "crawl",
        help="crawl a portal into the archive",
        description="Crawl a portal (tuyengiao.vn by default) into the SQLite archive. "
        "Without --start-url it crawls the real portal, politely. Incremental by default: "
        "each category is read from its newest page until the archived articles begin "
        "(plus INCREMENTAL_OVERLAP_PAGES), and articles of the last REVISIT_DAYS days are "
        "revisited with conditional requests. The portal's declared sitemaps, news "
        "sitemaps and RSS/Atom feeds, and the sitemaps its robots.txt names, are read "
        "too: an article they list is fetched when it is new, or archived with an older "
        "date than their lastmod/pubDate; a sitemap index's children whose lastmod has "
        "not moved are not read again (DISCOVERY_* settings). A killed run resumes where "
        "it stopped. Several portals go into one archive, one crawl (and one timer) per "
        "portal: crawls of different sites may run at the same time. "
        "Scheduling: see deploy/ and the README.",
        epilog="Exit status: 0 ok; 1 failed (nothing fetched, or the run was cut short); "
        "2 bad usage, or --db is not an archive or cannot be written (nothing was done); "
        "3 degraded (more than 5% of the pages failed, a crawl bound was reached: a trap "
        "or --max-duration, or no new article for more than DEGRADED_STALE_DAYS days); "
        "75 another crawl of the same site into this archive is running (it holds "
        "<db>.site-<site>.lock; crawls of other sites run alongside), or an ingest holds "
        "the archive (<db>.lock); nothing was done; 4 layout drift (more than 5% of "
        "the articles were read by the metadata/generic fallback, or have no publish date: "
        "the portal's layout probably changed; stats vnarchive/fallback, vnarchive/no_date). "
        "Every failure is a row in the crawl_errors table of the archive.",
    )
    p.add_argument(
        "--portal",
        help="read the start URL's host as this declared portal (a mirror or replica); "
        "default: the portal whose host the start URL is on (tuyengiao.vn without "
        "--start-url). `vnarchive portals` lists them",
    )
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
        help="walk every category to its last listing page, and read every dated archive "
        "of the sitemap index, newest first (back to --until); resumes per category",
    )
    p.add_argument(
        "--until", type=iso_date, help="with --backfill: go back to this date (YYYY-MM-DD)"
    )
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
    p.add_argument(
        "--max-duration",
        type=duration,
        metavar="TIME",
        help="stop the run after TIME (seconds, or 90s, 45m, 2h; 0: no bound). A run "
        "stopped so exits 3 (degraded) with a crawl_errors row; what it did not fetch "
        "waits for the next run. Default: CRAWL_MAX_DURATION (none; deploy/run-crawl.sh "
        "sets 50m for the hourly timer)",
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
        "totals. An archive of several sites (one scheduled crawl per portal) also gets a "
        "line per site with its own totals, frontier and last run. Exits with the last "
        "run's exit code (0 when there is none); with several sites, the worst of each "
        "site's last run (failed 1, layout drift 4, degraded 3).",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--runs", type=positive_int, default=10, help="runs to show (default: 10)")
    p.add_argument(
        "--site",
        help="only this site (e.g. vnexpress.net): its totals, frontier and runs; exits "
        "with its last run's code",
    )
    p.set_defaults(run=_run_status)


def _add_gaps(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "gaps",
        help="what the listings advertised that the archive lacks",
        description="List days x categories where the archive holds fewer articles than the "
        "listings advertised, and runs of missing article ids per category, each with the "
        "`vnarchive crawl --backfill --until` command that fetches them. An archive of "
        "several sites is reported site by site.",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument("--category", help="only this category path")
    p.add_argument("--site", help="only this site, e.g. vnexpress.net")
    p.set_defaults(run=_run_gaps)


def _add_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="serve the local replica, crawl it into the archive, say how to browse it",
        description="Offline demo: starts the tuyengiao.vn replica on 127.0.0.1 and crawls "
        "all of it into the archive, then does the same for the replicas of six real "
        "portals (their real article pages as templates, their feeds and sitemaps), each "
        "under its own site; checks the archive against what each replica served, and "
        "prints how to browse the result.",
    )
    p.add_argument("--db", default=DEFAULT_DB, help="archive path (default: %(default)s)")
    p.add_argument(
        "--layout",
        choices=("old", "new", "mixed"),
        default="mixed",
        help="the portal's page layout the replica serves: old (2014-2021), new (2022-) or "
        "mixed, each page in one of the two (default: %(default)s)",
    )
    p.add_argument("--articles", type=int, default=100, help="generated articles (default: 100)")
    p.add_argument("--port", type=int, default=0, help="replica port (default: a free one)")
    p.add_argument(
        "--portals",
        type=_demo_portals,
        default="all",
        help="the real portals whose replicas are crawled too, each as its own site in the "
        "same archive: a comma-separated list of vnexpress, tuoitre, dantri, vietnamnet, "
        "cafef, plo; 'all'; or 'none' (default: %(default)s)",
    )
    p.add_argument(
        "--portal-articles",
        type=positive_int,
        default=30,
        metavar="N",
        help="generated articles per real portal (default: %(default)s)",
    )
    p.add_argument("--log-level", default="WARNING", help="Scrapy log level (default: %(default)s)")
    p.set_defaults(run=_run_demo)


def _demo_portals(spec: str) -> tuple[str, ...]:
    from vnarchive.demo import REAL_PORTALS

    if spec.strip() == "none":
        return ()
    if spec.strip() == "all":
        return REAL_PORTALS
    names = tuple(dict.fromkeys(n.strip() for n in spec.split(",") if n.strip()))
    unknown = [n for n in names if n not in REAL_PORTALS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown portal(s) {', '.join(unknown) or repr(spec)}: choose among "
            f"{', '.join(REAL_PORTALS)}, all or none"
        )
    return names


def _add_replica(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Listed for --help only: main() hands `vnarchive replica ...` to replica.cli.
    sub.add_parser(
        "replica",
        help="serve local replicas of the portals on 127.0.0.1 (tuyengiao.vn; --portal NAME "
        "or --portals all for the real portals; see: vnarchive replica --help)",
        add_help=False,
    )


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
        max_duration=args.max_duration,
    )


def _run_ingest(args: argparse.Namespace) -> int:
    from vnarchive.ingest import run_ingest

    return run_ingest(
        redis_url=args.redis, db=args.db, until_done=args.until_done, lock_wait=args.lock_wait
    )


def _run_status(args: argparse.Namespace) -> int:
    from vnarchive.status import run_status

    return run_status(db=args.db, runs=args.runs, site=args.site)


def _run_gaps(args: argparse.Namespace) -> int:
    from vnarchive.gaps import run_gaps

    return run_gaps(db=args.db, category=args.category, site=args.site)


def _run_demo(args: argparse.Namespace) -> int:
    from vnarchive.demo import run_demo

    return run_demo(
        db=args.db,
        layout=args.layout,
        articles=args.articles,
        port=args.port,
        log_level=args.log_level,
        portals=args.portals,
        portal_articles=args.portal_articles,
    )


if __name__ == "__main__":
    sys.exit(main())
