"""``--format json``: all results as one JSON document (schema version 1).

::

    {"version": 1,
     "files": [{"path": "article.txt",
                "findings": [{"rule": "MT101", "name": "repeated-word", "category": "duplication",
                              "severity": "error", "start": 37, "end": 46, "line": 1, "column": 38,
                              "end_line": 1, "end_column": 47, "text": "Will will", "message": "...",
                              "replacements": ["will"], "confidence": 0.9, "source": "rule",
                              "safe": true}]}],
     "errors": [{"path": "bad.txt", "message": "..."}]}

``start``/``end`` are code-point offsets into the decoded text (without a byte-order mark);
``line``/``column`` are 1-based; ``replacements[0]`` is the fix ("" deletes the span); ``safe``
says whether the fix may be applied without review: rule fixes (MT1xx) are safe (``true``) and
``mtlint fix`` applies them; the model's suggestions (MT201, ``"source": "model"``) are unsafe
(``false``) and applied only by ``mtlint fix --unsafe-fixes`` at or above the model bundle's
threshold. With ``mtlint check --suggest``, an MT201 finding that gets suggestions carries them
as ``replacements`` (best first, each the new text of the finding's span) and ``edits``, one per
replacement in the same order: the span it really edits and that suggestion's confidence
(``confidence`` itself stays the detector's probability); on the seed article::

    "start": 1189, "end": 1275, "text": "If the next meeting chair is convened, no decision ...",
    "replacements": ["If the next meeting is convened, no decision has been made as to who will chair."],
    "edits": [{"start": 1208, "end": 1214, "text": " chair", "new": "", "confidence": 0.967}]

Field names are stable within a version; fields may be added (``end_line``/``end_column`` and
the optional ``edits`` were).
"""

from __future__ import annotations

import json

from detector.formats.common import FileResult, finding_dict

SCHEMA_VERSION = 1


def render(results: list[FileResult], *, color: bool = False) -> str:
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
