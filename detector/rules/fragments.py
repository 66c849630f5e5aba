"""MT103 fragment: a short verbless name split off from the sentence it belongs to.

**What it catches.** "…the meeting will be convened by another country. UK." The fragment is
one to three capitalized words standing as a sentence right after the sentence it completes.

**Why it happens in MT.** Appositions and afterthoughts ("by another country, the UK") are
re-ordered when the source language puts them first; the decoder closes the sentence early
and emits the displaced noun phrase as a sentence of its own.

**Example.** "…by another country. UK." → "…by another country, the UK."

**False positives.** The fragment must read as a name: several capitalized words, an acronym,
a listed name or country, a word the document capitalizes mid-sentence, or a rare word ("Incredible." and
"Wow." are not). Replies and sign-offs ("Yes.", "Thank you.", "Happy New Year.") are listed
in ``wordlists/short-sentences.txt``; fragments opening with a function word ("Not Mexico."),
inside quotation marks, ending in "!" or "?", with a lower-case word, or following a quotation
or a short sentence are not flagged. Names that
take an article in English ("UK", "Netherlands") come from ``wordlists/article-names.txt``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wordfreq import zipf_frequency

from detector.document import Document, Sentence
from detector.findings import Finding, Rule
from detector.resources import load_set
from detector.rules.particles import particle_table

FRAGMENT_RE = re.compile(r"((?:[A-Z][\w.&'’-]*)(?: [A-Z][\w.&'’-]*){0,2})\.")
MIN_PREVIOUS_WORDS = 4
RARE_ZIPF = 3.5


def check(doc: Document) -> Iterator[Finding]:
    """Yield capitalized 1-3 word sentences that continue the previous sentence."""
    sentences = doc.sentences
    for prev, sent in zip(sentences, sentences[1:]):
        m = FRAGMENT_RE.fullmatch(sent.text)
        if not m or prev.paragraph != sent.paragraph or not _continues(prev):
            continue
        name = m.group(1)
        if name.casefold() in load_set("short-sentences.txt") or _function_word(name) or not _name_like(doc, name):
            continue
        article = "the " if name in load_set("article-names.txt", casefold=False) else ""
        yield RULE.finding(
            prev.end - 1,
            sent.end,
            f"“{sent.text}” is a fragment split off from the previous sentence.",
            [f", {article}{sent.text}"],
            0.8,
        )


def _name_like(doc: Document, name: str) -> bool:
    """Whether a fragment reads as a name: several capitalized words, an acronym ("UK"), a
    listed name or country, a word the document capitalizes mid-sentence, or a rare word."""
    if " " in name:
        return True
    if name.casefold() in particle_table("particles-standalone.txt"):
        return False  # "Ta." is MT102's
    bare = name.replace(".", "")
    return (
        (bare.isupper() and len(bare) >= 2)
        or name in load_set("article-names.txt", casefold=False)
        or name in load_set("country-names.txt", casefold=False)
        or name in doc.capitalized_mid_sentence
        or zipf_frequency(name, "en") < RARE_ZIPF
    )


def _function_word(name: str) -> bool:
    """Whether a fragment opens with a word that starts ordinary sentences ("Not Mexico.")."""
    return name.split()[0] in load_set("sentence-openers.txt", casefold=False)


def _continues(prev: Sentence) -> bool:
    """Whether ``prev`` is a plain statement that a noun phrase could complete."""
    return prev.text.endswith(".") and not prev.text.endswith("..") and len(prev.text.split()) >= MIN_PREVIOUS_WORDS


RULE = Rule(
    code="MT103",
    name="fragment",
    category="grammar",
    severity="warning",
    summary="A short verbless name stands as a sentence; it belongs to the previous one.",
    doc=__doc__ or "",
    check=check,
    examples_fail=(
        "For the first time, the meeting will be convened by another country. UK.",
        "The summit will be hosted this year by a new member. Finland.",
        "The prize went to a team from a small island nation. New Zealand Rowing.",
    ),
    examples_pass=(
        "Did the minister resign? Yes.",
        "The crowd cheered when the clock struck midnight. Happy New Year.",
        "“Is it over?” she asked. “Not now.”",
        "They called it the greatest comeback ever. Really?",
        "He took the job in the end. Not now.",
        "We are loyal to our families and our towns. Not Washington.",
        "The band played their final show on Saturday. Incredible.",
        "The ministers met on Tuesday in the capital. Ta.",
        "The company is based in London. It employs 300 people.",
    ),
)
