"""Limits and auth in front of the routes: bearer token, concurrency cap, body size, JSON bodies.

A pure ASGI middleware (no buffering) so a refused request costs nothing: a wrong or missing
token is 401 before the body is read; a request beyond ``max_concurrency`` is 503 with
``Retry-After``. :func:`read_json` enforces the body limit while streaming (413) and
requires ``Content-Type: application/json``, which a cross-site form cannot send without a
CORS preflight.
"""

from __future__ import annotations

import hmac
import json

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from detector.server.errors import ApiError, error_response
from detector.server.metrics import Metrics
from detector.server.settings import Settings

PROTECTED = ("/v1/", "/metrics")  # need the token when auth is on
LIMITED = ("/v1/",)  # count against the concurrency limit


class Guard:
    """Auth and the concurrency limit around ``app``."""

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics) -> None:
        self.app, self.settings, self.metrics = app, settings, metrics
        self._token = settings.token.encode() if settings.token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if self._token and path.startswith(PROTECTED) and not self._authorized(scope):
            response = error_response(401, "missing or wrong bearer token (send `Authorization: Bearer TOKEN`)", {"WWW-Authenticate": "Bearer"})
            await response(scope, receive, send)
            return
        if not path.startswith(LIMITED):
            await self.app(scope, receive, send)
            return
        if self.metrics.in_flight >= self.settings.max_concurrency:
            message = f"the server is busy ({self.settings.max_concurrency} requests in flight); retry in {self.settings.retry_after_s} s"
            await error_response(503, message, {"Retry-After": str(self.settings.retry_after_s)})(scope, receive, send)
            return
        self.metrics.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.metrics.in_flight -= 1

    def _authorized(self, scope: Scope) -> bool:
        assert self._token is not None
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, given = value.partition(b" ")
                return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), self._token)
        return False


async def read_json(request: Request, max_bytes: int) -> dict:
    """The request's JSON object; 415 unless JSON, 413 past ``max_bytes``, 400 if malformed."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise ApiError(415, f"send the request as Content-Type: application/json (got {kind or 'none'!r})")
    too_big = f"the request body is larger than the limit of {max_bytes} bytes"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ApiError(413, too_big)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise ApiError(413, too_big)
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ApiError(400, f"the request body is not UTF-8: invalid byte at offset {e.start}") from None
    except json.JSONDecodeError as e:
        raise ApiError(400, f"the request body is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the request body must be a JSON object")
    return data
