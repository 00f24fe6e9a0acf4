"""What the replica was asked, so tests can assert on a crawler's behaviour.

Bounded in memory (a deque), optionally mirrored to a JSON-lines file, thread-safe:
the server answers on many threads at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO


class AccessLog:
    def __init__(self, path: str | Path | None = None, maxlen: int = 100_000) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self._file: TextIO | None = (
            open(path, "a", encoding="utf-8") if path is not None else None  # noqa: SIM115
        )
        self.total = 0  # every request answered, including those the deque forgot

    def record(
        self,
        method: str,
        path: str,
        status: int,
        user_agent: str | None,
        size: int = 0,
        arrived: float | None = None,
    ) -> dict[str, Any]:
        now = time.monotonic()
        entry = {
            "method": method,
            "path": path,
            "status": status,
            "monotonic": now,  # when it was answered
            # When the request came in (time.monotonic()), for intervals between requests
            # (crawl-delay checks): rendering time, which load stretches, is left out.
            "arrived": now if arrived is None else arrived,
            "wall": time.time(),  # for humans and cross-process ordering
            "user_agent": user_agent,
            "bytes": size,
        }
        with self._lock:
            self._entries.append(entry)
            self.total += 1
            if self._file is not None:
                self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
                self._file.flush()  # a test may read the file while the server runs
        return entry

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    # `handle.access_log()` and `for entry in handle.access_log` both read the entries.
    def __call__(self) -> list[dict[str, Any]]:
        return self.entries()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.entries())

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def paths(self) -> list[str]:
        return [e["path"] for e in self.entries()]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
