"""Labelled sentences for the language-model source: every source, split, and balanced by domain.

Roles (nothing evaluated is trained on):
- ``synthetic``: news-en sentences and their garbled versions (``build/corpus``; split by
  document upstream): ``train.jsonl`` pairs fit, ``dev.jsonl`` calibrates, ``test.jsonl`` evaluates;
- ``mt-en-dev``: post-edited MT (labels from HTER upstream): its ``train`` split fits (a hashed
  share calibrates), its ``dev`` split evaluates;
- ``mt-zh-en``: real Chinese→English MT with MQM spans, split **by segment** (hashed ``doc:seg``):
  ``DEV_SHARE`` of the segments evaluate, the rest fit (a hashed share calibrates). Outputs of one
  segment share a ``pair`` id (``zh:doc:seg``), so garbled and clean outputs of the same source are
  ranking pairs; the ``reference`` field adds the error-free human translation to the segment;
- the hand-written set and the seed article: evaluation only.
"""

from __future__ import annotations

import random
import zlib
from pathlib import Path

from detector.spans import Span
from detector.training.data import (
    Labelled,
    hash_split,
    load_corpus,
    load_mt_en_dev,
    read_jsonl,
)
from detector.training.pipeline import CALIBRATION_SHARE

DEV_SHARE = 0.2


def zh_split(doc: str, seg: int) -> str:
    """``dev`` for a hashed ``DEV_SHARE`` of the segments, else ``calibration`` or ``train``."""
    key = f"{doc}:{seg}"
    if hash_split("zh-dev:" + key, DEV_SHARE):
        return "dev"
    return "calibration" if hash_split("zh-cal:" + key, CALIBRATION_SHARE) else "train"


def load_mt_zh_en(folder: Path, split: str) -> list[Labelled]:
    """Labelled items (0: no error, 1: a Major error) of one split; major spans only.

    ``extra["visible"]`` is True when a Major error can be seen without the source; each
    segment's error-free reference is added once as a clean item of the same pair.
    """
    items: list[Labelled] = []
    seen: set[str] = set()
    for r in read_jsonl(Path(folder) / "items.jsonl"):
        if zh_split(r["doc"], r["seg"]) != split or r["label"] is None:
            continue
        pair = f"zh:{r['doc']}:{r['seg']}"
        spans = tuple(Span(s["start"], s["end"], category=s["category"]) for s in r.get("spans") or () if s["severity"] == "major")
        items.append(Labelled(r["text"], r["label"], spans, r["id"], "mt-zh-en", "mt-zh-en", pair, r["doc"], {"visible": bool(r["visible_major"]), "seg": pair}))
        seen.add(r["text"])
        if r.get("reference") and r["reference"] not in seen:
            seen.add(r["reference"])
            items.append(Labelled(r["reference"], 0, (), f"{pair}:reference", "mt-zh-en", "mt-zh-en", pair, r["doc"], {"visible": False, "seg": pair}))
    return items


def spread(items: list[Labelled], cap: int) -> list[Labelled]:
    """At most about ``cap`` items taken evenly through the list (so every group is represented)."""
    return items[:: max(1, -(-len(items) // cap))] if cap > 0 else []


def by_segments(items: list[Labelled], cap: int) -> list[Labelled]:
    """The items of whole pairs (segments), in a stable hashed order, until ``cap`` items."""
    groups: dict[str, list[Labelled]] = {}
    for i in items:
        groups.setdefault(i.pair or i.id, []).append(i)
    out: list[Labelled] = []
    for key in sorted(groups, key=lambda k: zlib.crc32(k.encode())):
        if len(out) >= cap:
            break
        out += groups[key]
    return out


def threshold_news(corpus: Path, cap: int) -> list[Labelled]:
    """Clean sentences of the calibration documents (``dev.jsonl``, unpaired): they set the default threshold."""
    return spread([i for i in load_corpus(corpus / "dev.jsonl") if i.label == 0 and not i.pair], cap)


def fit_and_calibration(corpus: Path, mt_en: Path, mt_zh: Path | None, seed: int = 13, per_source: int = 3000, calibration_per_source: int = 800) -> tuple[list[Labelled], list[Labelled]]:
    """Fit and calibration items, at most ``per_source`` fit sentences per source, balanced by label.

    Each source contributes garbled and clean sentences in equal numbers (as far as it has them),
    so that no class is one domain.
    """
    rng = random.Random(seed)
    synthetic = [i for i in load_corpus(corpus / "train.jsonl") if i.pair]
    en = load_mt_en_dev(mt_en, "train")
    en_fit = [i for i in en if not hash_split(i.id, CALIBRATION_SHARE)]
    sources = [_balanced(synthetic, per_source, rng, by_pair=True), _balanced(en_fit, per_source, rng)]
    en_cal = [i for i in en if hash_split(i.id, CALIBRATION_SHARE)]
    calibration = _balanced(load_corpus(corpus / "dev.jsonl"), calibration_per_source, rng, by_pair=True)
    calibration += _balanced(en_cal, calibration_per_source, rng)
    if mt_zh:
        sources.append(_balanced(load_mt_zh_en(mt_zh, "train"), per_source, rng, by_pair=True))
        calibration += _balanced(load_mt_zh_en(mt_zh, "calibration"), calibration_per_source, rng, by_pair=True)
    fit = [i for s in sources for i in s]
    rng.shuffle(fit)
    return fit, calibration


def _balanced(items: list[Labelled], limit: int, rng: random.Random, by_pair: bool = False) -> list[Labelled]:
    """Up to ``limit`` items, half garbled and half clean where possible (whole pairs kept together)."""
    if by_pair:
        groups: dict[str, list[Labelled]] = {}
        for i in items:
            groups.setdefault(i.pair or i.id, []).append(i)
        units = [g for g in groups.values() if {x.label for x in g} == {0, 1}]
        rng.shuffle(units)
        out: list[Labelled] = []
        for g in units:
            if len(out) >= limit:
                break
            out += g
        return out
    pos = [i for i in items if i.label == 1]
    neg = [i for i in items if i.label == 0]
    rng.shuffle(pos)
    rng.shuffle(neg)
    k = min(len(pos), len(neg), limit // 2)
    return pos[:k] + neg[:k]
