"""What a detector reports (:class:`Finding`) and what a rule is (:class:`Rule`).

A finding is a span of the checked text, a message and ordered replacements, like
LanguageTool's ``RuleMatch``. Nothing about display (line, column, colour) is stored in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from detector.document import Document

Severity = Literal["error", "warning", "info"]
Source = Literal["rule", "model"]

# W3C ITS 2.0 localization quality issue types used by mtlint.
CATEGORIES = (
    "duplication",
    "untranslated",
    "addition",
    "omission",
    "inconsistent-entities",
    "typographical",
    "grammar",
    "mistranslation",
    "characters",
    "other",
)


@dataclass(frozen=True)
class Edit:
    """What one replacement of a finding really changes: ``text[start:end]`` -> ``new``, with its confidence.

    A model suggestion usually edits a narrower stretch (a word) than its finding's span (the
    flagged sentence or words); ``Finding.edits`` says where, one per replacement.
    """

    start: int
    end: int
    new: str
    confidence: float


@dataclass(frozen=True)
class Finding:
    """One suspected artifact: ``text[start:end]`` with a message and suggested replacements.

    ``replacements[0]`` is the fix applied by ``mtlint fix``; an empty string deletes the span.
    An empty ``replacements`` list means there is no automatic fix; ``safe`` says whether the
    fix may be applied without review (rule fixes are; a model's suggestions are not).
    ``edits`` (model suggestions only) are the replacements in detail, in the same order: the
    edited span inside ``start:end`` and the suggestion's own confidence.
    """

    rule: str
    name: str
    category: str
    severity: Severity
    start: int
    end: int
    message: str
    replacements: tuple[str, ...] = ()
    confidence: float = 1.0
    source: Source = "rule"
    safe: bool = True
    edits: tuple[Edit, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}:{self.end}")
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")


Check = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A detector with a stable code, its documentation and its own evidence.

    ``doc`` carries the sections *What it catches*, *Why it happens in MT*, *Example* and
    *False positives*; ``examples_fail``/``examples_pass`` are texts the rule must / must not
    flag, asserted by the test suite for every rule.

    A mechanical rule's ``check(doc)`` needs the document only. A rule with ``needs_model``
    (MT2xx) is called as ``check(doc, detector)`` with a loaded learned detector; the rules-only
    path never calls it, so it never imports torch.
    """

    code: str
    name: str
    category: str
    severity: Severity
    summary: str
    doc: str
    check: Check
    examples_fail: tuple[str, ...] = ()
    examples_pass: tuple[str, ...] = ()
    default_enabled: bool = True
    needs_model: bool = False

    def finding(
        self,
        start: int,
        end: int,
        message: str,
        replacements: Iterable[str] = (),
        confidence: float = 1.0,
    ) -> Finding:
        """A :class:`Finding` of this rule; a learned rule's findings are ``source="model"`` and unsafe."""
        return Finding(
            rule=self.code,
            name=self.name,
            category=self.category,
            severity=self.severity,
            start=start,
            end=end,
            message=message,
            replacements=tuple(replacements),
            confidence=round(confidence, 3),
            source="model" if self.needs_model else "rule",
            safe=not self.needs_model,
        )
