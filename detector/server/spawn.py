"""Start ``mtlint serve`` in a child process and wait until it listens (tests, load test).

The child binds port 0 (a free port chosen by the kernel) and prints its URL once ready,
so there is no race for a port between choosing it and binding it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

READY = re.compile(r"mtlint serve: listening on (http://\S+/)")


class ServerProcess:
    """A running ``mtlint serve`` child: ``url``, ``pid``, its stderr so far via :meth:`log`."""

    def __init__(self, args: Sequence[str], cwd: Path | None = None, timeout: float = 120.0) -> None:
        self._log = tempfile.NamedTemporaryFile("w+", prefix="mtlint-serve-", suffix=".log", encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(cwd or Path.cwd())}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "detector.cli", "serve", "--port", "0", *args],
            cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=self._log, text=True,
        )
        self.pid = self.proc.pid
        deadline = time.monotonic() + timeout
        while (match := READY.search(self.log())) is None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"mtlint serve did not start:\n{self.log()}")
            time.sleep(0.05)
        self.url = match.group(1).rstrip("/")

    def log(self) -> str:
        """Everything the server wrote to stderr so far."""
        with open(self._log.name, encoding="utf-8") as f:
            return f.read()

    def terminate(self, timeout: float = 60.0) -> int:
        """SIGTERM, then wait for the exit code (graceful shutdown)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        """Stop the child (SIGTERM, SIGKILL if it hangs) and remove the log."""
        try:
            self.terminate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
