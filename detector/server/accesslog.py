"""The outermost middleware: times every request, feeds :class:`Metrics`, writes the access log.

The access log is one JSON object a line on the ``mtlint.access`` logger (stderr by
default): time, client, method, path, route, status, duration, bytes in and out, request
id. Article text goes in only with ``--log-text`` (handlers leave it in ``scope["state"]``).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from detector.server.metrics import Metrics

LOG = logging.getLogger("mtlint.access")
LOG_TEXT_KEY = "log_text"


def configure(stream: object | None = None) -> None:
    """Send access log lines, bare, to ``stream`` (default stderr)."""
    handler = logging.StreamHandler(stream)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(message)s"))
    LOG.handlers[:] = [handler]
    LOG.setLevel(logging.INFO)
    LOG.propagate = False


class Observe:
    """Measure each HTTP request; ``routes`` are the path labels kept (others are "other")."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Iterable[str], log_text: bool) -> None:
        self.app, self.metrics, self.routes, self.log_text = app, metrics, set(routes), log_text

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        request_id = uuid.uuid4().hex[:16]
        state = scope.setdefault("state", {})
        sizes = {"in": 0, "out": 0}
        status = 500

        async def counting_receive() -> Message:
            message = await receive()
            sizes["in"] += len(message.get("body", b""))
            return message

        async def tagging_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body":
                sizes["out"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, tagging_send)
        finally:
            seconds = time.perf_counter() - began
            path = scope["path"]
            route = path if path in self.routes else "other"
            self.metrics.observe(scope["method"], route, status, seconds)
            record = {
                "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                "client": (scope.get("client") or ("-", 0))[0],
                "method": scope["method"],
                "path": path,
                "route": route,
                "status": status,
                "ms": round(seconds * 1000, 2),
                "bytes_in": sizes["in"],
                "bytes_out": sizes["out"],
                "request_id": request_id,
            }
            if self.log_text and LOG_TEXT_KEY in state:
                record["text"] = state[LOG_TEXT_KEY]
            LOG.info(json.dumps(record, ensure_ascii=False))
