"""The fix contract: which fixes apply, how they apply, and the fixes that fixing exposes.

``fix(t)`` changes only characters inside spans ``check(t)`` reports, and ``fix(fix(t)) ==
fix(t)``. One pass of fixes can expose a new artifact (removing the doubled closing marks of
“Ta” Ta” Ta. leaves "Ta Ta Ta"), so :func:`settle` runs the rules again on the
fixed text until no fix is left, and reports each exposed finding as a *chained* finding in the
coordinates of the original text, its span widened over the earlier fixes it touches. Every
pass is linear in the text and O(n log n) in the findings.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from detector.findings import Finding
from detector.spans import intersects

CHAINED = " (This shows once the fixes next to it are applied.)"


def resolve(findings: Iterable[Finding], *, unsafe: bool = False) -> list[Finding]:
    """Keep safe, fixable findings that do not overlap a more confident one, sorted by offset.

    Unsafe fixes (a model's suggested rewrite) are shown by ``check`` but never applied, unless
    ``unsafe`` (``fix --unsafe-fixes``) asks for them.

    Greedy by confidence; each candidate is tested against its two neighbours among the spans
    kept so far (which never overlap, so they are sorted by start and by end).
    """
    spans: list[tuple[int, int]] = []
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (-f.confidence, f.start, f.end)):
        if not f.replacements or not (f.safe or unsafe):
            continue
        span = (f.start, f.end)
        i = bisect.bisect_left(spans, span)
        if i > 0 and _overlaps(spans[i - 1], span) or i < len(spans) and _overlaps(spans[i], span):
            continue
        spans.insert(i, span)
        kept.insert(i, f)
    return kept


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans share a character, or are the same span (two insertions at one point)."""
    return intersects(*a, *b) or a == b


def apply_fixes(text: str, findings: Sequence[Finding]) -> str:
    """Apply the first replacement of non-overlapping ``findings``, joining the pieces once."""
    pieces: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if f.start < pos:
            raise ValueError(f"overlapping fixes at {f.start}:{f.end}")
        pieces += [text[pos : f.start], f.replacements[0]]
        pos = f.end
    pieces.append(text[pos:])
    return "".join(pieces)


@dataclass(frozen=True)
class _Edit:
    """An applied fix: ``finding`` replaced original ``[start, end)``; in the current text its
    replacement occupies ``[cur, cur + len(replacement))``."""

    finding: Finding
    cur: int

    @property
    def cur_end(self) -> int:
        return self.cur + len(self.finding.replacements[0])

    @property
    def growth(self) -> int:
        return len(self.finding.replacements[0]) - (self.finding.end - self.finding.start)


@dataclass(frozen=True)
class Settled:
    """The outcome of fixing to the fixpoint."""

    chained: list[Finding]  # findings exposed by earlier fixes, in original coordinates
    accepted: list[Finding]  # non-overlapping edits of the original whose application gives ``text``
    text: str


def settle(text: str, findings: Sequence[Finding], recheck: Callable[[str], list[Finding]]) -> Settled:
    """Apply the resolved ``findings``, then ``recheck`` the result until no fix is left.

    Stops early only if a text comes back that an earlier pass produced (a cycle, which the
    fuzz harness would report as an idempotence failure).
    """
    edits: list[_Edit] = []
    chained: list[Finding] = []
    current, seen = text, {text}
    accepted = resolve(findings)
    while accepted:
        edits, exposed = _compose(current, edits, accepted)
        chained += exposed
        current = apply_fixes(current, accepted)
        if apply_fixes(text, [e.finding for e in edits]) != current:
            raise AssertionError("chained fixes do not compose (a bug in detector.fixes)")
        if current in seen:
            break
        seen.add(current)
        accepted = resolve(recheck(current))
    return Settled(chained, [e.finding for e in edits], current)


def _compose(current: str, edits: list[_Edit], new: list[Finding]) -> tuple[list[_Edit], list[Finding]]:
    """Merge the fixes ``new`` (offsets into ``current``) into ``edits`` (offsets into the original).

    Returns the merged edits, and ``new`` mapped to the original text (empty on the first pass,
    where no mapping is needed). A new fix that touches an earlier edit absorbs it.
    """
    if not edits:
        return _positioned(new), []
    cur_starts = [e.cur for e in edits]
    cur_ends = [e.cur_end for e in edits]
    shift = [0]
    for e in edits:
        shift.append(shift[-1] + e.growth)
    groups: list[tuple[list[tuple[Finding, Finding, int, int]], list[int]]] = []  # (fixes, absorbed edits)
    for f in new:
        lo, hi = bisect.bisect_left(cur_ends, f.start), bisect.bisect_right(cur_starts, f.end)
        touched = [j for j in range(lo, hi) if _touches(f, edits[j])]
        first, last = (edits[touched[0]], edits[touched[-1]]) if touched else (None, None)
        start = first.finding.start if first and first.cur <= f.start else _original(f.start, edits, cur_ends, shift, at_end=False)
        end = last.finding.end if last and last.cur_end >= f.end else _original(f.end, edits, cur_ends, shift, at_end=f.start != f.end)
        cur_lo = min([f.start] + [edits[j].cur for j in touched])
        cur_hi = max([f.end] + [edits[j].cur_end for j in touched])
        repl = current[cur_lo : f.start] + f.replacements[0] + current[f.end : cur_hi]
        mapped = replace(f, start=start, end=end, message=f.message + CHAINED, replacements=(repl, *f.replacements[1:]))
        item = (f, mapped, cur_lo, cur_hi)
        if groups and touched and groups[-1][1] and touched[0] <= groups[-1][1][-1]:
            groups[-1][0].append(item)
            groups[-1][1].extend(j for j in touched if j > groups[-1][1][-1])
        else:
            groups.append(([item], touched))
    absorbed = {j for _, touched in groups for j in touched}
    merged = [e.finding for j, e in enumerate(edits) if j not in absorbed]
    merged += [_merge(current, group) for group, _ in groups]
    return _positioned(merged), [mapped for group, _ in groups for _, mapped, _, _ in group]


def _merge(current: str, group: list[tuple[Finding, Finding, int, int]]) -> Finding:
    """One edit of the original text from new fixes that absorbed the same earlier edits."""
    if len(group) == 1:
        return group[0][1]
    cur_lo, cur_hi = min(g[2] for g in group), max(g[3] for g in group)
    pieces, pos = [], cur_lo
    for f, _, _, _ in group:
        pieces += [current[pos : f.start], f.replacements[0]]
        pos = f.end
    pieces.append(current[pos:cur_hi])
    mapped = [m for _, m, _, _ in group]
    return replace(mapped[0], start=min(m.start for m in mapped), end=max(m.end for m in mapped), replacements=("".join(pieces),))


def _touches(f: Finding, e: _Edit) -> bool:
    """Whether the new fix ``f`` shares characters with the earlier edit's replacement, or
    spans the point where the earlier edit deleted text."""
    if e.cur == e.cur_end:
        return f.start < e.cur < f.end
    if f.start == f.end:
        return e.cur < f.start < e.cur_end
    return e.cur < f.end and f.start < e.cur_end


def _original(pos: int, edits: list[_Edit], cur_ends: list[int], shift: list[int], *, at_end: bool) -> int:
    """The original offset of ``pos`` in the current text, outside every edit's replacement.

    At a deletion point a start maps after the deleted text and an end before it.
    """
    k = bisect.bisect_right(cur_ends, pos)
    while at_end and k > 0 and edits[k - 1].cur == edits[k - 1].cur_end == pos:
        k -= 1
    return pos - shift[k]


def _positioned(findings: list[Finding]) -> list[_Edit]:
    """Edits of the original text in order, with their place in the text they produce."""
    edits, shift = [], 0
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        edits.append(_Edit(f, f.start + shift))
        shift += len(f.replacements[0]) - (f.end - f.start)
    return edits
