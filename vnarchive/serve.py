"""`vnarchive serve`: Datasette on the archive, brought to the current schema first.

The archive is migrated first (so the facet columns and the author table exist). The
plugin (vnarchive.browse), loaded by Datasette through its entry point, generates the
metadata (titles, facets, canned queries) from the live schema through Datasette's
`get_metadata` hook, exactly as it does under a plain `datasette archive.db`: serve
writes no metadata file of its own, so the two can never differ. `--metadata FILE` is
passed on to Datasette as an override (e.g. the plugin's `replay_url`).

`--immutable` serves a published copy: opened read-only, never migrated, with
Datasette's `inspect` counts computed once, so table counts cost nothing.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from vnarchive.archive_path import (
    BadArchive,
    check_archive,
    connect_readonly,
    fail,
    schema_version,
    writable,
)

USAGE = 2


def prepare(db: Path, *, immutable: bool) -> bool:
    """Migrate (unless immutable); False after printing an error."""
    from crawler.extract.errors import StorageError
    from pipelines.archive import Archive
    from pipelines.schema import SCHEMA_VERSION

    try:
        check_archive(db)
    except BadArchive as error:
        fail("serve", error)
        return False
    if immutable:
        try:
            with closing(connect_readonly(db)) as conn:
                version = schema_version(conn)
        except (BadArchive, sqlite3.DatabaseError) as error:
            fail("serve", error)
            return False
        if version != SCHEMA_VERSION:
            fail("serve", f"{db} has schema version {version}, not {SCHEMA_VERSION}; "
                 "serve it once without --immutable to migrate it")  # fmt: skip
            return False
    else:
        from pipelines.schema_browse import ensure_browse_indexes

        try:
            with Archive(db) as archive, archive.db.atomic():
                # An archive migrated before an index was added gets it here, once.
                ensure_browse_indexes(archive.db)
        except StorageError as error:
            fail("serve", error)
            return False
    return True


# Facet suggestions try a GROUP BY on every column of every table page (up to 50 ms
# each, 26 columns on articles): seconds of waiting on 200,000 rows, for suggestions
# the plugin's facets already make. Long cells (leads, bylines, JSON lists) are cut
# at 200 characters in HTML, so a row stays a line or a few (the article page and the
# JSON and CSV keep every character). A --setting given to serve overrides these.
DEFAULT_SETTINGS = (("suggest_facets", "off"), ("truncate_cells_html", "200"))


def datasette_args(
    db: Path,
    metadata: Path | None,
    *,
    host: str,
    port: int,
    immutable: bool,
    inspect: Path | None,
    settings: Sequence[tuple[str, str]] = (),
) -> list[str]:
    args = ["serve", *(["-i"] if immutable else []), str(db)]
    if metadata is not None:
        args += ["-m", str(metadata)]
    if immutable and inspect is not None:
        args += ["--inspect-file", str(inspect)]
    chosen = dict(DEFAULT_SETTINGS) | dict(settings)
    for name, value in chosen.items():
        args += ["--setting", name, value]
    return [*args, "--host", host, "--port", str(port)]


def run_serve(
    *,
    db: str,
    host: str,
    port: int,
    immutable: bool,
    settings: Sequence[tuple[str, str]] = (),
    metadata: str | None = None,
) -> int:
    path = Path(db)
    override = Path(metadata) if metadata else None
    if override is not None and not override.is_file():
        return fail("serve", f"no metadata file at {override}")
    if not immutable and path.is_file() and not writable(path):
        # A published copy on read-only media: it cannot be migrated, only served as is.
        print(f"vnarchive serve: {db} cannot be written here: serving it --immutable",
              file=sys.stderr)  # fmt: skip
        immutable = True
    if not prepare(path, immutable=immutable):
        return USAGE
    # Datasette takes half a second to import: a wrong path is told before that.
    from datasette.cli import cli

    inspect = None
    if immutable:
        # Row counts once, up front: an immutable file cannot change under them.
        inspect = Path(tempfile.mkdtemp(prefix="vnarchive-serve-")) / f"{path.stem}.inspect.json"
        cli.main(["inspect", str(path), "--inspect-file", str(inspect)], prog_name="datasette",
                 standalone_mode=False)  # fmt: skip
    print(f"vnarchive serve: http://{host}:{port}/", file=sys.stderr)
    args = datasette_args(path, override, host=host, port=port, immutable=immutable,
                          inspect=inspect, settings=settings)  # fmt: skip
    cli.main(args=args, prog_name="datasette", standalone_mode=False)
    return 0
