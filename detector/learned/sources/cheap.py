"""Feature source ``cheap``: per-sentence fluency features (no torch): length, word-frequency statistics, rule hits.

They are combined with the other sources' columns by :class:`detector.learned.combiner.Combiner`,
and on their own they are one of the baselines the encoder must beat. Nothing is learned, so
the bundle subfolder holds only the column list (checked on load).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from detector.document import WORD_RE
from detector.learned.reportable import unit_rule_hits
from detector.resources import zipf

FEATURE_NAMES = (
    "log_words",
    "log_chars",
    "mean_zipf",
    "min_zipf",
    "rare_share",
    "unknown_share",
    "capitalized_share",
    "function_share",
    "punct_per_word",
    "digit_share",
    "repeat_share",
    "ends_terminal",
    "mean_word_len",
    "rule_hits",
)
RARE_ZIPF = 2.5
FUNCTION_ZIPF = 6.0


def sentence_features(text: str, rule_hits: int = 0) -> np.ndarray:
    """The :data:`FEATURE_NAMES` vector of one sentence."""
    words = WORD_RE.findall(text)
    n = max(len(words), 1)
    lower = [w for i, w in enumerate(words) if not (w[0].isupper() and i > 0) and not w[0].isdigit()]
    zipfs = [zipf(w) for w in lower] or [0.0]
    punct = sum(1 for c in text if not c.isalnum() and not c.isspace())
    folded = [w.casefold() for w in words]
    return np.array(
        [
            math.log1p(len(words)),
            math.log1p(len(text)),
            sum(zipfs) / len(zipfs),
            min(zipfs),
            sum(z < RARE_ZIPF for z in zipfs) / len(zipfs),
            sum(z == 0 for z in zipfs) / len(zipfs),
            sum(w[0].isupper() for w in words[1:]) / n,
            sum(z >= FUNCTION_ZIPF for z in zipfs) / len(zipfs),
            punct / n,
            sum(w[0].isdigit() for w in words) / n,
            1 - len(set(folded)) / n if words else 0.0,
            float(text.rstrip("\"'”’)").endswith((".", "!", "?"))),
            sum(len(w) for w in words) / n,
            float(rule_hits),
        ],
        dtype=np.float32,
    )


def feature_matrix(texts: list[str], rule_hits: list[int] | None = None) -> np.ndarray:
    """Stack :func:`sentence_features` for many sentences."""
    hits = rule_hits or [0] * len(texts)
    if not texts:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    return np.stack([sentence_features(t, h) for t, h in zip(texts, hits)])


class CheapSource:
    """:func:`feature_matrix` as a feature source, restricted to ``columns`` (a subset of :data:`FEATURE_NAMES`).

    ``rule_hits`` counts the rule findings in the sentence checked alone
    (:func:`detector.learned.reportable.unit_rule_hits`); it is computed only if it is a column.
    """

    name = "cheap"

    def __init__(self, columns: tuple[str, ...] = FEATURE_NAMES) -> None:
        unknown = set(columns) - set(FEATURE_NAMES)
        if unknown:
            raise ValueError(f"unknown cheap features {sorted(unknown)} (known: {', '.join(FEATURE_NAMES)})")
        self.columns = tuple(columns)
        self._index = [FEATURE_NAMES.index(c) for c in self.columns]

    def score(self, sentences: Sequence[str]) -> tuple[np.ndarray, None]:
        hits = unit_rule_hits(sentences) if "rule_hits" in self.columns else None
        return feature_matrix(list(sentences), hits)[:, self._index], None

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps({"columns": list(self.columns)}, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> CheapSource:
        return cls(tuple(json.loads((folder / "config.json").read_text(encoding="utf-8"))["columns"]))
