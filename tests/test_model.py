"""The learned detector: a tiny end-to-end training run, and the shipped model offline on the seed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from detector.api import check
from detector.corpus import build
from detector.model.metrics import pair_accuracy
from detector.model.network import LoRALinear, NetConfig, merge_adapters
from detector.model.network import build as build_net
from detector.model.pipeline import Recipe, train
from detector.model.scorer import WEIGHTS, load, localize, save
from detector.noise import NoiseConfig

from .conftest import ROOT, SEED

ANNOTATION = ROOT / "tests" / "data" / "seed_annotation.tsv"
SEED_GARBLED_FLAGGED = 2


@pytest.fixture(scope="module")
def offline():
    """Fail any network connection attempt while the model loads and runs."""
    real = socket.socket.connect

    def refuse(self, address):  # noqa: ANN001
        raise OSError(f"network access attempted: {address}")

    socket.socket.connect = refuse
    yield
    socket.socket.connect = real


def test_tiny_training_run_end_to_end(tmp_path: Path, offline) -> None:
    corpus = tmp_path / "corpus"
    build(ROOT / "tests" / "data" / "tiny_news.txt", corpus, 3, (0.34, 0.33, 0.33), NoiseConfig())
    recipe = Recipe(corpus=str(corpus), epochs=1.0, batch_size=8, max_length=32, lora_rank=2)
    detector = train(recipe, log=lambda _: None)
    save(tmp_path / "model", detector)
    assert (tmp_path / "model" / "adapter.safetensors").stat().st_size < 1_000_000
    reloaded = load(tmp_path / "model")  # adapters folded into the base layers
    assert not any(isinstance(m, LoRALinear) for m in reloaded.net.modules())
    text = SEED.read_text(encoding="utf-8")
    p_before, _ = detector.probabilities(["The council met on Tuesday."])
    p_after, _ = reloaded.probabilities(["The council met on Tuesday."])
    assert p_before == pytest.approx(p_after, abs=1e-5)
    report = check(text, model=reloaded)
    for f in report.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert 0.0 <= f.confidence <= 1.0


def test_merged_adapters_compute_the_same_function(offline) -> None:
    net = build_net(NetConfig(lora_rank=4))
    torch.manual_seed(1)
    for module in net.modules():
        if isinstance(module, LoRALinear):
            torch.nn.init.normal_(module.lora_b, std=0.3)
    enc = net.encode(["The council met on Tuesday.", "He smash the weapons quickly, said. said"])
    before = net(enc["input_ids"], enc["attention_mask"])
    merge_adapters(net)
    after = net(enc["input_ids"], enc["attention_mask"])
    assert not any(isinstance(m, LoRALinear) for m in net.modules())
    for a, b in zip(before, after):
        assert torch.allclose(a, b, atol=1e-4)
    plain = build_net(NetConfig(lora_rank=4))(enc["input_ids"], enc["attention_mask"])
    assert max((a - b).abs().max() for a, b in zip(before, plain)) > 1e-2  # the adapters matter
    with pytest.raises(ValueError, match="merged"):
        net.trainable_state()


def test_pair_accuracy_compares_each_garbled_sentence_with_its_own_original() -> None:
    pairs = ["a", "a", "a", "b", "b", None, "c"]  # "c" has no clean original in the set
    y = np.array([0, 1, 1, 0, 1, 0, 1])
    p = np.array([0.5, 0.9, 0.2, 0.3, 0.3, 0.99, 0.1])
    assert pair_accuracy(pairs, y, p) == {"pairs": 3, "pair_accuracy": pytest.approx((1 + 0 + 0.5) / 3)}


def test_localize_merges_neighbouring_words() -> None:
    text = "He smash the weapons quickly."
    tokens = [(0, 2, 0.1), (3, 6, 0.9), (6, 8, 0.8), (9, 12, 0.7), (13, 20, 0.2), (21, 28, 0.95)]
    assert localize(text, tokens, 0.5) == [(21, 28), (3, 12)]
    assert localize(text, tokens, 0.99) == []


@pytest.mark.skipif(not (WEIGHTS / "model.json").exists(), reason="no shipped model")
def test_shipped_model_scores_the_seed_offline(offline) -> None:
    detector = load()
    text = SEED.read_text(encoding="utf-8")
    report = check(text, model=detector)
    model = [f for f in report.findings if f.source == "model"]
    assert model and all(f.rule == "MT201" and f.replacements == () for f in model)
    labels = [line.split("\t")[0] for line in ANNOTATION.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    sentences = report.document.sentences
    assert len(sentences) == len(labels)
    flagged = {label: 0 for label in labels}
    for sent, label in zip(sentences, labels):
        flagged[label] += any(sent.start <= f.start < sent.end for f in model)
    # The target is >= 8 garbled; the shipped model reaches SEED_GARBLED_FLAGGED (see
    # docs/model-card.md). These bounds guard against regressions of the shipped model.
    assert flagged["garbled"] >= SEED_GARBLED_FLAGGED, flagged
    assert flagged["clean"] <= 2, flagged


@pytest.mark.skipif(not (WEIGHTS / "model.json").exists(), reason="no shipped model")
def test_cli_uses_the_model_by_default() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "detector.cli", "check", "--format", "json", str(SEED)],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
    )
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["files"][0]["findings"]
    assert {f["source"] for f in findings} == {"rule", "model"}
    text = SEED.read_text(encoding="utf-8")
    for f in findings:
        assert text[f["start"] : f["end"]] == f["text"]
        if f["source"] == "model":
            assert f["rule"] == "MT201" and 0 < f["confidence"] <= 1


def test_mtlint_train_command_writes_a_usable_model(tmp_path: Path, offline) -> None:
    from detector.cli import main

    out = tmp_path / "model"
    assert main(["train", "--clean", str(ROOT / "tests" / "data" / "tiny_news.txt"), "--out", str(out), "--seed", "5"]) == 0
    assert (out / "adapter.safetensors").exists() and (out / "corpus" / "train.jsonl").exists()
    report = check("The council met on Tuesday. It approved the the budget.", model=load(out))
    assert [f.rule for f in report.findings if f.source == "rule"] == ["MT101"]


def test_train_command_names_a_bad_input_line(tmp_path: Path, capsys) -> None:
    from detector.cli import main

    bad = tmp_path / "docs.jsonl"
    bad.write_text('{"doc_id": "a", "sentences": ["One."]}\n{not json\n', encoding="utf-8")
    assert main(["train", "--clean", str(bad), "--out", str(tmp_path / "m")]) == 2
    assert f"{bad}:2" in capsys.readouterr().err


def test_hits_per_sentence_matches_brute_force() -> None:
    from detector.model.scorer import hits_per_sentence

    text = SEED.read_text(encoding="utf-8")
    report = check(text)
    sentences = report.document.sentences
    brute = [sum(1 for f in report.findings if f.start < s.end and s.start < f.end) for s in sentences]
    assert hits_per_sentence(sentences, report.findings) == brute
    assert sum(brute) >= 9
