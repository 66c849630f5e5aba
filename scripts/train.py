"""Train the learned detector (MT2xx) and write it into the package.

Usage:
    python scripts/build_corpus.py --out build/corpus          # synthetic data, split by document
    python scripts/train.py --corpus build/corpus --mt ../shared/data/mt-en-dev \\
        --out detector/learned/weights/minilm --seed 13

Reproducible for a given seed, corpus and machine (CPU). See docs/model-card.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from detector.learned import WEIGHTS
from detector.learned.bundle import save
from detector.training.pipeline import Recipe, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("build/corpus"), help="folder with train/dev.jsonl")
    parser.add_argument("--mt", type=Path, default=None, help="mt-en-dev folder (its train split is used)")
    parser.add_argument("--extra", type=Path, action="append", default=[], help="more corpus-schema JSONL for fitting, e.g. build/roundtrip.jsonl")
    parser.add_argument("--out", type=Path, default=WEIGHTS / "minilm")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-synthetic", type=int, default=None)
    parser.add_argument("--max-mt", type=int, default=None)
    parser.add_argument("--lora-rank", type=int, default=16, help="0 freezes the encoder (heads only)")
    parser.add_argument("--lr", type=float, default=1.5e-3, help="learning rate of the adapters")
    parser.add_argument("--pair-weight", type=float, default=1.0, help="weight of the garbled-above-clean ranking loss (0: off)")
    parser.add_argument("--max-length", type=int, default=96)
    parser.add_argument("--no-token-head", action="store_true")
    args = parser.parse_args()
    recipe = Recipe(
        corpus=str(args.corpus),
        mt=str(args.mt) if args.mt else None,
        extra=tuple(str(p) for p in args.extra),
        seed=args.seed,
        epochs=args.epochs,
        batch_size=args.batch_size,
        max_synthetic=args.max_synthetic,
        max_mt=args.max_mt,
        token_head=not args.no_token_head,
        lora_rank=args.lora_rank,
        lr=args.lr,
        pair_weight=args.pair_weight,
        max_length=args.max_length,
    )
    detector = train(recipe, log=lambda msg: print(msg, flush=True))
    save(args.out, detector)
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
