"""``--format github``: GitHub Actions workflow commands, one annotation a finding.

``::error file=a.md,line=3,col=5,endLine=3,endColumn=14,title=MT101 repeated-word::message``;
severity ``info`` becomes a ``notice``. Values are escaped as the runner expects (``%``, CR,
LF; in properties also ``:`` and ``,``), so a message can never start a second command.
"""

from __future__ import annotations

from detector.formats.common import FileResult, escape, suggestion

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def render(results: list[FileResult], *, color: bool = False) -> str:
    lines = []
    for r in results:
        if r.error is not None:
            lines.append(f"::error file={_property(r.path)},title=mtlint::{_data(r.error)}")
        if r.report is None:
            continue
        doc = r.report.document
        for f in r.report.findings:
            line, col = doc.line_col(f.start)
            end_line, end_col = doc.line_col(max(f.start, f.end - 1))
            props = {
                "file": r.path,
                "line": line,
                "col": col,
                "endLine": end_line,
                "endColumn": end_col + 1 if f.end > f.start else end_col,
                "title": f"{f.rule} {f.name}",
            }
            joined = ",".join(f"{k}={_property(str(v))}" for k, v in props.items())
            lines.append(f"::{LEVELS.get(f.severity, 'warning')} {joined}::{_data(f.message + suggestion(f))}")
    return "".join(line + "\n" for line in lines)


def _data(s: str) -> str:
    """Workflow-command data: ``%``, CR and LF encoded, other control characters shown as escapes."""
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape(s)


def _property(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")
