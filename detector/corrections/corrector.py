"""Suggestions for the sentences MT201 flags: one corrector per process, reusing a loaded language model.

:class:`Corrector` wraps the edit scorer, the search settings and the confidence above which
``mtlint fix --unsafe-fixes`` applies a suggestion (``apply_threshold``; by default the model
bundle's, from its manifest). :func:`suggest_in_document` turns flagged spans of a document into
:class:`~detector.corrections.replacements.Replacements` in document offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detector.corrections.replacements import Replacements, as_replacements
from detector.corrections.scoring import EditScorer
from detector.corrections.search import SearchConfig, suggest
from detector.document import Document, Sentence


@dataclass
class Corrector:
    """The search over candidate edits with a language model, and when its suggestions are applied
    (``apply_threshold``; None: the threshold in the detector's bundle)."""

    scorer: EditScorer
    config: SearchConfig = SearchConfig()
    apply_threshold: float | None = None

    def threshold(self, detector: object) -> float:
        """The confidence a suggestion needs to be applied: this corrector's own, else the detector bundle's."""
        return self.apply_threshold if self.apply_threshold is not None else detector.apply_threshold  # type: ignore[attr-defined]


def suggest_in_document(
    doc: Document, spans: Sequence[tuple[int, int]], corrector: Corrector
) -> dict[tuple[int, int], Replacements]:
    """Replacements (document offsets) for each flagged span that gets a suggestion, keyed by the span.

    Spans are grouped by sentence and searched together, so one sentence costs one model pass
    plus one batch of candidates; the document's other sentences give the search its context.
    """
    texts = [s.text for s in doc.sentences]
    by_sentence: dict[Sentence, list[tuple[int, int]]] = {}
    for s, e in spans:
        sent = next((x for x in doc.sentences if x.start <= s and e <= x.end), None)
        if sent is not None:
            by_sentence.setdefault(sent, []).append((s, e))
    out: dict[tuple[int, int], Replacements] = {}
    for sent, group in by_sentence.items():
        local = [(s - sent.start, e - sent.start) for s, e in group]
        found = suggest(sent.text, local, corrector.scorer, context=texts, config=corrector.config)
        for (s, e), span in zip(group, local):
            mine = [f for f in found if f.start < span[1] + 1 and span[0] - 1 < f.end] or (found if len(group) == 1 else [])
            r = as_replacements(sent.text, span, mine)
            if r is not None:
                out[(s, e)] = r.shifted(sent.start)
    return out
