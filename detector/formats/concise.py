"""``--format concise``: ``path:line:col: CODE name: message → suggestion``, exactly one line a finding."""

from __future__ import annotations

from detector.formats.common import FileResult, escape, suggestion


def render(results: list[FileResult], *, color: bool = False) -> str:
    lines = []
    for r in results:
        if r.report is None:
            continue
        for f in r.report.findings:
            line, column = r.report.document.line_col(f.start)
            lines.append(escape(f"{r.path}:{line}:{column}: {f.rule} {f.name}: {f.message}{suggestion(f)}"))
    return "".join(line + "\n" for line in lines)
