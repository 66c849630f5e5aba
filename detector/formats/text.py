"""``--format text``: for people. Each finding's line (as in ``concise``), then its sentence with the span underlined.

::

    article.txt:1:38: MT101 repeated-word: The word “will” is repeated. → “will”
      | US Secretary of Defense Pete Hegseth Will will become the first member of …
      |                                     ^^^^^^^^^

Colour only when asked (a terminal, and ``NO_COLOR`` unset). Every piece of document text is
escaped, so a control character in the file can neither break the layout nor reach the terminal.
"""

from __future__ import annotations

import bisect
import unicodedata

from detector.api import Report
from detector.findings import Finding
from detector.formats.common import FileResult, escape, suggestion

WINDOW = 100
COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(results: list[FileResult], *, color: bool = False) -> str:
    out = []
    for r in results:
        if r.report is None:
            continue
        starts = [s.start for s in r.report.document.sentences]
        for f in r.report.findings:
            line, column = r.report.document.line_col(f.start)
            code = f"{COLOURS.get(f.severity, BOLD)}{f.rule}{RESET}" if color else f.rule
            out.append(f"{escape(r.path)}:{line}:{column}: {code} {f.name}: {escape(f.message)}{escape(suggestion(f))}")
            out += context(r.report, f, starts, color=color)
    return "".join(line + "\n" for line in out)


def context(report: Report, f: Finding, starts: list[int], *, color: bool = False) -> list[str]:
    """The finding's sentence (its part on the finding's first line) and an underline under the span."""
    text = report.text
    lo, hi = _sentence(report, starts, f.start)
    line, column = report.document.line_col(f.start)
    breaks = report.document.line_breaks
    line_start = f.start - column + 1
    line_end = breaks[line - 1].start if line - 1 < len(breaks) else len(text)
    lo, hi = max(lo, line_start), min(max(hi, f.end), line_end)
    span_end = min(f.end, hi)
    if f.start - lo > WINDOW // 2:
        lo = f.start - WINDOW // 2
    if hi - span_end > WINDOW // 2:
        hi = span_end + WINDOW // 2
    before, span, after = escape(text[lo : f.start]), escape(text[f.start : span_end]), escape(text[span_end:hi])
    lead = "…" if lo > line_start else ""
    trail = "…" if hi < line_end else ""
    marks = "^" * max(1, width(span))
    if color:
        colour = COLOURS.get(f.severity, BOLD)
        shown = f"{lead}{before}{colour}{span}{RESET}{after}{trail}"
        marks = f"{colour}{marks}{RESET}"
        bar = f"{DIM}  |{RESET}"
    else:
        shown, bar = f"{lead}{before}{span}{after}{trail}", "  |"
    return [f"{bar} {shown}", f"{bar} {' ' * (len(lead) + width(before))}{marks}"]


def width(s: str) -> int:
    """Terminal columns of ``s``: wide (CJK) characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _sentence(report: Report, starts: list[int], offset: int) -> tuple[int, int]:
    """The sentence holding ``offset`` (``starts``: the sentences' start offsets), else just ``offset``."""
    sentences = report.document.sentences
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and sentences[i].start <= offset <= sentences[i].end:
        return sentences[i].start, sentences[i].end
    return offset, offset
