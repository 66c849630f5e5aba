"""Load the word lists and pattern files shipped in ``detector/wordlists/``, and word frequencies.

Each data file is UTF-8 text, one entry per line. Lines starting with ``#`` are
comments (every file opens with one saying what it holds and where its entries
come from); blank lines are ignored.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def load_lines(name: str) -> tuple[str, ...]:
    """Return the entries of ``detector/wordlists/<name>`` in file order."""
    text = resources.files("detector.wordlists").joinpath(name).read_text(encoding="utf-8")
    entries = (line.strip() for line in text.splitlines())
    return tuple(e for e in entries if e and not e.startswith("#"))


@lru_cache(maxsize=None)
def load_set(name: str, *, casefold: bool = True) -> frozenset[str]:
    """Return the entries of a data file as a set, case-folded by default."""
    lines = load_lines(name)
    return frozenset(e.casefold() for e in lines) if casefold else frozenset(lines)


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """English word frequency on the Zipf scale (0 = unknown), cached for the whole package."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")
