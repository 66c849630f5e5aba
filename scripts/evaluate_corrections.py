"""Evaluate the suggested corrections (detector/corrections) on sentences with known clean originals.

Usage:
    python scripts/evaluate_corrections.py collect --set handwritten --spans gold|model --out R.jsonl [--limit N]
    python scripts/evaluate_corrections.py calibrate R.jsonl...      # grid over margin and token bonus
    python scripts/evaluate_corrections.py report R.jsonl... [--margin M --token-bonus B]

``collect`` runs the search once per garbled sentence and stores every guarded candidate with its
raw log-probability gain, so that ``calibrate`` (on the synthetic *dev* split only) and ``report``
(on held-out sets) can apply any margin without rerunning the model. Sets: ``handwritten``
(corpus/handwritten.jsonl), ``synthetic-dev`` / ``synthetic-test`` (``<corpus>/{dev,test}.jsonl``),
``clean-news`` (the clean sentences of the synthetic test split, i.e. held-out news-en documents).
Spans: ``gold`` (oracle detection: the annotated error spans) or ``model`` (what MT201 flags).

Reported: the share of garbled sentences whose top suggestion restores the clean original exactly,
brings it closer or makes it worse (word edit distance), the share that get any suggestion, and
edit precision/recall/F0.5 in the style of ERRANT but with word-level edits extracted by difflib
(not ERRANT's linguistically merged edits); on clean news, the share of sentences with a suggestion.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector.corrections.edits import Edit, words  # noqa: E402
from detector.corrections.guards import violation  # noqa: E402
from detector.distance import levenshtein  # noqa: E402
from detector.corrections.search import Scored, SearchConfig, rank, scored_candidates, unigram_change  # noqa: E402
from detector.training.data import load_corpus  # noqa: E402


MAX_WORSE = 0.05  # the bound on sentences a suggestion makes worse


def pairs(name: str, corpus: Path) -> list[dict]:
    """Sentences to correct: garbled ones with their clean original (clean news: clean ones only)."""
    path = {"handwritten": ROOT / "corpus/handwritten.jsonl", "synthetic-dev": corpus / "dev.jsonl"}.get(
        name, corpus / "test.jsonl"
    )
    items = load_corpus(path)
    clean = {i.pair: i.text for i in items if i.label == 0}
    if name == "clean-news":
        return [{"id": i.id, "text": i.text, "clean": i.text, "spans": []} for i in items if i.label == 0]
    return [
        {"id": i.id, "text": i.text, "clean": clean[i.pair], "spans": [(s.start, s.end) for s in i.spans]}
        for i in items
        if i.label == 1 and i.pair in clean
    ]


def model_spans(texts: list[str]) -> list[list[tuple[int, int]]]:
    """What MT201 flags in each text (spans of its findings)."""
    from detector import learned
    from detector.api import check

    model = learned.load()
    return [[(f.start, f.end) for f in check(t, model=model).findings if f.rule == "MT201"] for t in texts]


def collect(args: argparse.Namespace) -> None:
    import torch

    from detector.corrections.scoring import EditScorer
    from detector.learned.smollm import load_lm

    torch.set_num_threads(1)
    rows = pairs(args.set, args.corpus)[:: args.every][: args.limit or None]
    if args.spans == "model" or args.set == "clean-news":
        for row, spans in zip(rows, model_spans([r["text"] for r in rows])):
            row["spans"] = spans
    scorer = EditScorer(load_lm())
    config = SearchConfig(max_candidates=args.max_candidates, window=args.window)
    with open(args.out, "w", encoding="utf-8") as out:
        for row in rows:
            t = time.perf_counter()
            _, scored = scored_candidates(row["text"], row["spans"], scorer, config=config) if row["spans"] else (None, [])
            row["seconds"] = round(time.perf_counter() - t, 3)
            row["candidates"] = [[c.edit.start, c.edit.end, c.edit.new, c.edit.kind, c.gain, c.tokens] for c in scored]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()


def load(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def top(row: dict, config: SearchConfig) -> str:
    """The sentence after the top suggestion (the garbled sentence when there is none)."""
    edits = [(Edit(s, e, new, kind), g, n) for s, e, new, kind, g, n in row["candidates"]]
    scored = [Scored(e, e.apply(row["text"]), g, n, unigram_change(row["text"], e)) for e, g, n in edits]
    scored = [c for c in scored if violation(row["text"], c.text) is None]  # guards of today's code
    best = rank(scored, config)
    return best[0][1] if best else row["text"]


def _edits(a: list[str], b: list[str]) -> set[tuple[int, int, tuple[str, ...]]]:
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    return {(i1, i2, tuple(b[j1:j2])) for tag, i1, i2, j1, j2 in ops if tag != "equal"}


def metrics(rows: list[dict], config: SearchConfig) -> dict:
    n = len(rows)
    exact = closer = worse = changed = tp = fp = fn = 0
    seconds = sum(r.get("seconds", 0.0) for r in rows)
    for r in rows:
        out = top(r, config)
        g, c, o = ([w.text for w in words(x)] for x in (r["text"], r["clean"], out))
        changed += out != r["text"]
        exact += " ".join(o) == " ".join(c) and out != r["text"]
        d0, d1 = levenshtein(g, c), levenshtein(o, c)
        closer += d1 < d0
        worse += d1 > d0
        gold, hyp = _edits(g, c), _edits(g, o)
        tp += len(gold & hyp)
        fp += len(hyp - gold)
        fn += len(gold - hyp)
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f05 = 1.25 * p * rec / (0.25 * p + rec) if p + rec else 0.0
    flagged = sum(bool(r["spans"]) for r in rows)
    return {
        "n": n, "with_spans": flagged, "suggested": changed / max(n, 1), "exact": exact / max(n, 1),
        "closer": closer / max(n, 1), "worse": worse / max(n, 1), "P": p, "R": rec, "F0.5": f05,
        "seconds_per_flagged_sentence": seconds / max(flagged, 1),
    }


def calibrate(args: argparse.Namespace) -> None:
    """Grid over (unigram weight, token bonus, margin) on the given records: the most exact
    restorations among the settings that make at most 5% of the sentences worse."""
    rows = load(args.records)
    results = []
    for weight in (0.0, 0.25, 0.5, 0.75, 1.0):
        for bonus in (0.0, 1.0, 2.0, 3.0):
            for margin in (0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 15.0):
                m = metrics(rows, SearchConfig(margin=margin, token_bonus=bonus, unigram_weight=weight))
                results.append((m["exact"] if m["worse"] <= MAX_WORSE else -m["worse"], weight, bonus, margin, m))
    for value, weight, bonus, margin, m in sorted(results, key=lambda r: -r[0])[: args.top]:
        print(f"weight {weight:.2f} bonus {bonus:.1f} margin {margin:.1f}: exact {m['exact']:.3f} closer {m['closer']:.3f} worse {m['worse']:.3f} F0.5 {m['F0.5']:.3f} suggested {m['suggested']:.3f}")


def report(args: argparse.Namespace) -> None:
    config = SearchConfig()
    if args.margin is not None:
        config = SearchConfig(margin=args.margin, token_bonus=args.token_bonus, unigram_weight=args.unigram_weight)
    for path in args.records:
        rows = load([path])
        for name, subset in (("all", rows), ("flagged", [r for r in rows if r["spans"]])):
            m = metrics(subset, config)
            print(path.name, name, json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()}))


def cost(args: argparse.Namespace) -> None:
    """Seconds to check the seed article (rules + the shipped model, and one language-model pass over
    every sentence, which the full tier's LM source costs) against the suggestions for the sentences
    the team annotated as garbled, each flagged as a whole sentence; all in one run, one thread."""
    import torch

    from detector import learned
    from detector.api import check
    from detector.corrections.scoring import EditScorer
    from detector.corrections.search import suggest
    from detector.document import Document
    from detector.learned.smollm import load_lm

    torch.set_num_threads(1)
    text = (ROOT / "seeds/000_92ad0e3d2eded5f1.txt").read_text(encoding="utf-8")
    labels = [line.split("\t")[0] for line in (ROOT / "tests/data/seed_annotation.tsv").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    sentences = [s.text for s in Document(text).sentences]
    model, lm = learned.load(), load_lm()
    scorer = EditScorer(lm)
    check(text, model=model), lm.sentence_logprob(sentences[:2])  # warm up
    timings = {"check": [], "lm_pass": [], "suggest": []}
    for _ in range(args.repeat):
        t = time.perf_counter()
        check(text, model=model)
        timings["check"].append(time.perf_counter() - t)
        t = time.perf_counter()
        lm.sentence_logprob(sentences)
        timings["lm_pass"].append(time.perf_counter() - t)
        t = time.perf_counter()
        found = [suggest(s, [(0, len(s))], scorer, context=sentences) for s, lab in zip(sentences, labels) if lab == "garbled"]
        timings["suggest"].append(time.perf_counter() - t)
    best = {k: min(v) for k, v in timings.items()}
    flagged = sum(lab == "garbled" for lab in labels)
    print(json.dumps({
        "sentences": len(sentences), "flagged": flagged, "with_suggestion": sum(bool(f) for f in found),
        **{f"{k}_s": round(v, 2) for k, v in best.items()},
        "suggest_per_flagged_sentence_s": round(best["suggest"] / flagged, 3),
        "ratio_vs_check": round((best["check"] + best["suggest"]) / best["check"], 2),
        "ratio_vs_check_with_lm_pass": round((best["check"] + best["lm_pass"] + best["suggest"]) / (best["check"] + best["lm_pass"]), 2),
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--set", required=True, choices=["handwritten", "synthetic-dev", "synthetic-test", "clean-news"])
    c.add_argument("--spans", choices=["gold", "model"], default="gold")
    c.add_argument("--corpus", type=Path, default=ROOT / "build/corpus")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--limit", type=int, default=0)
    c.add_argument("--every", type=int, default=1, help="take every n-th sentence (a spread-out subsample)")
    c.add_argument("--window", type=int, default=SearchConfig().window)
    c.add_argument("--max-candidates", type=int, default=SearchConfig().max_candidates)
    k = sub.add_parser("calibrate")
    k.add_argument("records", type=Path, nargs="+")
    k.add_argument("--top", type=int, default=15)
    r = sub.add_parser("report")
    r.add_argument("records", type=Path, nargs="+")
    r.add_argument("--margin", type=float)
    r.add_argument("--token-bonus", type=float, default=SearchConfig().token_bonus)
    r.add_argument("--unigram-weight", type=float, default=SearchConfig().unigram_weight)
    t = sub.add_parser("cost")
    t.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    {"collect": collect, "calibrate": calibrate, "report": report, "cost": cost}[args.cmd](args)


if __name__ == "__main__":
    main()
