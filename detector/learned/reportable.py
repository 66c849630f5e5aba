"""Which sentences MT201 may report on, and the rule hits that decide it (no torch).

A sentence that carries a mechanical rule finding gets no MT201 finding: the rule names the
artifact more precisely. :func:`rule_hits` is the one definition of "rule hits", used by
``check``, and (with each labelled sentence as its own document) by training, calibration and
evaluation, so the model is fitted and measured on the sentences it can report.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from functools import cache

from detector.document import WORD_RE, Document, Sentence
from detector.findings import Rule
from detector.spans import HasSpan, Span, overlaps


@cache
def mechanical_rules() -> tuple[Rule, ...]:
    """The default-enabled rules that need no model (independent of --select/--ignore)."""
    from detector.rules import RULES

    return tuple(r for r in RULES.values() if r.default_enabled and not r.needs_model)


def rule_hits(doc: Document, units: Sequence[HasSpan]) -> list[int]:
    """How many mechanical rule findings of ``doc`` overlap each unit (units sorted by offset), in O(F log S)."""
    findings = [f for r in mechanical_rules() for f in r.check(doc)]
    starts = [u.start for u in units]
    hits = [0] * len(units)
    for f in findings:
        i = max(0, bisect.bisect_right(starts, f.start) - 1)
        while i < len(units) and units[i].start < max(f.end, f.start + 1):
            if overlaps(f, units[i]):
                hits[i] += 1
            i += 1
    return hits


def unit_rule_hits(texts: Sequence[str]) -> list[int]:
    """:func:`rule_hits` of each text checked as a document of its own (a labelled sentence)."""
    return [rule_hits(Document(t), [Span(0, len(t))])[0] for t in texts]


def reportable(doc: Document) -> list[Sentence]:
    """The sentences of ``doc`` MT201 may report on: with a word and no rule hit."""
    sentences = [s for s in doc.sentences if WORD_RE.search(s.text)]
    return [s for s, h in zip(sentences, rule_hits(doc, sentences)) if not h]
