"""``--format jsonl``: one JSON object a line, a finding (with its ``path``) or an input error.

An input that could not be checked gives ``{"path": ..., "error": "..."}``, so a streaming
consumer sees every file it asked for.
"""

from __future__ import annotations

import json

from detector.formats.common import FileResult, finding_dict


def render(results: list[FileResult], *, color: bool = False) -> str:
    lines = []
    for r in results:
        if r.error is not None:
            lines.append(json.dumps({"path": r.path, "error": r.error}, ensure_ascii=False))
        if r.report is not None:
            lines += [json.dumps({"path": r.path, **finding_dict(r.report, f)}, ensure_ascii=False) for f in r.report.findings]
    return "".join(line + "\n" for line in lines)
