"""MT106 unbalanced-quote: a double quotation mark with no partner in its paragraph.

**What it catches.** A closing mark with no opening one, an opening mark never closed, or a
quotation closed twice: “Europeans must own this conflict.” President Trump intends to end it.
And … with Europeans.” Curly (“ ”) and straight (") double quotes are checked.

**Why it happens in MT.** Systems translate sentence by sentence; when a quotation spans
several source sentences, the quote marks are re-inserted per sentence and end up closing
early, twice, or never.

**Example.** “Europeans must own this conflict in the future.” President Trump intends to end
it. And … totally present with Europeans.” → the first closing mark is removed, so the quotation
runs on to its final closing mark.

**False positives.** Apostrophes and single quotes are not checked; a straight quote after a
digit outside a quotation is an inch mark; nested double quotes pair up. A quotation left open
at the end of a paragraph is correct when the next paragraph reopens it (the news convention for
quotes running over paragraphs), and is not judged at the end of the text; a lone closing mark
in the first paragraph may end a quotation opened before the excerpt, so it is not flagged
either. When a quotation is closed twice, the earlier mark is blamed unless an attribution verb
("said", ``wordlists/attribution-verbs.txt``) stands between the two marks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from detector.document import WORD_RE, Document, Span
from detector.findings import Finding, Rule
from detector.resources import load_set

OPEN, CLOSE = "“„«", "”»"
QUOTE_RE = re.compile('[“„«”»"]')  # OPEN, CLOSE and the straight quote
BEFORE_OPEN = " \t([{—–-/"
Role = Literal["open", "close"]


@dataclass(frozen=True)
class Mark:
    """A double quotation mark and whether it opens or closes."""

    pos: int
    role: Role


def check(doc: Document) -> Iterator[Finding]:
    """Yield every spurious quotation mark: all that one pass of fixes must remove to balance.

    Removing a mark can expose another (a paragraph whose continuation loses its opening mark
    is left open), so the marks are re-read with the blamed ones removed until nothing more is
    blamed; every blamed mark is reported at its offset in ``doc.text``.
    """
    if not QUOTE_RE.search(doc.text):
        return  # no double quotation mark: nothing to balance
    removed: list[int] = []
    current = doc
    while True:
        blamed = sorted(_blamed(current))
        if not blamed:
            return
        for pos, message, confidence in blamed:
            yield RULE.finding(_original(pos, removed), _original(pos, removed) + 1, message, [""], confidence)
        removed = sorted(removed + [_original(pos, removed) for pos, _, _ in blamed])
        current = Document(_without(doc.text, removed))


def _original(pos: int, removed: list[int]) -> int:
    """The offset in the original text of ``pos`` in the text with ``removed`` (sorted) deleted."""
    shift = bisect.bisect_right(removed, pos)
    while bisect.bisect_right(removed, pos + shift) != shift:
        shift = bisect.bisect_right(removed, pos + shift)
    return pos + shift


def _without(text: str, removed: list[int]) -> str:
    pieces, pos = [], 0
    for i in removed:
        pieces.append(text[pos:i])
        pos = i + 1
    return "".join(pieces) + text[pos:]


def _blamed(doc: Document) -> Iterator[tuple[int, str, float]]:
    """The spurious marks of ``doc``: (offset, message, confidence).

    A paragraph left open is excused when the next one reopens the quotation (the convention
    for quotations running over paragraphs), unless that reopening mark is itself blamed.
    """
    paragraphs = doc.paragraphs
    reopener_blamed = False
    for i in range(len(paragraphs) - 1, -1, -1):
        para = paragraphs[i]
        following = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        closes, unclosed = _pair(doc, _marks(para), first=i == 0)
        yield from closes
        blame_open = bool(unclosed) and following is not None and (reopener_blamed or not _opens_with_quote(following))
        if blame_open:
            yield from ((m.pos, "This opening quotation mark is never closed.", 0.6) for m in unclosed)
        reopener_blamed = blame_open and unclosed[0].pos == para.start


def _marks(para: Span) -> list[Mark]:
    """Double quotation marks of a paragraph, with their role.

    A straight quote opens after a space or an opening bracket and before a non-space, closes
    before a space or punctuation, and, surrounded by spaces, toggles (opens if none is open).
    """
    marks: list[Mark] = []
    text = para.text
    depth = 0
    for m in QUOTE_RE.finditer(text):
        i, ch = m.start(), m.group()
        if ch in OPEN:
            role: Role = "open"
        elif ch in CLOSE:
            role = "close"
        else:  # a straight quote
            before, after = text[i - 1 : i], text[i + 1 : i + 2]
            if before.isdigit() and not depth:
                continue  # an inch mark: 5" screen (but "Apollo 13" closes a quote)
            opening_side = not before or before in BEFORE_OPEN
            if opening_side and after in ("", " "):
                role = "close" if depth else "open"
            else:
                role = "open" if opening_side else "close"
        depth = depth + 1 if role == "open" else max(0, depth - 1)
        marks.append(Mark(para.start + i, role))
    return marks


def _opens_with_quote(para: Span) -> bool:
    return para.text[:1] in OPEN or para.text[:1] == '"'


def _pair(doc: Document, marks: list[Mark], *, first: bool) -> tuple[list[tuple[int, str, float]], list[Mark]]:
    """Pair the marks of one paragraph (nesting allowed): the blamed closing marks, and the
    opening marks left unclosed.

    A closing mark in the first paragraph may end a quotation opened before the excerpt, so a
    lone one there is not blamed.
    """
    blamed: list[tuple[int, str, float]] = []
    stack: list[Mark] = []
    last_pair: tuple[Mark, Mark] | None = None
    for mark in marks:
        if mark.role == "open":
            stack.append(mark)
        elif stack:
            last_pair = (stack.pop(), mark)
        elif last_pair is not None and not _has_attribution(doc, last_pair[1].pos, mark.pos):
            message = "This closing quotation mark ends the quotation early: a second closing mark follows with no new opening."
            blamed.append((last_pair[1].pos, message, 0.8))
            last_pair = (last_pair[0], mark)
        elif not first:
            blamed.append((mark.pos, "This closing quotation mark has no opening mark.", 0.7))
    return blamed, stack


def _has_attribution(doc: Document, start: int, end: int) -> bool:
    """Whether an attribution verb lies between two offsets."""
    verbs = load_set("attribution-verbs.txt")
    return any(w.casefold() in verbs for w in WORD_RE.findall(doc.text, start, end))


RULE = Rule(
    code="MT106",
    name="unbalanced-quote",
    category="typographical",
    severity="warning",
    summary="A double quotation mark has no partner in its paragraph.",
    doc=__doc__ or "",
    check=check,
    examples_fail=(
        "Waltz said that “Europeans must own this conflict.” Trump intends to end it. And it is theirs.”",
        "The talks ended on Friday.\nThe minister said the plan was ready.” Talks continue.",
        "“We will win, the coach said after the match.\nThe team flew home on Sunday.",
        "He said “a “b “c that the plan was ready.\nThe end.",
        'The mayor called the vote "a disgrace.\nCouncillors left the chamber.',
    ),
    examples_pass=(
        "“We will win,” the coach said. “They know it,” he added.",
        "The TV has a 55\" screen and costs $400.",
        'The film "Apollo 13" won four awards.\nCritics were less kind.',
        "“The first part of a long quote runs on.\n“And it ends here,” she said.",
        "The bank’s chief said rates would stay at 5%.",
        'He called it "the best deal" and left.',
        '"We nicknamed him "Lucky" and I think the name fits," the officer said.',
        "The minister said the plan was ready.” Talks continue.",
        "“We will win, the coach said after the match.",
    ),
)
