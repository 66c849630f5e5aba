"""Headless Chromium driven over the DevTools protocol on a pipe (no driver, no extra package).

``chromium --remote-debugging-pipe`` reads commands from file descriptor 3 and writes replies
and events to descriptor 4, each a JSON object ended by a NUL byte.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-pipe",
)


def chromium() -> str | None:
    """The Chromium executable on PATH, if any."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    """One tab in a fresh headless Chromium; every request it makes is recorded in ``requests``."""

    def __init__(self, timeout: float = 30.0) -> None:
        exe = chromium()
        if exe is None:
            raise RuntimeError("chromium is not installed")
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="mtlint-chromium-", ignore_cleanup_errors=True)  # its helpers may still write
        commands_r, self._commands = os.pipe()
        self._replies, replies_w = os.pipe()

        def wire() -> None:  # in the child: the pipe ends become descriptors 3 and 4
            high = [os.dup(commands_r), os.dup(replies_w)]  # out of the way of 3 and 4 first
            for target, fd in zip((3, 4), high):
                os.dup2(fd, target)
                os.set_inheritable(target, True)

        self._proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            preexec_fn=wire,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("MTLINT_CHROMIUM_LOG") else subprocess.DEVNULL,
        )
        os.close(commands_r)
        os.close(replies_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self.requests: list[str] = []
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self._call("Page.enable", session=True)
        self._call("Network.enable", session=True)

    def goto(self, url: str) -> None:
        """Load ``url`` and wait for its load event."""
        self._events.clear()
        self._call("Page.navigate", {"url": url}, session=True)
        self._wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises awaited); page errors raise."""
        reply = self._call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True}, session=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page error: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def close(self) -> None:
        self._proc.kill()
        self._proc.wait()
        os.close(self._commands)
        os.close(self._replies)
        self._profile.cleanup()

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, params: dict | None = None, session: bool = False) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def _wait_event(self, method: str) -> dict[str, Any]:
        while True:
            for event in self._events:
                if event.get("method") == method:
                    self._events.remove(event)
                    return event
            self._read()

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium exited")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "id" not in message:
            self._events.append(message)
            if message.get("method") == "Network.requestWillBeSent":
                self.requests.append(message["params"]["request"]["url"])
        return message
