"""Duplication: decoder stutter, a word or phrase written twice ("Will will", "said. said")."""

from __future__ import annotations

import random

from detector.noise.base import (
    _at_sentence_start,
    Change,
    _is_content,
    _is_function,
    _joined,
    operation,
    _pick,
    _run,
    _sub,
    _words,
)


@operation(0.8)
def repeat_word(text: str, rng: random.Random) -> Change | None:
    """Duplicate a word in place, sometimes with a case change ("Will will", "are are").

    Mirrors decoder stutter: the seed's "Will will become" and the doubled or tripled words
    of MLQE-PE output.
    """
    tok = _pick(rng, [t for t in _words(text) if t.text.isalpha()])
    if tok is None:
        return None
    copy = tok.text
    roll = rng.random()
    if roll < 0.3 and copy.islower() and len(copy) > 1:
        copy = copy.capitalize()
    elif roll < 0.4 and copy[0].isupper() and not _at_sentence_start(text, tok):
        copy = copy.lower()
    copies = 2 if rng.random() < 0.1 else 1
    new = " ".join([copy] * copies) + " "
    return _sub(tok.start, tok.start, new, "duplication")


_REPORTING = frozenset("said says told added announced stated noted explained wrote reported".split())


@operation(0.5)
def repeat_across_break(text: str, rng: random.Random) -> Change | None:
    """Repeat a word after a spurious full stop ("the Pentagon said. said before ...").

    Mirrors the seed's sentence-break stutter, where MT closes a sentence and then restarts it
    with the last word again.
    """
    words = _words(text)
    pairs = [(a, b) for a, b in zip(words, words[1:]) if _joined(text, a, b) and b.text.islower()]
    pairs = [p for p in pairs if p[0].text in _REPORTING or _is_content(p[0].text)]
    preferred = [p for p in pairs if p[0].text.lower() in _REPORTING]
    pair = _pick(rng, preferred if preferred and rng.random() < 0.7 else pairs)
    if pair is None:
        return None
    word = pair[0].text
    return _sub(pair[0].end, pair[0].end, f". {word}", "duplication")


@operation(0.5)
def repeat_phrase(text: str, rng: random.Random) -> Change | None:
    """Repeat a 2-4 word phrase right after itself, optionally after a comma or "and".

    Mirrors NMT repetition loops ("the old harbour, the old harbour") seen in MLQE-PE output.
    """
    words = _words(text)
    runs = []
    for n in (2, 3, 4):
        for i in range(len(words) - n + 1):
            chunk = words[i : i + n]
            if _run(text, chunk) and not _is_function(chunk[-1].text):
                runs.append(chunk)
    run = _pick(rng, runs)
    if run is None:
        return None
    phrase = text[run[0].start : run[-1].end]
    sep = rng.choices([" ", ", ", ", and "], weights=[5, 4, 1])[0]
    return _sub(run[-1].end, run[-1].end, sep + phrase, "duplication")
