"""The Python API: ``check(text) -> Report`` and ``fix(text) -> str``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING

from detector.document import Document
from detector.findings import Finding, Rule
from detector.rules import select

if TYPE_CHECKING:
    from detector.model.scorer import ModelDetector

MAX_FIX_PASSES = 5


@dataclass
class Report:
    """The findings on one text, sorted by offset, and the text with their fixes applied."""

    text: str
    findings: list[Finding]
    document: Document = field(repr=False)

    @cached_property
    def accepted(self) -> list[Finding]:
        """The findings whose fix is applied: non-overlapping, most confident first."""
        return resolve(self.findings)

    @cached_property
    def fixed_text(self) -> str:
        """The text with the accepted fixes applied (one pass)."""
        return apply_fixes(self.text, self.accepted)


def check(text: str, rules: Sequence[Rule] | None = None, *, model: ModelDetector | bool = False) -> Report:
    """Run the rules (and the learned detector if ``model``) on ``text`` and return a :class:`Report`.

    ``model=True`` uses the shipped model, loaded once per process; a :class:`ModelDetector`
    may be passed instead. The default runs the rules only and never imports torch.
    """
    doc = Document(text)
    findings = [f for rule in (select() if rules is None else rules) for f in rule.check(doc)]
    if model:
        detector = default_model() if model is True else model
        findings += detector.check(doc, findings)
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return Report(text=text, findings=findings, document=doc)


@cache
def default_model() -> ModelDetector:
    """The model shipped in ``detector/model/weights`` (loads torch and MiniLM on first call)."""
    from detector.model.scorer import load

    return load()


def fix(text: str, rules: Sequence[Rule] | None = None, *, unsafe: bool = False, model: object = True, corrector: object = None) -> str:
    """Apply fixes until none is left (at most a few passes), so ``fix(fix(t)) == fix(t)``.

    Each pass changes text only inside the spans reported on that pass's input; a second pass
    is needed only when a fix exposes a new artifact ("said. Ta. said" → "said. said").
    By default only the rules' (safe) fixes are applied and no model is loaded. With ``unsafe``,
    the learned detector (``model``) runs too and the suggestions for its MT201 findings that reach
    the corrector's confidence threshold are applied as well (``corrector``: default, SmolLM2).
    """
    for _ in range(MAX_FIX_PASSES):
        report = check(text, rules, model=model if unsafe else False)
        accepted = report.accepted
        if unsafe:
            from detector.corrections.fixes import default_corrector, unsafe_fixes

            suggested = unsafe_fixes(report.document, report.findings, corrector or default_corrector())
            accepted = resolve([f for f in report.findings if f.source != "model"] + suggested)
        fixed = apply_fixes(text, accepted)
        if fixed == text:
            break
        text = fixed
    return text


def resolve(findings: Iterable[Finding]) -> list[Finding]:
    """Keep fixable findings that do not overlap a more confident one, sorted by offset."""
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (-f.confidence, f.start, f.end)):
        if f.replacements and not any(_overlaps(f, k) for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def _overlaps(a: Finding, b: Finding) -> bool:
    """Whether two spans share a character, or are both insertions at one point."""
    return a.start < b.end and b.start < a.end or (a.start == b.start and a.end == b.end)


def apply_fixes(text: str, findings: Sequence[Finding]) -> str:
    """Apply the first replacement of non-overlapping ``findings``, from the end backwards."""
    for f in sorted(findings, key=lambda f: f.start, reverse=True):
        text = text[: f.start] + f.replacements[0] + text[f.end :]
    return text
