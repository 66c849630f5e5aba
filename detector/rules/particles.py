"""MT102 stray-particle: a romanized particle left behind by translation from Japanese, Chinese or Korean.

**What it catches.** A sentence that is only a particle (a lone "Ta." after a quotation, "Desu.",
"Ne.") and a particle dangling at the end of a clause ("the talks will go on desu.").

**Why it happens in MT.** Sentence-final particles and copulas (Japanese た/です/ね, Chinese 了/吗,
Korean 니다) have no English equivalent; when a system fails to absorb them it transliterates
them, and a round trip leaves the syllable behind as a "sentence" of its own.

**Example.** "…to keep Ukraine in the fight.” Ta." → "…to keep Ukraine in the fight.”"

**False positives.** Only whole sentences made of one listed particle, or lower-case listed
particles right before clause punctuation, are flagged. A particle inside quotation marks, a
sentence-initial one, or one after a name particle ("de", "la", "van") is left alone; the
dangling list holds only syllables that are not English words of news prose
(``wordlists/particles-dangling.txt``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from detector.document import Document, Sentence
from detector.findings import Finding, Rule
from detector.resources import load_lines

STANDALONE_RE = re.compile(r"([^\W\d_]+)([.!?…]*)")
DANGLING_RE = re.compile(r"(?<=[^\W\d_])(\s+)([a-z]+)(?=[,.;:!?])")
NAME_PARTICLES = frozenset({"de", "la", "le", "van", "von", "da", "di", "du", "del"})
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "his", "her", "their", "its", "our", "my", "your"})


@cache
def particle_table(name: str) -> dict[str, str]:
    """particle -> language(s), from a TAB-separated data file."""
    table: dict[str, str] = {}
    for line in load_lines(name):
        particle, lang = line.split("\t")
        table[particle] = f"{table[particle]}/{lang}" if particle in table else lang
    return table


def check(doc: Document) -> Iterator[Finding]:
    """Yield lone-particle sentences and clause-final dangling particles."""
    standalone = particle_table("particles-standalone.txt")
    dangling = particle_table("particles-dangling.txt")
    sentences = doc.sentences
    may_dangle = _dangling_anywhere().search(doc.text) is not None
    if len(sentences) < 2 and not may_dangle:
        return  # a lone particle needs a sentence before it
    for i, sent in enumerate(sentences):
        m = STANDALONE_RE.fullmatch(sent.text)
        if m and m.group(1) in doc.accepted:
            continue
        if m and m.group(1).casefold() in standalone:
            prev = sentences[i - 1] if i and sentences[i - 1].paragraph == sent.paragraph else None
            if prev is not None:
                yield _lone(prev, sent, standalone[m.group(1).casefold()])
            continue
        if may_dangle:
            yield from _dangling(doc, sent, dangling)


@cache
def _dangling_anywhere() -> re.Pattern[str]:
    """DANGLING_RE restricted to the listed particles, searched once in the whole text: a
    sentence has a dangling candidate only if this matches."""
    listed = "|".join(map(re.escape, sorted(particle_table("particles-dangling.txt"), key=len, reverse=True)))
    return re.compile(rf"(?<=[^\W\d_])\s+(?:{listed})(?=[,.;:!?])")


def _lone(prev: Sentence, sent: Sentence, lang: str) -> Finding:
    """A sentence that is only a particle: delete it with the space before it."""
    return RULE.finding(
        prev.end,
        sent.end,
        f"“{sent.text}” is a stray romanized particle ({lang}), not an English sentence.",
        [""],
        0.9,
    )


def _dangling(doc: Document, sent: Sentence, dangling: dict[str, str]) -> Iterator[Finding]:
    """Lower-case particles hanging before clause punctuation inside a sentence."""
    for m in DANGLING_RE.finditer(sent.text):
        particle = m.group(2)
        if particle not in dangling or particle in doc.accepted:
            continue
        before = sent.text[max(0, m.start() - 40) : m.start()].rsplit(maxsplit=1)
        previous = before[-1].casefold() if before else ""
        if previous in NAME_PARTICLES | DETERMINERS or _inside_quotes(sent.text, m.start()):
            continue
        start = sent.start + m.start(1)
        yield RULE.finding(
            start,
            sent.start + m.end(2),
            f"“{particle}” is a stray romanized particle ({dangling[particle]}) at the end of a clause.",
            [""],
            0.75,
        )


def _inside_quotes(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside an open double quotation in ``text``."""
    opened = text.count("“", 0, pos) - text.count("”", 0, pos)
    return opened > 0 or text.count('"', 0, pos) % 2 == 1


RULE = Rule(
    code="MT102",
    name="stray-particle",
    category="untranslated",
    severity="error",
    summary="A romanized Japanese, Chinese or Korean particle is left in the English text.",
    doc=__doc__ or "",
    check=check,
    examples_fail=(
        "“We will keep Ukraine in the fight,” a diplomat said. Ta.",
        "The ministers agreed on the budget. Desu.",
        "The vote will be held next week desu.",
        "The company said profits rose sharply le, analysts noted.",
    ),
    examples_pass=(
        "Ta. Ta is the chemical symbol for tantalum.",
        "The French far-right leader Marine le Pen spoke.",
        "He ordered the ka, a kind of noodle dish, and left.",
        "The exhibition featured Yo-Yo Ma. Critics loved it.",
        "“Ne.” That was all she said.",
    ),
)
