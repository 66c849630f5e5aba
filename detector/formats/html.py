"""``--format html``: a self-contained report page an editor can read and act on.

Each file is an article with every finding highlighted in place (message and suggestion on
hover or focus), a side list grouped by rule with counts, accept/reject buttons for each fix,
"accept all", and the corrected text with a copy button. Accepting every fix gives exactly the
text ``mtlint fix`` writes (the report's non-overlapping fixes, applied once). Everything is
inline (the page's Content-Security-Policy forbids any network request); it works from the
keyboard (every finding and button is in the tab order).
"""

from __future__ import annotations

import html
import json
from importlib import resources

from detector.formats.common import FileResult


def render(results: list[FileResult], *, color: bool = False) -> str:
    files = []
    for r in results:
        if r.report is None:
            files.append({"path": r.path, "error": r.error})
            continue
        accepted = {id(f) for f in r.report.accepted}
        doc = r.report.document
        findings = []
        for f in r.report.findings:
            line, column = doc.line_col(f.start)
            findings.append(
                {
                    "start": f.start,
                    "end": f.end,
                    "rule": f.rule,
                    "name": f.name,
                    "severity": f.severity,
                    "message": f.message,
                    "line": line,
                    "column": column,
                    "fix": f.replacements[0] if id(f) in accepted else None,
                    "suggestions": list(f.replacements),
                }
            )
        files.append({"path": r.path, "text": r.report.text, "findings": findings})
    # No "<" or "&" in the data block, so no text can close the script element or open a comment.
    data = json.dumps({"files": files}, ensure_ascii=True).replace("<", "\\u003c").replace("&", "\\u0026")
    title = html.escape(", ".join(r.path for r in results) or "no input")
    template = resources.files("detector.formats").joinpath("report.html").read_text(encoding="utf-8")
    return template.replace("{{TITLE}}", title).replace("{{DATA}}", data)
