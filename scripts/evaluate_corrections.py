"""Evaluate the suggested corrections (detector/corrections) on sentences with known clean originals.

Usage:
    python scripts/evaluate_corrections.py collect --set handwritten --spans gold|model --out R.jsonl [--limit N]
    python scripts/evaluate_corrections.py calibrate R.jsonl...      # grid over margin and token bonus
    python scripts/evaluate_corrections.py report R.jsonl... [--margin M --token-bonus B]
    python scripts/evaluate_corrections.py diagnose --set handwritten --spans gold|model [--limit N] [--out D.jsonl]

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

``diagnose`` says, for each garbled sentence whose top suggestion does not restore the original,
where the search lost it: MT201 does not flag it, the flagged span misses the error, a meaning
guard rejects the original, no generator proposes it (one edit; or it needs two), the prior prunes
it before scoring, it scores below the margin, or another candidate outranks it.
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
from detector.corrections.search import Scored, SearchConfig, allowed, focus_spans, generate, pruned, rank, score, scored_candidates, unigram_change  # noqa: E402
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
    if args.spans_from:  # MT201's spans of an earlier run (by id), so the detector need not run again
        earlier = {r["id"]: r["spans"] for r in load([args.spans_from])}
        rows = [dict(r, spans=earlier[r["id"]]) for r in rows if r["id"] in earlier]
    elif args.spans == "model" or args.set == "clean-news":
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
    scored = [c for c in scored if allowed(row["text"], c.edit)]  # guards of today's code
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


def _same(a: str, b: str) -> bool:
    """The metric's notion of a restored sentence: the same words."""
    return [w.text for w in words(a)] == [w.text for w in words(b)]


def where_lost(row: dict, scorer: object, config: SearchConfig) -> str:
    """Why the top suggestion for ``row`` is not its clean original (or "restored")."""
    text, clean = row["text"], row["clean"]
    if not row["spans"]:
        return "not flagged"
    gold = row.get("gold", row["spans"])
    if not any(s < ge and gs < e for s, e in row["spans"] for gs, ge in gold):
        return "span misses the error"
    analysis = scorer.analyse(text)  # type: ignore[attr-defined]
    edits = generate(text, row["spans"], analysis, (), config)
    hit = next((e for e in edits if _same(e.apply(text), clean)), None)
    why = violation(text, clean)
    if why is not None and (hit is None or not allowed(text, hit)):
        return "guard: " + (why if why.startswith(("changes", "deletes")) else "edit budget")
    if hit is None:
        pairs_ = ((a, b) for a in edits for b in edits if a.end < b.start)
        if any(_same(_apply2(text, a, b), clean) for a, b in pairs_):
            return "needs two edits"
        focus = focus_spans(text, row["spans"], analysis, config)
        a, b = [w.text for w in words(text)], [w.text for w in words(clean)]
        ws = words(text)
        ops = [op for op in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if op[0] != "equal"]
        touched = {i for _, i1, i2, _, _ in ops for i in range(max(0, i1 - 1), min(len(ws), max(i2, i1 + 1)))}
        if not any(s < ws[i].end and ws[i].start < e for i in touched for s, e in focus):
            return "not generated: error outside the focused words"
        kind = "+".join(sorted({f"{tag} {i2 - i1}>{j2 - j1}" for tag, i1, i2, j1, j2 in ops}))
        return f"not generated: {kind if len(ops) == 1 else 'several edits'}"
    guarded = [e for e in edits if allowed(text, e)]
    kept = pruned(guarded, text, scorer, analysis, config)  # type: ignore[arg-type]
    if hit not in kept:
        return "pruned before scoring"
    texts = [e.apply(text) for e in kept]
    gains = scorer.gains(analysis, texts, config.window)  # type: ignore[attr-defined]
    counts = scorer.token_counts(texts) - (len(analysis.ids) - 1)  # type: ignore[attr-defined]
    values = {e: score(Scored(e, t, float(g), int(n), unigram_change(text, e)), config) for e, t, g, n in zip(kept, texts, gains, counts)}
    if values[hit] <= config.margin:
        return "generated, below the margin"
    if max(values.values()) > values[hit]:
        return "generated, outranked"
    return "restored"


def _apply2(text: str, a: Edit, b: Edit) -> str:
    """Two edits that do not touch (``a`` before ``b``) applied together."""
    return text[: a.start] + a.new + text[a.end : b.start] + b.new + text[b.end :]


def diagnose(args: argparse.Namespace) -> None:
    from collections import Counter

    from detector.corrections.scoring import EditScorer
    from detector.learned.smollm import load_lm

    rows = pairs(args.set, args.corpus)[:: args.every][: args.limit or None]
    for row in rows:
        row["gold"] = row["spans"]
    if args.spans == "model":
        for row, spans in zip(rows, model_spans([r["text"] for r in rows])):
            row["spans"] = spans
    scorer = EditScorer(load_lm())
    config = SearchConfig(max_candidates=args.max_candidates, window=args.window)
    found: Counter[str] = Counter()
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    for row in rows:
        found[why := where_lost(row, scorer, config)] += 1
        if out:
            out.write(json.dumps({"id": row["id"], "why": why, "text": row["text"], "clean": row["clean"], "spans": row["spans"]}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} garbled sentences ({args.set}, {args.spans} spans)")
    for why, n in found.most_common():
        print(f"{n:5d}  {n / max(len(rows), 1):6.1%}  {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--set", required=True, choices=["handwritten", "synthetic-dev", "synthetic-test", "clean-news"])
    c.add_argument("--spans", choices=["gold", "model"], default="gold")
    c.add_argument("--corpus", type=Path, default=ROOT / "build/corpus")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--limit", type=int, default=0)
    c.add_argument("--spans-from", type=Path, help="take the spans from an earlier collect/diagnose output (same ids)")
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
    d = sub.add_parser("diagnose")
    d.add_argument("--set", required=True, choices=["handwritten", "synthetic-dev", "synthetic-test"])
    d.add_argument("--spans", choices=["gold", "model"], default="gold")
    d.add_argument("--corpus", type=Path, default=ROOT / "build/corpus")
    d.add_argument("--out", type=Path)
    d.add_argument("--limit", type=int, default=0)
    d.add_argument("--every", type=int, default=1)
    d.add_argument("--window", type=int, default=SearchConfig().window)
    d.add_argument("--max-candidates", type=int, default=SearchConfig().max_candidates)
    t = sub.add_parser("cost")
    t.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    {"collect": collect, "calibrate": calibrate, "report": report, "cost": cost, "diagnose": diagnose}[args.cmd](args)


if __name__ == "__main__":
    main()
