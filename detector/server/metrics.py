"""Request and model metrics, rendered in the Prometheus text exposition format (0.0.4)."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict, deque
from collections.abc import Callable

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
QUANTILES = (0.5, 0.9, 0.95, 0.99)
WINDOW = 1024  # latency percentiles are over the most recent requests of each route


def quantile(sorted_values: list[float], q: float) -> float:
    """The ``q`` quantile of sorted values, nearest rank (the value at or above share ``q``)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * q // 1))  # ceil(n q), at least 1
    return sorted_values[int(rank) - 1]


class Metrics:
    """Counters, a latency histogram and recent-latency percentiles per route; model batches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self._buckets: dict[str, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self._sum: Counter[str] = Counter()
        self._count: Counter[str] = Counter()
        self._recent: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=WINDOW))
        self.batches = self.batch_requests = self.batch_sentences = 0
        self.in_flight = 0
        self.gauges: dict[str, tuple[str, Callable[[], float]]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one finished request and its latency."""
        with self._lock:
            self.requests[(method, route, status)] += 1
            buckets = self._buckets[route]
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[i] += 1
            self._sum[route] += seconds
            self._count[route] += 1
            self._recent[route].append(seconds)

    def batch(self, requests: int, sentences: int) -> None:
        """Count one model forward batch (called by the model worker)."""
        with self._lock:
            self.batches += 1
            self.batch_requests += requests
            self.batch_sentences += sentences

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """Register a gauge read at render time."""
        self.gauges[name] = (help_text, read)

    def render(self) -> str:
        """All metrics as Prometheus text."""
        with self._lock:
            out = _family("mtlint_requests_total", "counter", "HTTP requests by method, route and status.")
            out += [
                f'mtlint_requests_total{{method="{m}",route="{r}",status="{s}"}} {n}'
                for (m, r, s), n in sorted(self.requests.items())
            ]
            out += _family("mtlint_request_duration_seconds", "histogram", "Request latency.")
            for route in sorted(self._count):
                for bound, n in zip(BUCKETS, self._buckets[route]):
                    out.append(f'mtlint_request_duration_seconds_bucket{{route="{route}",le="{bound}"}} {n}')
                out.append(f'mtlint_request_duration_seconds_bucket{{route="{route}",le="+Inf"}} {self._count[route]}')
                out.append(f'mtlint_request_duration_seconds_sum{{route="{route}"}} {self._sum[route]:.6f}')
                out.append(f'mtlint_request_duration_seconds_count{{route="{route}"}} {self._count[route]}')
            out += _family("mtlint_request_latency_seconds", "summary", f"Latency percentiles over the last {WINDOW} requests of each route.")
            for route in sorted(self._recent):
                values = sorted(self._recent[route])
                out += [f'mtlint_request_latency_seconds{{route="{route}",quantile="{q}"}} {quantile(values, q):.6f}' for q in QUANTILES]
                out.append(f'mtlint_request_latency_seconds_sum{{route="{route}"}} {sum(values):.6f}')
                out.append(f'mtlint_request_latency_seconds_count{{route="{route}"}} {len(values)}')
            for name, value, help_text in (
                ("mtlint_model_batches_total", self.batches, "Forward batches run by the model worker."),
                ("mtlint_model_batch_requests_total", self.batch_requests, "Requests' scoring calls served by those batches."),
                ("mtlint_model_batch_sentences_total", self.batch_sentences, "Sentences scored by those batches."),
            ):
                out += _family(name, "counter", help_text) + [f"{name} {value}"]
            out += _family("mtlint_in_flight_requests", "gauge", "API requests being served now.")
            out.append(f"mtlint_in_flight_requests {self.in_flight}")
        for name, (help_text, read) in sorted(self.gauges.items()):
            out += _family(name, "gauge", help_text) + [f"{name} {read()}"]
        return "\n".join(out) + "\n"


def _family(name: str, kind: str, help_text: str) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
