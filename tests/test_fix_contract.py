"""The fix contract: ``fix`` changes only what ``check`` reports, and ``fix(fix(t)) == fix(t)``.

The property functions are the fuzz harness's own (scripts/fuzz.py); a small seeded run of it
is part of the suite, the full run (>= 100,000 inputs) is ``python scripts/fuzz.py``.
"""

from __future__ import annotations

import pytest

from detector import check, fix
from detector.api import apply_fixes
from scripts.fuzz import GENERATORS, changed_outside, run_range, violations

MULTI_PARAGRAPH = "“One.\n“Two.\n“Three.\n“Four.\n“Five.\n“Six.\nThe minister left.\n"
NESTED = "He said “a “b “c “d “e “f.\nThe end."


@pytest.mark.parametrize(
    ("text", "fixed", "count"),
    [
        (MULTI_PARAGRAPH, "One.\nTwo.\nThree.\nFour.\nFive.\nSix.\nThe minister left.\n", 6),
        (NESTED, "He said a b c d e f.\nThe end.", 6),
        ("said. " * 33, "said. ", 1),
    ],
    ids=["multi-paragraph", "nested", "said-33"],
)
def test_one_finding_per_spurious_mark_and_one_fix(text: str, fixed: str, count: int) -> None:
    report = check(text)
    assert len(report.findings) == count
    assert fix(text) == fixed
    assert fix(fixed) == fixed
    assert violations(text) == []


def test_fix_exposed_by_a_fix_is_reported_as_a_chain() -> None:
    text = "“Ta” Ta” Ta” Ta."  # removing the doubled closing marks leaves "Ta Ta Ta"
    report = check(text)
    chained = [f for f in report.findings if f.rule == "MT101"]
    assert len(chained) == 1 and "once the fixes next to it are applied" in chained[0].message
    assert text[chained[0].start : chained[0].end] == "Ta” Ta” Ta"
    assert report.fixed_text == fix(text) == "“Ta” Ta."
    assert apply_fixes(text, report.accepted) == report.fixed_text
    assert violations(text) == []


def test_unsafe_fixes_are_never_applied() -> None:
    from dataclasses import replace

    from detector.api import resolve

    [finding] = check("The the end.").findings
    assert resolve([finding]) == [finding]
    assert resolve([replace(finding, safe=False)]) == []


def test_changed_outside_sees_an_edit_outside_the_spans() -> None:
    assert changed_outside("abc def", "abc xyz", [(4, 7)]) is False
    assert changed_outside("abc def", "abX xyz", [(4, 7)]) is True
    assert changed_outside("abc def", "abc def", []) is False
    assert changed_outside("abc def", "abc de", []) is True


def test_small_fuzz_run_breaks_no_property() -> None:
    inputs, failures, examples = run_range((7, 0, 1200))
    assert sum(inputs.values()) == 1200 and set(inputs) == set(GENERATORS)
    assert not failures, examples
