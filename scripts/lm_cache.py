#!/usr/bin/env python3
"""Cache the frozen language model's per-token evidence for every sentence the LM recipe uses.

Usage: python scripts/lm_cache.py --out build/lm-evidence [--corpus build/corpus]
    [--mt ../shared/data/mt-en-dev] [--zh ../shared/data/mt-zh-en] [--layers 8,16]

Order: seed article, fit items, calibration items (and clean calibration news for the threshold),
hand-written set, then the evaluation splits
(mt-zh-en dev, mt-en-dev dev, synthetic test). Resumable: rerun to continue.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from detector.document import Document
from detector.learned.smollm import load_lm
from detector.training.data import load_corpus, load_mt_en_dev
from detector.training.lm_cache import cache_evidence, load_texts
from detector.training.lm_recipe import LMRecipe, add_data_arguments
from detector.training.lm_data import (
    by_segments,
    fit_and_calibration,
    load_mt_zh_en,
    spread,
    threshold_news,
)

ROOT = Path(__file__).resolve().parents[1]


def all_texts(corpus: Path, mt: Path, zh: Path, per_source: int, calibration_per_source: int, eval_cap: int, threshold_cap: int) -> list[str]:
    fit, calibration = fit_and_calibration(corpus, mt, zh, per_source=per_source, calibration_per_source=calibration_per_source)
    seed = Document((ROOT / "seeds/000_92ad0e3d2eded5f1.txt").read_text(encoding="utf-8")).sentences
    sets = [
        [s.text for s in seed],
        [i.text for i in fit],
        [i.text for i in calibration],
        [i.text for i in threshold_news(corpus, threshold_cap)],
        [i.text for i in load_corpus(ROOT / "corpus/handwritten.jsonl")],
        [i.text for i in by_segments(load_mt_zh_en(zh, "dev"), eval_cap)],
        [i.text for i in spread(load_mt_en_dev(mt, "dev"), eval_cap)],
        [i.text for i in spread(load_corpus(corpus / "test.jsonl"), eval_cap)],
    ]
    return [t for s in sets for t in s]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build/lm-evidence")
    add_data_arguments(parser, ROOT)
    parser.add_argument("--layers", default="8,16")
    parser.add_argument("--threshold-news", type=int, default=LMRecipe.threshold_news, help="clean calibration news for the default threshold")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a busy machine)")
    parser.add_argument("--part", default="1/1", help="K/N: cache every N-th sentence from the K-th, into OUT/part-K (run N at once)")
    parser.add_argument("--per-source", type=int, default=LMRecipe.per_source, help="fit sentences per source")
    parser.add_argument("--calibration-per-source", type=int, default=LMRecipe.calibration_per_source)
    parser.add_argument("--eval-cap", type=int, default=800, help="sentences of mt-zh-en dev (whole segments), mt-en-dev dev and synthetic test")
    args = parser.parse_args()
    texts = all_texts(args.corpus, args.mt, args.zh, args.per_source, args.calibration_per_source, args.eval_cap, args.threshold_news)
    import torch

    torch.set_num_threads(args.threads)
    k, n = (int(x) for x in args.part.split("/"))
    done = set(load_texts(args.out))
    todo = [t for t in dict.fromkeys(texts) if t not in done][k - 1 :: n]
    print(f"{len(set(texts))} distinct sentences, {len(todo)} to cache in part {k}/{n}", flush=True)
    cache_evidence(load_lm(), todo, args.out / f"part-{k}", [int(x) for x in args.layers.split(",")], log=lambda m: print(m, flush=True))


if __name__ == "__main__":
    main()
