"""The Python API: ``check(text) -> Report`` and ``fix(text) -> str``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from detector.document import Document
from detector.findings import Finding, Rule
from detector.rules import select
from detector.spans import overlaps

if TYPE_CHECKING:
    from detector.learned.detector import Detector

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


def check(text: str, rules: Sequence[Rule] | None = None, *, model: Detector | bool | str | Path = False) -> Report:
    """Run the rules on ``text`` and return a :class:`Report`.

    Rules that need the model (MT201) run only when ``model`` is given: ``True`` for the
    default tier, a tier name (``"full"``, ``"fast"``, ``"rules"``), a bundle folder, or a loaded
    :class:`~detector.learned.detector.Detector`; bundles load once per process
    (:func:`detector.learned.load`). The default runs the rules only and never imports torch.
    """
    doc = Document(text)
    chosen = select() if rules is None else rules
    findings = [f for rule in chosen if not rule.needs_model for f in rule.check(doc)]
    learned = [rule for rule in chosen if rule.needs_model]
    if learned and doc.sentences and model is not False and model != "rules":
        from detector import learned as bundles

        detector = bundles.load() if model is True else bundles.load(model) if isinstance(model, (str, Path)) else model
        findings += [f for rule in learned for f in rule.check(doc, detector)]
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return Report(text=text, findings=findings, document=doc)


def fix(
    text: str, rules: Sequence[Rule] | None = None, *, unsafe: bool = False, model: Detector | bool | str | Path = True, corrector: object = None
) -> str:
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
    return overlaps(a, b) or (a.start == b.start and a.end == b.end)


def apply_fixes(text: str, findings: Sequence[Finding]) -> str:
    """Apply the first replacement of non-overlapping ``findings``, from the end backwards."""
    for f in sorted(findings, key=lambda f: f.start, reverse=True):
        text = text[: f.start] + f.replacements[0] + text[f.end :]
    return text
