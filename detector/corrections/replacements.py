"""Suggestions as a finding's replacements: one span of the text, alternatives for it, best first.

A finding has one span and ordered replacements for exactly that span, while suggestions for one
flagged span may edit slightly different stretches (a swap reaches the next word, a deletion
takes the space before it). :func:`as_replacements` widens every suggestion to the union of the
flagged span and all edits, so each replacement is the full new text of that one span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detector.corrections.search import Suggestion


@dataclass(frozen=True)
class Replacements:
    """``text[start:end]`` may be replaced by ``options`` (best first); ``confidence`` is the best one's."""

    start: int
    end: int
    options: tuple[str, ...]
    confidence: float


def as_replacements(sentence: str, span: tuple[int, int], suggestions: Sequence[Suggestion]) -> Replacements | None:
    """The suggestions for ``span`` of ``sentence`` as replacements of one common span (sentence offsets)."""
    if not suggestions:
        return None
    start = min([span[0], *(s.start for s in suggestions)])
    end = max([span[1], *(s.end for s in suggestions)])
    options = tuple(dict.fromkeys(sentence[start : s.start] + s.replacement + sentence[s.end : end] for s in suggestions))
    return Replacements(start, end, options, suggestions[0].confidence)
