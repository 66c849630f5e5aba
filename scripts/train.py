"""Train the learned detector (MT2xx) and write it into the package as a model bundle.

Usage:
    python scripts/build_corpus.py --out build/corpus          # synthetic data, split by document
    python scripts/train.py --corpus build/corpus --mt ../shared/data/mt-en-dev \\
        --out detector/learned/weights/minilm --seed 13
    python scripts/train.py --refit detector/learned/weights/minilm --corpus build/corpus \\
        --mt ../shared/data/mt-en-dev --out detector/learned/weights/minilm
        # keep the bundle's trained sources, refit only the combiner and thresholds

Every recipe option (``--help``) is the same as ``mtlint train``'s. Reproducible for a given
seed, corpus and machine (CPU). See docs/model-card.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from detector.learned import WEIGHTS
from detector.learned.bundle import load, save
from detector.training.pipeline import refit, train
from detector.training.recipe import add_arguments, from_args


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=WEIGHTS / "minilm", help="bundle folder to write (default: %(default)s)")
    parser.add_argument("--refit", type=Path, metavar="BUNDLE", help="keep this bundle's sources; refit the combiner and thresholds only")
    add_arguments(parser)
    return parser


def main() -> None:
    args = build_parser().parse_args()
    recipe = from_args(args)
    log = lambda msg: print(msg, flush=True)  # noqa: E731
    detector = refit(load(args.refit), recipe, log) if args.refit else train(recipe, log)
    save(args.out, detector)
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
