#!/usr/bin/env python3
"""Train the ``full`` tier: heads of the SmolLM2 source, then combiner and thresholds; save the bundle.

Usage (the shipped bundle):
    python scripts/build_corpus.py --out build/corpus-lm --seed 13 --train-variants 3
    python scripts/lm_cache.py --out build/lm-evidence --part 1/2 & python scripts/lm_cache.py --out build/lm-evidence --part 2/2
                                                                 # the frozen LM's evidence, once (~45 min on 2 idle cores)
    python scripts/train_lm.py --evidence build/lm-evidence --out detector/learned/weights/full

Ablations: --layer N, --no-logits (hidden states only: the model runs N layers, no vocabulary
projection), --no-minilm, --no-zh (without mt-zh-en), --pair-weight 0 (without the ranking loss).
--refit keeps the heads already in ``--out``/lm and refits only the combiner and thresholds.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from detector.learned import WEIGHTS, bundle
from detector.learned.smollm import load_lm
from detector.training.lm_cache import load_evidence
from detector.training.lm_recipe import CachedLM, LMRecipe, add_data_arguments, refit_lm, train_lm_detector

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evidence", type=Path, default=ROOT / "build/lm-evidence")
    add_data_arguments(parser, ROOT)
    parser.add_argument("--no-zh", action="store_true")
    parser.add_argument("--out", type=Path, default=WEIGHTS / "full")
    parser.add_argument("--refit", action="store_true", help="keep the heads in --out/lm; refit combiner and thresholds")
    parser.add_argument("--layer", type=int, default=16)
    parser.add_argument("--no-logits", action="store_true")
    parser.add_argument("--no-minilm", action="store_true")
    parser.add_argument("--per-source", type=int, default=LMRecipe.per_source)
    parser.add_argument("--calibration-per-source", type=int, default=LMRecipe.calibration_per_source)
    parser.add_argument("--threshold-news", type=int, default=LMRecipe.threshold_news, help="clean calibration news that set the default threshold")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--pair-weight", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    recipe = LMRecipe(
        corpus=str(args.corpus),
        mt=str(args.mt),
        zh=None if args.no_zh else str(args.zh),
        layer=args.layer,
        logits=not args.no_logits,
        minilm=not args.no_minilm,
        per_source=args.per_source,
        calibration_per_source=args.calibration_per_source,
        threshold_news=args.threshold_news,
        epochs=args.epochs,
        pair_weight=args.pair_weight,
        seed=args.seed,
    )
    lm = CachedLM(load_evidence(args.evidence, layers=(args.layer,)), load_lm)
    log = lambda m: print(m, flush=True)
    detector = refit_lm(args.out, recipe, lm, log) if args.refit else train_lm_detector(recipe, lm, log)
    bundle.save(args.out, detector)
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
