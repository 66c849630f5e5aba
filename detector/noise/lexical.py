"""Lexical choice: literal collocations, counters, hedges, dropped negations and content words."""

from __future__ import annotations

import random
import re

from detector.noise.base import (
    Change,
    _is_content,
    _is_function,
    _mapping,
    _match_case,
    _omit,
    operation,
    _pick,
    _run,
    _SENTENCE_END,
    _sub,
    _table,
    _words,
)
from detector.noise.function_words import _entity_nouns


@operation(4.0)
def literal_collocation(text: str, rng: random.Random) -> Change | None:
    """Render a collocation word for word ("took part in" -> "took participation in").

    Mirrors literal lexical choices in MLQE-PE (calqued institution names and idioms) and the
    seed's "smash Ukrainian weapons".
    """
    hits = []
    for row in _table("collocations.tsv"):
        for m in re.finditer(rf"\b{re.escape(row[0])}\b", text, flags=re.IGNORECASE):
            hits.append((m, row[1]))
    hit = _pick(rng, hits)
    if hit is None:
        return None
    m, literal = hit
    return _sub(m.start(), m.end(), _match_case(m.group(), literal), "mistranslation")


@operation(3.0)
def swap_counter(text: str, rng: random.Random) -> Change | None:
    """Replace a counted noun by a counter word ("23 countries" -> "23 people").

    Mirrors the seed, where Japanese カ国/人 counters came out as the wrong English noun.
    """
    tok = _pick(rng, _entity_nouns(text))
    if tok is None:
        return None
    return _sub(tok.start, tok.end, rng.choice(_table("counters.tsv"))[0], "mistranslation")


@operation(0.6)
def insert_hedge(text: str, rng: random.Random) -> Change | None:
    """Insert a literal hedge or filler ("... to their security I'm afraid.", "It is said that").

    Mirrors politeness and sentence-final particles rendered word for word, like the seed's
    "an existential threat to their security I'm afraid to bring".
    """
    phrase, where = rng.choice(_table("hedges.tsv"))
    words = _words(text)
    if not words:
        return None
    first = words[0]
    lowerable = _is_function(first.text) and first.text not in {"I", first.text.upper()}
    if where == "start" or (where == "any" and rng.random() < 0.3):
        if not lowerable:
            return None
        lead = phrase[0].upper() + phrase[1:] + (" " if phrase.endswith("that") else ", ")
        return _sub(first.start, first.end, lead + first.text.lower(), "addition")
    final = _SENTENCE_END.search(text)
    end = final.start() if final else len(text.rstrip())
    if end == 0 or not text[end - 1].isalnum():
        return None
    sep = ", " if where == "any" else rng.choice([" ", ", "])
    return _sub(end, end, sep + phrase, "addition")


@operation(1.5)
def drop_negation(text: str, rng: random.Random) -> Change | None:
    """Drop a negation ("will not stop" -> "will stop", "wasn't" -> "was").

    Mirrors omissions that reverse the meaning, a frequent critical error in MT evaluation.
    """
    table = _mapping("negations.tsv")
    hits = []
    for neg, (aff, *_) in table.items():
        pattern = re.escape(neg).replace("'", "['’]")
        hits += [(m, aff) for m in re.finditer(rf"\b{pattern}\b", text, flags=re.IGNORECASE)]
    hit = _pick(rng, hits)
    if hit is None:
        return None
    m, aff = hit
    if aff:
        return _sub(m.start(), m.end(), _match_case(m.group(), aff), "omission")
    if m.start() == 0 or text[m.end() : m.end() + 1] != " ":
        return None
    return _omit(text, m.start(), m.end() + 1, "omission")


@operation(1.0)
def drop_content_word(text: str, rng: random.Random) -> Change | None:
    """Drop a content word from the middle of a clause ("will first in a meeting").

    Mirrors omissions in MLQE-PE where a verb or noun of the source has no counterpart.
    """
    words = _words(text)
    triples = zip(words, words[1:], words[2:])
    hits = [b for a, b, c in triples if _is_content(b.text) and _run(text, [a, b, c])]
    tok = _pick(rng, hits)
    return None if tok is None else _omit(text, tok.start, tok.end + 1, "omission")
