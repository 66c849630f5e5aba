#!/usr/bin/env python3
"""Build a labeled sentence corpus from clean English news with the mtlint noise model.

See :mod:`detector.training.synthetic` for the input and output formats. Example::

    python3 scripts/build_corpus.py --clean ../shared/data/news-en --out build/corpus --seed 13
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from detector.training.synthetic import CorpusError, Fractions, build
from detector.noise import NoiseConfig

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLEAN = ROOT.parent / "shared" / "data" / "news-en"



def _fractions(value: str) -> Fractions:
    try:
        parts = tuple(float(p) for p in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {value!r}") from None
    if len(parts) != 3 or any(p < 0 for p in parts) or abs(sum(parts) - 1) > 1e-6:
        raise argparse.ArgumentTypeError(f"need three non-negative fractions summing to 1, got {value!r}")
    return parts  # type: ignore[return-value]


def _share(value: str) -> float:
    share = float(value)
    if not 0 <= share <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return share


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--clean", type=Path, default=DEFAULT_CLEAN, help="news-en folder, .jsonl or .txt (%(default)s)")
    add("--out", type=Path, default=Path("build/corpus"), help="output folder (%(default)s)")
    add("--seed", type=int, default=13, help="random seed (%(default)s)")
    add("--garble-fraction", type=_share, default=0.5, help="share of sentences to garble (%(default)s)")
    add("--splits", type=_fractions, default=(0.8, 0.1, 0.1), help="train,dev,test shares of documents")
    add("--train-variants", type=int, default=1, help="garbled versions of each train sentence (%(default)s; the full tier's corpus uses 3)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = NoiseConfig(p_garble=args.garble_fraction)
    try:
        manifest = build(args.clean, args.out, args.seed, args.splits, config, args.train_variants)
    except CorpusError as exc:
        print(f"build_corpus: error: {exc}", file=sys.stderr)
        return 2
    counts = manifest["counts"].items()
    summary = ", ".join(f"{name}: {c['items']} items / {c['documents']} docs" for name, c in counts)
    print(f"wrote {args.out} ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
