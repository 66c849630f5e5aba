"""The ``mtlint serve`` subcommand (registered by ``detector.cli``)."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from detector.learned import DEFAULT_TIER, TIERS
from detector.server.settings import Settings, read_token

EXIT_OK, EXIT_ERROR = 0, 2


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the ``mtlint`` subcommands."""
    d = Settings()
    p = sub.add_parser("serve", help="run the HTTP API and editor page, with the model loaded once")
    p.add_argument("--host", default=d.host, help=f"address to bind (default: {d.host}, this machine only)")
    p.add_argument("--port", type=int, default=d.port, help=f"port (default: {d.port}; 0 picks a free one)")
    model = p.add_mutually_exclusive_group()
    model.add_argument("--model", default=DEFAULT_TIER, metavar="TIER|DIR", help=f"detector tier ({', '.join(TIERS)}; default: {DEFAULT_TIER}) or a model bundle folder, loaded once")
    model.add_argument("--no-model", dest="model", action="store_const", const="rules", help="rules only, the same as --model rules (never imports torch)")
    p.add_argument("--config", type=Path, metavar="FILE", help="the server's configuration (pyproject.toml or .mtlint.toml), read once at start; default: none")
    p.add_argument("--lazy", action="store_true", help="load the model on the first request that needs it, not at start")
    p.add_argument("--token-file", type=Path, metavar="FILE", help="require `Authorization: Bearer TOKEN` on /v1/ and /metrics; TOKEN is FILE's first line")
    p.add_argument("--max-body-bytes", type=int, default=d.max_body_bytes, metavar="N", help=f"largest request body (default: {d.max_body_bytes}); larger is 413")
    p.add_argument("--max-text-chars", type=int, default=d.max_text_chars, metavar="N", help=f"longest text, in characters (default: {d.max_text_chars}); longer is 413")
    p.add_argument("--max-batch-texts", type=int, default=d.max_batch_texts, metavar="N", help=f"most texts in one /v1/score request (default: {d.max_batch_texts})")
    p.add_argument("--max-concurrency", type=int, default=d.max_concurrency, metavar="N", help=f"API requests served at once (default: {d.max_concurrency}); more get 503 with Retry-After")
    p.add_argument("--timeout", type=float, default=d.timeout_s, metavar="S", help=f"per-request time limit in seconds (default: {d.timeout_s:g}); slower is 504")
    p.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN", help="allow browser pages from ORIGIN to call the API (repeatable; default: CORS off)")
    p.add_argument("--log-text", action="store_true", help="include article text in the access log (default: never)")
    p.add_argument("--graceful-timeout", type=float, default=d.graceful_s, metavar="S", help=f"on SIGTERM, wait this long for in-flight requests (default: {d.graceful_s:g})")
    p.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Load the model, bind the socket, serve until SIGTERM or Ctrl-C."""
    import uvicorn

    from detector.server import accesslog
    from detector.server.app import build_app
    from detector.server.engine import Engine
    from detector.server.metrics import Metrics

    try:
        settings = Settings(
            host=args.host,
            port=args.port,
            model=None if args.model == "rules" else args.model,
            lazy=args.lazy,
            token=read_token(args.token_file) if args.token_file else None,
            max_body_bytes=args.max_body_bytes,
            max_text_chars=args.max_text_chars,
            max_batch_texts=args.max_batch_texts,
            max_concurrency=args.max_concurrency,
            timeout_s=args.timeout,
            cors_origins=tuple(args.cors_origin),
            log_text=args.log_text,
            graceful_s=args.graceful_timeout,
        )
    except ValueError as e:
        return _fail(str(e))
    from detector import config

    try:
        server_config = config.load(args.config) if args.config else None
    except (config.ConfigError, OSError) as e:
        return _fail(str(e))
    metrics = Metrics()
    engine = Engine(settings.model, on_batch=metrics.batch, settings=server_config)
    if settings.model is not None and not settings.lazy:
        try:
            engine.detector()
        except (FileNotFoundError, ValueError, OSError) as e:
            return _fail(f"{e} (use --no-model to serve the rules only)")
    try:
        sock = _bind(settings.host, settings.port)
    except OSError as e:
        return _fail(f"cannot listen on {settings.host}:{settings.port}: {e.strerror or e}")
    host, port = sock.getsockname()[:2]
    if settings.host not in ("127.0.0.1", "localhost", "::1") and settings.token is None:
        _log(f"warning: listening on {settings.host} without --token-file: anyone who can reach this port can use it")
    mode = "rules only" if settings.model is None else f"model {Path(settings.model).name}" + (" (lazy)" if settings.lazy else "")
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    app = build_app(settings, engine, metrics, on_ready=lambda: _log(f"listening on {url} ({mode})"))
    accesslog.configure(sys.stderr)
    uv_config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=settings.graceful_s,
    )
    server = uvicorn.Server(uv_config)
    server.run(sockets=[sock])  # on SIGTERM: stop accepting, finish in-flight requests, exit
    return EXIT_OK if server.started else EXIT_ERROR


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.set_inheritable(True)
    return sock


def _log(message: str) -> None:
    print(f"mtlint serve: {message}", file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    print(f"mtlint: error: {message}", file=sys.stderr)
    return EXIT_ERROR
