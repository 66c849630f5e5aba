"""mtlint: detect machine-translation artifacts in English news text.

>>> from detector import check, fix
>>> report = check("Pete Hegseth Will will become the first member to visit.")
>>> [(f.rule, report.text[f.start:f.end]) for f in report.findings]
[('MT101', 'Will will')]
>>> fix("the Pentagon said. said before the trip.")
'the Pentagon said before the trip.'
"""

from detector.api import Report, check, fix
from detector.findings import Finding, Rule

__all__ = ["Finding", "Report", "Rule", "check", "fix"]
__version__ = "0.1.0"
