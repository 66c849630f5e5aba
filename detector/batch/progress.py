"""Progress on stderr while a run goes, and the summary at its end (also as JSON)."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

BINS = 10
BAR_EVERY_S = 0.2
LOG_EVERY_S = 10.0


@dataclass
class Stats:
    """Counters of a run; checkpointed, so a resumed run's summary covers every record."""

    records: int = 0
    sentences: int = 0
    flagged: int = 0
    errors: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * BINS)

    def add(self, score: float, flagged: bool, sentences: int) -> None:
        self.records += 1
        self.sentences += sentences
        self.flagged += flagged
        self.histogram[min(int(score * BINS), BINS - 1)] += 1


class Progress:
    """A bar (records/s, ETA when the input size is known) on a terminal, else a periodic line."""

    def __init__(self, done: int = 0, stream: TextIO | None = None, quiet: bool = False, every: float | None = None) -> None:
        self.done_at_start, self.stream, self.quiet = done, stream or sys.stderr, quiet
        self.tty = self.stream.isatty()
        self.every = every if every is not None else (BAR_EVERY_S if self.tty else LOG_EVERY_S)
        self.start = self.last = time.monotonic()

    def update(self, stats: Stats, fraction: float | None, force: bool = False) -> None:
        """Show progress if enough time passed; ``fraction`` of the input read, when known."""
        now = time.monotonic()
        if self.quiet or (not force and now - self.last < self.every):
            return
        self.last = now
        done = stats.records + stats.errors
        rate = (done - self.done_at_start) / max(now - self.start, 1e-9)
        eta = ""
        if fraction and 0 < fraction < 1 and rate > 0:
            remaining = (now - self.start) * (1 - fraction) / fraction
            eta = f" ETA {_clock(remaining)}"
        text = f"{done:,} records, {rate:,.0f} records/s, {stats.flagged:,} flagged, {stats.errors:,} errors{eta}"
        if self.tty:
            bar = ""
            if fraction is not None:
                filled = int(30 * min(fraction, 1.0))
                bar = f"[{'#' * filled}{'.' * (30 - filled)}] {100 * min(fraction, 1.0):5.1f}% "
            self.stream.write(f"\r{bar}{text}\x1b[K")
        else:
            self.stream.write(f"mtlint score: {text}\n")
        self.stream.flush()

    def restart(self) -> None:
        """Start the clock now (after the model has loaded)."""
        self.start = self.last = time.monotonic()

    def close(self) -> None:
        if self.tty and not self.quiet:
            self.stream.write("\n")


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def summary(stats: Stats, seconds: float, scored_now: int, sentences_now: int, peak_worker_mb: float, jobs: int, tier: str) -> dict:
    """The run's summary; throughput counts only what this invocation scored."""
    return {
        "records": stats.records,
        "sentences": stats.sentences,
        "flagged": stats.flagged,
        "errors": stats.errors,
        "seconds": round(seconds, 3),
        "records_per_s": round(scored_now / seconds, 1) if seconds > 0 else None,
        "sentences_per_s": round(sentences_now / seconds, 1) if seconds > 0 else None,
        "tier": tier,
        "jobs": jobs,
        "peak_worker_mb": round(peak_worker_mb, 1),
        "histogram": {f"{i / BINS:.1f}-{(i + 1) / BINS:.1f}": n for i, n in enumerate(stats.histogram)},
    }


def print_summary(s: dict, stream: TextIO | None = None) -> None:
    """The summary as a few human lines."""
    stream = stream or sys.stderr
    stream.write(
        f"mtlint score: {s['records']:,} records ({s['sentences']:,} sentences) scored, {s['flagged']:,} flagged, "
        f"{s['errors']:,} errors in {s['seconds']:.1f} s ({s['records_per_s'] or 0:,.0f} records/s, "
        f"{s['sentences_per_s'] or 0:,.0f} sentences/s; tier {s['tier']}, {s['jobs']} jobs, peak {s['peak_worker_mb']:.0f} MB per worker)\n"
    )
    stream.write("  score histogram: " + "  ".join(f"{k}: {v:,}" for k, v in s["histogram"].items()) + "\n")


def write_summary(path: str, s: dict) -> None:
    from detector.textio import atomic_write

    atomic_write(path, (json.dumps(s, indent=2) + "\n").encode())
