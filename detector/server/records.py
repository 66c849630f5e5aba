"""The score record of one text, the one definition used by ``POST /v1/score``.

Shape (as planned for ``mtlint score``): ``id``, ``score`` (the highest confidence among the
text's findings, 0.0 when there are none), ``flagged`` (any finding), ``counts`` (findings per
ITS category) and, on request, ``findings`` in the ``check`` JSON schema.
"""

from __future__ import annotations

from collections import Counter

from detector.api import Report
from detector.formats import finding_dict


def score_record(record_id: object, report: Report, with_findings: bool = False) -> dict[str, object]:
    """One text's record."""
    record: dict[str, object] = {
        "id": record_id,
        "score": max((f.confidence for f in report.findings), default=0.0),
        "flagged": bool(report.findings),
        "counts": dict(sorted(Counter(f.category for f in report.findings).items())),
    }
    if with_findings:
        record["findings"] = [finding_dict(report, f) for f in report.findings]
    return record
