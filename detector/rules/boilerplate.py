"""MT105 boilerplate: scraped web page furniture standing as its own line or sentence.

**What it catches.** "The story continues under this ad", "Advertisement", "Also read: …",
"Click here to subscribe", "(This story has not been edited by … staff …)".

**Why it happens in MT.** Syndication pipelines translate the whole scraped page, so ad slots,
read-more links and editor notes become sentences of the article, often translated literally
("continues under this ad").

**Example.** A line "The story continues under this ad" between two paragraphs → deleted.

**False positives.** A pattern from ``wordlists/boilerplate.txt`` (extensible) must match the whole
line or sentence, not part of it. Without a pattern, a line is flagged only if it is short (at
most 12 words), has no final punctuation and holds two or more distinct furniture cue words, one
of them strong (``wordlists/boilerplate-cues.txt``), so headlines such as "Ad agency wins contract" or
"Apple to share app revenue with developers" are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from detector.document import WORD_RE, Document, Span
from detector.findings import Finding, Rule
from detector.resources import load_lines

MAX_SHAPE_WORDS = 12
MIN_CUES = 2


@cache
def _patterns(extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    """All boilerplate patterns (shipped, then ``extra`` from the configuration) as one case-insensitive alternation."""
    return re.compile("|".join(f"(?:{p})" for p in (*load_lines("boilerplate.txt"), *extra)), re.IGNORECASE)


def check(doc: Document) -> Iterator[Finding]:
    """Yield boilerplate lines (deleted with their line break) and boilerplate sentences."""
    by_paragraph: dict[int, list[Span]] = {}
    for sent in doc.sentences:
        by_paragraph.setdefault(sent.paragraph, []).append(sent)
    for i, para in enumerate(doc.paragraphs):
        sentences = by_paragraph.get(i, [])
        confidence = _score(para.text, doc.boilerplate)
        if confidence:
            start, end = _line_extent(doc, para)
            yield RULE.finding(start, end, _message(para.text), [""], confidence)
            continue
        if len(sentences) == 1 and sentences[0].text == para.text:
            continue  # its one sentence is the paragraph, whose patterns did not match
        for j, sent in enumerate(sentences):
            if _score(sent.text, doc.boilerplate, shape=False):
                start = sentences[j - 1].end if j else sent.start
                end = sent.end if j else (sentences[1].start if len(sentences) > 1 else sent.end)
                yield RULE.finding(start, end, _message(sent.text), [""], 0.85)


def _score(text: str, extra: tuple[str, ...] = (), *, shape: bool = True) -> float:
    """Confidence that ``text`` is boilerplate: 0.95 for a pattern, 0.6 for the shape cue."""
    core = text.strip().rstrip(".:!…").strip()
    if _patterns(extra).fullmatch(core):
        return 0.95
    if not shape or text.rstrip()[-1:] in ".!?\"”’":
        return 0.0
    words = [w.casefold() for w in WORD_RE.findall(core)]
    cues = {w: _cues()[w] for w in words if w in _cues()}
    strong = "strong" in cues.values()
    return 0.6 if len(words) <= MAX_SHAPE_WORDS and len(cues) >= MIN_CUES and strong else 0.0


@cache
def _cues() -> dict[str, str]:
    """Furniture cue word -> "strong" or "weak"."""
    return dict(line.split("\t") for line in load_lines("boilerplate-cues.txt"))


def _line_extent(doc: Document, para: Span) -> tuple[int, int]:
    """The whole line of ``para`` with one line break, so deleting it leaves no blank line."""
    text = doc.text
    start = max(text.rfind("\n", 0, para.start), text.rfind("\r", 0, para.start)) + 1
    end = para.end
    while end < len(text) and text[end] in " \t":
        end += 1
    if text.startswith("\r\n", end):
        return start, end + 2
    if end < len(text) and text[end] in "\r\n":
        return start, end + 1
    return start, end


def _message(text: str) -> str:
    return f"“{text.strip()}” is web page boilerplate, not part of the article."


RULE = Rule(
    code="MT105",
    name="boilerplate",
    category="other",
    severity="error",
    summary="Scraped page furniture (ads, read-more links, editor notes) is in the text.",
    doc=__doc__ or "",
    check=check,
    examples_fail=(
        "The talks will resume on Monday.\nThe story continues under this ad\nBoth sides agreed.",
        "The talks will resume on Monday.\nAdvertisement\nBoth sides agreed.",
        "Prices rose again in March. Also read: Why inflation is sticky",
        "(This story has not been edited by our staff and is auto-generated from a syndicated feed.)",
        "The council met on Tuesday.\nStory continues below the advert",
    ),
    examples_pass=(
        "Ad agency wins contract",
        "The advertisement ran in three newspapers last week.",
        "Readers can subscribe to the newsletter on the paper’s website.",
        "The story continues to develop, police said.",
        "Apple to share app revenue with developers",
        "Twitter users follow story of missing dog",
        "Sign up for the new scheme was slow, officials said.",
    ),
)
