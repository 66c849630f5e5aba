"""The learned detector with torch: a tiny end-to-end training run, and the shipped model offline on the seed.

Skipped where torch is not installed (the rules-only install); tests/test_learned.py covers the rest.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the learned detector needs torch (pip install 'mtlint[model]')")

from detector import learned  # noqa: E402
from detector.api import check  # noqa: E402
from detector.learned.bundle import load, save  # noqa: E402
from detector.learned.sources.minilm import LoRALinear, NetConfig, for_scoring, merge_adapters  # noqa: E402
from detector.learned.sources.minilm import build as build_net  # noqa: E402
from detector.noise import NoiseConfig  # noqa: E402
from detector.training.data import load_corpus  # noqa: E402
from detector.training.metrics import pair_accuracy, sentence_metrics  # noqa: E402
from detector.training.pipeline import Recipe, train  # noqa: E402
from detector.training.synthetic import build  # noqa: E402

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
    build(ROOT / "tests" / "data" / "tiny_news.txt", corpus, 3, (0.34, 0.33, 0.33), NoiseConfig(p_garble=1.0))
    recipe = Recipe(corpus=str(corpus), epochs=4.0, batch_size=8, max_length=32, lora_rank=2, lr=5e-3)
    detector = train(recipe, log=lambda _: None)
    save(tmp_path / "model", detector)
    assert (tmp_path / "model" / "minilm" / "adapter.safetensors").stat().st_size < 1_000_000
    reloaded = load(tmp_path / "model")  # adapters folded into the base layers
    assert not any(isinstance(m, LoRALinear) for m in reloaded.sources[0].net.modules())
    # It learned something: on its own tiny fit data (10 garbled/clean pairs) it ranks garbled
    # sentences above clean ones. Measured: ROC AUC 0.74, pair accuracy 0.9; one epoch at the
    # default learning rate gives 0.6 / 0.6, so these floors can fail.
    items = load_corpus(corpus / "train.jsonl")
    p, _ = reloaded.probabilities([i.text for i in items])
    y = np.array([i.label for i in items])
    assert sentence_metrics(y, p, 0.5)["roc_auc"] >= 0.65
    assert pair_accuracy([i.pair for i in items], y, p)["pair_accuracy"] >= 0.8
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


def test_int8_scoring_quantizes_the_encoder_and_stays_close(offline) -> None:
    """``int8`` in the config: the encoder's Linear layers become int8 for scoring, the heads stay fp32."""
    enc_texts = ["The council met on Tuesday.", "He smash the weapons quickly, said. said"]
    exact = for_scoring(build_net(NetConfig(lora_rank=4)))
    quantized = for_scoring(build_net(NetConfig(lora_rank=4, int8=True)))
    enc = exact.encode(enc_texts)
    assert not any(type(m) is torch.nn.Linear for m in quantized.bert.modules())
    assert type(quantized.sentence_head) is torch.nn.Linear
    assert all(type(m) is torch.nn.Linear for m in exact.bert.modules() if isinstance(m, torch.nn.Linear))
    with torch.inference_mode():
        a, b = exact(enc["input_ids"], enc["attention_mask"]), quantized(enc["input_ids"], enc["attention_mask"])
    assert max(float((x - y).abs().max()) for x, y in zip(a, b)) < 0.5  # close, not equal: int8 rounding


def test_shipped_model_scores_the_seed_offline(offline) -> None:
    detector = learned.load("fast")
    text = SEED.read_text(encoding="utf-8")
    report = check(text, model=detector)
    model = [f for f in report.findings if f.source == "model"]
    assert model and all(f.rule == "MT201" and f.replacements == () and not f.safe for f in model)
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
        assert f["safe"] is (f["source"] == "rule")
        if f["source"] == "model":
            assert f["rule"] == "MT201" and 0 < f["confidence"] <= 1


def test_mtlint_train_command_writes_a_usable_model(tmp_path: Path, offline) -> None:
    from detector.cli import main

    out = tmp_path / "model"
    assert main(["train", "--clean", str(ROOT / "tests" / "data" / "tiny_news.txt"), "--out", str(out), "--seed", "5"]) == 0
    assert (out / "manifest.json").exists() and (out / "corpus" / "train.jsonl").exists()
    report = check("The council met on Tuesday. It approved the the budget.", model=load(out))
    assert [f.rule for f in report.findings if f.source == "rule"] == ["MT101"]


def test_train_command_names_a_bad_input_line(tmp_path: Path, capsys) -> None:
    from detector.cli import main

    bad = tmp_path / "docs.jsonl"
    bad.write_text('{"doc_id": "a", "sentences": ["One."]}\n{not json\n', encoding="utf-8")
    assert main(["train", "--clean", str(bad), "--out", str(tmp_path / "m")]) == 2
    assert f"{bad}:2" in capsys.readouterr().err


# The words the shipped model points at in each of MT201's fail examples (the whole sentence when
# it points at none, or at most of it); its pass examples get no finding.
MT201_SPANS = {
    "The council to the budget approved on Tuesday has.": ["The council to the budget approved on Tuesday has."],
    "Yesterday the mayor the new bridge opened and the residents very happy were.": ["the", "bridge", "happy were"],
}


def test_mt201_examples_with_the_shipped_model(offline) -> None:
    from detector.rules import garbled

    for text in garbled.RULE.examples_fail:
        findings = check(text, [garbled.RULE], model="fast").findings
        assert findings and all(f.rule == "MT201" and f.replacements == () and not f.safe for f in findings), text
        if text in MT201_SPANS:
            assert [text[f.start : f.end] for f in findings] == MT201_SPANS[text]
    for text in garbled.RULE.examples_pass:
        assert check(text, [garbled.RULE], model="fast").findings == [], text


def test_select_and_ignore_mt201_on_the_seed() -> None:
    def rules(*options: str) -> set[str]:
        done = subprocess.run(
            [sys.executable, "-m", "detector.cli", "check", "--format", "json", *options, str(SEED)],
            capture_output=True, text=True, cwd=ROOT,
        )
        assert done.returncode == 1, done.stderr
        return {f["rule"] for f in json.loads(done.stdout)["files"][0]["findings"]}

    assert rules("--select", "MT201") == {"MT201"}
    assert rules("--select", "garbled-sentence", "--model", "fast") == {"MT201"}
    assert "MT201" not in rules("--ignore", "MT201") and "MT201" in rules()


def test_lone_surrogates_do_not_break_the_model(offline) -> None:
    text = "The council to the budget approved on Tuesday has \ud800. It met."
    report = check(text, model="fast")
    assert all(0 <= f.start <= f.end <= len(text) for f in report.findings)


def test_loading_leaves_global_state_alone() -> None:
    code = (
        "import os, torch; torch.manual_seed(5); a = torch.rand(1); torch.manual_seed(5); "
        "from detector import learned; learned._load.cache_clear(); learned.load('full'); b = torch.rand(1); "
        "assert torch.equal(a, b), 'load reseeded torch'; assert 'HF_HUB_OFFLINE' not in os.environ, 'HF_HUB_OFFLINE set'"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
