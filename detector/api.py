"""The Python API: ``check(text) -> Report`` and ``fix(text) -> str``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from detector.document import Document
from detector.findings import Finding, Rule
from detector.fixes import apply_fixes, resolve, settle
from detector.rules import select

MAX_UNSAFE_PASSES = 5

if TYPE_CHECKING:
    from detector.corrections.corrector import Corrector
    from detector.learned.detector import Detector

__all__ = ["Report", "apply_fixes", "check", "fix", "resolve"]


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


def check(
    text: str,
    rules: Sequence[Rule] | None = None,
    *,
    model: Detector | bool | str | Path = False,
    accepted: Iterable[str] = (),
    boilerplate: Sequence[str] = (),
    suggest: bool | Corrector = False,
) -> Report:
    """Run the rules on ``text`` and return a :class:`Report`.

    Rules that need the model (MT201) run only when ``model`` is given: ``True`` for the
    default tier, a tier name (``"full"``, ``"fast"``, ``"rules"``), a bundle folder, or a loaded
    :class:`~detector.learned.detector.Detector`; bundles load once per process
    (:func:`detector.learned.load`). The default runs the rules only and never imports torch.
    ``accepted`` words are never flagged as names or particles; ``boilerplate`` adds MT105 patterns.
    With ``suggest`` (``True`` for SmolLM2, or a :class:`~detector.corrections.corrector.Corrector`),
    MT201 findings carry suggested corrections (unsafe: shown, never applied by ``fixed_text``).
    """
    accepted, boilerplate = frozenset(accepted), tuple(boilerplate)
    doc = Document(text, accepted=accepted, boilerplate=boilerplate)
    chosen = select() if rules is None else rules
    findings = [f for rule in chosen if not rule.needs_model for f in rule.check(doc)]
    learned = [rule for rule in chosen if rule.needs_model]
    if learned and doc.sentences and model is not False and model != "rules":
        found = [f for rule in learned for f in rule.check(doc, _detector(model))]
        if suggest and found:
            from detector.corrections.fixes import default_corrector, with_suggestions

            found = with_suggestions(doc, found, default_corrector() if suggest is True else suggest)
        findings += found
    mechanical = [rule for rule in chosen if not rule.needs_model]
    settled = settle(text, findings, lambda t: [f for rule in mechanical for f in rule.check(Document(t, accepted=accepted, boilerplate=boilerplate))])
    reported = {(f.rule, f.start, f.end) for f in findings}
    findings += [f for f in settled.chained if (f.rule, f.start, f.end) not in reported]  # not twice at one span
    findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return Report(text, findings, doc, settled.accepted, settled.text)


def _detector(model: Detector | bool | str | Path) -> Detector:
    """The loaded detector ``model`` names (``True``: the default tier), once per process."""
    from detector import learned as bundles

    return bundles.load() if model is True else bundles.load(model) if isinstance(model, (str, Path)) else model


def fix(
    text: str, rules: Sequence[Rule] | None = None, *, unsafe: bool = False, model: Detector | bool | str | Path = True, corrector: Corrector | None = None
) -> str:
    """The text with every fix :func:`check` reports applied.

    The fix contract: every character ``fix`` changes lies inside a span ``check`` reports on
    the same text, and ``fix(fix(t)) == fix(t)``: fixes that fixing exposes are reported by
    ``check`` as chained findings and applied too (see :mod:`detector.fixes`).
    With ``unsafe``, the learned detector (``model``) also runs on the fixed text and the
    suggestions for its MT201 findings that reach the confidence threshold (the corrector's, else
    the model bundle's ``corrections.apply_threshold``) are applied (``corrector``: default,
    SmolLM2), repeated until nothing changes (at most a few passes).
    """
    text = check(text, rules).fixed_text
    if not unsafe or model is False or model == "rules":
        return text
    from detector.corrections.fixes import default_corrector, unsafe_fixes

    detector, corrector = _detector(model), corrector or default_corrector()
    for _ in range(MAX_UNSAFE_PASSES):
        report = check(text, rules, model=detector)
        suggested = unsafe_fixes(report.document, report.findings, corrector, corrector.threshold(detector))
        chosen = resolve(suggested, unsafe=True)
        fixed = check(apply_fixes(text, chosen), rules).fixed_text
        if fixed == text:
            break
        text = fixed
    return text
