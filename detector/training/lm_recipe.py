"""The ``full`` tier's training recipe: LM heads on cached evidence, then combiner and thresholds.

Steps: fit and calibration items (:mod:`detector.training.lm_data`) -> their cached evidence
(:mod:`detector.training.lm_cache`; sentences not cached are computed) -> heads
(:mod:`detector.training.lm_heads`) -> a :class:`~detector.learned.detector.Detector` over the LM
source, the shipped MiniLM source (optional) and the cheap features -> combiner and token
threshold by :func:`detector.training.pipeline.calibrate` (reportable calibration sentences) ->
the sentence threshold that flags at most ``clean_fp_target`` of the clean calibration news
(the clean synthetic calibration sentences plus ``threshold_news`` unpaired ones).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from detector.learned import WEIGHTS
from detector.learned.bundle import apply_threshold
from detector.learned.combiner import Combiner
from detector.learned.detector import Detector
from detector.learned.smollm import LM, TokenEvidence
from detector.learned.sources.cheap import CheapSource
from detector.learned.sources.lm import HeadConfig, LMSource
from detector.training.data import Labelled
from detector.training.lm_data import fit_and_calibration, threshold_news
from detector.training.lm_heads import Example, HeadTraining, train_heads
from detector.training.pipeline import calibrate, choose_threshold, reportable_items
from detector.training.recipe import CHEAP_FEATURES


@dataclass(frozen=True)
class LMRecipe:
    """Everything that decides the ``full`` bundle (recorded in its manifest; read by ``calibrate`` too)."""

    corpus: str
    mt: str
    zh: str | None
    layer: int = 16
    logits: bool = True
    minilm: bool = True
    per_source: int = 24000
    calibration_per_source: int = 800
    threshold_news: int = 2000
    epochs: int = 6
    pair_weight: float = 1.0
    token_weight: float = 0.5
    token_head: bool = True
    cheap_features: tuple[str, ...] = CHEAP_FEATURES
    clean_fp_target: float = 0.02
    seed: int = 13


def add_data_arguments(parser: argparse.ArgumentParser, root: Path) -> None:
    """``--corpus``, ``--mt`` and ``--zh``, the recipe's inputs, as the LM scripts take them (``root``: the checkout;
    the shared data is found beside it or beside a parent, so worktrees find it too)."""
    shared = next((p / "shared" / "data" for p in root.parents if (p / "shared" / "data").is_dir()), root.parent / "shared" / "data")
    parser.add_argument("--corpus", type=Path, default=root / "build/corpus-lm", help="built by build_corpus.py --out build/corpus-lm --train-variants 3")
    parser.add_argument("--mt", type=Path, default=shared / "mt-en-dev")
    parser.add_argument("--zh", type=Path, default=shared / "mt-zh-en")


class CachedLM:
    """An :class:`LM` stand-in that serves evidence from a cache and computes only what is missing."""

    def __init__(self, cache: dict[str, TokenEvidence], lm: Callable[[], LM]) -> None:
        self.cache = cache
        self._lm = lm

    def token_evidence(self, sentences: list[str], layers: tuple[int, ...] = (), logits: bool = True) -> list[TokenEvidence]:
        missing = [t for t in dict.fromkeys(sentences) if t not in self.cache or any(k not in self.cache[t].hidden for k in layers)]
        if missing:
            self.cache.update(zip(missing, self._lm().token_evidence(missing, layers=layers, logits=True)))
        return [self.cache[t] for t in sentences]


def _items(recipe: LMRecipe) -> tuple[list[Labelled], list[Labelled]]:
    zh = Path(recipe.zh) if recipe.zh else None
    return fit_and_calibration(Path(recipe.corpus), Path(recipe.mt), zh, recipe.seed, recipe.per_source, recipe.calibration_per_source)


def calibrate_lm(source: LMSource, recipe: LMRecipe, info: dict, log: Callable[[str], None] = print) -> Detector:
    """The detector over ``source`` (+ MiniLM) + cheap features, with combiner and thresholds fit on calibration data."""
    sources: list = [source]
    if recipe.minilm:
        from detector.learned.sources.minilm import MiniLMSource

        sources.append(MiniLMSource.load(WEIGHTS / "minilm" / "minilm"))
    sources.append(CheapSource(recipe.cheap_features))
    _, calibration = _items(recipe)
    detector = calibrate(Detector(sources, Combiner(), 0.5, 0.5, info=info), calibration, recipe, log)  # type: ignore[arg-type]
    news = [i for i in reportable_items(calibration) if i.source == "synthetic" and i.label == 0]
    news += reportable_items(threshold_news(Path(recipe.corpus), recipe.threshold_news))
    detector.threshold = choose_threshold(detector.probabilities([i.text for i in news])[0], recipe.clean_fp_target)
    detector.info["threshold_sentences"] = len(news)
    log(f"threshold {detector.threshold:.3f} (at most {recipe.clean_fp_target:.0%} of {len(news)} clean calibration news)")
    return detector


def train_lm_detector(recipe: LMRecipe, lm: CachedLM, log: Callable[[str], None] = print) -> Detector:
    """Run the recipe; ``lm`` provides evidence (a :class:`CachedLM` in practice)."""
    t0 = time.time()
    fit, calibration = _items(recipe)
    log(f"fit {len(fit)} sentences, calibration {len(calibration)}")
    missing = sum(i.text not in lm.cache for i in fit + calibration)
    log(f"{missing} of them not in the evidence cache (computed now)")
    config = HeadConfig(layer=recipe.layer, logits=recipe.logits)
    evidence = lm.token_evidence([i.text for i in fit], layers=(config.layer,))
    examples = [Example(ev, i.label, tuple((s.start, s.end) for s in i.spans), i.pair) for ev, i in zip(evidence, fit)]
    training = HeadTraining(epochs=recipe.epochs, pair_weight=recipe.pair_weight, token_weight=recipe.token_weight, seed=recipe.seed)
    heads = train_heads(examples, config, training, log).heads
    info = {"trained": time.strftime("%Y-%m-%d"), "fit_sentences": len(fit)}
    detector = calibrate_lm(LMSource(config, heads, lm), recipe, info, log)  # type: ignore[arg-type]
    detector.info["train_seconds"] = round(time.time() - t0)
    return detector


def refit_lm(folder: Path, recipe: LMRecipe, lm: CachedLM, log: Callable[[str], None] = print) -> Detector:
    """Keep the trained heads in ``folder/lm``; refit combiner and thresholds on the recipe's calibration data."""
    manifest = Path(folder) / "manifest.json"
    previous = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    info = {k: v for k, v in previous.get("info", {}).items() if k != "recipe"}  # the recipe is recorded by calibrate
    detector = calibrate_lm(LMSource.load(Path(folder) / "lm", lm), recipe, info, log)  # type: ignore[arg-type]
    detector.apply_threshold = apply_threshold(previous, manifest)  # the corrections' setting is kept
    return detector
