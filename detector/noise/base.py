"""The noise model's shared parts: the operation registry, the tokenizer, data tables and change builders.

An operation is a function ``(text, rng) -> Change | None`` registered once with
:func:`operation` (its default rate; its docstring is its documentation). It looks only at
``text``, draws every choice from ``rng`` and returns one contiguous replacement plus the gold
mark of that replacement in the output, or ``None`` when the sentence offers nothing to work on.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from detector.document import WORD_RE
from detector.resources import load_lines, zipf
from detector.rules.particles import particle_table
from detector.spans import Span


@dataclass(frozen=True)
class Change:
    """Replace ``text[start:end]`` by ``new``; ``mark`` is the gold span in the output."""

    start: int
    end: int
    new: str
    mark: tuple[int, int]
    category: str


Operation = Callable[[str, random.Random], "Change | None"]
OPERATIONS: dict[str, Operation] = {}
DEFAULT_RATES: dict[str, float] = {}


def operation(rate: float) -> Callable[[Operation], Operation]:
    """Register a noise operation under its function name with its default relative ``rate``."""

    def register(op: Operation) -> Operation:
        if op.__name__ in OPERATIONS:
            raise ValueError(f"noise operation {op.__name__} registered twice")
        OPERATIONS[op.__name__] = op
        DEFAULT_RATES[op.__name__] = rate
        return op

    return register


_WORD = re.compile(rf"\d+(?:[.,:]\d+)+|{WORD_RE.pattern}")
_NUMBER = re.compile(r"(?<![\w.,])\d[\d,.]*\d(?![\w])|(?<![\w.,])\d(?![\w.,]?\d)")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
_FUNCTION_ZIPF = 5.5
_ARTICLES = frozenset({"the", "a", "an"})
_POSSESSIVES = frozenset("his her their its our my your".split())
_DETERMINERS = _ARTICLES | _POSSESSIVES | frozenset("this that these those some any no every each".split())




def _words(text: str) -> list[Span]:
    """Word tokens with offsets: numbers like "6.30" or "1,200", words with inner ' or -."""
    return [Span(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _zipf(word: str) -> float:
    return zipf(word.lower())


def _is_function(word: str) -> bool:
    return _zipf(word) >= _FUNCTION_ZIPF


def _is_content(word: str) -> bool:
    return word.isalpha() and word.islower() and len(word) > 2 and 2.5 <= _zipf(word) < _FUNCTION_ZIPF


_OPENING = re.compile(r"(?:^|[.!?:\n][\"'”’)\]]*\s+|[\"“‘'(\[]\s*)$")


def _at_sentence_start(text: str, tok: Span) -> bool:
    """True for the first word of a sentence, a quotation or a bracket."""
    return bool(_OPENING.search(text[: tok.start]))


def _is_name(text: str, tok: Span) -> bool:
    """A capitalized, mixed-case word (possessive allowed) that does not open a sentence."""
    w = re.sub(r"['’]s?$", "", tok.text)
    return w[:1].isupper() and w[1:].islower() and w.isalpha() and not _at_sentence_start(text, tok)


def _joined(text: str, a: Span, b: Span) -> bool:
    """True when ``b`` follows ``a`` after exactly one space (same clause, no punctuation)."""
    return text[a.end : b.start] == " "


def _run(text: str, words: Sequence[Span]) -> bool:
    """True when ``words`` follow each other with single spaces only (one stretch of a clause)."""
    return all(_joined(text, a, b) for a, b in zip(words, words[1:]))


def _content_pairs(text: str, words: list[Span]) -> list[tuple[Span, Span]]:
    """Adjacent pairs of distinct lower-case content words ("biggest land", "shape future")."""
    return [
        (a, b)
        for a, b in zip(words, words[1:])
        if _joined(text, a, b) and a.text != b.text and _is_content(a.text) and _is_content(b.text)
    ]


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=None)
def _table(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of ``detector/wordlists/noise/<name>`` split on TAB, short rows padded with ''."""
    rows = [line.split("\t") for line in load_lines(f"noise/{name}")]
    width = max((len(r) for r in rows), default=1)
    return tuple(tuple(r) + ("",) * (width - len(r)) for r in rows)


@lru_cache(maxsize=None)
def _mapping(name: str, kind: str | None = None) -> dict[str, tuple[str, ...]]:
    """``column 1 -> all column-2 values`` of a table; only rows whose column 3 is ``kind`` if given."""
    out: dict[str, list[str]] = {}
    for row in _table(name):
        if kind is None or row[2] == kind:
            out.setdefault(row[0].lower(), []).append(row[1])
    return {k: tuple(v) for k, v in out.items()}


def _particles(name: str) -> tuple[tuple[str, str], ...]:
    """``(particle, language)`` pairs of a particle list, read by the rule that detects them (MT102)."""
    return tuple((p, lang) for p, langs in particle_table(name).items() for lang in langs.split("/"))




def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sub(start: int, end: int, new: str, category: str) -> Change:
    """Replace ``[start, end)`` by ``new``; the mark is ``new`` without outer whitespace."""
    lead = len(new) - len(new.lstrip())
    return Change(start, end, new, (start + lead, start + len(new.rstrip())), category)


def _omit(text: str, start: int, end: int, category: str, *, right_only: bool = False) -> Change:
    """Delete ``[start, end)``; the mark covers the word(s) next to the gap in the output."""
    out = text[:start] + text[end:]
    words = _words(out)
    left = [w for w in words if w.end <= start]
    right = [w for w in words if w.start >= start]
    lo = left[-1].start if left and not (right_only and right) else start
    hi = right[0].end if right else start
    return Change(start, end, "", (lo, hi), category)


def _pick(rng: random.Random, items: Sequence):
    return rng.choice(items) if items else None
