"""``--format sarif``: a SARIF 2.1.0 log, with rule metadata from the registry and fixes.

One run; ``tool.driver.rules`` lists every registered rule (id, name, descriptions, default
level, ITS category); each result points at its region (lines, code-point columns and offsets,
``columnKind: unicodeCodePoints``) and, when it has a fix, carries it as an ``artifactChange``.
Input errors are ``toolExecutionNotifications`` and make ``executionSuccessful`` false.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from urllib.parse import quote

from detector import __version__
from detector.findings import Finding
from detector.formats.common import FileResult
from detector.rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
HELP = "docs/rules.md"


def render(results: list[FileResult], *, color: bool = False) -> str:
    descriptors = [_descriptor(r.code, r.name, r.summary, r.doc, r.severity, r.category) for r in RULES.values()]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    out = []
    for r in results:
        if r.report is None:
            continue
        for f in r.report.findings:
            if f.rule not in index:  # a rule outside the registry (the model, suppression notices)
                index[f.rule] = len(descriptors)
                descriptors.append(_descriptor(f.rule, f.name, f.message, "", f.severity, f.category))
            out.append(_result(r, f, index[f.rule]))
    errors = [r for r in results if r.error is not None]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "mtlint", "version": __version__, "informationUri": "https://pypi.org/project/mtlint/", "rules": descriptors}},
                "invocations": [
                    {
                        "executionSuccessful": not errors,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": r.error}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(r.path)}}}]}
                            for r in errors
                        ],
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": out,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def uri(path: str) -> str:
    """A relative (or absolute) file path as a URI reference."""
    posix = PurePath(path).as_posix()
    return ("file://" if posix.startswith("/") else "") + quote(posix)


def _descriptor(code: str, name: str, summary: str, doc: str, severity: str, category: str) -> dict[str, object]:
    first = doc.split("\n\n")[1].strip() if doc.count("\n\n") >= 1 else summary
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": " ".join(first.split())},
        "helpUri": f"{HELP}#{code.lower()}-{name}",
        "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
        "properties": {"category": category, "tags": [category]},
    }


def _region(r: FileResult, start: int, end: int) -> dict[str, object]:
    doc = r.report.document
    line, col = doc.line_col(start)
    end_line, end_col = doc.line_col(end)
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col, "charOffset": start, "charLength": end - start}


def _result(r: FileResult, f: Finding, rule_index: int) -> dict[str, object]:
    location = {"artifactLocation": {"uri": uri(r.path)}, "region": {**_region(r, f.start, f.end), "snippet": {"text": r.report.text[f.start : f.end]}}}
    result: dict[str, object] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": f.message},
        "locations": [{"physicalLocation": location}],
        "properties": {"name": f.name, "category": f.category, "confidence": f.confidence, "source": f.source},
    }
    if f.replacements:
        fix = f.replacements[0]
        result["fixes"] = [
            {
                "description": {"text": "Delete the span." if fix == "" else f"Replace with “{fix}”."},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": uri(r.path)},
                        "replacements": [{"deletedRegion": _region(r, f.start, f.end), "insertedContent": {"text": fix}}],
                    }
                ],
            }
        ]
    return result
