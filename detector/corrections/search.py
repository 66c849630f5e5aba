"""The search: candidate edits on the flagged spans, meaning guards, language-model rescoring.

For one sentence: the language model reads the original once (its predictions at each flagged
word feed the generators), every generator proposes edits, the meaning guards drop those that
change a name, a number or a negation or edit too much, the cheapest evidence (the model's
probability of the first changed token) keeps the ``max_candidates`` likeliest, and those are
scored in one batch by the whole-sentence log-probability. An edit is suggested only when it
beats the original by ``margin`` nats (after a per-token length bonus that stops deletions from
winning merely because a shorter sentence has fewer tokens to pay for).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detector.corrections.candidates import Target, candidates, nouns_after_numbers
from detector.corrections.edits import Edit, words
from detector.corrections.guards import violation
from detector.corrections.scoring import EditScorer


@dataclass(frozen=True)
class SearchConfig:
    """Knobs of the search; the defaults are calibrated by ``scripts/evaluate_corrections.py``."""

    margin: float = 2.0  # nats a suggestion must gain over the original
    token_bonus: float = 1.0  # nats credited per token a candidate has beyond the original
    max_candidates: int = 12  # candidates scored by the full model per sentence
    window: int | None = 8  # tokens scored after the last changed token (None: whole sentence)
    per_kind: int = 4  # ... at most this many from one generator
    max_suggestions: int = 3
    scale: float = 2.0  # confidence = sigmoid((gain - margin) / scale + 1)


@dataclass(frozen=True)
class Suggestion:
    """Replace ``sentence[start:end]`` by ``replacement``, giving ``text``; ``gain`` in nats."""

    start: int
    end: int
    replacement: str
    text: str
    gain: float
    confidence: float
    kind: str


@dataclass(frozen=True)
class Scored:
    """A guarded candidate with its raw log-probability gain and token-count change."""

    edit: Edit
    text: str
    gain: float
    tokens: int


def scored_candidates(
    sentence: str,
    spans: Sequence[tuple[int, int]],
    scorer: EditScorer,
    *,
    context: Sequence[str] = (),
    config: SearchConfig = SearchConfig(),
) -> tuple[object, list[Scored]]:
    """The original's analysis and the guarded, pruned candidates scored by the model."""
    if not spans or not words(sentence):
        return None, []
    analysis = scorer.analyse(sentence)
    target = Target(
        sentence,
        tuple(spans),
        {i: analysis.predictions(w.start) for i, w in enumerate(words(sentence))},
        nouns_after_numbers(context),
    )
    edits = [e for e in candidates(target) if violation(sentence, e.apply(sentence)) is None]
    if not edits:
        return analysis, []
    texts = [e.apply(sentence) for e in edits]
    keep = _prune([e.kind for e in edits], scorer.prior(analysis, texts), config)
    edits, texts = [edits[i] for i in keep], [texts[i] for i in keep]
    gains = scorer.gains(analysis, texts, config.window)
    lengths = scorer.token_counts(texts) - (len(analysis.ids) - 1)  # type: ignore[attr-defined]
    return analysis, [Scored(e, t, float(g), int(n)) for e, t, g, n in zip(edits, texts, gains, lengths)]


def _prune(kinds: Sequence[str], prior: np.ndarray, config: SearchConfig) -> list[int]:
    """The ``max_candidates`` best candidates by prior, at most ``per_kind`` of each generator."""
    taken: dict[str, int] = {}
    keep = []
    for i in np.argsort(-prior, kind="stable"):
        if taken.get(kinds[i], 0) < config.per_kind and len(keep) < config.max_candidates:
            taken[kinds[i]] = taken.get(kinds[i], 0) + 1
            keep.append(int(i))
    return keep


def rank(scored: Sequence[Scored], config: SearchConfig) -> list[tuple[Edit, str, float]]:
    """Candidates that beat the original by the margin, best first, as (edit, text, score)."""
    best = [(c.edit, c.text, c.gain + config.token_bonus * c.tokens) for c in scored]
    return sorted((b for b in best if b[2] > config.margin), key=lambda b: -b[2])


def suggest(
    sentence: str,
    spans: Sequence[tuple[int, int]],
    scorer: EditScorer,
    *,
    context: Sequence[str] = (),
    config: SearchConfig = SearchConfig(),
) -> list[Suggestion]:
    """Ranked suggestions (best first; empty when nothing beats the original by the margin).

    ``spans`` are character offsets into ``sentence``; ``context`` are the document's other
    sentences (nouns counted there are candidates for a wrong counter noun).
    """
    analysis, scored = scored_candidates(sentence, spans, scorer, context=context, config=config)
    best = rank(scored, config)
    best = _combine(sentence, best, scorer, analysis, config) + best
    out: list[Suggestion] = []
    for edit, text, score in best:
        if text not in {s.text for s in out}:
            out.append(Suggestion(edit.start, edit.end, edit.new, text, round(score, 3), confidence(score, config), edit.kind))
    return out[: config.max_suggestions]


def confidence(score: float, config: SearchConfig) -> float:
    """A 0-1 confidence for a suggestion's score (0.73 at the margin)."""
    return round(1 / (1 + math.exp(-((score - config.margin) / config.scale + 1))), 3)


def _adjusted(scorer: EditScorer, analysis: object, texts: Sequence[str], config: SearchConfig) -> np.ndarray:
    lengths = scorer.token_counts(texts) - (len(analysis.ids) - 1)  # type: ignore[attr-defined]
    return scorer.gains(analysis, texts, config.window) + config.token_bonus * lengths


def _combine(
    sentence: str, best: list[tuple[Edit, str, float]], scorer: EditScorer, analysis: object, config: SearchConfig
) -> list[tuple[Edit, str, float]]:
    """The two best winning edits that do not touch, applied together, if that beats each alone."""
    first = best[0][0] if best else None
    other = next((e for e, _, _ in best[1:] if first and (e.end < first.start or first.end < e.start)), None)
    if first is None or other is None:
        return []
    a, b = sorted((first, other), key=lambda e: e.start)
    joint = Edit(a.start, b.end, a.new + sentence[a.end : b.start] + b.new, f"{a.kind}+{b.kind}")
    text = joint.apply(sentence)
    if violation(sentence, text) is not None:
        return []
    score = float(_adjusted(scorer, analysis, [text], config)[0])
    return [(joint, text, score)] if score > best[0][2] + config.margin else []
