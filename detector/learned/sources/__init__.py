"""Feature sources: what the learned detector knows about a sentence, one module per source.

A source has a ``name`` (its bundle subfolder), the names of its output ``columns``, a batch
``score(sentences) -> (features, evidence)`` (an ``(n, len(columns))`` array, and per sentence
the word pieces' ``(start, end, probability)`` or ``None`` when the source has no token-level
view), and ``save(folder)`` / ``load(folder)`` for its own bundle subfolder.

Source types are found through :data:`SOURCE_TYPES` (type name -> ``module:Class``), so adding a
source is one new module here plus one entry in this table and in a bundle's manifest.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

Evidence = list[list[tuple[int, int, float]]]

SOURCE_TYPES: dict[str, str] = {
    "minilm": "detector.learned.sources.minilm:MiniLMSource",
    "cheap": "detector.learned.sources.cheap:CheapSource",
}


class FeatureSource(Protocol):
    name: str
    columns: tuple[str, ...]

    def score(self, sentences: Sequence[str]) -> tuple[np.ndarray, Evidence | None]: ...

    def save(self, folder: Path) -> None: ...

    @classmethod
    def load(cls, folder: Path) -> FeatureSource: ...


def source_type(kind: str) -> type[FeatureSource]:
    """The class of a source type named in a manifest (imported only now: a source may need torch)."""
    if kind not in SOURCE_TYPES:
        raise ValueError(f"unknown feature source type {kind!r} (known: {', '.join(SOURCE_TYPES)})")
    module, _, cls = SOURCE_TYPES[kind].partition(":")
    return getattr(importlib.import_module(module), cls)
