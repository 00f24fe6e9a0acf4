"""File paths built from stored data or from arguments stay where they belong.

- A WARC file named in `captures` (written by the crawler, but an archive may come
  from anyone) is read only inside the archive's folder, or, when stored absolute
  (WARC_DIR outside it), only if it is a WARC file by name.
- An export's `-o` may be any file but the archive itself, its WAL/SHM/journal and
  lock files, or a file among its WARC captures.
"""

from __future__ import annotations

from pathlib import Path

from crawler.extract.errors import PathEscape

WARC_SUFFIXES = (".warc.gz", ".warc")
_SIDE_FILES = ("-wal", "-shm", "-journal", ".lock")


def inside(base: Path, name: str) -> Path:
    """`base / name`, refused if it resolves outside `base` (`..`, a symlink out)."""
    if "\0" in name:
        raise PathEscape(f"{name!r}: not a file name")
    path = Path(name)
    if path.is_absolute():
        if not path.name.endswith(WARC_SUFFIXES):
            raise PathEscape(f"{name}: an absolute path that is not a WARC file")
        return path
    resolved = (base / path).resolve()
    if not resolved.is_relative_to(base.resolve()):
        raise PathEscape(f"{name}: outside {base}")
    return resolved


def check_output(output: str | Path, archive: str | Path) -> Path:
    """The output path, unless writing it would destroy part of the archive."""
    target = Path(output).resolve()
    db = Path(archive).resolve()
    protected = {db, *(db.with_name(db.name + side) for side in _SIDE_FILES)}
    if target in protected:
        raise PathEscape(f"{output}: that is the archive ({db.name}) or one of its files")
    if target.is_relative_to(db.parent / "warc"):
        raise PathEscape(f"{output}: inside the archive's WARC captures")
    return target
