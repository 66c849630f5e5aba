"""Every rule against its own pass/fail examples, plus exact spans and fixes per rule."""

from __future__ import annotations

import re

import pytest

from detector import check, fix
from detector.rules import RULES, select

ALL = list(RULES.values())
MECHANICAL = [r for r in ALL if not r.needs_model]  # MT201's examples need the model: tests/test_model.py
CODE_RE = re.compile(r"MT[12]\d\d")


def codes(text: str) -> list[str]:
    return [f.rule for f in check(text).findings]


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.code)
def test_rule_metadata(rule) -> None:
    assert CODE_RE.fullmatch(rule.code)
    for heading in ("What it catches", "Why it happens in MT", "Example", "False positives"):
        assert f"**{heading}.**" in rule.doc, f"{rule.code} doc lacks {heading}"
    assert len(rule.examples_fail) >= 3 and len(rule.examples_pass) >= 3


@pytest.mark.parametrize(("rule", "text"), [(r, t) for r in MECHANICAL for t in r.examples_fail], ids=str)
def test_examples_fail(rule, text: str) -> None:
    assert rule.code in [f.rule for f in check(text, [rule]).findings]


@pytest.mark.parametrize(("rule", "text"), [(r, t) for r in MECHANICAL for t in r.examples_pass], ids=str)
def test_examples_pass(rule, text: str) -> None:
    assert check(text, [rule]).findings == []


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("Pete Hegseth Will will become the first.", "Pete Hegseth will become the first."),
        ("the Pentagon said. said before the trip.", "the Pentagon said before the trip."),
        ("The The talks ended.", "The talks ended."),
        ("It is in the in the capital.", "It is in the capital."),
        ("The church church church was full.", "The church was full."),
        ("“We are ready,” he said. Ta.", "“We are ready,” he said."),
        ("The vote will be held next week desu.", "The vote will be held next week."),
        ("It will be convened by another country. UK.", "It will be convened by another country, the UK."),
        ("Talks resumed.\nAdvertisement\nBoth sides agreed.", "Talks resumed.\nBoth sides agreed."),
        ("Talks resumed.\nThe story continues under this ad", "Talks resumed.\n"),
        ("Hegseth left. Hegseth spoke. Before Hegses’ trip.", "Hegseth left. Hegseth spoke. Before Hegseth’s trip."),
        ("Hegseth left. Hegseth spoke. Before Hegse's trip.", "Hegseth left. Hegseth spoke. Before Hegseth's trip."),
    ],
)
def test_fixes(text: str, fixed: str) -> None:
    assert fix(text) == fixed


def test_repetition_span_and_confidence() -> None:
    text = "US Secretary of Defense Pete Hegseth Will will become the first."
    [f] = check(text).findings
    assert (f.rule, text[f.start : f.end], f.replacements, f.category) == ("MT101", "Will will", ("will",), "duplication")


def test_will_will_is_a_name_when_the_document_uses_it_as_one() -> None:
    text = "Will arrived late. The coach said Will will start on Sunday."
    assert codes(text) == []


def test_dangling_particle_guards() -> None:
    assert codes("The French politician Marine le Pen spoke, and le Pen smiled.") == []
    assert codes("“We will go on desu,” the text read.") == []


def test_quote_reopened_in_next_paragraph_is_not_flagged() -> None:
    text = "He said: “We will stay the course.\n“And we will win,” he added."
    assert codes(text) == []


def test_quote_closed_twice_blames_the_later_mark_after_attribution() -> None:
    text = "Day one.\n“We go,” he said. They left.”"
    [f] = check(text).findings
    assert f.start == len(text) - 1


def test_select_and_ignore() -> None:
    assert [r.code for r in select(["MT1"], ["MT106", "fragment"])] == ["MT101", "MT102", "MT104", "MT105"]
    assert [r.code for r in select(["repeated-word"])] == ["MT101"]
    assert [r.code for r in select(["mt201"])] == [r.code for r in select(["MT2"])] == ["MT201"]
    assert [r.code for r in select(["garbled-sentence"])] == ["MT201"]
    assert "MT201" in [r.code for r in select()]
    assert [r.code for r in select(None, ["MT201"])] == [r.code for r in select(["MT1"])] == [f"MT10{i}" for i in range(1, 7)]


@pytest.mark.parametrize("entry", ["", " ", "MT", "mt10", "MT1O1", "MT3", "repeated"])
def test_entries_that_name_no_rule_or_family_are_errors(entry: str) -> None:
    for chosen in ([entry], None):
        with pytest.raises(ValueError, match="unknown rule"):
            select(chosen, None if chosen else [entry])


@pytest.mark.parametrize("ignore", [["MT1", "MT2"], ["MT101", "MT102", "MT103", "MT104", "MT105", "MT106", "MT201"]])
def test_ignoring_every_rule_is_an_error(ignore: list[str]) -> None:
    with pytest.raises(ValueError, match="no rule left"):
        select(None, ignore)
    with pytest.raises(ValueError, match="no rule left"):
        select(["MT101"], ["repeated-word"])


def test_model_rules_do_not_run_without_a_model() -> None:
    text = "The council to the budget approved on Tuesday has. It approved the the budget."
    assert [f.rule for f in check(text).findings] == ["MT101"]
    assert check(text, select(["MT201"])).findings == []
    assert check(text, select(["MT201"]), model="rules").findings == []


def test_rule_docs_are_generated_and_current() -> None:
    from pathlib import Path

    from detector.rules import render_docs

    docs = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
    assert docs.read_text(encoding="utf-8") == render_docs(), "run: python scripts/gen_rule_docs.py"


# Every fail example of every mechanical rule: the exact text each finding covers, and its fix.
FAIL_EXAMPLE_FINDINGS = {
    'US Secretary of Defense Pete Hegseth Will will become the first member to visit.': [('Will will', 'will')],
    'The plan was approved by the the board on Monday.': [('the the', 'the')],
    '“We are ready,” the Pentagon said. said before the trip.': [('said. said', 'said')],
    'The ministers met in the in the capital.': [('in the in the', 'in the')],
    'The church church church was full.': [('church church church', 'church')],
    'Defense Secretary Hegseth Hegseth arrived in Brussels.': [('Hegseth Hegseth', 'Hegseth')],
    'He asked what the the board had decided.': [('the the', 'the')],
    '“We will keep Ukraine in the fight,” a diplomat said. Ta.': [(' Ta.', '')],
    'The ministers agreed on the budget. Desu.': [(' Desu.', '')],
    'The vote will be held next week desu.': [(' desu', '')],
    'The company said profits rose sharply le, analysts noted.': [(' le', '')],
    'For the first time, the meeting will be convened by another country. UK.': [('. UK.', ', the UK.')],
    'The summit will be hosted this year by a new member. Finland.': [('. Finland.', ', Finland.')],
    'The prize went to a team from a small island nation. New Zealand Rowing.': [('. New Zealand Rowing.', ', New Zealand Rowing.')],
    'Hegseth will visit NATO. Hegseth’s trip is his first. It ended before Hegses’ departure.': [('Hegses’', 'Hegseth’s')],
    'Zelenskyy met the envoy. Zelenskyy said talks would go on. Later Zelensk left Kyiv.': [('Zelensk', 'Zelenskyy')],
    'Kowalczyk won the race. Kowalczyk thanked fans. Kowalcyk had trained for years.': [('Kowalcyk', 'Kowalczyk')],
    'The talks will resume on Monday.\nThe story continues under this ad\nBoth sides agreed.': [('The story continues under this ad\n', '')],
    'The talks will resume on Monday.\nAdvertisement\nBoth sides agreed.': [('Advertisement\n', '')],
    'Prices rose again in March. Also read: Why inflation is sticky': [(' Also read: Why inflation is sticky', '')],
    '(This story has not been edited by our staff and is auto-generated from a syndicated feed.)': [('(This story has not been edited by our staff and is auto-generated from a syndicated feed.)', '')],
    'The council met on Tuesday.\nStory continues below the advert': [('Story continues below the advert', '')],
    'Waltz said that “Europeans must own this conflict.” Trump intends to end it. And it is theirs.”': [('”', '')],
    'The talks ended on Friday.\nThe minister said the plan was ready.” Talks continue.': [('”', '')],
    '“We will win, the coach said after the match.\nThe team flew home on Sunday.': [('“', '')],
    'He said “a “b “c that the plan was ready.\nThe end.': [('“', ''), ('“', ''), ('“', '')],
    'The mayor called the vote "a disgrace.\nCouncillors left the chamber.': [('"', '')],
}


@pytest.mark.parametrize(("rule", "text"), [(r, t) for r in MECHANICAL for t in r.examples_fail], ids=str)
def test_fail_examples_span_and_fix(rule, text: str) -> None:
    findings = check(text, [rule]).findings
    assert [(text[f.start : f.end], f.replacements[0]) for f in findings] == FAIL_EXAMPLE_FINDINGS[text]
    assert all(f.safe and f.source == "rule" for f in findings)
