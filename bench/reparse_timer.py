"""`python -m bench.reparse_timer DB`: time `pipelines.reparse.reparse` over an archive.

Run in its own process so the parser's caches start cold, as in `vnarchive reparse`.
Prints {"articles": N, "seconds": S, "changed": C} as one JSON line.
"""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> int:
    from pipelines.archive import Archive
    from pipelines.reparse import reparse

    with Archive(argv[0]) as archive:
        started = time.perf_counter()
        summary = reparse(archive)
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "articles": summary.articles,
                "seconds": seconds,
                "changed": summary.changed,
                "failed": summary.failed,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
