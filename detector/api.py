"""The Python API: ``check(text) -> Report`` and ``fix(text) -> str``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from detector.document import Document
from detector.findings import Finding, Rule
from detector.fixes import apply_fixes, resolve, settle
from detector.rules import select

if TYPE_CHECKING:
    from detector.model.scorer import ModelDetector

__all__ = ["Report", "apply_fixes", "check", "default_model", "fix", "resolve"]


@dataclass
class Report:
    """The findings on one text, sorted by offset, and the text with their fixes applied.

    ``findings`` include *chained* findings: artifacts that only appear once the other fixes
    are applied, reported in this text's offsets with their span widened over those fixes.
    ``accepted`` are the non-overlapping edits ``fixed_text`` is made of.
    """

    text: str
    findings: list[Finding]
    document: Document = field(repr=False)
    accepted: list[Finding] = field(repr=False)
    fixed_text: str = field(repr=False)


def check(text: str, rules: Sequence[Rule] | None = None, *, model: ModelDetector | bool = False) -> Report:
    """Run the rules (and the learned detector if ``model``) on ``text`` and return a :class:`Report`.

    ``model=True`` uses the shipped model, loaded once per process; a :class:`ModelDetector`
    may be passed instead. The default runs the rules only and never imports torch.
    """
    doc = Document(text)
    chosen = select() if rules is None else rules
    findings = [f for rule in chosen for f in rule.check(doc)]
    if model:
        detector = default_model() if model is True else model
        findings += detector.check(doc, findings)
    settled = settle(text, findings, lambda t: [f for rule in chosen for f in rule.check(Document(t))])
    findings += settled.chained
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return Report(text, findings, doc, settled.accepted, settled.text)


@cache
def default_model() -> ModelDetector:
    """The model shipped in ``detector/model/weights`` (loads torch and MiniLM on first call)."""
    from detector.model.scorer import load

    return load()


def fix(text: str, rules: Sequence[Rule] | None = None) -> str:
    """The text with every fix :func:`check` reports applied.

    The fix contract: every character ``fix`` changes lies inside a span ``check`` reports on
    the same text, and ``fix(fix(t)) == fix(t)``: fixes that fixing exposes are reported by
    ``check`` as chained findings and applied too (see :mod:`detector.fixes`).
    """
    return check(text, rules).fixed_text
