"""`vnarchive serve`: Datasette on the archive, with metadata generated from its schema.

The archive is brought to the current schema first (so the facet columns and the
author table exist), then the metadata is generated afresh from the live schema
next to it (`<archive>.datasette.json`, or a temporary folder when that folder is
read-only), so it can never describe another version of the schema. The plugin
(vnarchive.browse) is loaded by Datasette through its entry point.

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


def metadata_path(db: Path) -> Path:
    candidate = db.with_name(f"{db.stem}.datasette.json")
    try:
        candidate.touch()
        return candidate
    except OSError:
        return Path(tempfile.mkdtemp(prefix="vnarchive-serve-")) / candidate.name


def prepare(db: Path, *, immutable: bool) -> Path | None:
    """Migrate (unless immutable) and write the metadata; None after printing an error."""
    from crawler.extract.errors import StorageError
    from pipelines.archive import Archive
    from pipelines.schema import SCHEMA_VERSION
    from vnarchive.browse.metadata import write_metadata

    try:
        check_archive(db)
    except BadArchive as error:
        fail("serve", error)
        return None
    if immutable:
        try:
            with closing(connect_readonly(db)) as conn:
                version = schema_version(conn)
        except (BadArchive, sqlite3.DatabaseError) as error:
            fail("serve", error)
            return None
        if version != SCHEMA_VERSION:
            fail("serve", f"{db} has schema version {version}, not {SCHEMA_VERSION}; "
                 "serve it once without --immutable to migrate it")  # fmt: skip
            return None
    else:
        from pipelines.schema_browse import ensure_browse_indexes

        try:
            with Archive(db) as archive, archive.db.atomic():
                # An archive migrated before an index was added gets it here, once.
                ensure_browse_indexes(archive.db)
        except StorageError as error:
            fail("serve", error)
            return None
    out = metadata_path(db)
    write_metadata(db, out)
    return out


# Facet suggestions try a GROUP BY on every column of every table page (up to 50 ms
# each, 26 columns on articles): seconds of waiting on 200,000 rows, for suggestions
# the metadata's facets already make. Long cells (leads, bylines, JSON lists) are cut
# at 200 characters in HTML, so a row stays a line or a few (the article page and the
# JSON and CSV keep every character). A --setting given to serve overrides these.
DEFAULT_SETTINGS = (("suggest_facets", "off"), ("truncate_cells_html", "200"))


def datasette_args(
    db: Path,
    metadata: Path,
    *,
    host: str,
    port: int,
    immutable: bool,
    inspect: Path | None,
    settings: Sequence[tuple[str, str]] = (),
) -> list[str]:
    args = ["serve", *(["-i"] if immutable else []), str(db), "-m", str(metadata)]
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
) -> int:
    from datasette.cli import cli

    path = Path(db)
    if not immutable and path.is_file() and not writable(path):
        # A published copy on read-only media: it cannot be migrated, only served as is.
        print(f"vnarchive serve: {db} cannot be written here: serving it --immutable",
              file=sys.stderr)  # fmt: skip
        immutable = True
    metadata = prepare(path, immutable=immutable)
    if metadata is None:
        return USAGE
    inspect = None
    if immutable:
        # Row counts once, up front: an immutable file cannot change under them.
        inspect = metadata.with_name(f"{path.stem}.inspect.json")
        cli.main(["inspect", str(path), "--inspect-file", str(inspect)], prog_name="datasette",
                 standalone_mode=False)  # fmt: skip
    print(f"vnarchive serve: http://{host}:{port}/ (metadata: {metadata})", file=sys.stderr)
    args = datasette_args(path, metadata, host=host, port=port, immutable=immutable,
                          inspect=inspect, settings=settings)  # fmt: skip
    cli.main(args=args, prog_name="datasette", standalone_mode=False)
    return 0
