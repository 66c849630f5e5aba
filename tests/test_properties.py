"""Property tests: arbitrary Unicode never crashes check/fix, offsets stay in range,
fix is idempotent, and the accepted edits are what fix applies, touching nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector import check, fix
from detector.api import apply_fixes

# Text that exercises the rules: news-like fragments, quotes, particles and raw Unicode.
PIECES = st.sampled_from(
    ["the", "The", "said.", "said", "Will", "will", "Ta.", "UK.", "Hegseth", "Hegses’", "“", "”", '"',
     "’s", "desu", "Advertisement", "The story continues under this ad", ".", ",", " ", "  ", "\n", "\r\n", "country."]
)
TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=40).map(" ".join),
    st.lists(PIECES, max_size=60).map("".join),
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_offsets_stay_in_range(text: str) -> None:
    report = check(text)
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert 0.0 <= f.confidence <= 1.0


@SETTINGS
@given(TEXT)
def test_fix_is_idempotent(text: str) -> None:
    once = fix(text)
    assert fix(once) == once


@SETTINGS
@given(TEXT)
def test_accepted_edits_make_the_fixed_text(text: str) -> None:
    report = check(text)
    accepted = report.accepted
    for a, b in zip(accepted, accepted[1:]):
        assert a.end <= b.start
    fixed = report.fixed_text
    pos = out = 0
    for f in accepted:
        keep = text[pos : f.start]
        assert fixed[out : out + len(keep)] == keep
        out += len(keep) + len(f.replacements[0])
        assert fixed[out - len(f.replacements[0]) : out] == f.replacements[0]
        pos = f.end
    assert fixed[out:] == text[pos:]
    assert apply_fixes(text, accepted) == fixed
