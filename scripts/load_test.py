"""Bounded load test of ``mtlint serve`` on loopback: N clients x M requests of one article.

Starts its own server (``--tier rules|fast|full``, or ``--model TIER|DIR`` for a tier or bundle folder) on
127.0.0.1 at a free port, warms it up (one request per client, not counted), then runs
``--clients`` threads that each send ``--requests`` ``POST /v1/check`` requests of the
article (``--text``, default the seed; ``--sentences N`` cuts it to N sentences, repeating it
when it has fewer), one after another. It stops by itself: after N x M requests or ``--max-seconds``.

Reports latency percentiles (p50/p95/p99), articles/s and sentences/s, failed requests by
status, the server's resident memory sampled over the run (and its peak), and the model
worker's batches; ``--baseline K`` adds the p50 of K in-process ``check()`` calls after the
server has stopped, to separate the server's overhead from the detector's time. Exits 1 if any request failed while the clients stayed within the
server's concurrency limit. No traffic leaves 127.0.0.1.

    python scripts/load_test.py --tier rules --clients 4 --requests 200
    python scripts/load_test.py --tier fast --clients 4 --requests 10
    python scripts/load_test.py --tier full --sentences 40 --clients 1 --requests 20
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector.document import Document  # noqa: E402
from detector.server.metrics import quantile  # noqa: E402
from detector.server.settings import Settings  # noqa: E402
from detector.server.spawn import ServerProcess  # noqa: E402

SEED = ROOT / "seeds" / "000_92ad0e3d2eded5f1.txt"


def post(url: str, body: bytes) -> int:
    req = urllib.request.Request(url + "/v1/check", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0  # connection failed


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def model_counters(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url + "/metrics", timeout=30) as r:
        text = r.read().decode()
    return {line.split()[0]: float(line.split()[1]) for line in text.splitlines() if line.startswith("mtlint_model_batch")}


def in_process(text: str, served: str, times: int) -> list[float]:
    """Latencies of ``check`` on ``text`` in this process (after one warm-up call), on a thread: the baseline.

    On this 2-core machine under load, the same check took 3.9 s on the main thread and 1.5-1.8 s
    on a second thread (torch's intra-op threads); the server scores on a thread, so the baseline does too.
    """
    from detector.api import check

    detector: object = False
    if served != "rules":
        from detector import learned

        detector = learned.load(served)
    latencies: list[float] = []

    def calls() -> None:  # on a thread, as the server's model worker runs (torch is faster there on a busy machine)
        check(text, model=detector)
        for _ in range(times):
            t0 = time.perf_counter()
            check(text, model=detector)
            latencies.append(time.perf_counter() - t0)

    worker = threading.Thread(target=calls)
    worker.start()
    worker.join()
    return sorted(latencies)


def article(text: str, n: int | None) -> str:
    """``text``, or its first ``n`` sentences: the whole text repeated (a blank line between) while it has fewer."""
    if n is None:
        return text
    sentences = Document(text).sentences
    if not sentences:
        raise SystemExit("load_test: the article has no sentences")
    parts = []
    while n > len(sentences):
        parts.append(text.strip())
        n -= len(sentences)
    parts.append(text[: sentences[n - 1].end])
    return "\n\n".join(parts)


def run(args: argparse.Namespace) -> dict[str, object]:
    text = article(Path(args.text).read_text(encoding="utf-8"), args.sentences)
    body = json.dumps({"text": text}).encode()
    sentences = len(Document(text).sentences)
    served = args.model or args.tier  # a tier name or a bundle folder
    server_args = ["--model", served]
    server_args += ["--max-concurrency", str(args.max_concurrency)]
    with ServerProcess(server_args, cwd=ROOT) as server:
        rss_idle = rss_mb(server.pid)
        warm = [threading.Thread(target=post, args=(server.url, body)) for _ in range(args.clients)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        before = model_counters(server.url)
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        deadline = time.monotonic() + args.max_seconds
        samples: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                samples.append(rss_mb(server.pid))

        def client() -> None:
            for _ in range(args.requests):
                if time.monotonic() > deadline:
                    return
                t0 = time.perf_counter()
                status = post(server.url, body)
                with lock:
                    statuses[status] += 1
                    if status == 200:
                        latencies.append(time.perf_counter() - t0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
        done.set()
        sampler.join()
        after = model_counters(server.url)
        peak = rss_mb(server.pid, "VmHWM")
    latencies.sort()
    ok = statuses[200]
    baseline = in_process(text, served, args.baseline) if args.baseline else []
    batches = after["mtlint_model_batches_total"] - before["mtlint_model_batches_total"]
    batched_sentences = after["mtlint_model_batch_sentences_total"] - before["mtlint_model_batch_sentences_total"]
    return {
        "tier": served,
        "clients": args.clients,
        "requests": sum(statuses.values()),
        "planned": args.clients * args.requests,
        "sentences_per_article": sentences,
        "ok": ok,
        "failed": {str(k): v for k, v in statuses.items() if k != 200},
        "p50_s": round(quantile(latencies, 0.5), 4),
        "p95_s": round(quantile(latencies, 0.95), 4),
        "p99_s": round(quantile(latencies, 0.99), 4),
        "max_s": round(latencies[-1], 4) if latencies else None,
        "in_process_p50_s": round(quantile(baseline, 0.5), 4) if baseline else None,
        "wall_s": round(wall, 2),
        "articles_per_s": round(ok / wall, 2),
        "sentences_per_s": round(ok * sentences / wall, 1),
        "rss_mb": {"idle": round(rss_idle), "min": round(min(samples, default=rss_idle)), "max": round(max(samples, default=rss_idle)), "peak_hwm": round(peak)},
        "model_batches": int(batches),
        "sentences_per_batch": round(batched_sentences / batches, 1) if batches else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", choices=("rules", "fast", "full"), default="rules", help="the detector tier to serve")
    parser.add_argument("--model", metavar="TIER|DIR", help="serve this tier (as --tier) or model bundle folder")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--text", default=str(SEED), help="the article to send (default: the seed, 38 sentences)")
    parser.add_argument("--sentences", type=int, metavar="N", help="send the article's first N sentences (repeating it if it has fewer)")
    parser.add_argument("--max-concurrency", type=int, default=Settings().max_concurrency, help="the server's limit")
    parser.add_argument("--max-seconds", type=float, default=600, help="stop sending after this long")
    parser.add_argument("--baseline", type=int, default=0, metavar="K", help="after the run, time K in-process check() calls of the article (same machine state)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    if args.clients < 1 or args.requests < 1 or (args.sentences is not None and args.sentences < 1):
        parser.error("--clients, --requests and --sentences must be at least 1")
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if result["failed"] and args.clients <= args.max_concurrency else 0


if __name__ == "__main__":
    sys.exit(main())
