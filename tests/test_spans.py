"""The span algebra."""

from __future__ import annotations

from detector.spans import Span, intersects, merge, overlaps, overlaps_any, shift


def test_overlap_is_half_open() -> None:
    assert intersects(0, 3, 2, 5) and not intersects(0, 3, 3, 5)
    assert overlaps(Span(1, 4), Span(3, 9)) and not overlaps(Span(1, 4), Span(4, 4))
    assert overlaps(Span(2, 2), Span(1, 4))  # an insertion strictly inside a span
    assert overlaps_any(Span(5, 6), [Span(0, 1), Span(5, 8)]) and not overlaps_any(Span(5, 6), [])


def test_shift_moves_only_spans_after_the_edit() -> None:
    spans = [Span(0, 3, category="a"), Span(5, 8, category="b")]
    assert shift(spans, 4, 2) == [Span(0, 3, category="a"), Span(7, 10, category="b")]


def test_merge_joins_only_joinable_gaps() -> None:
    text = "ab, cd ef x gh"
    joinable = lambda end, start: not any(c.isalnum() for c in text[end:start])  # noqa: E731
    assert merge([(0, 2), (4, 6), (7, 9), (12, 14)], joinable) == [(0, 9), (12, 14)]
