"""Evaluate a trained detector on held-out data, next to length, cheap-feature and grammar-checker baselines.

Usage:
    python scripts/evaluate.py [--model full|fast|BUNDLE] [--corpus build/corpus]
        [--mt ../shared/data/mt-en-dev] [--data extra.jsonl ...] [--json out.json]

Sets (each only if present; none was trained on):
- ``synthetic-test``: ``<corpus>/test.jsonl`` (documents held out from training);
- ``handwritten``: ``corpus/handwritten.jsonl`` (never trained on);
- ``mt-en-dev-dev``: the dev split of mt-en-dev (labels 0/1; per language pair);
- any ``--data`` JSONL in the corpus schema;
- ``clean-news``: the clean sentences of ``synthetic-test`` (false-positive rate);
- ``seed``: the seed article against ``tests/data/seed_annotation.tsv``.

Every set is measured on the sentences MT201 can report: those without a rule finding (the
sentences left out are counted). Reported per set: ROC AUC, PR AUC, precision/recall/F1 and flag rate at the model's default
threshold, pair accuracy (a garbled sentence scored above its own clean original), span
precision/recall, detection rate and ROC AUC per gold category (and, for the hand-written set,
per ``corpus/handwritten_visibility.tsv`` verdict: can an editor see the error at all), metrics per
group (language pair, beat); and the same sentence metrics for length alone (threshold fit on
the calibration data like the model's), for the cheap features alone, and for the number of
harper-py grammar lints (when the ``peers`` extra is installed).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from detector import learned
from detector.api import check
from detector.learned.combiner import Combiner
from detector.learned.detector import localize
from detector.learned.sources.cheap import CheapSource
from detector.training.data import Labelled, load_corpus, load_mt_en_dev
from detector.training.metrics import pair_accuracy, sentence_metrics, span_metrics
from detector.training.pipeline import choose_threshold, fit_items, reportable_items
from detector.training.recipe import Recipe, recipe_from_dict

ROOT = Path(__file__).resolve().parent.parent


def length(texts: list[str]) -> np.ndarray:
    return np.array([len(t.split()) for t in texts], dtype=float)


def harper_lints() -> object | None:
    """Number of harper-py grammar lints per sentence (a peer grammar checker), if installed."""
    try:
        import harper
    except ImportError:
        return None
    linter = harper.Linter()
    return lambda texts: np.array([len(linter.lint(t)) for t in texts], dtype=float)


def baselines(recipe: Recipe) -> dict[str, tuple[object, float]]:
    """Length, cheap-feature and (if installed) grammar-checker scorers; thresholds fit on the calibration data."""
    calibration = reportable_items(fit_items(recipe)[1])
    texts = [i.text for i in calibration]
    clean = np.array([i.source == "synthetic" and i.label == 0 for i in calibration])
    y = np.array([i.label for i in calibration])
    cheap = CheapSource(recipe.cheap_features)
    X = cheap.score(texts)[0]
    features = Combiner(feature_names=cheap.columns).fit(X, y)
    p_feat = features.predict_proba(X)[:, 1]
    harper = harper_lints()
    peers = {"harper": (harper, choose_threshold(harper(texts)[clean], recipe.clean_fp_target))} if harper else {}
    return {
        "length": (lambda t: length(t), choose_threshold(length(texts)[clean], recipe.clean_fp_target)),
        "features": (
            lambda t: features.predict_proba(cheap.score(t)[0])[:, 1],
            choose_threshold(p_feat[clean], recipe.clean_fp_target),
        ),
        **peers,
    }


def detection_by(subsets: dict[str, list[int]], y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """Per subset of garbled sentences: share flagged, and ROC AUC against every clean sentence of the set."""
    clean = np.flatnonzero(y == 0)
    return {
        name: {
            "n": len(ix),
            "recall": float((p[ix] >= threshold).mean()),
            "roc_auc": sentence_metrics(np.r_[y[clean], y[ix]], np.r_[p[clean], p[ix]], threshold)["roc_auc"],
        }
        for name, ix in sorted(subsets.items())
    }


def tsv_rows(path: Path) -> list[list[str]]:
    """Tab-separated fields of a file's lines, skipping blank lines and ``#`` comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def read_visibility(path: Path) -> dict[str, str]:
    """id → yes/maybe/no: whether an editor can see from the garbled sentence alone that it is wrong."""
    return {row[0]: row[1] for row in tsv_rows(path)} if path.exists() else {}


def evaluate_set(name: str, items: list[Labelled], model, base, visibility: dict[str, str] | None = None) -> dict:
    """Metrics on the sentences of ``items`` MT201 can report (no rule hit)."""
    visibility = visibility or {}
    kept = {id(i) for i in reportable_items(items)}
    left_out = [i for i in items if id(i) not in kept]
    total, items = len(items), [i for i in items if id(i) in kept]
    texts = [i.text for i in items]
    y = np.array([i.label for i in items])
    p, evidence = model.probabilities(texts)
    pairs = [i.pair for i in items]
    p_out = model.probabilities([i.text for i in left_out])[0]
    out: dict = {
        "set": name,
        "sentences": total,
        "with_rule_hit": len(left_out),
        "with_rule_hit_garbled": float(np.mean([i.label == 1 for i in left_out])) if left_out else float("nan"),
        "with_rule_hit_model_would_flag": float(np.mean(p_out >= model.threshold)) if left_out else float("nan"),
    }
    out["model"] = {**sentence_metrics(y, p, model.threshold), **pair_accuracy(pairs, y, p)}
    for bname, (scorer, threshold) in base.items():
        q = scorer(texts)
        out[bname] = {**sentence_metrics(y, q, threshold), **pair_accuracy(pairs, y, q)}
    flagged = p >= model.threshold
    predicted = [localize(t, tok, model.token_threshold) if f else [] for t, tok, f in zip(texts, evidence, flagged)]
    gold = [[(s.start, s.end) for s in i.spans] for i in items]
    out["spans"] = span_metrics(gold, predicted)
    by_cat: dict[str, list[int]] = defaultdict(list)
    by_visibility: dict[str, list[int]] = defaultdict(list)
    for k, i in enumerate(items):
        for cat in {s.category for s in i.spans} if i.label == 1 else ():
            by_cat[cat].append(k)
        if i.label == 1 and i.id in visibility:
            by_visibility[visibility[i.id]].append(k)
    out["detection_by_category"] = detection_by(by_cat, y, p, model.threshold)
    if by_visibility:
        out["detection_by_visibility"] = detection_by(by_visibility, y, p, model.threshold)
    groups: dict[str, list[int]] = defaultdict(list)
    for k, i in enumerate(items):
        groups[i.group].append(k)
    if len(groups) > 1:
        out["by_group"] = {
            g: {"model": sentence_metrics(y[ix], p[ix], model.threshold), "length_roc_auc": sentence_metrics(y[ix], length([texts[k] for k in ix]), 0)["roc_auc"]}
            for g, ix in sorted(groups.items())
        }
    return out


def evaluate_seed(model, annotation: Path, seed: Path) -> dict:
    text = seed.read_text(encoding="utf-8")
    labels = tsv_rows(annotation)
    report = check(text, model=model)
    sentences = report.document.sentences
    assert len(sentences) == len(labels), "seed annotation is out of date"
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for sent, (label, prefix) in zip(sentences, labels):
        assert sent.text.startswith(prefix), prefix
        hit = any(f.source == "model" and sent.start <= f.start < sent.end for f in report.findings)
        counts[label][0] += hit
        counts[label][1] += 1
    return {label: {"flagged": f, "of": n} for label, (f, n) in sorted(counts.items())}


def fmt(m: dict) -> str:
    pairs = f"  pairs {m['pair_accuracy']:.3f} of {m['pairs']}" if m.get("pairs") else ""
    return (
        f"ROC {m['roc_auc']:.3f}  PR {m['pr_auc']:.3f}  P {m['precision']:.3f}  R {m['recall']:.3f}  "
        f"F1 {m['f1']:.3f}  flagged {m['flag_rate']:.1%}  (n={m['n']}, pos={m['positives']}){pairs}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="full", help="tier or bundle folder (default: full)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "build/corpus")
    parser.add_argument("--mt", type=Path, default=ROOT.parent / "shared/data/mt-en-dev")
    parser.add_argument("--data", type=Path, action="append", default=[])
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    model = learned.load(args.model)
    recipe = recipe_from_dict({**model.recipe, "corpus": str(args.corpus), "mt": str(args.mt) if args.mt.exists() else None})
    base = baselines(recipe)
    sets: list[tuple[str, list[Labelled]]] = []
    if (args.corpus / "test.jsonl").exists():
        test = load_corpus(args.corpus / "test.jsonl")
        sets.append(("synthetic-test", test))
    if (ROOT / "corpus/handwritten.jsonl").exists():
        sets.append(("handwritten", load_corpus(ROOT / "corpus/handwritten.jsonl")))
    if args.mt.exists():
        sets.append(("mt-en-dev-dev", load_mt_en_dev(args.mt, "dev")))
    sets += [(path.stem, load_corpus(path)) for path in args.data]

    visibility = read_visibility(ROOT / "corpus/handwritten_visibility.tsv")
    results = []
    for name, items in sets:
        r = evaluate_set(name, items, model, base, visibility if name == "handwritten" else None)
        results.append(r)
        print(
            f"\n## {name}: {r['with_rule_hit']} of {r['sentences']} sentences have a rule hit and are left out "
            f"({r['with_rule_hit_garbled']:.1%} of them garbled, {r['with_rule_hit_model_would_flag']:.1%} over the model's threshold)"
        )
        print(f"  model    {fmt(r['model'])}")
        for bname in base:
            print(f"  {bname:<8} {fmt(r[bname])}")
        s = r["spans"]
        print(f"  spans: precision {s['span_precision']:.3f} recall {s['span_recall']:.3f} ({s['predicted_spans']} predicted, {s['gold_spans']} gold)")
        for cat, v in r["detection_by_category"].items():
            print(f"  [{cat}] detected {v['recall']:.1%} of {v['n']}, ROC AUC against clean {v['roc_auc']:.3f}")
        for verdict, v in r.get("detection_by_visibility", {}).items():
            print(f"  visible to an editor: {verdict:<5} detected {v['recall']:.1%} of {v['n']}, ROC AUC against clean {v['roc_auc']:.3f}")
        for g, v in r.get("by_group", {}).items():
            print(f"  group {g:<12} model ROC {v['model']['roc_auc']:.3f} vs length ROC {v['length_roc_auc']:.3f}  flagged {v['model']['flag_rate']:.1%}")
        if name == "synthetic-test":
            clean = reportable_items([i for i in items if i.label == 0])
            p, _ = model.probabilities([i.text for i in clean])
            fp = float(np.mean(p >= model.threshold))
            results.append({"set": "clean-news", "flag_rate": fp, "n": len(clean)})
            print(f"\n## clean-news (clean sentences of held-out documents)\n  flagged {fp:.2%} of {len(clean)}")
    seed = evaluate_seed(model, ROOT / "tests/data/seed_annotation.tsv", ROOT / "seeds/000_92ad0e3d2eded5f1.txt")
    results.append({"set": "seed", **seed})
    print("\n## seed article (model findings per annotated sentence)")
    for label, v in seed.items():
        print(f"  {label:<8} {v['flagged']} of {v['of']} flagged")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
