"""Word order: swapped neighbours and moved adverbials."""

from __future__ import annotations

import random

from detector.noise.base import (
    _ARTICLES,
    Change,
    _content_pairs,
    _DETERMINERS,
    _joined,
    _mapping,
    operation,
    _pick,
    _POSSESSIVES,
    _run,
    Span,
    _sub,
    _words,
)


@operation(0.8)
def swap_words(text: str, rng: random.Random) -> Change | None:
    """Swap two adjacent content words ("the land biggest war", "will participate first").

    Mirrors word order carried over from a head-final or free-order source language.
    """
    pair = _pick(rng, _content_pairs(text, _words(text)))
    if pair is None:
        return None
    a, b = pair
    return _sub(a.start, b.end, f"{b.text} {a.text}", "grammar")


def _adverbials(text: str, words: list[Span]) -> list[tuple[int, int]]:
    """Index ranges of movable adverbials: a lone adverb, or a phrase running to a clause end."""
    kinds = _mapping("adverbials.tsv")
    found = []
    for i, tok in enumerate(words):
        kind = kinds.get(tok.text)
        if kind == ("adverb",):
            found.append((i, i + 1))
        elif kind:
            j = i + 1
            while j < len(words) and j - i < 5 and _joined(text, words[j - 1], words[j]):
                j += 1
            at_boundary = j == len(words) or text[words[j - 1].end : words[j - 1].end + 1] in {",", ".", ";"}
            if at_boundary and 2 <= j - i <= 4:
                found.append((i, j))
    return found


def _landing(text: str, words: list[Span], k: int, *, alone: bool, rightward: bool) -> bool:
    """Whether an adverbial may land before ``words[k]``.

    It may land between a verb and its object (before an article or possessive that no
    preposition governs) or, moving right as a lone adverb, at the end of its clause.
    """
    if k == 0 or _binds(words[k - 1].text):
        return False
    if k == len(words) or any(ch in _CLAUSE_MARKS for ch in text[words[k - 1].end : words[k].start]):
        return alone and rightward
    return words[k].text in _ARTICLES | _POSSESSIVES


_CLAUSE_MARKS = frozenset(",;:.!?—–()\"“”")


def _binds(word: str) -> bool:
    """A word that needs what follows it: a preposition or a determiner."""
    return word.lower() in _DETERMINERS or word.lower() in _mapping("prepositions.tsv")


@operation(2.0)
def move_adverbial(text: str, rng: random.Random) -> Change | None:
    """Move a time/place adverbial or an adverb up to 5 words within its clause.

    It lands between a verb and its object ("called on Tuesday the police") or, for an adverb,
    at the clause end ("he highlights the need also"). Mirrors the seed's "in decades Europe's
    biggest land war", where MT keeps the source position of the adverbial.
    """
    words = _words(text)
    moves = []
    for i, j in _adverbials(text, words):
        if i and _binds(words[i - 1].text):
            continue
        for k in [*range(max(1, i - 5), i), *range(j + 1, min(len(words), j + 5) + 1)]:
            region = words[k:j] if k < i else words[i:k]
            if _run(text, region) and _landing(text, words, k, alone=j - i == 1, rightward=k > j):
                moves.append((i, j, k))
    move = _pick(rng, moves)
    if move is None:
        return None
    i, j, k = move
    region = words[k:j] if k < i else words[i:k]
    phrase, rest = words[i:j], (words[k:i] if k < i else words[j:k])
    order = [*phrase, *rest] if k < i else [*rest, *phrase]
    return _sub(region[0].start, region[-1].end, " ".join(w.text for w in order), "grammar")
