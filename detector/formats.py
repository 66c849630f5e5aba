"""Output formats for findings: human text, JSON (versioned schema) and JSON Lines.

JSON schema, version 1 (field names are stable; fields may be added)::

    {"version": 1,
     "files": [{"path": "article.txt",
                "findings": [{"rule": "MT101", "name": "repeated-word", "category": "duplication",
                              "severity": "error", "start": 37, "end": 46, "line": 1, "column": 38,
                              "text": "Will will", "message": "...", "replacements": ["will"],
                              "confidence": 0.9, "source": "rule", "safe": true}]}],
     "errors": [{"path": "bad.txt", "message": "..."}]}

``start``/``end`` are code-point offsets into the decoded text (without a byte-order mark);
``line``/``column`` are 1-based; ``replacements[0]`` is the fix ("" deletes the span); ``safe``
says whether the fix may be applied without review (rules: true; the model's findings: false).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from detector.api import Report
from detector.findings import Finding

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class FileResult:
    """The outcome of checking one input: a report, or the error that stopped it."""

    path: str
    report: Report | None = None
    error: str | None = None


def finding_dict(report: Report, f: Finding) -> dict[str, object]:
    """One finding as a JSON-ready dict (schema version 1)."""
    line, column = report.document.line_col(f.start)
    return {
        "rule": f.rule,
        "name": f.name,
        "category": f.category,
        "severity": f.severity,
        "start": f.start,
        "end": f.end,
        "line": line,
        "column": column,
        "text": report.text[f.start : f.end],
        "message": f.message,
        "replacements": list(f.replacements),
        "confidence": f.confidence,
        "source": f.source,
        "safe": f.safe,
    }


def to_json(results: Iterable[FileResult]) -> str:
    """All results as one JSON document."""
    results = list(results)
    payload = {
        "version": SCHEMA_VERSION,
        "files": [
            {"path": r.path, "findings": [finding_dict(r.report, f) for f in r.report.findings]}
            for r in results
            if r.report is not None
        ],
        "errors": [{"path": r.path, "message": r.error} for r in results if r.error is not None],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def to_jsonl(results: Iterable[FileResult]) -> str:
    """One JSON object per finding (with its ``path``), for streaming consumers."""
    lines = []
    for r in results:
        if r.report is not None:
            lines += [json.dumps({"path": r.path, **finding_dict(r.report, f)}, ensure_ascii=False) for f in r.report.findings]
    return "".join(line + "\n" for line in lines)


def to_text(results: Iterable[FileResult]) -> str:
    """``path:line:col: CODE name: message → suggestion``, one finding per line."""
    lines = []
    for r in results:
        if r.report is None:
            continue
        for f in r.report.findings:
            line, column = r.report.document.line_col(f.start)
            lines.append(f"{r.path}:{line}:{column}: {f.rule} {f.name}: {f.message}{suggestion(f)}")
    return "".join(line + "\n" for line in lines)


def suggestion(f: Finding) -> str:
    """`` → "fix"`` or `` → delete`` for display; empty when there is no fix."""
    if not f.replacements:
        return ""
    first = f.replacements[0]
    return " → delete" if first == "" else f" → “{first}”"


FORMATS = {"text": to_text, "json": to_json, "jsonl": to_jsonl}
