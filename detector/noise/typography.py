"""Typography: randomise quote, dash, case and final-period style on clean and garbled text alike.

So that no typographic cue gives the label away, both sides of a garbled/clean pair are
restyled with the same draw; spans of a garbled sentence move with the text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from detector.noise.base import _WORD
from detector.spans import Span
from detector.training.data import Labelled


_DASH = re.compile(r"(?<=\S)(?:\s*(?:—|--)\s*|\s+[–-]\s+)(?=\S)")
_DASH_STYLES = ("—", " — ", " – ", " - ", "--", " -- ")


@dataclass(frozen=True)
class _Style:
    curly: bool
    dash: str
    flip_case: bool
    drop_period: bool


def _draw_style(rng: random.Random) -> _Style:
    """Draw every typographic decision up front, so equal seeds give equal styles."""
    return _Style(
        curly=rng.random() < 0.4,
        dash=rng.choice(_DASH_STYLES),
        flip_case=rng.random() < 0.06,
        drop_period=rng.random() < 0.08,
    )


def _quote_edits(text: str, curly: bool) -> list[tuple[int, int, str]]:
    edits = []
    for i, ch in enumerate(text):
        if ch in "\"“”":
            if curly:
                opening = i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-"
                new = "“" if opening else "”"
            else:
                new = '"'
        elif ch in "'‘’":
            if curly:
                after_space = i == 0 or text[i - 1].isspace() or text[i - 1] in "([{\"“"
                opening = after_space and not text[i + 1 : i + 2].isdigit()
                new = "‘" if opening else "’"
            else:
                new = "'"
        else:
            continue
        if new != ch:
            edits.append((i, i + 1, new))
    return edits


def _style_edits(text: str, style: _Style) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, new)`` edits that put ``text`` into ``style``."""
    edits = _quote_edits(text, style.curly)
    edits += [(m.start(), m.end(), style.dash) for m in _DASH.finditer(text) if m.group() != style.dash]
    first = _WORD.search(text)
    if style.flip_case and first and first.group()[0].isalpha() and not first.group().isupper():
        ch = text[first.start()]
        edits.append((first.start(), first.start() + 1, ch.lower() if ch.isupper() else ch.upper()))
    body = text.rstrip()
    if style.drop_period and body.endswith(".") and not re.search(r"(?:\b\w\.|\.\.)$", body):
        edits.append((len(body) - 1, len(body), ""))
    return sorted(edits)


def _map_offset(pos: int, edits: Sequence[tuple[int, int, str]], *, is_end: bool) -> int:
    """Where offset ``pos`` lands after ``edits``; inside an edit, its start or end."""
    shift = 0
    for start, end, new in edits:
        if end <= pos:
            shift += len(new) - (end - start)
        elif start < pos:
            return start + shift + (len(new) if is_end else 0)
    return pos + shift


def _apply_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def restyle(text: str, rng: random.Random) -> str:
    """Randomise typography: quote/apostrophe style, dash style, first-letter case, final period."""
    return _apply_edits(text, _style_edits(text, _draw_style(rng)))


def restyle_garbled(garbled: Labelled, rng: random.Random) -> Labelled:
    """:func:`restyle` a garbled sentence and move its spans along with the text."""
    edits = _style_edits(garbled.text, _draw_style(rng))
    spans = []
    for s in garbled.spans:
        start = _map_offset(s.start, edits, is_end=False)
        end = _map_offset(s.end, edits, is_end=True)
        if start < end:
            spans.append(Span(start, end, category=s.category, op=s.op))
    return replace(garbled, text=_apply_edits(garbled.text, edits), spans=tuple(spans))
