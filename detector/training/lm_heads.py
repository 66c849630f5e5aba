"""Training the LM source's heads on cached evidence (the base model stays frozen).

Loss per batch: ``sentence_weight`` x sentence BCE + ``token_weight`` x token BCE (tokens overlapping a gold span are
1, every token of a clean sentence 0, tokens of a garbled sentence without spans ignored) +
``pair_weight`` x a ranking loss, softplus(clean - garbled), over every garbled/clean pair that
shares a ``pair`` id (a synthetic sentence and its original; outputs of one mt-zh-en segment).
Batches keep the sentences of one pair id together.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from detector.learned.smollm import TokenEvidence
from detector.learned.sources.lm import (
    HeadConfig,
    LMSource,
    build_heads,
    collate,
    token_features,
)

IGNORE = -1.0


@dataclass(frozen=True)
class Example:
    """One training sentence's evidence with its label, gold spans and pair id."""

    evidence: TokenEvidence
    label: int
    spans: tuple[tuple[int, int], ...] = ()
    pair: str | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class HeadTraining:
    epochs: int = 6
    batch_size: int = 48
    lr: float = 2e-3
    weight_decay: float = 0.01
    sentence_weight: float = 1.0
    token_weight: float = 0.5
    pair_weight: float = 1.0
    seed: int = 13


def token_targets(ex: Example) -> np.ndarray:
    """Per token: 1 inside a gold span, 0 outside (all 0 when clean), IGNORE when garbled without spans."""
    n = len(ex.evidence.ids)
    if ex.label == 1 and not ex.spans:
        return np.full(n, IGNORE, dtype=np.float32)
    return np.array([float(any(s < b and a < max(e, s + 1) for a, b in ex.spans)) for s, e in ex.evidence.offsets], dtype=np.float32)


def batches(examples: Sequence[Example], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches that keep each pair id's sentences together (large groups are split)."""
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(examples):
        groups.setdefault(e.pair or f"#{i}", []).append(i)
    units = []
    for g in groups.values():
        rng.shuffle(g)
        units += [g[k : k + size] for k in range(0, len(g), size)]
    rng.shuffle(units)
    out: list[list[int]] = [[]]
    for u in units:
        if out[-1] and len(out[-1]) + len(u) > size:
            out.append([])
        out[-1].extend(u)
    return [b for b in out if b]


def ranking_loss(batch: Sequence[Example], logits: object) -> object | None:
    """Mean softplus(clean - garbled) over same-pair (clean, garbled) combinations in the batch."""
    import torch

    clean: dict[str, list[int]] = {}
    garbled: dict[str, list[int]] = {}
    for k, e in enumerate(batch):
        if e.pair:
            (garbled if e.label == 1 else clean).setdefault(e.pair, []).append(k)
    ci = [c for p in garbled for c in clean.get(p, []) for _ in garbled[p]]
    gi = [g for p in garbled for _ in clean.get(p, []) for g in garbled[p]]
    if not ci:
        return None
    return torch.nn.functional.softplus(logits[ci] - logits[gi]).mean()


def train_heads(examples: Sequence[Example], config: HeadConfig, training: HeadTraining = HeadTraining(), log: Callable[[str], None] = print) -> LMSource:
    """Train fresh heads on ``examples`` and return the source (without a base model attached)."""
    import torch

    rng = random.Random(training.seed)
    torch.manual_seed(training.seed)
    feats = [token_features(e.evidence, config) for e in examples]
    targets = [token_targets(e) for e in examples]
    heads = build_heads(config)
    opt = torch.optim.AdamW(heads.parameters(), lr=training.lr, weight_decay=training.weight_decay)
    plan = [batches(examples, training.batch_size, rng) for _ in range(training.epochs)]
    total = sum(len(p) for p in plan)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=training.lr, total_steps=max(1, total), pct_start=0.1)
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    heads.train()
    t0, step = time.time(), 0
    for epoch, epoch_batches in enumerate(plan):
        running = []
        for idx in epoch_batches:
            batch = [examples[i] for i in idx]
            scalars, hidden, mask = collate([feats[i] for i in idx])
            sent, tok = heads(scalars, hidden, mask)
            y = torch.tensor([float(e.label) for e in batch])
            w = torch.tensor([e.weight for e in batch])
            loss = training.sentence_weight * (bce(sent, y) * w).sum() / w.sum()
            tgt = torch.full(tok.shape, IGNORE)
            for r, i in enumerate(idx):
                tgt[r, : len(targets[i])] = torch.from_numpy(targets[i])
            known = (tgt != IGNORE) & (mask == 1)
            if known.any():
                loss = loss + training.token_weight * bce(tok[known], tgt[known]).mean()
            rank = ranking_loss(batch, sent)
            if rank is not None and training.pair_weight:
                loss = loss + training.pair_weight * rank
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(heads.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            running.append(loss.item())
        log(f"epoch {epoch + 1}/{training.epochs}: loss {np.mean(running):.4f} ({step} steps, {time.time() - t0:.0f}s)")
    return LMSource(config, heads.eval())
