"""The server's options and limits, in one frozen record built by the ``serve`` command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Everything ``mtlint serve`` can be told; the defaults are the safe ones."""

    host: str = "127.0.0.1"
    port: int = 8808
    model: str | None = None  # a tier name (full, fast) or a bundle folder; None runs the rules only
    lazy: bool = False  # load the model on first use instead of at start
    token: str | None = None  # bearer token; None turns auth off
    max_body_bytes: int = 2_000_000
    max_text_chars: int = 200_000  # per text, for every endpoint
    max_batch_texts: int = 100  # texts per /v1/score request
    max_concurrency: int = 8  # requests being served at once; more get 503
    timeout_s: float = 30.0  # per request, from the first byte of the body to the answer
    retry_after_s: int = 1
    cors_origins: tuple[str, ...] = ()  # CORS stays off unless origins are given
    log_text: bool = False  # put article text into the access log
    graceful_s: float = 30.0  # how long SIGTERM waits for in-flight requests

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_text_chars", "max_batch_texts", "max_concurrency"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', '-')} must be at least 1")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535 (got {self.port})")
        if self.timeout_s <= 0:
            raise ValueError("timeout must be positive")


def read_token(path: Path) -> str:
    """The bearer token in ``path`` (first line, stripped); refuse an empty or unreadable file."""
    try:
        token = path.read_text(encoding="utf-8").strip().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: cannot read the token file: {e}") from None
    if not token or len(token[0].strip()) < 16:
        raise ValueError(f"{path}: the token file must hold a token of at least 16 characters on its first line")
    return token[0].strip()
