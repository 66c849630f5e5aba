"""The rule registry: every mechanical detector, by stable code.

A rule is one module exposing ``RULE`` (a :class:`detector.findings.Rule`). Codes are stable
forever: a retired rule keeps its code reserved.
"""

from __future__ import annotations

from detector.findings import Rule
from detector.rules import boilerplate, fragments, names, particles, quotes, repetition

RULES: dict[str, Rule] = {
    m.RULE.code: m.RULE for m in (repetition, particles, fragments, names, boilerplate, quotes)
}


def select(select: list[str] | None = None, ignore: list[str] | None = None) -> list[Rule]:
    """Rules whose code or name starts with an entry of ``select`` and of none in ``ignore``."""

    def matches(rule: Rule, prefixes: list[str]) -> bool:
        return any(rule.code.startswith(p) or rule.name == p for p in prefixes)

    chosen = [r for r in RULES.values() if (matches(r, select) if select else r.default_enabled)]
    return [r for r in chosen if not (ignore and matches(r, ignore))]
