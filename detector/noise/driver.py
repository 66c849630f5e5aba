"""The noise driver: :class:`NoiseConfig` and :func:`garble`, which applies registered operations and records gold spans."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from detector.noise.base import DEFAULT_RATES, OPERATIONS, Change, _trim
from detector.spans import Span, overlaps_any, shift
from detector.training.data import Labelled


@dataclass
class NoiseConfig:
    """Knobs of the noise model.

    ``rates`` are relative weights of the operations (0 disables one); ``max_ops`` caps the
    operations per sentence, each beyond the first applied with probability ``p_extra_op``;
    ``p_garble`` is the share of sentences a corpus recipe garbles.
    """

    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    max_ops: int = 2
    p_extra_op: float = 0.35
    p_garble: float = 0.5

    def __post_init__(self) -> None:
        unknown = set(self.rates) - set(OPERATIONS)
        if unknown:
            raise ValueError(f"unknown noise operations: {sorted(unknown)}")
        if self.max_ops < 1:
            raise ValueError("max_ops must be at least 1")


def _apply(text: str, spans: Sequence[Span], change: Change, op: str) -> tuple[str, list[Span]] | None:
    """Apply ``change``; ``None`` if it is a no-op, touches an earlier span or has an empty mark."""
    out = text[: change.start] + change.new + text[change.end :]
    if out == text or overlaps_any(change, spans):
        return None
    shifted = shift(spans, change.start, len(change.new) - (change.end - change.start))
    lo, hi = _trim(out, *change.mark)
    mark = Span(lo, hi, category=change.category, op=op)
    if lo >= hi or overlaps_any(mark, shifted):
        return None
    return out, sorted([*shifted, mark], key=lambda s: (s.start, s.end))


def _apply_one(
    text: str, spans: list[Span], rng: random.Random, rates: dict[str, float]
) -> tuple[str, list[Span]] | None:
    """Try operations in weighted random order until one applies cleanly."""
    pool = {name: w for name, w in rates.items() if w > 0}
    while pool:
        names = sorted(pool)
        name = rng.choices(names, weights=[pool[n] for n in names])[0]
        del pool[name]
        change = OPERATIONS[name](text, rng)
        result = _apply(text, spans, change, name) if change else None
        if result:
            return result
    return None


def garble(text: str, rng: random.Random, config: NoiseConfig | None = None) -> Labelled:
    """Apply 1..``max_ops`` noise operations to ``text`` and record their gold spans.

    Returns the sentence garbled (label 1) with a gold span for every change, or ``text`` itself
    with label 0 when no operation applies to this sentence (or, rarely, when
    a later operation happens to undo an earlier one).
    """
    config = config or NoiseConfig()
    n_ops = 1 + sum(rng.random() < config.p_extra_op for _ in range(config.max_ops - 1))
    out, spans = text, []
    for _ in range(n_ops):
        result = _apply_one(out, spans, rng, config.rates)
        if result is None:
            break
        out, spans = result
    return Labelled(text, 0) if out == text else Labelled(out, 1, tuple(spans))
