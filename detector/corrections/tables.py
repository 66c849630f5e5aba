"""Confusion sets read from the noise model's tables (``detector/wordlists/noise``), inverted.

The noise model turns a correct word into a wrong one (``prepositions.tsv``: correct<TAB>wrong);
a correction turns it back, so each table is read once and indexed by its *wrong* column. No
table is copied: the corrections read the very files the noise model writes its errors from.
"""

from __future__ import annotations

from functools import cache

from detector.resources import load_lines

ARTICLES = ("the", "a", "an")  # the closed class, as in the noise model's drop/add_article


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """TAB-separated rows of ``detector/wordlists/noise/<name>``."""
    return tuple(tuple(line.split("\t")) for line in load_lines(f"noise/{name}"))


@cache
def inverse(name: str) -> dict[str, tuple[str, ...]]:
    """``wrong -> correct forms`` of a two-column noise table (lower-cased keys)."""
    out: dict[str, list[str]] = {}
    for row in rows(name):
        if len(row) >= 2 and row[1]:
            out.setdefault(row[1].lower(), []).append(row[0])
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


@cache
def word_class(name: str) -> frozenset[str]:
    """Every single word in either column of a substitution table (a closed word class)."""
    return frozenset(w.lower() for row in rows(name) for w in row[:2] if w and " " not in w)


def alternatives(word: str) -> tuple[str, ...]:
    """Closed-class words that MT confuses with ``word``: inverse noise swaps first, then its class."""
    w = word.lower()
    out: list[str] = []
    for table in ("prepositions.tsv", "pronouns.tsv", "agreement.tsv", "foreign.tsv"):
        out += inverse(table).get(w, ())
    for table in ("prepositions.tsv", "pronouns.tsv"):
        if w in word_class(table):
            out += sorted(word_class(table))
    if w in ARTICLES:
        out += ARTICLES
    return tuple(a for a in dict.fromkeys(out) if a.lower() != w)


@cache
def closed_class() -> frozenset[str]:
    """Articles, prepositions, pronouns and auxiliaries of the noise tables (lower case)."""
    return frozenset(ARTICLES).union(*(word_class(t) for t in ("prepositions.tsv", "pronouns.tsv", "agreement.tsv")))


@cache
def phrases(name: str, column: int = 0) -> tuple[str, ...]:
    """One column of a phrase table (hedges, collocations), longest first."""
    return tuple(sorted({r[column] for r in rows(name) if len(r) > column and r[column]}, key=len, reverse=True))


@cache
def counter_nouns() -> frozenset[str]:
    """Counter and measure nouns the noise model puts after numbers ("23 people" for 23 countries)."""
    return frozenset(r[0].lower() for r in rows("counters.tsv"))
