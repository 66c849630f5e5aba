"""Suggestions as a finding's replacements: one span of the text, alternatives for it, best first.

A finding has one span and ordered replacements for exactly that span, while suggestions for one
flagged span may edit slightly different stretches (a swap reaches the next word, a deletion
takes the space before it). :func:`as_replacements` widens every suggestion to the union of the
flagged span and all edits, so each replacement is the full new text of that one span; the
narrow edit of each, with its confidence, is kept beside it (:class:`detector.findings.Edit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detector.corrections.search import Suggestion
from detector.findings import Edit


@dataclass(frozen=True)
class Replacements:
    """``text[start:end]`` may be replaced by ``options`` (best first); ``edits[i]`` is what option ``i`` changes."""

    start: int
    end: int
    options: tuple[str, ...]
    edits: tuple[Edit, ...]

    @property
    def confidence(self) -> float:
        """The best suggestion's confidence."""
        return self.edits[0].confidence

    def shifted(self, offset: int) -> Replacements:
        """The same replacements ``offset`` characters further on (sentence -> document offsets)."""
        edits = tuple(Edit(e.start + offset, e.end + offset, e.new, e.confidence) for e in self.edits)
        return Replacements(self.start + offset, self.end + offset, self.options, edits)


def as_replacements(sentence: str, span: tuple[int, int], suggestions: Sequence[Suggestion]) -> Replacements | None:
    """The suggestions for ``span`` of ``sentence`` as replacements of one common span (sentence offsets)."""
    if not suggestions:
        return None
    start = min([span[0], *(s.start for s in suggestions)])
    end = max([span[1], *(s.end for s in suggestions)])
    chosen: dict[str, Edit] = {}
    for s in suggestions:
        chosen.setdefault(sentence[start : s.start] + s.replacement + sentence[s.end : end], Edit(s.start, s.end, s.replacement, s.confidence))
    return Replacements(start, end, tuple(chosen), tuple(chosen.values()))
