"""Checkpoints: how far a run got, so ``--resume`` continues it to byte-identical output.

The spool files (output and errors) are append-only, one chunk after another, in input
order. After each chunk they are flushed and fsync'd, then the checkpoint (committed records,
the byte length of each spool, the summary counters) replaces the previous one atomically.
A run killed at any moment, even mid-write, leaves spools at least as long as the
checkpoint says; resuming truncates them to those lengths and skips the committed records.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from detector.textio import atomic_write

VERSION = 1


@dataclass
class Checkpoint:
    """The committed state of a run."""

    fingerprint: str
    records: int = 0  # input records committed (scored or failed)
    output_bytes: int = 0
    errors_bytes: int = 0
    stats: dict = field(default_factory=dict)
    version: int = VERSION


def fingerprint(inputs: list[str], settings: dict) -> str:
    """A digest of the inputs (path, size, mtime) and every setting that changes the output."""
    parts = []
    for path in inputs:
        st = os.stat(path)
        parts.append([os.path.abspath(path), st.st_size, st.st_mtime_ns])
    blob = json.dumps({"inputs": parts, "settings": settings}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def paths(output: Path) -> tuple[Path, Path, Path]:
    """The checkpoint, output spool and errors spool that belong to ``output``."""
    base = output.parent / f".{output.name}.mtlint"
    return Path(f"{base}.ckpt"), Path(f"{base}.spool"), Path(f"{base}.errors")


def save(path: Path, ckpt: Checkpoint) -> None:
    """Replace the checkpoint atomically (written, fsync'd, renamed)."""
    atomic_write(path, (json.dumps(asdict(ckpt), sort_keys=True) + "\n").encode())


def load(path: Path) -> Checkpoint | None:
    """The checkpoint at ``path``, or ``None`` when there is none (or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return None
        return Checkpoint(**data)
    except (OSError, ValueError, TypeError):
        return None


def commit(spools: list, ckpt: Checkpoint, path: Path) -> None:
    """Make the spools durable, then record their lengths in the checkpoint."""
    for f in spools:
        if f is not None:
            f.flush()
            os.fsync(f.fileno())
    save(path, ckpt)
