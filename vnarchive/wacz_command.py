"""`vnarchive export --format wacz`: the command's side of `pipelines.export_wacz`
(arguments checked, one line of outcome, errors as one line and exit status 2)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

USAGE = 2


def run_wacz_export(
    *,
    db: str,
    since: date | None,
    until: date | None,
    category: str | None,
    output: str | None,
    site: str | None = None,
) -> int:
    from crawler.extract.errors import PathEscape, StorageError
    from pipelines.archive import Archive
    from pipelines.export_wacz import write_wacz
    from pipelines.pathguard import check_output
    from pipelines.search import Filters

    def fail(message: str) -> int:
        print(f"vnarchive export: error: {message}", file=sys.stderr)
        return USAGE

    try:
        import wacz  # noqa: F401
    except ImportError:
        return fail("--format wacz needs py-wacz: pip install 'vnarchive[wacz]'")
    if output in (None, "-") or not output.endswith(".wacz"):
        return fail("--format wacz writes a zip file: give -o NAME.wacz")
    try:
        target = check_output(output, db)
    except PathEscape as error:
        return fail(str(error))
    if not Path(db).is_file():
        return fail(f"no archive at {db}")
    chosen = [f"since {since}" if since else "", f"until {until}" if until else "",
              f"category {category}" if category else "",
              f"site {site}" if site else ""]  # fmt: skip
    scope = ", ".join(c for c in chosen if c) or "every article"
    try:
        with Archive(db) as archive:
            summary = write_wacz(
                archive,
                target,
                Filters(since, until, category, site),
                title=f"vnarchive: {Path(db).name}",
                description=f"Captures of archived Vietnamese news articles ({scope}), "
                f"from {Path(db).name}; one page per article.",
            )
    except StorageError as error:
        target.unlink(missing_ok=True)  # never leave half a package that looks whole
        return fail(str(error))
    print(
        f"vnarchive export: {summary.pages} pages of {summary.articles} articles in "
        f"{summary.warc_files} WARC files -> {target} (wacz); "
        f"{summary.without_capture} without a capture",
        file=sys.stderr,
    )
    if summary.pages + summary.without_capture != summary.articles:
        return fail(
            f"{summary.articles - summary.without_capture - summary.pages} captures were "
            "not found in their WARC files (py-wacz left their pages out)"
        )
    return 0
