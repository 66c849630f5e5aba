"""Untranslated residue: romanized particles, source-language nouns, ``<unk>`` tokens."""

from __future__ import annotations

import random

from detector.noise.base import (
    Change,
    _mapping,
    operation,
    _particles,
    _pick,
    _SENTENCE_END,
    _sub,
    _words,
    _zipf,
)


@operation(0.4)
def stray_particle(text: str, rng: random.Random) -> Change | None:
    """Append a romanized sentence-final particle as a sentence of its own ("... the fight." Ta.).

    Mirrors the seed, where the Japanese past-tense ending た survived as "Ta.".
    """
    if not _SENTENCE_END.search(text):
        return None
    rows = _particles("particles-standalone.txt")
    japanese = [p for p, lang in rows if lang == "ja"]
    particle = rng.choice(japanese if rng.random() < 0.7 else [p for p, _ in rows])
    word = particle.capitalize() + rng.choice([".", ".", ".", ""])
    end = len(text.rstrip())
    return _sub(end, end, " " + word, "untranslated")


@operation(0.3)
def dangling_particle(text: str, rng: random.Random) -> Change | None:
    """Leave a romanized particle hanging before a full stop or comma ("will continue desu.").

    Mirrors Japanese/Korean/Chinese sentence-final particles (です, ね, 了) that MT transliterates
    instead of dropping.
    """
    words = _words(text)
    slots = [w.end for w in words if w.text.islower() and text[w.end : w.end + 1] in {".", ",", "?", "!"}]
    end = _pick(rng, slots)
    if end is None:
        return None
    particle = rng.choice([p for p, _ in _particles("particles-dangling.txt")])
    return _sub(end, end, " " + particle, "untranslated")


@operation(1.2)
def leave_untranslated(text: str, rng: random.Random) -> Change | None:
    """Leave a common noun in the source language ("the kaigi", "in the linn", "правительство").

    Mirrors Estonian and Romanian nouns left standing in MLQE-PE output.
    """
    table = _mapping("foreign.tsv")
    hits = [t for t in _words(text) if t.text.lower() in table and not t.text.isupper()]
    tok = _pick(rng, hits)
    if tok is None:
        return None
    foreign = rng.choice(table[tok.text.lower()])
    if tok.text[0].isupper():
        foreign = foreign[0].upper() + foreign[1:]
    return _sub(tok.start, tok.end, foreign, "untranslated")


@operation(0.15)
def unk_token(text: str, rng: random.Random) -> Change | None:
    """Replace a rare word or name with the literal ``<unk>`` token.

    Mirrors out-of-vocabulary placeholders left in NMT output (49 items in MLQE-PE).
    """
    rare = [t for t in _words(text) if t.text.isalpha() and len(t.text) > 3 and _zipf(t.text) < 3.0]
    tok = _pick(rng, rare)
    return None if tok is None else _sub(tok.start, tok.end, "<unk>", "untranslated")
