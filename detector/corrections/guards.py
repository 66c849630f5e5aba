"""Meaning guards: a candidate that changes a name, a number or a negation, or edits too much, is
never suggested. Each guard compares the original sentence with one candidate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache

from detector.corrections.edits import Word, words, zipf
from detector.corrections.tables import closed_class, rows
from detector.resources import load_set
from detector.distance import levenshtein

MAX_EDITED_WORDS = 4  # word-level edit distance between a sentence and a suggestion
MAX_EDITED_SHARE = 0.4  # ... and at most this share of the sentence's words
RARE_ZIPF = 3.5  # a rare word ("tryptophan") carries content: a deletion never removes one
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion dozen dozens hundreds thousands millions billions half quarter third".split()
)


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


@cache
def _negations() -> frozenset[str]:
    return frozenset(_norm(r[0]) for r in rows("negations.tsv") if " " not in r[0]) | load_set("negative-words.txt")


def is_negation(word: str) -> bool:
    w = _norm(word)
    return w in _negations() or w.endswith("n't")


def is_number(word: str) -> bool:
    return any(c.isdigit() for c in word) or _norm(word) in _NUMBER_WORDS


def is_name(ws: Sequence[Word], i: int) -> bool:
    """A capitalized word other than "I" or a title-cased closed-class word ("On", "The" in a headline);
    the first word only if it is not a common lower-case word."""
    w = ws[i].text
    if not w[:1].isupper() or _norm(w).split("'")[0] == "i":
        return False
    if len(w) > 1 and w.isupper():
        return True  # an acronym ("US", "NATO") even when it spells a common word
    return _norm(w) not in closed_class() if i else zipf(w) < 4.0


def _meaning(sentence: str) -> tuple[Counter, Counter, Counter]:
    ws = words(sentence)
    return (
        Counter(w.text for i, w in enumerate(ws) if is_name(ws, i)),
        Counter(_norm(w.text) for w in ws if is_number(w.text)),
        Counter(_norm(w.text).endswith("n't") or _norm(w.text) for w in ws if is_negation(w.text)),
    )




def violation(original: str, candidate: str) -> str | None:
    """Why ``candidate`` may not replace ``original`` (names, numbers, negation, a rare word deleted,
    the edit budget), or None."""
    for what, a, b in zip(("a name", "a number", "a negation"), _meaning(original), _meaning(candidate)):
        if a != b:
            return f"changes {what}"
    wa, wb = [w.text for w in words(original)], [w.text for w in words(candidate)]
    if len(wb) < len(wa) and any(zipf(w) < RARE_ZIPF for w in Counter(wa) - Counter(wb)):
        return "deletes a rare word"
    d = levenshtein([_norm(w) for w in wa], [_norm(w) for w in wb])
    if d > MAX_EDITED_WORDS or d > MAX_EDITED_SHARE * len(wa) or len(wb) < 3:
        return f"edits {d} of {len(wa)} words"
    return None
