"""The one span type and its algebra: overlap, merge and shift.

A :class:`Span` is a half-open slice ``[start, end)`` of some text in Unicode code points.
Document pieces (paragraphs, sentences, tokens) carry the covered ``text``; gold spans of
labelled data carry a ``category`` (and, for the noise model, the ``op`` that made them).
Every overlap test in the package goes through :func:`intersects`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol


class HasSpan(Protocol):
    """Anything with ``start`` and ``end`` offsets (spans, findings, tokens)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Span:
    """A slice ``[start, end)``; ``text`` is the covered text when known, ``category``/``op`` label gold spans."""

    start: int
    end: int
    text: str = ""
    category: str = ""
    op: str = ""

    def __len__(self) -> int:
        return self.end - self.start


def intersects(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Whether ``[a_start, a_end)`` and ``[b_start, b_end)`` share a character."""
    return a_start < b_end and b_start < a_end


def overlaps(a: HasSpan, b: HasSpan) -> bool:
    """Whether two spans share a character."""
    return intersects(a.start, a.end, b.start, b.end)


def overlaps_any(span: HasSpan, others: Iterable[HasSpan]) -> bool:
    """Whether ``span`` shares a character with any of ``others``."""
    return any(overlaps(span, o) for o in others)


def shift(spans: Iterable[Span], at: int, delta: int) -> list[Span]:
    """Move the spans that start at or after ``at`` by ``delta`` (an edit of length change ``delta`` at ``at``)."""
    return [s if s.end <= at else replace(s, start=s.start + delta, end=s.end + delta) for s in spans]


def merge(spans: Sequence[tuple[int, int]], joinable: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Merge sorted ``(start, end)`` spans whose gap ``[end, next start)`` is ``joinable``."""
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and joinable(merged[-1][1], start):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]
