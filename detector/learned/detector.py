"""The learned detector at inference: sentences -> feature sources -> combiner -> flagged sentences.

Read top to bottom: :meth:`Detector.flag` takes the sentences of a document MT201 may report on
(:func:`detector.learned.reportable.reportable`), asks every feature source for its columns,
concatenates them in manifest order, turns them into probabilities with the combiner, and keeps
the sentences at or above ``threshold``, with the words the token evidence points at. The
MT201 findings themselves are made by the rule, :mod:`detector.rules.garbled`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from detector.document import WORD_RE, Document, Sentence
from detector.learned.combiner import Combiner
from detector.learned.reportable import reportable
from detector.learned.sources import Evidence, FeatureSource
from detector.spans import intersects, merge

SURROGATE_RE = re.compile("[\ud800-\udfff]")
DEFAULT_APPLY_THRESHOLD = 0.9  # for bundles whose manifest has no "corrections" entry


@dataclass(frozen=True)
class Flag:
    """A sentence the detector flags: its probability and word spans (offsets into the sentence), best first."""

    sentence: Sentence
    probability: float
    spans: list[tuple[int, int]]


@dataclass
class Detector:
    """Feature sources, the combiner over their concatenated columns, and the two thresholds;
    ``apply_threshold`` is the confidence at which ``fix --unsafe-fixes`` applies a suggestion."""

    sources: list[FeatureSource]
    combiner: Combiner
    threshold: float
    token_threshold: float
    recipe: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    apply_threshold: float = DEFAULT_APPLY_THRESHOLD

    @property
    def columns(self) -> tuple[str, ...]:
        """The combiner's input columns: every source's columns, in source order."""
        return tuple(c for s in self.sources for c in s.columns)

    def features(self, texts: Sequence[str]) -> tuple[np.ndarray, Evidence]:
        """The combiner inputs of ``texts`` and the token evidence (from the sources that have one)."""
        texts = [SURROGATE_RE.sub("\ufffd", t) for t in texts]  # one code point each: offsets unchanged
        blocks, evidence = [], [[] for _ in texts]
        for source in self.sources:
            X, tokens = source.score(texts)
            blocks.append(np.asarray(X, dtype=np.float64).reshape(len(texts), len(source.columns)))
            if tokens is not None:
                evidence = [a + b for a, b in zip(evidence, tokens)]
        return np.hstack(blocks), evidence

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, Evidence]:
        """P(garbled) per sentence, and the token evidence."""
        if not texts:
            return np.zeros(0), []
        X, evidence = self.features(texts)
        return self.combiner.predict_proba(X)[:, 1], evidence

    def flag(self, doc: Document) -> list[Flag]:
        """The sentences of ``doc`` that MT201 may report on and that score at or above ``threshold``."""
        sentences = reportable(doc)
        probs, evidence = self.probabilities([s.text for s in sentences])
        return [
            Flag(sent, float(p), localize(sent.text, tokens, self.token_threshold))
            for sent, p, tokens in zip(sentences, probs, evidence)
            if p >= self.threshold
        ]


def localize(text: str, tokens: list[tuple[int, int, float]], threshold: float) -> list[tuple[int, int]]:
    """Whole-word spans of ``text`` covered by word pieces above ``threshold``, best first.

    Neighbouring flagged words separated only by spaces or punctuation merge into one span.
    """
    flagged = [(s, e) for s, e, p in tokens if p >= threshold]
    if not flagged:
        return []
    words = [(m.start(), m.end()) for m in WORD_RE.finditer(text)]
    hit = [(ws, we) for ws, we in words if any(intersects(s, e, ws, we) for s, e in flagged)]
    merged = merge(hit, lambda end, start: not any(c.isalnum() for c in text[end:start]))
    peak = {m: max((p for s, e, p in tokens if intersects(s, e, *m)), default=0.0) for m in merged}
    return sorted(merged, key=lambda m: -peak[m])
