"""`fix --unsafe-fixes`: model suggestions applied on request only, inside their spans, idempotently."""

from __future__ import annotations

from detector import fix
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


def _corrector(points: float, threshold: float = 0.5) -> Corrector:
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
