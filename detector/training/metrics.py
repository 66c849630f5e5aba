"""Sentence- and span-level metrics for garble detectors (pure functions on arrays and spans)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detector.spans import intersects

Spans = Sequence[tuple[int, int]]


def sentence_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    """ROC AUC, PR AUC, and precision/recall/F1 and flag rate at ``threshold``."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = np.asarray(y).astype(int)
    p = np.asarray(p, dtype=float)
    both = 0 < y.sum() < len(y)
    pred = p >= threshold
    tp = float((pred & (y == 1)).sum())
    precision = tp / pred.sum() if pred.sum() else 0.0
    recall = tp / (y == 1).sum() if (y == 1).sum() else 0.0
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "roc_auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if both else float("nan"),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "flag_rate": float(pred.mean()) if len(pred) else 0.0,
    }


def span_metrics(gold: Sequence[Spans], predicted: Sequence[Spans]) -> dict[str, float]:
    """Span precision (predicted spans that overlap a gold span) and recall (gold spans hit)."""
    n_pred = sum(len(p) for p in predicted)
    n_gold = sum(len(g) for g in gold)
    hit_pred = sum(1 for g, ps in zip(gold, predicted) for p in ps if any(intersects(*p, *s) for s in g))
    hit_gold = sum(1 for g, ps in zip(gold, predicted) for s in g if any(intersects(*p, *s) for p in ps))
    precision = hit_pred / n_pred if n_pred else 0.0
    recall = hit_gold / n_gold if n_gold else 0.0
    return {
        "predicted_spans": n_pred,
        "gold_spans": n_gold,
        "span_precision": precision,
        "span_recall": recall,
        "span_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
    }


def pair_accuracy(pairs: Sequence[str | None], y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Share of (garbled, clean original) pairs in which the garbled sentence scores higher.

    Ties count half. Unlike ROC AUC this compares each garbled sentence only with its own
    original, so it measures sensitivity to the edit itself, free of how sentences differ.
    """
    clean = {pair: score for pair, label, score in zip(pairs, y, p) if pair and label == 0}
    wins = [
        1.0 if score > clean[pair] else 0.5 if score == clean[pair] else 0.0
        for pair, label, score in zip(pairs, y, p)
        if pair in clean and label == 1
    ]
    return {"pairs": len(wins), "pair_accuracy": float(np.mean(wins)) if wins else float("nan")}


def group_pair_accuracy(groups: Sequence[str], y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Share of (garbled, clean) combinations within each group (e.g. one source segment) ranked right; ties half."""
    by: dict[str, tuple[list[float], list[float]]] = {}
    for g, label, score in zip(groups, y, p):
        by.setdefault(g, ([], []))[int(label)].append(float(score))
    wins = [1.0 if b > c else 0.5 if b == c else 0.0 for clean, bad in by.values() for b in bad for c in clean]
    return {"pairs": len(wins), "pair_accuracy": float(np.mean(wins)) if wins else float("nan")}


def binned_roc_auc(y: np.ndarray, p: np.ndarray, lengths: np.ndarray, bins: int = 5) -> float:
    """ROC AUC within length quantile bins, averaged with weights by bin size (length cannot help)."""
    from sklearn.metrics import roc_auc_score

    edges = np.quantile(lengths, np.linspace(0, 1, bins + 1)[1:-1])
    which = np.searchsorted(edges, lengths, side="right")
    aucs, weights = [], []
    for b in range(bins):
        ix = which == b
        if 0 < y[ix].sum() < ix.sum():
            aucs.append(roc_auc_score(y[ix], p[ix]))
            weights.append(ix.sum())
    return float(np.average(aucs, weights=weights)) if aucs else float("nan")
