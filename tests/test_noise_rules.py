"""Each mechanical noise operation is caught by the rule meant for it, at a measured rate.

The floors are the rates measured on these sentences (20 seeds each) when this test was
written, rounded down; the low ones are real gaps between what the noise model writes and what
the rules see (a phrase repeated after a comma, boilerplate glued to a sentence instead of on
its own line, a quotation mark damaged next to a comma), not test slack.
"""

from __future__ import annotations

import random

import pytest

from detector.api import check
from detector.noise import OPERATIONS, NoiseConfig, garble
from detector.rules import RULES
from detector.spans import Span, overlaps

from .test_noise import SENTENCES

FLOORS = {  # operation: (rule, measured share caught)
    "repeat_word": ("MT101", 0.85),
    "repeat_across_break": ("MT101", 0.95),
    "repeat_phrase": ("MT101", 0.4),
    "stray_particle": ("MT102", 0.95),
    "dangling_particle": ("MT102", 0.95),
    "split_appositive": ("MT103", 0.95),
    "truncate_name": ("MT104", 0.85),
    "insert_boilerplate": ("MT105", 0.4),
    "damage_quote": ("MT106", 0.6),
}


def caught(op: str, code: str, seeds: int = 20) -> tuple[int, float]:
    """How many sentences ``op`` garbled, and the share in which ``code`` reports a finding on the gold span.

    The garbled sentence follows its clean original twice, as in an article, so that a name has
    other uses for MT104 to compare with.
    """
    config = NoiseConfig(rates={op: 1.0}, max_ops=1)
    n = hits = 0
    for seed in range(seeds):
        for k, sentence in enumerate(SENTENCES):
            g = garble(sentence, random.Random(f"{seed}:{k}"), config)
            if not g.spans:
                continue
            offset = 2 * len(sentence) + 2
            text = f"{sentence}\n{sentence}\n{g.text}"
            gold = [Span(s.start + offset, s.end + offset) for s in g.spans]
            findings = check(text, [RULES[code]]).findings
            n += 1
            hits += any(overlaps(f, s) or s.start <= f.start == f.end <= s.end for f in findings for s in gold)
    return n, hits / max(n, 1)


def test_every_mechanical_operation_has_a_floor() -> None:
    assert set(FLOORS) <= set(OPERATIONS)


@pytest.mark.parametrize("op", sorted(FLOORS))
def test_noise_operation_is_caught_by_its_rule(op: str) -> None:
    code, floor = FLOORS[op]
    n, rate = caught(op, code)
    assert n >= 40, f"{op} garbled only {n} sentences"
    assert rate >= floor, f"{code} caught {rate:.2f} of {n} {op} sentences (floor {floor})"
