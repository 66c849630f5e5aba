"""Suppression comments: turn findings off for a line, a block or a rule.

- Markdown and HTML: ``<!-- mtlint-disable MT101 -->`` … ``<!-- mtlint-enable -->`` (no codes:
  every rule; ``enable`` without codes ends every disable), and ``<!-- mtlint-disable-next-line
  MT105 -->`` for the next non-blank line.
- Plain text: ``mtlint: ignore[MT101]`` (or ``mtlint: ignore``) at the end of a line; the marker
  is not checked as prose.

A code is a rule code, a code family (``MT1``) or a rule name. A finding is suppressed when its
first character lies in a disabled region or on an ignored line. With
``--report-unused-suppressions`` a directive that suppressed nothing is reported (MT001).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from detector.document import Document
from detector.findings import Finding, Rule
from detector.markup.prose import Prose
from detector.rules import select

COMMENT_RE = re.compile(r"<!--\s*mtlint-(disable-next-line|disable|enable)\b((?:(?!-->).)*?)\s*-->", re.DOTALL)
IGNORE_RE = re.compile(r"[ \t]*mtlint:[ \t]*ignore(?:\[([^\]\r\n]*)\])?[ \t]*(?=\r\n|\r|\n|$)")
# The learned detector's rule, which is not in the rules registry.
MODEL_CODES = {"MT201": "garbled-sentence"}


class SuppressionError(ValueError):
    """A directive naming an unknown rule; the message names the line."""


@dataclass
class Directive:
    """One suppression comment: what it turns off, where, and whether it was used."""

    kind: str  # "disable", "enable", "next-line", "line"
    codes: frozenset[str]  # empty: every rule
    start: int
    end: int
    line: int = 0
    target_line: int = 0
    used: bool = field(default=False)

    def covers(self, rule: str) -> bool:
        return not self.codes or rule in self.codes


def resolve_codes(entries: str, line: int) -> frozenset[str]:
    """The rule codes named by a comma/space separated list (code, family or name)."""
    codes: set[str] = set()
    for entry in filter(None, re.split(r"[\s,]+", entries)):
        if entry.upper() in MODEL_CODES or entry.lower() in MODEL_CODES.values():
            codes.add(next(c for c, n in MODEL_CODES.items() if entry.upper() == c or entry.lower() == n))
            continue
        try:
            codes |= {r.code for r in select([entry])}
        except ValueError:
            raise SuppressionError(f"line {line}: unknown rule {entry!r} in a suppression comment (see `mtlint rules`)") from None
    return frozenset(codes)


def plain_directives(text: str) -> tuple[Prose, list[Directive]]:
    """Plain text: the ``mtlint: ignore[...]`` markers, and the prose without them."""
    prose, directives, pos = Prose(text), [], 0
    doc: Document | None = None
    for m in IGNORE_RE.finditer(text):
        doc = doc or Document(text)
        line = doc.line_col(m.start())[0]
        prose.verbatim(pos, m.start())
        directives.append(Directive("line", resolve_codes(m.group(1) or "", line), m.start(), m.end(), line, line))
        pos = m.end()
    prose.verbatim(pos, len(text))
    return prose, directives


def comment_directives(text: str, comments: list[tuple[int, int, str]]) -> list[Directive]:
    """Markdown/HTML: the directives in the file's comments, each with its line and target line."""
    doc = Document(text)
    directives = []
    for start, _, source in comments:
        for m in COMMENT_RE.finditer(source):
            s, e = start + m.start(), start + m.end()
            line = doc.line_col(s)[0]
            kind = "next-line" if m.group(1) == "disable-next-line" else m.group(1)
            d = Directive(kind, resolve_codes(m.group(2), line), s, e, line)
            if kind == "next-line":
                d.target_line = _next_content_line(text, doc, e)
            directives.append(d)
    return sorted(directives, key=lambda d: d.start)


def _next_content_line(text: str, doc: Document, offset: int) -> int:
    """The line after the one holding ``offset`` that has non-blank content."""
    m = re.compile(r"\r\n|\r|\n").search(text, offset)
    if not m:
        return 0
    rest = re.compile(r"\S").search(text, m.end())
    return doc.line_col(rest.start())[0] if rest else 0


def apply(findings: list[Finding], directives: list[Directive], doc: Document) -> list[Finding]:
    """The findings no directive suppresses; marks each directive that suppressed one as used."""
    if not directives:
        return findings
    kept = []
    for f in findings:
        line = doc.line_col(f.start)[0]
        hit = None
        for d in directives:
            if d.kind in ("line", "next-line") and d.target_line == line and d.covers(f.rule):
                hit = d
                break
        if hit is None:
            hit = _region_directive(directives, f)
        if hit is None:
            kept.append(f)
        else:
            hit.used = True
    return kept


def _region_directive(directives: list[Directive], f: Finding) -> Directive | None:
    """The ``disable`` directive in force for ``f``'s rule at ``f.start``, if any."""
    active: Directive | None = None
    for d in directives:
        if d.start > f.start:
            break
        if d.kind == "disable" and d.covers(f.rule):
            active = d
        elif d.kind == "enable" and active is not None and (not d.codes or f.rule in d.codes):
            active = None
    return active


def unused(directives: list[Directive]) -> list[Finding]:
    """MT001 findings for the directives that suppressed nothing (``enable`` never counts)."""
    return [
        UNUSED.finding(d.start, d.end, f"This suppression comment ({_describe(d)}) suppressed no finding.")
        for d in directives
        if not d.used and d.kind != "enable"
    ]


def _describe(d: Directive) -> str:
    return ", ".join(sorted(d.codes)) if d.codes else "all rules"


UNUSED = Rule(
    code="MT001",
    name="unused-suppression",
    category="other",
    severity="warning",
    summary="A suppression comment that suppressed no finding (reported with --report-unused-suppressions).",
    doc="MT001 unused-suppression: a suppression comment that suppressed nothing.\n\nReported only with `--report-unused-suppressions`; delete the comment.",
    check=lambda doc: (),
)
