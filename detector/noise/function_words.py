"""Function words: articles, prepositions, pronouns, agreement, plurals."""

from __future__ import annotations

import random
import re

from detector.noise.base import (
    _ARTICLES,
    Change,
    _DETERMINERS,
    _is_name,
    _joined,
    _mapping,
    _match_case,
    _omit,
    operation,
    _pick,
    Span,
    _sub,
    _table,
    _words,
    _zipf,
)


@operation(1.0)
def drop_article(text: str, rng: random.Random) -> Change | None:
    """Drop an article ("to secure the guarantee" -> "to secure guarantee").

    Mirrors MT from article-less languages (Japanese, Russian, Sinhala, Nepali).
    """
    words = _words(text)
    hits = [(a, b) for a, b in zip(words, words[1:]) if a.text.lower() in _ARTICLES and _joined(text, a, b)]
    pair = _pick(rng, hits)
    if pair is None:
        return None
    art, nxt = pair
    if art.text[0].isupper() and nxt.text.islower():
        cap = nxt.text[0].upper() + nxt.text[1:]
        return _sub(art.start, nxt.end, cap, "omission")
    return _omit(text, art.start, nxt.start, "omission", right_only=True)


@operation(1.0)
def add_article(text: str, rng: random.Random) -> Change | None:
    """Add a wrong article: "the" before a bare name or "a" before a plural noun.

    Mirrors over-correction by MT from article-less languages ("in the Brussels", "on a weapons").
    """
    words = _words(text)
    preps = {row[0] for row in _table("prepositions.tsv")}
    options = []
    for prev, tok, nxt in zip(words, words[1:], words[2:] + [None]):
        if not _joined(text, prev, tok) or prev.text.lower() in _DETERMINERS:
            continue
        if _is_name(text, tok) and prev.text in preps and (nxt is None or not nxt.text[0].isupper()):
            options.append((tok, "the"))
        plural = tok.text.islower() and tok.text.endswith("s") and not tok.text.endswith(("ss", "us", "is"))
        if plural and prev.text in preps and len(tok.text) > 4 and _zipf(tok.text[:-1]) > 3.0:
            options.append((tok, "an" if tok.text[0] in "aeio" else "a"))
    hit = _pick(rng, options)
    if hit is None:
        return None
    tok, article = hit
    return _sub(tok.start, tok.start, article + " ", "grammar")


def _infinitive(tok: Span, nxt: Span | None) -> bool:
    """"to" before a lower-case non-determiner word, most likely an infinitive marker."""
    return tok.text == "to" and nxt is not None and nxt.text.islower() and nxt.text not in _DETERMINERS


def _swap_from_table(
    text: str,
    rng: random.Random,
    table: str,
    category: str,
    *,
    skip_first: bool = False,
    kind: str | None = None,
) -> Change | None:
    """Replace a word found in column 1 of ``table`` (rows of ``kind``) by a column-2 value."""
    mapping = _mapping(table, kind)
    words = _words(text)
    hits = [
        t
        for t, nxt in zip(words, [*words[1:], None])
        if t.text.lower() in mapping and not (skip_first and t.start == 0) and not _infinitive(t, nxt)
    ]
    tok = _pick(rng, hits)
    if tok is None:
        return None
    wrong = rng.choice(mapping[tok.text.lower()])
    return _sub(tok.start, tok.end, _match_case(tok.text, wrong), category)


@operation(1.0)
def wrong_preposition(text: str, rng: random.Random) -> Change | None:
    """Swap a preposition for a wrong one ("in the meeting" -> "on the meeting").

    Mirrors case and postposition mapping errors (Japanese に/で, Russian в/на).
    """
    return _swap_from_table(text, rng, "prepositions.tsv", "grammar", skip_first=True)


@operation(0.8)
def wrong_pronoun(text: str, rng: random.Random) -> Change | None:
    """Swap a pronoun's gender, number or animacy ("his husband", "it" for a person).

    Mirrors MT from languages that leave the referent's gender unmarked (MLQE-PE et-en, si-en).
    """
    return _swap_from_table(text, rng, "pronouns.tsv", "mistranslation")


@operation(1.0)
def break_agreement(text: str, rng: random.Random) -> Change | None:
    """Break subject-verb agreement or tense ("attacks ... were considered" -> "was", "he want").

    Mirrors the seed's tense slips and agreement errors in MLQE-PE post-edits.
    """
    words = _words(text)
    third = [
        b
        for a, b in zip(words, words[1:])
        if a.text.lower() in {"he", "she", "it"} and _joined(text, a, b) and _third_person_verb(b.text)
    ]
    roll = rng.random()
    if third and roll < 0.3:
        tok = rng.choice(third)
        return _sub(tok.start, tok.end, tok.text[:-1], "grammar")
    kind = "tense" if roll > 0.8 else "agreement"
    return _swap_from_table(text, rng, "agreement.tsv", "grammar", kind=kind)


def _third_person_verb(word: str) -> bool:
    """A lower-case "-s" form whose stem is a common word ("wants"; not "has", "is", "thus")."""
    if len(word) <= 3 or not word.islower() or word.endswith(("ss", "us", "is")):
        return False
    return word.endswith("s") and _zipf(word[:-1]) > 3.5


_QUANTIFIERS = frozenset(
    "two three four five six seven eight nine ten eleven twelve twenty thirty fifty hundred "
    "hundreds thousand thousands million billion dozen dozens several many few both".split()
)


def _singular(word: str) -> str | None:
    """The most frequent of the plausible singulars of ``word`` ("cases" -> "case"), if common."""
    if not word.endswith("s") or word.endswith("ss"):
        return None
    stems = [word[:-1], word[:-2] if word.endswith("es") else ""]
    stems += [word[:-3] + "y"] if word.endswith("ies") else []
    best = max((s for s in stems if len(s) > 2), key=_zipf, default=None)
    return best if best and _zipf(best) >= 3.0 else None


def _counts(word: str) -> bool:
    """A numeral or quantifier that takes a plural noun; years ("the 2016 elections") do not."""
    if word[0].isdigit():
        return not re.fullmatch(r"1[89]\d\d|20\d\d", word) and word != "1"
    return word.lower() in _QUANTIFIERS


def _counted_nouns(text: str) -> list[Span]:
    """Plural nouns right after a number or a quantifier ("50 countries", "several allies")."""
    words = _words(text)
    return [
        b
        for a, b in zip(words, words[1:])
        if _joined(text, a, b) and b.text.islower() and b.text.endswith("s") and _counts(a.text)
    ]


def _entity_nouns(text: str) -> list[Span]:
    """Counted nouns that name things, not units or scale words ("50 countries", not "5 years")."""
    skip = set(_mapping("measure-units.tsv")) | _QUANTIFIERS | {row[0] for row in _table("counters.tsv")}
    return [t for t in _counted_nouns(text) if t.text not in skip]


@operation(1.5)
def drop_plural(text: str, rng: random.Random) -> Change | None:
    """Use the singular after a number ("50 country", "several ally").

    Mirrors MT from languages without plural marking (Japanese, Chinese) or with singular after
    numerals (Russian, Estonian).
    """
    hits = [(t, s) for t in _counted_nouns(text) if (s := _singular(t.text))]
    hit = _pick(rng, hits)
    if hit is None:
        return None
    tok, singular = hit
    return _sub(tok.start, tok.end, singular, "grammar")
