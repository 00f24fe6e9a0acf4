"""`vnarchive replica` / `python -m replica`: serve the local replica until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from datetime import date
from types import FrameType

from replica.dates import today_in_vietnam
from replica.faults import parse_fault
from replica.press.server import portal_names, start_press
from replica.press.specs import PORTAL_NAMES
from replica.server import ALLOWED_HOST, ReplicaHandle, check_host, start_replica
from replica.site import LAYOUTS, Site

DESCRIPTION = """\
Serve local replicas of Vietnamese news portals on 127.0.0.1, for crawling without the
internet: tuyengiao.vn (the default) and, with --portal or --portals, VnExpress, Tuổi Trẻ,
Dân trí, VietnamNet, CafeF and Pháp Luật TP.HCM, one server per portal on its own port.

Each real portal serves its saved real article page at its own path, --articles
generated articles written into that real page's markup (furniture kept), listings in
the portal's declared paging style, its RSS feed (Dân trí: Atom), a sitemap index of
dated monthly sitemaps (+ news sitemap where declared) and robots.txt with Sitemap
lines: the paths of its declaration (`vnarchive portals`). Every answer carries
X-Replica-Of: <the portal's site>; crawl a replica with `--portal NAME`.

tuyengiao.vn:

The site holds the 20 curated real articles of November 2020, the seed page's
article (id 127364) and --articles generated ones (deterministic for a --seed).
Pages follow the old layout (2014-2021), the new one (2022-) or a mix; --layout drift
serves the new one with its article classes renamed, as an unannounced redesign would.
Control endpoints: /__replica__/truth.jsonl (the expected parse of every article
for this server's base URL) and /__replica__/stats; POST /__replica__/publish?n=K,
/__replica__/edit?id=ID, /__replica__/remove?id=ID and
/__replica__/throttle?status=429|503&count=N&retry_after=S change the site between
crawls (see replica/control.py), on every portal's server alike. robots.txt
disallows /tim-kiem.

Examples:
  vnarchive replica                              tuyengiao.vn on port 8800
  vnarchive replica --portal vnexpress --port 0  VnExpress on a free port
  vnarchive replica --portals all                every portal, ports 8800, 8801, ...
  vnarchive replica --portals vnexpress,dantri,plo --articles 200
"""


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default=ALLOWED_HOST, help="only %(default)s is accepted (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8800, help="0 picks a free port (default: %(default)s)"
    )
    portals = parser.add_mutually_exclusive_group()
    portals.add_argument(
        "--portal",
        choices=PORTAL_NAMES,
        default=None,
        metavar="NAME",
        help=f"serve this portal's replica ({', '.join(PORTAL_NAMES)}; default: tuyengiao)",
    )
    portals.add_argument(
        "--portals",
        default=None,
        metavar="LIST",
        help="serve several portals at once, each on its own port (--port, --port+1, ... "
        "or free ports with --port 0): a comma-separated list of names, or all",
    )
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default=None,
        help="tuyengiao.vn only: old (2014-2021), new (2022-), mixed (each page in one of "
        "the two) or drift (the new one with renamed classes) (default: old); a real "
        "portal is served in its real page's layout",
    )
    parser.add_argument(
        "--articles",
        type=int,
        default=100,
        metavar="N",
        help="generated articles per portal (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: %(default)s)")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date page headers show (default: today in +07:00)",
    )
    parser.add_argument(
        "--crawl-delay",
        type=float,
        default=None,
        metavar="SECONDS",
        help="add a Crawl-delay line to robots.txt (default: none)",
    )
    parser.add_argument(
        "--access-log",
        default=None,
        metavar="PATH",
        help="also write requests as JSON lines here; with several portals, one file "
        "each, PATH.<portal> (default: none)",
    )
    parser.add_argument(
        "--publish-every",
        type=float,
        default=None,
        metavar="SECONDS",
        help="publish --publish-count new articles every SECONDS, a site that moves on its "
        "own (default: never)",
    )
    parser.add_argument(
        "--publish-count",
        type=int,
        default=1,
        metavar="K",
        help="articles per --publish-every (default: %(default)s)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="PATTERN=NAME[,rate=R][,count=N][,key=value]",
        help="misbehave on targets matching the regex PATTERN (repeatable; faults are "
        "listed in replica/faults.py), e.g. --fault='-1[0-9]$=http503,rate=0.3,retry_after=1' "
        "(write --fault= when PATTERN starts with -)",
    )
    parser.add_argument(
        "--fault-seed", type=int, default=0, help="seed of --fault rates (default: %(default)s)"
    )
    parser.add_argument(
        "--gzip",
        action="store_true",
        help="gzip HTML for clients that accept it, as the real portals do (default: off)",
    )
    return parser


def run(argv: list[str], prog: str = "python -m replica") -> int:
    """Parse argv, serve until SIGINT/SIGTERM, return the exit status. `prog` is the
    command as the user typed it, for --help and the error lines."""
    parser = _parser(prog)
    if argv[:1] == ["--"]:
        argv = argv[1:]  # a wrapper passing its REMAINDER on may keep the separator
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help and usage errors: argparse already printed
        return int(exit_.code or 0)
    try:
        check_host(args.host)
    except ValueError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    if args.articles < 0 or not 0 <= args.port <= 65535:
        print(f"{prog}: error: --articles must be >= 0 and --port within 0-65535", file=sys.stderr)
        return 2
    try:
        faults = [parse_fault(spec) for spec in args.fault]
    except ValueError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    try:
        names = portal_names(args.portals) if args.portals else [args.portal or "tuyengiao"]
    except ValueError as error:
        print(f"{prog}: error: --portals: {error}", file=sys.stderr)
        return 2
    if args.layout is not None and "tuyengiao" not in names:
        print(f"{prog}: error: --layout applies to tuyengiao.vn only", file=sys.stderr)
        return 2
    today = args.today or today_in_vietnam()
    handles: list[tuple[str, ReplicaHandle]] = []
    for k, name in enumerate(names):
        port = args.port + k if args.port else 0
        log = args.access_log
        if log and len(names) > 1:
            log = f"{log}.{name}"
        try:
            if name == "tuyengiao":
                handle = start_replica(
                    port=port, site=Site(args.layout or "old", args.articles, args.seed, today),
                    crawl_delay=args.crawl_delay, access_log=log, compress=args.gzip,
                )  # fmt: skip
            else:
                handle = start_press(
                    name, args.articles, args.seed, port, today=today,
                    crawl_delay=args.crawl_delay, access_log=log, compress=args.gzip,
                )  # fmt: skip
        except OSError as error:
            for _, started in handles:
                started.stop()
            print(f"{prog}: error: cannot listen on {args.host}:{port}: {error}", file=sys.stderr)
            return 1
        handle.server.faults.reseed(args.fault_seed)
        for pattern, fault, keywords in faults:
            handle.server.faults.add(pattern, fault, **keywords)
        handles.append((name, handle))
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, _on_signal)
    for _name, handle in handles:
        print(
            f"replica: serving {handle.server.replica_of} ({handle.site.describe()}) "
            f"on {handle.base_url}/ — Ctrl-C to stop",
            flush=True,
        )
    next_publish = time.monotonic() + args.publish_every if args.publish_every else float("inf")
    try:
        while not stop.is_set():
            time.sleep(0.2)  # wakes for signals; Event.wait alone can delay them
            if time.monotonic() >= next_publish:
                for name, handle in handles:
                    ids = handle.server.changes.publish(args.publish_count)
                    handle.server.clear_cache()
                    who = f"{name}: " if len(handles) > 1 else ""
                    print(f"replica: {who}published {', '.join(map(str, ids))}", flush=True)
                next_publish += args.publish_every
    except KeyboardInterrupt:
        pass
    finally:
        for _, handle in handles:
            handle.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("replica: stopped", flush=True)
    return 0


def main() -> None:
    raise SystemExit(run(sys.argv[1:]))
