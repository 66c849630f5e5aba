"""`fix --unsafe-fixes`: model suggestions applied on request only, inside their spans, idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass

from detector import check, fix
from detector.corrections.corrector import Corrector
from detector.corrections.search import SearchConfig
from detector.document import Document
from detector.learned.detector import Flag

from .test_corrections import StubScorer

TEXT = "Hegseth will visit NATO on Wednesday. Allies said 23 people met the target of spending 2% of GDP last year.\n"


class StubModel:
    """Flags the word "people" after a number (what the learned detector does, by hand)."""

    def __init__(self) -> None:
        self.calls = 0

    def flag(self, doc: Document) -> list[Flag]:
        self.calls += 1
        return [Flag(s, 0.9, [(s.text.index("people"), s.text.index("people") + 6)]) for s in doc.sentences if "23 people" in s.text]


@dataclass
class ThresholdModel(StubModel):
    """The stub detector with a bundle's apply threshold."""

    apply_threshold: float = 0.5

    def __post_init__(self) -> None:
        super().__init__()


def _corrector(points: float, threshold: float | None = 0.5) -> Corrector:
    config = SearchConfig(margin=1.0, token_bonus=0.0, unigram_weight=0.0)
    return Corrector(StubScorer({"countries": points}), config, threshold)  # type: ignore[arg-type]


def test_fix_without_the_flag_applies_rule_fixes_only_and_loads_no_model() -> None:
    model = StubModel()
    assert fix(TEXT, model=model) == TEXT
    assert fix("He will will go.", model=model) == "He will go."
    assert model.calls == 0


def test_unsafe_fixes_apply_the_suggestion_inside_its_span_only() -> None:
    fixed = fix(TEXT, unsafe=True, model=StubModel(), corrector=_corrector(5.0))
    assert fixed == TEXT.replace("23 people", "23 countries")
    i = TEXT.index("people")
    assert fixed[:i] == TEXT[:i] and fixed.endswith(TEXT[i + len("people") :])


def test_unsafe_fixes_are_idempotent_and_combine_with_rule_fixes() -> None:
    text = "Hegseth Will will visit NATO. " + TEXT
    once = fix(text, unsafe=True, model=StubModel(), corrector=_corrector(5.0))
    assert "Will will" not in once and "23 countries" in once
    assert fix(once, unsafe=True, model=StubModel(), corrector=_corrector(5.0)) == once


def test_unsafe_fixes_below_the_confidence_threshold_are_not_applied() -> None:
    assert fix(TEXT, unsafe=True, model=StubModel(), corrector=_corrector(5.0, threshold=0.999)) == TEXT
    assert fix(TEXT, unsafe=True, model=StubModel(), corrector=_corrector(0.5)) == TEXT  # below the margin


def test_the_bundles_apply_threshold_decides_when_the_corrector_has_none() -> None:
    assert fix(TEXT, unsafe=True, model=ThresholdModel(0.5), corrector=_corrector(5.0, None)) == TEXT.replace("23 people", "23 countries")
    assert fix(TEXT, unsafe=True, model=ThresholdModel(0.999), corrector=_corrector(5.0, None)) == TEXT


def test_check_with_suggestions_carries_them_on_the_mt201_finding_only() -> None:
    plain = check(TEXT, model=StubModel())
    report = check(TEXT, model=StubModel(), suggest=_corrector(5.0))
    [before], [after] = ([f for f in r.findings if f.rule == "MT201"] for r in (plain, report))
    assert before.replacements == () and before.edits == ()
    i = TEXT.index("people")
    assert after.replacements[0] == "countries" and (after.start, after.end) == (i, i + 6)
    [edit] = after.edits[:1]
    assert (edit.start, edit.end, edit.new) == (i, i + 6, "countries") and 0.5 < edit.confidence <= 1
    assert after.confidence == before.confidence and not after.safe  # the detector's probability; an unsafe fix
    assert report.fixed_text == plain.fixed_text == TEXT  # check never applies a suggestion
    assert [f for f in report.findings if f.rule != "MT201"] == [f for f in plain.findings if f.rule != "MT201"]


def test_check_suggest_in_json_lists_the_edits_and_the_flag_is_off_by_default(tmp_path, monkeypatch, capsys) -> None:
    from detector import cli
    from detector.corrections import fixes

    monkeypatch.setattr(cli, "_load_model", lambda spec: StubModel())
    monkeypatch.setattr(fixes, "default_corrector", lambda: _corrector(5.0))
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    findings = {}
    for flags in ([], ["--suggest"]):
        cli.main(["check", "--format", "json", *flags, str(path)])
        [entry] = json.loads(capsys.readouterr().out)["files"]
        [findings[bool(flags)]] = [f for f in entry["findings"] if f["rule"] == "MT201"]
    assert findings[False]["replacements"] == [] and "edits" not in findings[False]
    f = findings[True]
    assert f["replacements"][0] == "countries" and f["safe"] is False and f["source"] == "model"
    assert f["edits"][0]["text"] == "people" and f["edits"][0]["new"] == "countries"
    assert TEXT[f["edits"][0]["start"] : f["edits"][0]["end"]] == "people"


def test_server_unsafe_fix_applies_the_suggestions_as_the_cli_does(monkeypatch) -> None:
    from detector.corrections import fixes as correction_fixes
    from detector.server.engine import Engine

    monkeypatch.setattr(correction_fixes, "default_corrector", lambda: _corrector(5.0))
    engine = Engine("stub")
    engine._detector = StubModel()  # the loaded model, as after the first request
    text = "Hegseth Will will visit NATO. " + TEXT
    values = engine.values(None, None)
    safe, _ = engine.fix(text, "text", values, unsafe=False)
    unsafe, _ = engine.fix(text, "text", values, unsafe=True)
    assert safe == fix(text) and "23 people" in safe
    assert unsafe == fix(text, unsafe=True, model=StubModel(), corrector=_corrector(5.0)) and "23 countries" in unsafe
