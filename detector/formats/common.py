"""What every output format shares: one file's result, a finding as a dict, safe display text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from detector.api import Report
from detector.findings import Finding

# C0 and C1 controls, DEL, and the bidirectional overrides/isolates that reorder a terminal line.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@dataclass(frozen=True)
class FileResult:
    """The outcome of checking one input: a report, or the error that stopped it."""

    path: str
    report: Report | None = None
    error: str | None = None


def finding_dict(report: Report, f: Finding) -> dict[str, object]:
    """One finding as a JSON-ready dict (schema version 1, plus ``end_line``/``end_column``, and
    ``edits`` when the finding carries a model's suggestions)."""
    line, column = report.document.line_col(f.start)
    end_line, end_column = report.document.line_col(f.end)
    out: dict[str, object] = {
        "rule": f.rule,
        "name": f.name,
        "category": f.category,
        "severity": f.severity,
        "start": f.start,
        "end": f.end,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "text": report.text[f.start : f.end],
        "message": f.message,
        "replacements": list(f.replacements),
        "confidence": f.confidence,
        "source": f.source,
        "safe": f.safe,
    }
    if f.edits:
        out["edits"] = [{"start": e.start, "end": e.end, "text": report.text[e.start : e.end], "new": e.new, "confidence": e.confidence} for e in f.edits]
    return out


def escape(text: str) -> str:
    """``text`` with control characters shown as escapes, so it stays on one line and cannot drive a terminal."""
    return CONTROL_RE.sub(_escape_char, text)


def _escape_char(m: re.Match[str]) -> str:
    c = ord(m.group())
    return {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}.get(c) or (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}")


def suggestion(f: Finding) -> str:
    """`` → “fix”`` or `` → delete`` for display; empty when there is no fix."""
    if not f.replacements:
        return ""
    first = f.replacements[0]
    return " → delete" if first == "" else f" → “{first}”"
