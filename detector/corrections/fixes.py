"""MT201 findings with suggested replacements, and the unsafe fixes ``mtlint fix --unsafe-fixes`` applies.

A model finding keeps its span's sentence, probability and message; when the search finds an edit
that beats the original, the finding is widened to the edited span and carries the suggestions as
its replacements (best first) and, for each, the narrow edit with its confidence (``edits``). Such
a fix is unsafe (a model's guess, as in ruff): it is applied only on request, and only at or above
the apply threshold (the model bundle's ``corrections.apply_threshold``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from detector.corrections.corrector import Corrector, suggest_in_document
from detector.document import Document
from detector.findings import Finding


def with_suggestions(doc: Document, findings: Sequence[Finding], corrector: Corrector) -> list[Finding]:
    """``findings`` with each model finding that gets a suggestion widened to the edited span and
    carrying the suggestions (``replacements`` and ``edits``); every other finding as it was."""
    model = [f for f in findings if f.source == "model"]
    found = suggest_in_document(doc, [(f.start, f.end) for f in model], corrector)
    out = []
    for f in findings:
        r = found.get((f.start, f.end)) if f.source == "model" else None
        out.append(f if r is None else replace(f, start=r.start, end=r.end, replacements=r.options, edits=r.edits))
    return out


def unsafe_fixes(doc: Document, findings: Sequence[Finding], corrector: Corrector, threshold: float) -> list[Finding]:
    """The suggested fixes confident enough to apply (their confidence: the top suggestion's)."""
    suggested = [f for f in with_suggestions(doc, findings, corrector) if f.edits]
    return [replace(f, confidence=f.edits[0].confidence) for f in suggested if f.edits[0].confidence >= threshold]


@cache
def default_corrector() -> Corrector:
    """The corrector on the installed SmolLM2 (loaded once per process)."""
    from detector.corrections.scoring import EditScorer
    from detector.learned.smollm import load_lm

    return Corrector(EditScorer(load_lm()))
