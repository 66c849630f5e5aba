"""The document model: one text, and paragraphs, sentences and tokens as offsets into it.

Nothing downstream re-splits the raw string. A :class:`~detector.spans.Span` is a ``(start, end)``
slice of ``Document.text`` in Unicode code points, and ``span.text`` is always ``doc.text[start:end]``.
Every line is a paragraph (newlines are paragraph boundaries, so a boilerplate line never
glues onto the next sentence; only hard-wrapped lines are joined); sentences are split inside
each paragraph.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from detector.resources import load_lines
from detector.spans import Span

WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")  # the package's one definition of a word
TOKEN_RE = re.compile(rf"{WORD_RE.pattern}|\S")
LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# Terminal punctuation, then closing quotes/brackets, then whitespace: a candidate boundary.
BOUNDARY_RE = re.compile(r"(?<![.!?])(?:[.!?]++|…)[\"'”’)\]]*+(?=\s+(\S))")
DOTTED_ACRONYM_RE = re.compile(r"(?:\b[^\W\d_]\.){2,}$")
WORD_BEFORE_RE = re.compile(r"([^\W_]+)\.$")
OPENING_MARKS = "\"'“‘([«"
SENTENCE_END = ".!?:;\"'”’)]…"


@dataclass(frozen=True, slots=True)
class Token(Span):
    """A word or a single punctuation character."""

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


@dataclass(frozen=True, slots=True)
class Sentence(Span):
    """A sentence, with the index of its paragraph in the document."""

    paragraph: int = 0


@dataclass
class Document:
    """A text with its paragraphs, sentences and tokens, all offsets into ``text``.

    ``accepted``: words the configuration accepts (never flagged as a truncated name or a
    particle; exact matches); ``boilerplate``: extra MT105 patterns from the configuration.
    """

    text: str
    accepted: frozenset[str] = frozenset()
    boilerplate: tuple[str, ...] = ()
    paragraphs: list[Span] = field(init=False)
    line_breaks: list[Span] = field(init=False)

    def __post_init__(self) -> None:
        self.paragraphs, self.line_breaks = split_lines(self.text)

    @cached_property
    def sentences(self) -> list[Sentence]:
        """All sentences, in order, each inside one paragraph."""
        return [
            Sentence(start, end, self.text[start:end], paragraph=i)
            for i, para in enumerate(self.paragraphs)
            for start, end in split_sentences(para.text, para.start)
        ]

    @cached_property
    def word_texts(self) -> list[str]:
        """The text of every word token, in order, without building the tokens (for the rules' prefilters)."""
        return WORD_RE.findall(self.text)

    @cached_property
    def word_tokens(self) -> list[Token]:
        """The word tokens in order (``[t for t in tokens if t.is_word]``, without building the punctuation tokens)."""
        return [Token(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(self.text)]

    @cached_property
    def _word_starts(self) -> list[int]:
        return [t.start for t in self.word_tokens]

    @cached_property
    def folded_words(self) -> list[str]:
        """``word_texts`` case-folded."""
        return list(map(str.casefold, self.word_texts))

    @cached_property
    def tokens(self) -> list[Token]:
        """All tokens of the text in order (words and punctuation characters)."""
        return [Token(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(self.text)]

    def tokens_in(self, span: Span) -> list[Token]:
        """The tokens lying inside ``span``."""
        starts = self._token_starts
        lo = bisect.bisect_left(starts, span.start)
        hi = bisect.bisect_left(starts, span.end)
        return self.tokens[lo:hi]

    @cached_property
    def _token_starts(self) -> list[int]:
        return [t.start for t in self.tokens]

    @cached_property
    def first_word_starts(self) -> frozenset[int]:
        """Offsets of the first word of every sentence (after any opening quote)."""
        starts = set()
        for sent in self.sentences:
            m = WORD_RE.search(sent.text)
            if m:
                starts.add(sent.start + m.start())
        return frozenset(starts)

    @cached_property
    def capitalized_mid_sentence(self) -> frozenset[str]:
        """Capitalized words used somewhere other than as a sentence's first word (names)."""
        firsts = self.first_word_starts
        return frozenset(t.text for t in self.tokens if t.text[0].isupper() and t.start not in firsts)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in code points) of ``offset``."""
        starts = self._line_starts
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [b.end for b in self.line_breaks]


def split_lines(text: str) -> tuple[list[Span], list[Span]]:
    """Split ``text`` into paragraphs (trimmed) and the line breaks between lines.

    Every non-blank line is a paragraph, except that a hard-wrapped line (one that does not end
    a sentence, followed directly by a line starting in lower case) continues its paragraph.
    """
    if "\n" not in text and "\r" not in text:  # one line: what the loop below gives, without it
        stripped = text.strip()
        start = len(text) - len(text.lstrip())
        return ([Span(start, start + len(stripped), stripped)] if stripped else []), []
    paragraphs: list[Span] = []
    breaks: list[Span] = []
    previous_blank = True
    for m in LINE_RE.finditer(text):
        line = m.group()
        if not line:
            break
        content = line.rstrip("\r\n")
        if len(content) < len(line):
            breaks.append(Span(m.start() + len(content), m.end(), line[len(content):]))
        stripped = content.strip()
        if not stripped:
            previous_blank = True
            continue
        start = m.start() + len(content) - len(content.lstrip())
        end = start + len(stripped)
        if not previous_blank and paragraphs and _wrapped(paragraphs[-1].text, stripped):
            start = paragraphs.pop().start
        paragraphs.append(Span(start, end, text[start:end]))
        previous_blank = False
    return paragraphs, breaks


def _wrapped(previous: str, line: str) -> bool:
    """Whether ``line`` continues a hard-wrapped paragraph ending in ``previous``."""
    return previous[-1] not in SENTENCE_END and line[0].islower()


def split_sentences(paragraph: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence ``(start, end)`` offsets inside one paragraph, shifted by ``offset``.

    A candidate boundary is terminal punctuation (plus closing quotes) followed by whitespace
    and an upper-case letter, a digit or an opening mark. Titles (Mr., Gen.) never end a
    sentence; numbered abbreviations (No. 10, Jan. 5) and dotted acronyms (U.S., a.m.) end one
    only before a typical sentence opener. Ellipses and decimals never split.
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    for m in BOUNDARY_RE.finditer(paragraph):
        nxt = m.group(1)
        if not (nxt.isupper() or nxt.isdigit() or nxt in OPENING_MARKS):
            continue
        if m.group().startswith(("…", "..")) or not _may_end_sentence(paragraph, m):
            continue
        bounds.append((start, m.end()))
        start = m.start(1)
    if start < len(paragraph):
        bounds.append((start, len(paragraph)))
    return [(offset + s, offset + e) for s, e in bounds]


def _may_end_sentence(paragraph: str, m: re.Match[str]) -> bool:
    """Whether the period at ``m`` may end a sentence, given the word before and after it."""
    if not m.group().startswith("."):
        return True
    before = paragraph[max(0, m.start() - 40): m.start() + 1]
    next_word = WORD_RE.match(paragraph, m.start(1))
    following = next_word.group() if next_word else ""
    opener = following in _openers()
    if before[-3:-2] == "." and DOTTED_ACRONYM_RE.search(before):  # (a match ends in "X.Y.")
        return opener
    word = WORD_BEFORE_RE.search(before)
    if not word:
        return True
    kind = _abbreviations().get(word.group(1))
    if kind == "title":
        return False
    if kind == "number":
        return not following[:1].isdigit() and opener
    if kind == "ending":
        return opener
    if len(word.group(1)) == 1 and word.group(1).isupper():  # an initial: John F. Kennedy
        return opener or not following[:1].isupper()
    return True


@cache
def _openers() -> frozenset[str]:
    return frozenset(load_lines("sentence-openers.txt"))


@cache
def _abbreviations() -> dict[str, str]:
    return dict(line.split("\t") for line in load_lines("abbreviations.tsv"))


def words(span: Span, doc: Document) -> list[Token]:
    """The word tokens inside ``span``."""
    starts = doc._word_starts
    return doc.word_tokens[bisect.bisect_left(starts, span.start) : bisect.bisect_left(starts, span.end)]


__all__ = ["Document", "Sentence", "Span", "Token", "split_lines", "split_sentences", "words"]
