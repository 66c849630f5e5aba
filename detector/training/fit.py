"""Fine-tuning the MiniLM source's network (training only; scoring is in :mod:`detector.learned.sources.minilm`).

Training is multi-task: a sentence loss on labeled examples and a token loss (is this word
wrong?) on every example with known spans. Everything is seeded for reproducibility.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

import torch
from torch import nn

from detector.learned.sources.minilm import GarbleNet
from detector.spans import Span, intersects
from detector.training.data import Labelled
from detector.training.recipe import Recipe

IGNORE = -100.0


LOG_EVERY = 50


def token_targets(offsets: torch.Tensor, spans_batch: Sequence[Sequence[Span]], has_spans: Sequence[bool]) -> torch.Tensor:
    """1 where a word piece overlaps a gold span, 0 elsewhere, IGNORE for special tokens."""
    targets = torch.full(offsets.shape[:2], IGNORE)
    for i, spans in enumerate(spans_batch):
        if not has_spans[i]:
            continue
        for j, (s, e) in enumerate(offsets[i].tolist()):
            if e > s:
                targets[i, j] = float(any(intersects(s, e, g.start, g.end) for g in spans))
    return targets


def batches(examples: Sequence[Labelled], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches that keep a garbled sentence and its clean original together."""
    groups: dict[str, list[int]] = {}
    singles: list[list[int]] = []
    for i, e in enumerate(examples):
        if e.pair:
            groups.setdefault(e.pair, []).append(i)
        else:
            singles.append([i])
    units = list(groups.values()) + singles
    rng.shuffle(units)
    out: list[list[int]] = [[]]
    for unit in units:
        if len(out[-1]) + len(unit) > batch_size and out[-1]:
            out.append([])
        out[-1].extend(unit)
    return [b for b in out if b]


def pair_loss(batch: Sequence[Labelled], logits: torch.Tensor) -> torch.Tensor | None:
    """Mean softplus(clean - garbled) over the garbled/clean pairs in a batch (a ranking loss)."""
    clean: dict[str, int] = {}
    garbled: dict[str, list[int]] = {}
    for k, e in enumerate(batch):
        if e.pair and e.label == 0:
            clean[e.pair] = k
        elif e.pair and e.label == 1:
            garbled.setdefault(e.pair, []).append(k)
    diffs = [logits[c] - logits[g] for p, c in clean.items() for g in garbled.get(p, [])]
    return nn.functional.softplus(torch.stack(diffs)).mean() if diffs else None


def fit(net: GarbleNet, examples: Sequence[Labelled], config: Recipe, log: Callable[[str], None] = print) -> GarbleNet:
    """Fine-tune ``net`` in place on ``examples`` and return it.

    Loss: sentence BCE on labeled examples + ``token_weight`` x token BCE on examples with
    known spans + ``pair_weight`` x a ranking loss that scores each garbled sentence above its
    clean original (pairs are kept in one batch).
    """
    rng = random.Random(config.seed)
    torch.manual_seed(config.seed)
    steps_per_epoch = len(batches(examples, config.batch_size, random.Random(0)))
    total = max(1, int(steps_per_epoch * config.epochs))
    heads = [p for n, p in net.named_parameters() if p.requires_grad and n.startswith(("sentence_head", "token_head"))]
    body = [p for n, p in net.named_parameters() if p.requires_grad and not n.startswith(("sentence_head", "token_head"))]
    opt = torch.optim.AdamW([{"params": body, "lr": config.lr}, {"params": heads, "lr": config.head_lr}], weight_decay=0.01)
    warm = max(1, int(total * config.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    bce = nn.BCEWithLogitsLoss(reduction="none")
    net.train()
    step, t0, running = 0, time.time(), 0.0
    while step < total:
        for idx in batches(examples, config.batch_size, rng):
            if step >= total:
                break
            batch = [examples[i] for i in idx]
            enc = net.encode([e.text for e in batch])
            sent_logit, tok_logit = net(enc["input_ids"], enc["attention_mask"])
            labels = torch.tensor([float(e.label) if e.label is not None else IGNORE for e in batch])
            known = labels != IGNORE
            loss = bce(sent_logit[known], labels[known]).mean() if known.any() else sent_logit.sum() * 0
            ranking = pair_loss(batch, sent_logit)
            if ranking is not None:
                loss = loss + config.pair_weight * ranking
            if net.config.token_head:
                has_spans = [e.label is not None or bool(e.spans) for e in batch]
                targets = token_targets(enc["offset_mapping"], [e.spans for e in batch], has_spans)
                mask = targets != IGNORE
                if mask.any():
                    loss = loss + config.token_weight * bce(tok_logit[mask], targets[mask]).mean()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 1.0)
            opt.step()
            sched.step()
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            if step % LOG_EVERY == 0 or step == total:
                rate = step * config.batch_size / (time.time() - t0)
                log(f"step {step}/{total} loss {running:.4f} ({rate:.1f} sentences/s)")
    net.eval()
    return net
