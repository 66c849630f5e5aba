"""Candidate edits on the flagged spans of a sentence, one generator per kind of edit.

A generator is ``(target) -> Iterable[Edit]``; it proposes edits that touch the flagged words
(or the gap next to them) and nothing else. Which of them survive is for the meaning guards and
the language model to decide (``search.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from detector.corrections.edits import Edit, Word, delete, match_case, words
from detector.corrections.edits import zipf as _zipf
from detector.corrections.tables import ARTICLES, alternatives, counter_nouns, phrases, rows

COMMON_WORD_ZIPF = 3.0  # a predicted or joined word must be at least this frequent in English
FUNCTION_WORD_ZIPF = 5.0  # only words this frequent are inserted into a gap
NOUN_MAX_ZIPF = 5.5  # a word after a number this frequent ("5% this year") is not a counted noun
MAX_BOILERPLATE_WORDS = 9  # the longest page-furniture line looked for


@dataclass(frozen=True)
class Target:
    """A sentence, its flagged spans, and the evidence the generators draw on.

    ``spans`` are the words the generators edit (a wide flagged span narrowed to its most surprising
    words); ``flagged`` are the spans as flagged, where the table-driven generators look for the
    noise model's phrases (empty: the same as ``spans``). ``predictions[i]`` are the words the
    language model expected at the start of word ``i`` given the text before it; ``context_nouns``
    are nouns that follow numbers elsewhere in the document ("around 50 countries").
    """

    sentence: str
    spans: tuple[tuple[int, int], ...]
    predictions: dict[int, tuple[str, ...]] = field(default_factory=dict)
    context_nouns: tuple[str, ...] = ()
    flagged: tuple[tuple[int, int], ...] = ()

    @property
    def wide(self) -> tuple[tuple[int, int], ...]:
        """The spans as flagged (where table phrases are looked for)."""
        return self.flagged or self.spans

    @property
    def words(self) -> list[Word]:
        return words(self.sentence)

    @property
    def focus(self) -> list[int]:
        """Indices of the words that overlap a flagged span."""
        return [i for i, w in enumerate(self.words) if any(s < w.end and w.start < e for s, e in self.spans)]


Generator = Callable[[Target], Iterable[Edit]]


def _joined(sentence: str, a: Word, b: Word) -> bool:
    return sentence[a.end : b.start] == " "


def delete_span(t: Target) -> Iterable[Edit]:
    """Delete a whole flagged span ("… their security I’m afraid to bring.") or one of its words."""
    for s, e in t.spans:
        inner = [w for w in t.words if s <= w.start and w.end <= e]
        if inner:
            yield delete(t.sentence, inner[0].start, inner[-1].end, "delete_span")
    for i in t.focus:
        yield delete(t.sentence, t.words[i].start, t.words[i].end, "delete_word")


def delete_phrase(t: Target) -> Iterable[Edit]:
    """Delete a literal hedge of the noise model's table ("I'm afraid", "it is said that") in a flagged span;
    a sentence-final hedge goes with the rest of its clause ("… security I’m afraid to bring.")."""
    flat = t.sentence.replace("’", "'").lower()
    final = {r[0].lower() for r in rows("hedges.tsv") if len(r) > 1 and r[1] == "end"}
    for phrase in phrases("hedges.tsv"):
        for m in re.finditer(r"(?<!\w)" + re.escape(phrase.lower()) + r"(?!\w)", flat):
            if any(s < m.end() and m.start() < e for s, e in t.wide):
                yield delete(t.sentence, m.start(), m.end(), "delete_phrase")
                rest = re.match(r"[^.!?;:,]*?(?=[.!?;:,]?[\"'”’)]*\s*$)", t.sentence[m.end() :])
                if phrase.lower() in final and rest and rest.group():
                    yield delete(t.sentence, m.start(), m.end() + rest.end(), "delete_phrase")


def replace_closed_class(t: Target) -> Iterable[Edit]:
    """Swap a flagged article, preposition, pronoun or auxiliary for one MT confuses it with."""
    for i in t.focus:
        w = t.words[i]
        for alt in alternatives(w.text):
            yield Edit(w.start, w.end, match_case(w.text, alt), "closed_class")


def replace_predicted(t: Target) -> Iterable[Edit]:
    """Replace a flagged word by a word the language model expected in its place."""
    for i in t.focus:
        w = t.words[i]
        for alt in t.predictions.get(i, ()):
            if alt.isalpha() and alt.lower() != w.text.lower() and _zipf(alt) >= COMMON_WORD_ZIPF:
                yield Edit(w.start, w.end, match_case(w.text, alt), "predicted")


def insert_predicted(t: Target) -> Iterable[Edit]:
    """Insert after a flagged word a word the model expected next ("The [issue] will be resolved")."""
    ws = t.words
    for i in t.focus:
        if i + 1 < len(ws) and _joined(t.sentence, ws[i], ws[i + 1]):
            for new in t.predictions.get(i + 1, ()):
                if new.isalpha() and new.lower() not in (ws[i].text.lower(), ws[i + 1].text.lower()) and _zipf(new) >= COMMON_WORD_ZIPF:
                    yield Edit(ws[i].end, ws[i].end, f" {new}", "insert_after")


def insert_function_word(t: Target) -> Iterable[Edit]:
    """Insert an article, or a function word the model expected, before a flagged word (a dropped "the")."""
    for i in t.focus:
        w = t.words[i]
        expected = [p for p in t.predictions.get(i, ()) if p.isalpha() and _zipf(p) >= FUNCTION_WORD_ZIPF]
        for new in dict.fromkeys([*ARTICLES, *expected]):
            if new.lower() != w.text.lower():
                first = w.start == t.words[0].start
                head = match_case(w.text, new) if first else new
                rest = w.text[:1].lower() + w.text[1:] if first and _zipf(w.text) >= 4.0 else w.text
                yield Edit(w.start, w.end, f"{head} {rest}", "insert")


def counter_noun(t: Target) -> Iterable[Edit]:
    """After a number, replace a counter noun ("23 people") by a noun counted elsewhere in the document."""
    ws = t.words
    for i in t.focus:
        w = ws[i]
        if i and w.text.lower() in counter_nouns() and any(c.isdigit() for c in ws[i - 1].text):
            for noun in dict.fromkeys(t.context_nouns):
                if noun.lower() != w.text.lower():
                    yield Edit(w.start, w.end, noun, "counter")


def swap_adjacent(t: Target) -> Iterable[Edit]:
    """Swap a flagged word with its neighbour (word-order errors)."""
    ws = t.words
    for i in t.focus:
        for a, b in ((i - 1, i), (i, i + 1)):
            if 0 <= a and b < len(ws) and _joined(t.sentence, ws[a], ws[b]):
                x, y = ws[a].text, ws[b].text
                if a == 0:
                    x, y = match_case(y, x) if _zipf(x) >= 4.0 else x, match_case(x, y)
                yield Edit(ws[a].start, ws[b].end, f"{y} {x}", "swap")


def join_split(t: Target) -> Iterable[Edit]:
    """Join a flagged word and its neighbour when together they make a common word ("any one" -> "anyone")."""
    ws = t.words
    for i in t.focus:
        for a, b in ((i - 1, i), (i, i + 1)):
            if 0 <= a and b < len(ws) and _joined(t.sentence, ws[a], ws[b]):
                joined = ws[a].text + ws[b].text.lower()
                if _zipf(joined) >= COMMON_WORD_ZIPF:
                    yield Edit(ws[a].start, ws[b].end, joined, "join")


def inflect(t: Target) -> Iterable[Edit]:
    """Add or drop a plural ending on a flagged noun or verb (agreement, dropped plurals)."""
    for i in t.focus:
        w = t.words[i]
        if not w.text.isalpha() or not w.text.islower() or len(w.text) < 3:
            continue
        forms = [w.text + "s", w.text + "es", w.text[:-1] + "ies"] if not w.text.endswith("s") else [w.text[:-1]]
        if w.text.endswith("ies"):
            forms.append(w.text[:-3] + "y")
        if w.text.endswith("es"):
            forms.append(w.text[:-2])
        for form in forms:
            if _zipf(form) >= COMMON_WORD_ZIPF:
                yield Edit(w.start, w.end, form, "inflect")


def literal_collocation(t: Target) -> Iterable[Edit]:
    """Replace a literal collocation of the noise model's table ("took participation in" -> "took part in") in a flagged span."""
    flat = t.sentence.lower()
    for literal, right in _collocations():
        for m in re.finditer(r"(?<!\w)" + re.escape(literal) + r"(?!\w)", flat):
            if any(s < m.end() and m.start() < e for s, e in t.wide):
                yield Edit(m.start(), m.end(), match_case(t.sentence[m.start() : m.end()], right), "collocation")


def delete_boilerplate(t: Target) -> Iterable[Edit]:
    """Delete page furniture glued into a flagged sentence ("… luxury cars. Sign up for our daily
    newsletter", "Continue reading the main story Tourism revenue …"): a run of whole words, one of
    them flagged, that is a line of the noise model's boilerplate table or matches an MT105 pattern,
    starting with a capital; a single word ("Advertisement") only after the sentence's first word."""
    ws = t.words
    for i, first in enumerate(ws):
        if not first.text[:1].isupper():
            continue
        for j in range(i, min(len(ws), i + MAX_BOILERPLATE_WORDS)):
            flagged = any(s < ws[j].end and first.start < e for s, e in t.wide)
            if flagged and (j > i or i > 0) and is_boilerplate(t.sentence[first.start : ws[j].end]):
                yield delete(t.sentence, first.start, ws[j].end, "boilerplate")


def is_boilerplate(text: str) -> bool:
    """``text`` is a line of the noise model's boilerplate table or a whole MT105 pattern (case-insensitive)."""
    from detector.rules.boilerplate import _patterns

    flat = text.strip().rstrip(".:!").lower()
    return flat in {p.lower() for p in phrases("boilerplate.tsv")} or _patterns().fullmatch(flat) is not None


MOJIBAKE_RE = re.compile("[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]{2,}")


def repair_mojibake(t: Target) -> Iterable[Edit]:
    """Re-decode text that was UTF-8 read as Windows-1252 ("Brandtâ€™s" -> "Brandt’s", "â‚¬18" -> "€18"):
    every such run of the flagged spans at once, only where the bytes are valid UTF-8."""
    fixed = []
    for m in MOJIBAKE_RE.finditer(t.sentence):
        if any(s < m.end() and m.start() < e for s, e in t.wide):
            try:
                new = m.group().encode("cp1252").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            fixed.append((m.start(), m.end(), new))
    if fixed:
        start, end = fixed[0][0], fixed[-1][1]
        out, at = [], start
        for s, e, new in fixed:
            out += [t.sentence[at:s], new]
            at = e
        yield Edit(start, end, "".join(out), "mojibake")


@cache
def _collocations() -> tuple[tuple[str, str], ...]:
    return tuple((r[1].lower(), r[0]) for r in rows("collocations.tsv") if len(r) > 1)


GENERATORS: dict[str, Generator] = {
    g.__name__: g
    for g in (  # table-driven first: an edit two generators propose keeps the first one's kind
        repair_mojibake,
        delete_boilerplate,
        counter_noun,
        literal_collocation,
        delete_phrase,
        delete_span,
        replace_closed_class,
        replace_predicted,
        insert_function_word,
        insert_predicted,
        swap_adjacent,
        join_split,
        inflect,
    )
}


def candidates(t: Target, generators: Sequence[str] | None = None) -> list[Edit]:
    """Distinct edits of every generator (or the named ones), in generator order."""
    seen: dict[str, Edit] = {}
    for name in generators or GENERATORS:
        for edit in GENERATORS[name](t):
            seen.setdefault(edit.apply(t.sentence), edit)
    seen.pop(t.sentence, None)
    return list(seen.values())


def nouns_after_numbers(texts: Iterable[str]) -> tuple[str, ...]:
    """Lower-case plural nouns that follow a number in ``texts`` ("50 countries"), most frequent first."""
    counts: dict[str, int] = {}
    for text in texts:
        ws = words(text)
        for a, b in zip(ws, ws[1:]):
            noun = b.text.isalpha() and b.text.islower() and b.text.endswith("s") and _zipf(b.text) < NOUN_MAX_ZIPF
            if noun and a.text.isdigit() and text[a.end : b.start] == " ":
                counts[b.text] = counts.get(b.text, 0) + 1
    return tuple(sorted(counts, key=lambda n: -counts[n]))
