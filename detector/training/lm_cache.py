"""A disk cache of the frozen language model's per-token evidence, so heads train cheaply.

A cache folder holds ``chunk-NNNNN.npz`` files, each with the evidence of up to ``CHUNK``
sentences (texts, concatenated per-token arrays and per-sentence lengths; hidden states in
float16). Writing resumes after the last complete chunk, and each chunk is written atomically,
so an interrupted run loses at most one chunk of work.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from detector.learned.smollm import LM, TokenEvidence

CHUNK = 256


def cache_evidence(lm: LM, texts: Iterable[str], folder: Path, layers: Sequence[int], log: Callable[[str], None] = print) -> None:
    """Compute and store the evidence of every distinct text not yet in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    done = set(load_texts(folder))
    todo = [t for t in dict.fromkeys(texts) if t not in done]
    n = len(_chunks(folder))
    t0 = time.time()
    for k in range(0, len(todo), CHUNK):
        batch = todo[k : k + CHUNK]
        _write_chunk(folder / f"chunk-{n:05d}.npz", lm.token_evidence(batch, layers=layers), layers)
        n += 1
        rate = (k + len(batch)) / (time.time() - t0)
        log(f"{folder.name}: {k + len(batch)}/{len(todo)} sentences ({rate:.1f}/s)")


def _write_chunk(path: Path, evidence: list[TokenEvidence], layers: Sequence[int]) -> None:
    arrays = {
        "texts": np.array([e.text for e in evidence], dtype=object),
        "lengths": np.array([len(e.ids) for e in evidence], dtype=np.int64),
        "ids": np.concatenate([e.ids for e in evidence]),
        "offsets": np.concatenate([e.offsets for e in evidence]),
        "surprisal": np.concatenate([e.surprisal for e in evidence]),
        "entropy": np.concatenate([e.entropy for e in evidence]),
        "rank": np.concatenate([e.rank for e in evidence]),
        **{f"hidden{k}": np.concatenate([e.hidden[k] for e in evidence]).astype(np.float16) for k in layers},
    }
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def _chunks(folder: Path) -> list[Path]:
    """The complete chunks in ``folder`` and its subfolders (one per parallel part)."""
    return sorted(Path(folder).glob("**/chunk-[0-9]*[0-9].npz"))


def load_texts(folder: Path) -> list[str]:
    return [t for p in _chunks(folder) for t in np.load(p, allow_pickle=True)["texts"]]


def load_evidence(folder: Path, layers: Sequence[int] = ()) -> dict[str, TokenEvidence]:
    """text -> evidence (hidden states of ``layers`` in float16) for every cached sentence."""
    out: dict[str, TokenEvidence] = {}
    for p in _chunks(folder):
        z = np.load(p, allow_pickle=True)
        ends = np.cumsum(z["lengths"])
        starts = ends - z["lengths"]
        cols = {k: z[k] for k in ("ids", "offsets", "surprisal", "entropy", "rank")}
        hidden = {k: z[f"hidden{k}"] for k in layers}
        for text, s, e in zip(z["texts"], starts, ends):
            out[str(text)] = TokenEvidence(
                str(text),
                cols["offsets"][s:e],
                cols["ids"][s:e],
                cols["surprisal"][s:e],
                cols["entropy"][s:e],
                cols["rank"][s:e],
                {k: v[s:e] for k, v in hidden.items()},
            )
    return out
