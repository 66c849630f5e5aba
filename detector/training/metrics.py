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
