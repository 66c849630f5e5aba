"""The learned detector (MT2xx), inference only: bundles, feature sources, combiner, detector.

Importing this package is cheap; torch is imported only when a bundle with a torch source is
loaded. Nothing here imports :mod:`detector.training`.

Tiers are bundle choices (:data:`TIERS`), not code paths: ``full`` and ``fast`` name bundles
under ``weights/`` (``full``: SmolLM2 + MiniLM + cheap features; ``fast``: MiniLM + cheap), ``rules`` means no
model. :func:`load` is the one lazy, once-per-process loader used by the API and the CLI.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detector.learned.detector import Detector

WEIGHTS = Path(__file__).resolve().parent / "weights"
TIERS: dict[str, str | None] = {"full": "full", "fast": "minilm", "rules": None}
DEFAULT_TIER = "fast"  # the full tier is opt-in until it meets its precision and speed targets (docs/model-card.md)


def bundle_path(spec: str | Path) -> Path | None:
    """The bundle folder of a tier name or a path; ``None`` for the ``rules`` tier."""
    if isinstance(spec, str) and spec in TIERS:
        name = TIERS[spec]
        return None if name is None else WEIGHTS / name
    return Path(spec)


def load(spec: str | Path = DEFAULT_TIER) -> Detector:
    """The detector of a tier (``full``, ``fast``) or a bundle folder, loaded once per process."""
    folder = bundle_path(spec)
    if folder is None:
        raise ValueError("the 'rules' tier has no model")
    return _load(folder.resolve())


@cache
def _load(folder: Path) -> Detector:
    from detector.learned import bundle

    return bundle.load(folder)
