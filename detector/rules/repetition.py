"""MT101 repeated-word: a word or phrase of 1-4 words written twice in a row.

**What it catches.** "Pete Hegseth Will will become", "in the in the", and a repetition across
a spurious sentence break, "the Pentagon said. said before". Runs of any length
("church church church", "said. said. said.") are one finding.

**Why it happens in MT.** Neural decoders repeat a token when attention lingers on one source
word, and round trips through languages that put the verb last duplicate the verb at the
boundary where the sentence was re-ordered.

**Example.** "the Pentagon said. said before" → "the Pentagon said before".

**False positives.** Legitimate doubles ("had had", "that that", "Bora Bora", "Duran Duran")
are listed in ``wordlists/legit-doubles.txt``; identical short capitalized rare words are read as
names ("Li Li", "Dong Dong"; but "Hegseth Hegseth" is flagged), as are short identical
capitalized words after a title or a given name ("Mr. Kim Kim", "the band Talk Talk",
``wordlists/name-titles.txt``); a repetition right after a chant or a cry ("they chanted USA USA",
``wordlists/chant-cues.txt``) is intended; numbers are ignored. A capitalized name-word before its lower-case double ("Will
will", "May may") is a repetition only if it cannot be a name: it is not sentence-initial, does
not follow a given name, title or month context ("Theresa May may", "Mrs May may", "due in May
may"), and is not used as a name elsewhere in the document. Free relatives ("What he did did
little", "Whoever wins wins") are recognized by a wh-word among the six words before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from operator import eq

from wordfreq import zipf_frequency

from detector.document import Document, Token, words as document_words
from detector.findings import Finding, Rule
from detector.resources import load_set

MAX_PHRASE = 4
SPURIOUS_BREAK_RE = re.compile(r"[.!?]\s+")
RARE_ZIPF = 4.2
MAX_NAME_SYLLABLE = 6
FREE_RELATIVE_WINDOW = 6
QUESTION_SUBJECTS = frozenset("i you he she it we they the a an this that there these those our your his her their".split())


def check(doc: Document) -> Iterator[Finding]:
    """Yield one finding per run of repeated words or phrases in each paragraph."""
    if not _tandem_starts(doc.folded_words):
        return  # no words directly followed by the same words anywhere: nothing to find
    sentence_starts = set(doc.first_word_starts)
    names_in_use = cache(lambda: _capitalized_uses(doc, sentence_starts))
    for para in doc.paragraphs:
        words = document_words(para, doc)
        folded = [w.text.casefold() for w in words]
        i = 0
        for start in _tandem_starts(folded):  # a repetition starts only where a tandem does
            if start < i:
                continue
            found = _repetition_at(doc, words, folded, start, sentence_starts, names_in_use)
            if found is not None:
                finding, consumed = found
                yield finding
                i = start + consumed


def _tandem_starts(folded: Sequence[str]) -> list[int]:
    """The indices ``i`` where some 1-4 words are directly followed by the same words."""
    starts: set[int] = set()
    if len(set(folded)) == len(folded):
        return []  # no word occurs twice
    for n in range(1, MAX_PHRASE + 1):
        same = bytes(map(eq, folded, folded[n:]))  # same[k]: word k equals word k + n
        run = b"\x01" * n
        k = same.find(run)
        while k != -1:
            starts.add(k)
            k = same.find(run, k + 1)
    return sorted(starts)


def _repetition_at(
    doc: Document,
    words: Sequence[Token],
    folded: Sequence[str],
    i: int,
    sentence_starts: set[int],
    names_in_use: Callable[[], set[str]],
) -> tuple[Finding, int] | None:
    """The repetition run starting at word ``i`` and the number of words it covers."""
    for n in range(1, MAX_PHRASE + 1):
        if i + n >= len(folded) or folded[i] != folded[i + n]:
            continue
        copies = _count_copies(doc, words, folded, i, n)
        if copies < 2:
            continue
        first, last = words[i : i + n], words[i + (copies - 1) * n : i + copies * n]
        second = words[i + n : i + 2 * n]
        gap = doc.text[first[-1].end : second[0].start]
        across_break = not gap.isspace()
        if not across_break and (
            _chanted(words, i) or copies == 2 and _legitimate(doc, words, i, n, sentence_starts, names_in_use)
        ):
            return None
        start, end = first[0].start, last[-1].end
        keep = first if first[0].start in sentence_starts else last
        replacement = doc.text[keep[0].start : keep[-1].end]
        phrase = replacement.casefold()
        kind = "word" if n == 1 else "phrase"
        if across_break:
            message = f"The {kind} “{phrase}” is repeated across a spurious sentence break."
        else:
            message = f"The {kind} “{phrase}” is repeated{'' if copies == 2 else f' {copies} times'}."
        confidence = 0.9 if across_break or first[0].text != second[0].text else 0.95
        return RULE.finding(start, end, message, [replacement], confidence), copies * n
    return None


def _count_copies(doc: Document, words: Sequence[Token], folded: Sequence[str], i: int, n: int) -> int:
    """How many times the ``n`` words at ``i`` occur back to back (1 if not repeated)."""
    unit = folded[i : i + n]
    if any(any(c.isdigit() for c in u) for u in unit) or not _tight(doc, words[i : i + n]):
        return 1
    copies = 1
    j = i + n
    while j + n <= len(words):
        chunk = words[j : j + n]
        gap = doc.text[words[j - 1].end : chunk[0].start]
        if folded[j : j + n] != unit or not _tight(doc, chunk):
            break
        if not (gap.isspace() or _spurious_break(gap, chunk[0])):
            break
        copies += 1
        j += n
    return copies


def _tight(doc: Document, chunk: Sequence[Token]) -> bool:
    """Whether the words of a phrase are separated by whitespace only."""
    return all(doc.text[a.end : b.start].isspace() for a, b in zip(chunk, chunk[1:]))


def _spurious_break(gap: str, following: Token) -> bool:
    """A sentence break followed by a lower-case word: "said. said"."""
    return bool(SPURIOUS_BREAK_RE.fullmatch(gap)) and following.text[0].islower()


def _legitimate(
    doc: Document,
    words: Sequence[Token],
    i: int,
    n: int,
    sentence_starts: set[int],
    names_in_use: Callable[[], set[str]],
) -> bool:
    """Whether a doubled word or phrase at ``words[i]`` is correct English (exceptions, names)."""
    before = [w.text.casefold() for w in words[max(0, i - FREE_RELATIVE_WINDOW) : i]]
    if set(before) & load_set("free-relative-words.txt") and words[i].text.casefold() not in load_set("never-doubled.txt"):
        return True  # "What he did did little", "what was done was done"
    if n > 1:
        return False
    a, b = words[i].text, words[i + 1].text
    if f"{a} {b}".casefold() in load_set("legit-doubles.txt"):
        return True
    if a == b and a.istitle() and len(a) <= MAX_NAME_SYLLABLE and (zipf_frequency(a, "en") < RARE_ZIPF or _after_title(doc, words[i])):
        return True  # reduplicated names: "Bora Bora", "Li Li", "Mr. Kim Kim", "the band Talk Talk"
    if a[0].isupper() and b[0].islower() and a.casefold() in load_set("name-words.txt"):
        return _could_be_name(doc, words[i], sentence_starts, names_in_use)
    return False


def _could_be_name(doc: Document, word: Token, sentence_starts: set[int], names_in_use: Callable[[], set[str]]) -> bool:
    """Whether a capitalized name-word ("Will", "May") reads as a person's name here
    (``names_in_use``: the document's capitalized uses, computed on first need)."""
    if word.start in sentence_starts or word.text in names_in_use():
        return True
    return _after_title(doc, word) or _previous_word(doc, word).casefold() in load_set("name-preceders.txt")


def _after_title(doc: Document, word: Token) -> bool:
    """Whether ``word`` follows a given name or a title ("Mr. Kim", "the band Talk")."""
    previous = _previous_word(doc, word)
    return previous in load_set("given-names.txt", casefold=False) or previous.casefold() in load_set("name-titles.txt")


def _previous_word(doc: Document, word: Token) -> str:
    before = doc.text[max(0, word.start - 60) : word.start].rstrip().rsplit(maxsplit=1)
    return before[-1].rstrip(".,") if before else ""


def _chanted(words: Sequence[Token], i: int) -> bool:
    """Whether a chant or cry ("chanted", "cries of") comes among the six words before ``words[i]``."""
    cues = load_set("chant-cues.txt")
    return any(w.text.casefold() in cues for w in words[max(0, i - FREE_RELATIVE_WINDOW) : i])


def _capitalized_uses(doc: Document, sentence_starts: set[int]) -> set[str]:
    """Capitalized words used as names: mid-sentence, or sentence-initial before a non-subject
    ("Will arrived", not "Will they"), and never before their own lower-case double."""
    uses: set[str] = set()
    tokens = doc.word_tokens
    for t, nxt in zip(tokens, tokens[1:] + [None]):
        if not t.text[0].isupper() or (nxt is not None and nxt.text == t.text.lower()):
            continue
        if t.start not in sentence_starts or (nxt is not None and nxt.text.casefold() not in QUESTION_SUBJECTS):
            uses.add(t.text)
    return uses


RULE = Rule(
    code="MT101",
    name="repeated-word",
    category="duplication",
    severity="error",
    summary="A word or phrase is repeated, possibly across a spurious sentence break.",
    doc=__doc__ or "",
    check=check,
    examples_fail=(
        "US Secretary of Defense Pete Hegseth Will will become the first member to visit.",
        "The plan was approved by the the board on Monday.",
        "“We are ready,” the Pentagon said. said before the trip.",
        "The ministers met in the in the capital.",
        "The church church church was full.",
        "Defense Secretary Hegseth Hegseth arrived in Brussels.",
        "He asked what the the board had decided.",
    ),
    examples_pass=(
        "She had had enough of the delays by then.",
        "He said that that decision was final.",
        "Theresa May may face a vote of confidence.",
        "Will will lead the team, his coach said.",
        "The band Duran Duran played in Bora Bora.",
        "The score was 10 10 at half-time in the table.",
        "He said no. No one else spoke.",
        "Elections due in May may be delayed, officials said.",
        "Prime Minister May may call an election.",
        "“Will will lead the team,” his coach said.",
        "What he did did little to calm the markets.",
        "Whoever wins wins the right to host the final.",
        "Lang Lang played to a full house.",
        "He still loves the band Talk Talk.",
        "The crowd chanted “USA USA” as the team left.",
        "Mr. Kim Kim met the delegation.",
    ),
)
