"""Throughput and peak memory of mtlint against peer checkers, measured in one run.

Usage: python scripts/bench.py [--news ../shared/data/news-en] [--docs N] [--repeat 3]

Every tool checks the same news documents (sentences of a document joined by spaces), each in
its own fresh process, so peak RSS (ru_maxrss) includes the tool's imports and data. Reported:
sentences per second (best of ``--repeat``), peak memory, and the ratio to mtlint.
``mtlint-model`` is rules plus the learned detector (torch, MiniLM and the adapters loaded once;
load time shown apart); ``mtlint-full`` the same with the full tier (SmolLM2 + MiniLM), and
``smollm-forward`` the plain language model alone on the same sentences (its speed is the full
tier's baseline; load time is the warm load from the dequantized cache). A second table times ``check`` and ``fix`` (rules) on texts of 1, 4
and 16 MB with one finding every four lines, to show both are linear and ``fix`` costs about
what ``check`` does. Peers (harper-py, proselint) are skipped with a note when not installed
(`pip install -e '.[peers]'`).

A third table runs ``mtlint score`` (JSONL, one document a record) on the same documents for
each tier at ``--jobs 1`` and ``--jobs 2``: records/s, sentences/s (model loading excluded),
peak memory per worker, and the ratio to harper-py and proselint from the first table.
``model-alone`` is the learned detector's own batched ``probabilities`` on every sentence (no
rules, no documents, no I/O): the ceiling the model tiers' throughput is compared with. ``--score-docs N``
limits the model tiers to the first N documents (the rules tier always gets all of them). The
rules tier also runs on one-sentence records (the first ``--score-sentences`` news sentences,
one a record: the per-record cost). Another table splits the fast tier's model into stages
(tokenize, encoder forward, heads, cheap features, and all of ``probabilities``), CPU ms per
sentence on one thread, with the bundle's encoder in fp32 and dynamically quantized to int8
(``minilm/config.json`` ``"int8"`` chooses which one is served).

A fourth table checks the seed article with each model tier, without and with suggested
corrections (``check(..., suggest=...)``, i.e. ``mtlint check --suggest``; SmolLM2 loaded once,
load time excluded), in one process: seconds (best of ``--repeat``), their ratio, the seconds per
flagged sentence, and that cost in LM passes (a batched SmolLM2 pass over the flagged sentences).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's detector, also in the child processes
SEED = ROOT / "seeds" / "000_92ad0e3d2eded5f1.txt"

Checker = Callable[[str], object]


def _mtlint_rules() -> Checker:
    from detector import check

    return check


def _mtlint_model(tier: str = "fast") -> Checker:
    from detector import check, learned

    model = learned.load(tier)
    return lambda text: check(text, model=model)


def _smollm_forward() -> Checker:
    """The plain fp32 language model on every sentence (surprisal, entropy, rank, one hidden layer):
    the baseline of the full tier's speed target (2.5x this)."""
    from detector.document import Document
    from detector.learned.smollm import load_lm

    lm = load_lm()
    return lambda text: lm.token_evidence([s.text for s in Document(text).sentences], layers=(16,))


def _harper() -> Checker:
    import harper

    linter = harper.Linter()
    return linter.lint


def _proselint() -> Checker:
    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    CheckRegistry().register_many(__register__)
    return lambda text: LintFile("bench", text).lint()


TOOLS: dict[str, Callable[[], Checker]] = {
    "mtlint-rules": _mtlint_rules,
    "mtlint-model": _mtlint_model,
    "mtlint-full": lambda: _mtlint_model("full"),
    "smollm-forward": _smollm_forward,
    "harper": _harper,
    "proselint": _proselint,
}
SLOW = {"mtlint-model", "mtlint-full", "smollm-forward"}  # timed once, not best of --repeat


def load_documents(news: Path, limit: int | None) -> tuple[list[str], int]:
    """News documents as texts, and their number of sentences."""
    docs = [json.loads(line)["sentences"] for line in (news / "documents.jsonl").open(encoding="utf-8")]
    docs = docs[:limit] if limit else docs
    return [" ".join(d) for d in docs], sum(len(d) for d in docs)


def worker(tool: str, news: Path, limit: int | None, repeat: int) -> None:
    """Run one tool in this process and print one JSON line of measurements."""
    t0 = time.perf_counter()
    checker = TOOLS[tool]()
    load_s = time.perf_counter() - t0
    texts, n_sentences = load_documents(news, limit)
    best = float("inf")
    for _ in range(1 if tool in SLOW else repeat):
        t0 = time.perf_counter()
        for text in texts:
            checker(text)
        best = min(best, time.perf_counter() - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"tool": tool, "sentences": n_sentences, "seconds": best, "load_s": load_s, "peak_mb": peak_mb}))


SCALING_UNIT = (
    "The ministers met in Brussels on Tuesday, officials said, and the talks ran late into the night.\n"
    "Pete Hegseth will will speak to reporters after the meeting, his office said on Wednesday.\n"
    "“Talks go on,” a spokesman said, adding that no decision on the next meeting had been made.\n"
    "Allies want to understand the plans of the new administration before the summit in June.\n"
)  # 4 lines, ~370 characters, one finding: ~2,700 findings a megabyte


def scaling_worker(megabytes: int) -> None:
    """Time ``check`` and ``fix`` (rules) on one text of ``megabytes`` MB with many findings."""
    from detector import check, fix

    text = SCALING_UNIT * (megabytes * 1_000_000 // len(SCALING_UNIT))
    t0 = time.perf_counter()
    findings = len(check(text).findings)
    check_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    fix(text)
    fix_s = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"megabytes": megabytes, "findings": findings, "check_s": check_s, "fix_s": fix_s, "peak_mb": peak_mb}))


def forward_worker(news: Path, limit: int | None) -> None:
    """Time the learned detector alone (its sources and combiner) over every sentence, batched."""
    from detector import learned

    model = learned.load("fast")
    docs = [json.loads(line)["sentences"] for line in (news / "documents.jsonl").open(encoding="utf-8")]
    sentences = [s for d in (docs[:limit] if limit else docs) for s in d]
    t0 = time.perf_counter()
    model.probabilities(sentences)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"sentences": len(sentences), "seconds": seconds, "peak_mb": peak_mb}))


def load_sentences(news: Path, limit: int | None) -> list[str]:
    """The news sentences, one a record (``limit``: the first N)."""
    sentences = (news / "sentences.txt").read_text(encoding="utf-8").splitlines()
    return sentences[:limit] if limit else sentences


def stages_worker(news: Path, limit: int | None) -> None:
    """CPU time per sentence of each stage of the fast tier's model, with its encoder in fp32 and in int8."""
    import torch
    from safetensors.torch import load_file

    torch.set_num_threads(1)  # what each of --jobs 2 workers gets on 2 cores
    from detector import learned
    from detector.batch.scoring import batches
    from detector.learned.sources import minilm

    model = learned.load("fast")
    source = next(s for s in model.sources if s.name == "minilm")
    other_config = replace(source.net.config, int8=not source.net.config.int8)  # the same bundle, the other way
    other = minilm.for_scoring(minilm.build(other_config, load_file(str(source.origin / "adapter.safetensors"))))
    nets = {"int8" if source.net.config.int8 else "fp32": source.net, "int8" if other_config.int8 else "fp32": other}
    sentences = load_sentences(news, limit or 256)
    groups = batches(sentences, lambda t: t)  # by length, as mtlint score batches them
    cheap = next(s for s in model.sources if s.name == "cheap")
    cheap.score(sentences)  # word frequencies cached for both rows alike
    rows = {}
    for name, net in nets.items():
        times = dict.fromkeys(("tokenize", "encoder", "heads"), 0.0)
        with torch.inference_mode():
            for group in groups:
                c0 = time.process_time()
                enc = net.encode(group)
                c1 = time.process_time()
                h = net.bert(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
                c2 = time.process_time()
                mask = enc["attention_mask"].unsqueeze(-1).to(h.dtype)
                net.sentence_head((h * mask).sum(1) / mask.sum(1).clamp(min=1.0)), torch.sigmoid(net.token_head(h).squeeze(-1)).tolist()
                c3 = time.process_time()
                for key, t in zip(times, (c1 - c0, c2 - c1, c3 - c2)):
                    times[key] += t
        c0 = time.process_time()
        cheap.score(sentences)
        times["cheap features"] = time.process_time() - c0
        source.net = net
        c0 = time.process_time()
        model.probabilities(sentences)
        times["all (probabilities)"] = time.process_time() - c0
        rows[name] = {k: v * 1000 / len(sentences) for k, v in times.items()}
    print(json.dumps({"sentences": len(sentences), "served": "fp32" if other_config.int8 else "int8", "rows": rows}))


def suggest_worker(tier: str, repeat: int) -> None:
    """Time checking the seed article with ``tier``'s model, without and with suggestions."""
    from detector import check, learned
    from detector.corrections.fixes import default_corrector

    model, corrector = learned.load(tier), default_corrector()
    text = SEED.read_text(encoding="utf-8")
    report = check(text, model=model, suggest=corrector)  # warm up both models
    flagged = sorted({s.text for s in report.document.sentences for f in report.findings if f.rule == "MT201" and s.start <= f.start < s.end})
    timings: dict[str, list[float]] = {"check": [], "suggest": [], "lm_pass": []}
    for _ in range(repeat):
        for key, run in (("check", lambda: check(text, model=model)), ("suggest", lambda: check(text, model=model, suggest=corrector)), ("lm_pass", lambda: corrector.scorer.lm.sentence_logprob(flagged))):
            t0 = time.perf_counter()
            run()
            timings[key].append(time.perf_counter() - t0)
    best = {k: min(v) for k, v in timings.items()}
    extra = best["suggest"] - best["check"]
    print(json.dumps({
        "tier": tier, "flagged": len(flagged), "suggested": sum(bool(f.edits) for f in report.findings),
        "check_s": best["check"], "suggest_s": best["suggest"], "per_flagged_s": extra / max(len(flagged), 1),
        "lm_passes": extra / best["lm_pass"] if flagged else 0.0,
    }))


def suggest_table(repeat: int) -> None:
    """``check`` against ``check`` with suggestions on the seed article, per model tier."""
    print(f"\n{'seed article':<14} {'flagged':>8} {'suggested':>10} {'check s':>8} {'+suggest s':>11} {'ratio':>7} {'s/flagged':>10} {'LM passes':>10}")
    for tier in ("fast", "full"):
        if r := run_child("--suggest", tier, "--repeat", str(repeat)):
            ratio = r["suggest_s"] / r["check_s"]
            print(f"{tier:<14} {r['flagged']:>8} {r['suggested']:>10} {r['check_s']:>8.2f} {r['suggest_s']:>11.2f} {ratio:>6.2f}x {r['per_flagged_s']:>10.2f} {r['lm_passes']:>10.1f}")
    print("(LM passes: the suggestions' extra time per flagged sentence over one batched SmolLM2 pass over it)")


def score_run(news: Path, limit: int | None, tier: str, jobs: int, unit: str = "documents") -> dict | None:
    """``mtlint score`` on the documents (or, with ``unit="sentences"``, the sentences) as JSONL records; its ``--summary``."""
    texts = load_documents(news, limit)[0] if unit == "documents" else load_sentences(news, limit)
    with tempfile.TemporaryDirectory() as tmp:
        src, summary = Path(tmp) / "docs.jsonl", Path(tmp) / "summary.json"
        src.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
        cmd = [sys.executable, "-m", "detector.cli", "score", "-q", "--model", tier, "--jobs", str(jobs), str(src), "-o", str(Path(tmp) / "out.jsonl"), "--summary", str(summary)]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
        if done.returncode != 0:
            print(f"  (score {tier} --jobs {jobs} failed: {done.stderr.strip()[-300:]})")
            return None
        return json.loads(summary.read_text(encoding="utf-8"))


def run_child(*args: str) -> dict | None:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  ({args[1]} skipped: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'failed'})")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def peers_table(args: argparse.Namespace, limit: str) -> list[dict]:
    """Sentences per second and peak memory of every tool on the news documents."""
    rows = [r for tool in TOOLS if (r := run_child("--worker", tool, "--news", str(args.news), "--docs", limit, "--repeat", str(args.repeat)))]
    base = next((r for r in rows if r["tool"] == "mtlint-rules"), None)
    print(f"\n{'tool':<14} {'sentences/s':>12} {'vs mtlint':>10} {'peak MB':>9} {'load s':>7}")
    for r in rows:
        rate = r["sentences"] / r["seconds"]
        ratio = rate / (base["sentences"] / base["seconds"]) if base else float("nan")
        print(f"{r['tool']:<14} {rate:>12,.0f} {ratio:>9.2f}x {r['peak_mb']:>9.0f} {r['load_s']:>7.2f}")
    print(f"({rows[0]['sentences'] if rows else 0} sentences, best of {args.repeat})")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/news-en")
    parser.add_argument("--docs", type=int, default=None, help="check only the first N documents")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--scaling", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--scaling-only", action="store_true", help="only the check/fix table at 1, 4 and 16 MB")
    parser.add_argument("--forward", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--score-docs", type=int, default=None, help="mtlint score model tiers: only the first N documents")
    parser.add_argument("--no-score", action="store_true", help="skip the mtlint score table")
    parser.add_argument("--score-sentences", type=int, default=20000, help="rules tier on one-sentence records: the first N news sentences (0: skip)")
    parser.add_argument("--stages", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--suggest", help=argparse.SUPPRESS)
    parser.add_argument("--suggest-only", action="store_true", help="only the check vs check-with-suggestions table")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.news, args.docs, args.repeat)
    if args.scaling:
        return scaling_worker(args.scaling)
    if args.forward:
        return forward_worker(args.news, args.docs)
    if args.stages is not None:
        return stages_worker(args.news, args.stages)
    if args.suggest:
        return suggest_worker(args.suggest, args.repeat)
    if args.suggest_only:
        return suggest_table(args.repeat)
    rows = [] if args.scaling_only else peers_table(args, str(args.docs or 0))
    print(f"\n{'text':<8} {'findings':>9} {'check s':>8} {'fix s':>8} {'fix/check':>10} {'peak MB':>8}")
    for mb in (1, 4, 16):
        if r := run_child("--scaling", str(mb)):
            ratio = r["fix_s"] / r["check_s"]
            print(f"{str(mb) + ' MB':<8} {r['findings']:>9,} {r['check_s']:>8.2f} {r['fix_s']:>8.2f} {ratio:>9.2f}x {r['peak_mb']:>8.0f}")

    if not (args.no_score or args.scaling_only):
        score_table(args, rows)
    if not args.scaling_only:
        suggest_table(args.repeat)


def score_table(args: argparse.Namespace, rows: list[dict]) -> None:
    """``mtlint score`` per tier and --jobs, with ratios to the peers measured above."""
    peers = {r["tool"]: r["sentences"] / r["seconds"] for r in rows if r["tool"] in ("harper", "proselint")}
    model_limit = args.score_docs or args.docs
    print(f"\n{'mtlint score':<22} {'records/s':>10} {'sentences/s':>12} {'MB/worker':>10} {'vs harper':>10} {'vs proselint':>13}")
    for tier in ("rules", "fast", "full"):
        for jobs in (1, 2):
            s = score_run(args.news, args.docs if tier == "rules" else model_limit, tier, jobs)
            if s is None:
                continue
            rate = s["sentences_per_s"] or 0.0
            ratios = [f"{rate / peers[p]:.2f}x" if p in peers else "-" for p in ("harper", "proselint")]
            label = f"{tier} --jobs {jobs}"
            print(f"{label:<22} {s['records_per_s'] or 0:>10,.1f} {rate:>12,.1f} {s['peak_worker_mb']:>10.0f} {ratios[0]:>10} {ratios[1]:>13}  ({s['sentences']:,} sentences)")
    if args.score_sentences:
        for jobs in (1, 2):
            if s := score_run(args.news, args.score_sentences, "rules", jobs, unit="sentences"):
                label = f"rules --jobs {jobs} (1-sent.)"
                print(f"{label:<22} {s['records_per_s'] or 0:>10,.1f} {s['sentences_per_s'] or 0:>12,.1f} {s['peak_worker_mb']:>10.0f}  ({s['records']:,} one-sentence records)")
    if f := run_child("--forward", "--news", str(args.news), "--docs", str(model_limit or 0)):
        print(f"{'model-alone':<22} {'':>10} {f['sentences'] / f['seconds']:>12,.1f} {f['peak_mb']:>10.0f}  ({f['sentences']:,} sentences, batched, 1 process)")
    if st := run_child("--stages", "256", "--news", str(args.news)):
        stages_table(st)


def stages_table(st: dict) -> None:
    """The fast tier's model per sentence, stage by stage (CPU ms, one thread), with the encoder in fp32 and in int8."""
    fp32, int8 = st["rows"]["fp32"], st["rows"]["int8"]
    print(f"\nfast tier, CPU ms per sentence, 1 thread ({st['sentences']} news sentences; the bundle serves {st['served']})")
    print(f"{'stage':<22} {'fp32':>8} {'int8':>8} {'fp32/int8':>10}")
    for stage, ms in fp32.items():
        print(f"{stage:<22} {ms:>8.2f} {int8[stage]:>8.2f} {ms / int8[stage] if int8[stage] else float('nan'):>9.2f}x")


if __name__ == "__main__":
    main()
