"""The training recipe: fine-tune the encoder, fit the combiner, choose thresholds, save.

Data roles (nothing evaluated is trained on):
- fit: synthetic ``train.jsonl`` + mt-en-dev ``train`` minus a hashed 15% (labels and spans)
  + any ``extra`` files (round trips of training documents, ``scripts/roundtrip.py``);
- calibration: synthetic ``dev.jsonl`` + that 15% of mt-en-dev ``train`` (combiner and thresholds);
- evaluation (``scripts/evaluate.py``): synthetic ``test.jsonl``, the hand-written set, mt-en-dev
  ``dev``, the seed article.

Calibration and evaluation use only the sentences MT201 can report: those without a rule hit
(:func:`reportable_items`, the same definition ``check`` uses).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from detector.learned.combiner import Combiner
from detector.learned.detector import Detector
from detector.learned.reportable import unit_rule_hits
from detector.learned.sources.cheap import CheapSource
from detector.spans import intersects
from detector.training.data import Labelled, hash_split, load_corpus, load_mt_en_dev
from detector.training.recipe import Recipe

CALIBRATION_SHARE = 0.15


def fit_items(recipe: Recipe) -> tuple[list[Labelled], list[Labelled]]:
    """(fit, calibration) items, following the data roles above."""
    rng = random.Random(recipe.seed)
    synthetic = load_corpus(Path(recipe.corpus) / "train.jsonl")
    if recipe.max_synthetic:
        synthetic = rng.sample(synthetic, min(recipe.max_synthetic, len(synthetic)))
    calibration = load_corpus(Path(recipe.corpus) / "dev.jsonl")
    fit = list(synthetic) + [item for path in recipe.extra for item in load_corpus(Path(path))]
    if recipe.mt:
        mt = load_mt_en_dev(Path(recipe.mt), "train")
        mt_fit = [i for i in mt if not hash_split(i.id, CALIBRATION_SHARE)]
        if recipe.max_mt:
            mt_fit = rng.sample(mt_fit, min(recipe.max_mt, len(mt_fit)))
        fit += mt_fit
        calibration += [i for i in mt if hash_split(i.id, CALIBRATION_SHARE)]
    return fit, calibration


def choose_threshold(p_clean: np.ndarray, target: float) -> float:
    """The smallest threshold that flags at most ``target`` of clean sentences."""
    if len(p_clean) == 0:
        return 0.5
    return float(np.quantile(p_clean, 1 - target, method="higher")) + 1e-6


def choose_token_threshold(items: list[Labelled], tokens: list[list[tuple[int, int, float]]]) -> float:
    """The token probability cut that maximizes word-piece F1 on garbled calibration items."""
    probs, gold = [], []
    for item, pieces in zip(items, tokens):
        if item.label != 1 or not item.spans:
            continue
        for s, e, p in pieces:
            probs.append(p)
            gold.append(any(intersects(s, e, g.start, g.end) for g in item.spans))
    if not probs:
        return 0.5
    probs_a, gold_a = np.array(probs), np.array(gold)
    best, best_f1 = 0.5, -1.0
    for t in (0.02, 0.05, 0.08, *np.linspace(0.1, 0.9, 17)):
        pred = probs_a >= t
        tp = float((pred & gold_a).sum())
        f1 = 2 * tp / max(1.0, pred.sum() + gold_a.sum())
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


def reportable_items(items: list[Labelled]) -> list[Labelled]:
    """The sentences MT201 can report on: those without a rule hit (:func:`~detector.learned.reportable.unit_rule_hits`)."""
    return [i for i, h in zip(items, unit_rule_hits([i.text for i in items])) if not h]


def calibrate(detector: Detector, calibration: list[Labelled], recipe: Recipe, log: Callable[[str], None] = print) -> Detector:
    """Fit the combiner on the sources' columns and choose both thresholds, on the reportable calibration sentences."""
    items = reportable_items(calibration)
    log(f"calibration: {len(items)} of {len(calibration)} sentences have no rule hit")
    if len({i.label for i in items} - {None}) < 2:
        raise ValueError(
            f"too little data: {len(items)} calibration sentences without rule hits "
            "(calibration needs clean and garbled sentences; give more documents)"
        )
    X, tokens = detector.features([i.text for i in items])
    y = np.array([i.label for i in items])
    detector.combiner = Combiner(C=1.0, feature_names=detector.columns).fit(X, y)
    p = detector.combiner.predict_proba(X)[:, 1]
    clean_news = np.array([i.source == "synthetic" and i.label == 0 for i in items])
    detector.threshold = choose_threshold(p[clean_news], recipe.clean_fp_target)
    detector.token_threshold = choose_token_threshold(items, tokens) if recipe.token_head else 1.01
    detector.recipe = asdict(recipe)
    detector.info = {**detector.info, "calibrated": time.strftime("%Y-%m-%d"), "calibration_sentences": len(items)}
    log(f"threshold {detector.threshold:.3f}, token threshold {detector.token_threshold:.2f}")
    return detector


def refit(detector: Detector, recipe: Recipe, log: Callable[[str], None] = print) -> Detector:
    """Keep ``detector``'s trained sources, take the cheap features from ``recipe``, refit combiner and thresholds."""
    detector.sources = [CheapSource(recipe.cheap_features) if s.name == "cheap" else s for s in detector.sources]
    _, calibration = fit_items(recipe)
    return calibrate(detector, calibration, recipe, log)


def train(recipe: Recipe, log: Callable[[str], None] = print) -> Detector:
    """Run the whole recipe and return the trained detector (not yet saved)."""
    from detector.learned.sources.minilm import MiniLMSource, NetConfig, build
    from detector.training.fit import fit

    t0 = time.time()
    fit_set, calibration = fit_items(recipe)
    log(f"fit: {len(fit_set)} sentences, calibration: {len(calibration)}")
    if len({i.label for i in calibration} - {None}) < 2 or not fit_set:
        raise ValueError(
            f"too little data: {len(fit_set)} sentences to fit and {len(calibration)} to calibrate "
            "(calibration needs clean and garbled sentences; give more documents)"
        )
    net = build(NetConfig(lora_rank=recipe.lora_rank, lora_alpha=recipe.lora_alpha, max_length=recipe.max_length, token_head=recipe.token_head))
    fit(net, fit_set, recipe, log)
    info = {"trained": time.strftime("%Y-%m-%d"), "fit_sentences": len(fit_set), "train_seconds": round(time.time() - t0)}
    detector = Detector([MiniLMSource(net), CheapSource(recipe.cheap_features)], Combiner(), 0.5, 0.5, asdict(recipe), info)
    return calibrate(detector, calibration, recipe, log)
