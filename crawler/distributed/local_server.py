"""A throwaway `redis-server` on 127.0.0.1, for the tests and the benchmark.

Never a fake: the real Debian binary, on a free port, in a temporary directory,
without persistence unless asked (`appendonly=True` turns AOF on, fsync every
second). `RedisUnavailable` says why it cannot be had; callers skip loudly with it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from crawler.extract.errors import RedisUnavailable
from crawler.processes import free_port, stop_process


class LocalRedis:
    def __init__(self, *, appendonly: bool = False, binary: str = "redis-server") -> None:
        found = shutil.which(binary)
        if found is None:
            raise RedisUnavailable(
                f"{binary} not found on PATH: install Debian's redis-server "
                "(apt-get install -y redis-server); .ci/run does"
            )
        self.binary = found
        self.appendonly = appendonly
        self.port = 0
        self.directory = Path(tempfile.mkdtemp(prefix="vnarchive-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> LocalRedis:
        self.port = free_port()
        command = [
            self.binary, "--bind", "127.0.0.1", "--port", str(self.port),
            "--dir", str(self.directory), "--save", "",
            "--appendonly", "yes" if self.appendonly else "no",
            "--protected-mode", "yes", "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.directory / "redis.log").read_text(errors="replace")[-500:]
                raise RedisUnavailable(f"redis-server exited at start: {log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RedisUnavailable(f"redis-server did not answer on port {self.port} in {timeout} s")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
        self.process = None
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> LocalRedis:
        return self.start() if self.process is None else self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
