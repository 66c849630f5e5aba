"""The Starlette application: routes, the request thread pool, start-up and shutdown.

Handlers parse and validate on the event loop, then run the detector on a bounded thread pool
(``max_concurrency`` threads) so the loop stays free; model scoring from all those threads
meets in the engine's single model worker. Each API request has ``timeout_s`` end to end
(504 after it; a detector call already running finishes in its thread and is discarded).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from detector import __version__
from detector.formats import FORMATS, FileResult, finding_dict, html
from detector.lint import LintError
from detector.suppress import SuppressionError
from detector.rules import RULES
from detector.server import payloads
from detector.server.accesslog import LOG_TEXT_KEY, Observe
from detector.server.engine import Engine
from detector.server.errors import ApiError, error_response
from detector.server.guard import Guard, read_json
from detector.server.metrics import Metrics
from detector.server.settings import Settings

ASSETS = files("detector.server")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
# The editor page (the HTML report, live) runs only its own inline code and talks only to this server.
CSP = html.policy(live=True) + "; frame-ancestors 'none'"

Handler = Callable[[Request], Awaitable[Response]]


def build_app(settings: Settings, engine: Engine | None = None, metrics: Metrics | None = None, on_ready: Callable[[], None] | None = None) -> Starlette:
    """The ASGI app for ``settings``; ``on_ready`` runs once the model (unless lazy) is loaded."""
    metrics = metrics or Metrics()
    engine = engine or Engine(settings.model, on_batch=metrics.batch)
    pool = ThreadPoolExecutor(max_workers=settings.max_concurrency, thread_name_prefix="mtlint-request")
    started = time.monotonic()
    metrics.gauge("mtlint_model_queue_requests", "Requests' scoring calls waiting for the model worker.", lambda: engine.queue_depth[0])
    metrics.gauge("mtlint_model_queue_sentences", "Sentences waiting for the model worker.", lambda: engine.queue_depth[1])
    metrics.gauge("mtlint_model_loaded", "1 once the learned model is in memory.", lambda: int(engine.loaded))

    async def in_pool(fn: Callable[..., object], *args: object) -> object:
        try:
            return await asyncio.wrap_future(pool.submit(fn, *args))
        except (LintError, SuppressionError) as e:  # e.g. a malformed suppression comment in the text
            raise ApiError(400, str(e)) from None

    def api(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                return await asyncio.wait_for(handler(request), settings.timeout_s)
            except ApiError as e:
                return e.response()
            except TimeoutError:
                return error_response(504, f"the request took longer than the server's limit of {settings.timeout_s:g} s")

        return run

    async def body(request: Request, parse: Callable[..., object]) -> object:
        parsed = parse(await read_json(request, settings.max_body_bytes), settings, engine.has_model)
        if settings.log_text:
            setattr(request.state, LOG_TEXT_KEY, getattr(parsed, "texts", None) or [parsed.text])  # type: ignore[attr-defined]
        return parsed

    @api
    async def check(request: Request) -> Response:
        req: payloads.CheckRequest = await body(request, payloads.check_request)  # type: ignore[assignment]
        o = req.options
        report = await in_pool(engine.check, req.text, o.format, engine.values(o.select, o.ignore), o.model)
        return Response(FORMATS["json"]([FileResult(req.name, report=report)]), media_type="application/json")  # type: ignore[arg-type]

    @api
    async def fix(request: Request) -> Response:
        req: payloads.FixRequest = await body(request, payloads.fix_request)  # type: ignore[assignment]
        o = req.options
        fixed, report = await in_pool(engine.fix, req.text, o.format, engine.values(o.select, o.ignore), req.unsafe)  # type: ignore[misc]
        applied = [finding_dict(report, f) for f in report.accepted]
        return JSONResponse({"version": 1, "text": fixed, "changed": fixed != req.text, "unsafe": req.unsafe, "applied": applied})

    @api
    async def score(request: Request) -> Response:
        req: payloads.ScoreRequest = await body(request, payloads.score_request)  # type: ignore[assignment]
        o = req.options
        results: list[dict] = await in_pool(engine.score, req.texts, o.select, o.ignore, o.model, req.extras)  # type: ignore[assignment]
        records = [{"id": i, **result} for i, result in zip(req.ids, results)]
        return JSONResponse({"version": 1, "records": records})

    async def rules(request: Request) -> Response:
        rows = [{"code": r.code, "name": r.name, "category": r.category, "severity": r.severity, "needs_model": r.needs_model, "summary": r.summary} for r in RULES.values()]
        return JSONResponse(rows)

    async def health(request: Request) -> Response:
        tier = None if settings.model is None else Path(settings.model).name  # a name, not the server's path layout
        model = {"enabled": engine.has_model, "loaded": engine.loaded, "tier": tier, "load_seconds": engine.load_seconds}
        return JSONResponse({"status": "ok", "version": __version__, "uptime_s": round(time.monotonic() - started, 3), "model": model})

    async def metrics_text(request: Request) -> Response:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def editor(request: Request) -> Response:
        return HTMLResponse(html.editor_page(), headers={"Content-Security-Policy": CSP})

    routes = [
        Route("/", editor),
        Route("/health", health),
        Route("/metrics", metrics_text),
        Route("/openapi.json", openapi),
        Route("/v1/rules", rules),
        Route("/v1/check", check, methods=["POST"]),
        Route("/v1/fix", fix, methods=["POST"]),
        Route("/v1/score", score, methods=["POST"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if engine.has_model and not settings.lazy:
            await asyncio.get_running_loop().run_in_executor(None, engine.detector)
        if on_ready:
            on_ready()
        try:
            yield
        finally:
            pool.shutdown(wait=True)
            engine.close()

    middleware = [Middleware(Observe, metrics=metrics, routes=[r.path for r in routes], log_text=settings.log_text)]
    if settings.host in LOOPBACK_HOSTS:  # refuse DNS-rebinding requests to a loopback server
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(LOOPBACK_HOSTS)))
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"]))
    middleware.append(Middleware(Guard, settings=settings, metrics=metrics))
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan, exception_handlers={HTTPException: http_error, Exception: internal_error})


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 in the API's error shape."""
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, exc.detail, dict(exc.headers or {}))


async def internal_error(request: Request, exc: Exception) -> Response:
    """A bug: the client gets the error shape without details; uvicorn logs the traceback."""
    return error_response(500, "internal server error (details are in the server log)")


def openapi_document() -> dict:
    """The hand-written OpenAPI description shipped beside this module."""
    return json.loads((ASSETS / "openapi.json").read_text(encoding="utf-8"))
