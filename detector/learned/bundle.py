"""A model bundle on disk: ``manifest.json`` plus one subfolder per feature source.

Manifest (``format`` 2)::

    {"format": 2,
     "sources": [{"name": "minilm", "type": "minilm"}, {"name": "cheap", "type": "cheap"}],
     "combiner": {"feature_names": [...], "mean": [...], "scale": [...], "coef": [...], ...},
     "thresholds": {"sentence": 0.81, "token": 0.15},
     "corrections": {"apply_threshold": 0.9},
     "recipe": {...every field of detector.training.recipe.Recipe...},
     "info": {"trained": "...", ...}}

Each source's files live in ``<bundle>/<name>/`` and are written and read by the source itself.
Loading checks that the combiner's feature names are exactly the sources' columns, in order.
``corrections.apply_threshold`` is the confidence at which ``mtlint fix --unsafe-fixes`` applies a
suggested correction (``detector.corrections``); a manifest without it gets
:data:`~detector.learned.detector.DEFAULT_APPLY_THRESHOLD`.
"""

from __future__ import annotations

import json
from pathlib import Path

from detector.learned.combiner import Combiner
from detector.learned.detector import DEFAULT_APPLY_THRESHOLD, Detector
from detector.learned.sources import source_type

FORMAT_VERSION = 2
MANIFEST = "manifest.json"


class BundleError(ValueError):
    """A bundle folder that is missing, of another format, or inconsistent."""


def read_manifest(folder: Path) -> dict:
    """The manifest of the bundle in ``folder``, checked for its format version."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BundleError(f"no model bundle in {folder} ({MANIFEST} missing; train one with `mtlint train`)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise BundleError(f"{path}: not valid JSON ({e.msg}, line {e.lineno})") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BundleError(f"{path}: bundle format {manifest.get('format')!r}, this mtlint reads format {FORMAT_VERSION}")
    return manifest


def check_columns(combiner: Combiner, columns: tuple[str, ...], where: object) -> None:
    """Fail clearly unless the combiner reads exactly ``columns`` (the sources' columns, in order)."""
    if tuple(combiner.feature_names) != columns:
        raise BundleError(
            f"{where}: the combiner reads {list(combiner.feature_names)} but the sources produce {list(columns)}; "
            "refit the combiner (scripts/train.py) or fix the manifest's source list"
        )


def apply_threshold(manifest: dict, where: object = MANIFEST) -> float:
    """The manifest's confidence for applying suggested corrections (the default when absent)."""
    value = manifest.get("corrections", {}).get("apply_threshold", DEFAULT_APPLY_THRESHOLD)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
        raise BundleError(f"{where}: corrections.apply_threshold must be a number from 0 to 1, not {value!r}")
    return float(value)


def load(folder: Path) -> Detector:
    """Load the bundle in ``folder``: every source from its subfolder, the combiner and thresholds."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    sources = []
    for entry in manifest["sources"]:
        try:
            cls = source_type(entry["type"])
        except ValueError as e:
            raise BundleError(f"{folder / MANIFEST}: {e}") from None
        except ImportError as e:
            raise BundleError(f"the model's {entry['name']!r} source needs {e.name or 'a missing package'} (pip install 'mtlint[model]')") from None
        sources.append(cls.load(folder / entry["name"]))
    combiner = Combiner.from_dict(manifest["combiner"])
    detector = Detector(
        sources,
        combiner,
        manifest["thresholds"]["sentence"],
        manifest["thresholds"]["token"],
        manifest.get("recipe", {}),
        manifest.get("info", {}),
        apply_threshold(manifest, folder / MANIFEST),
    )
    check_columns(combiner, detector.columns, folder / MANIFEST)
    return detector


def save(folder: Path, detector: Detector) -> None:
    """Write ``detector`` as a bundle into ``folder`` (each source into its own subfolder)."""
    folder = Path(folder)
    check_columns(detector.combiner, detector.columns, folder)
    folder.mkdir(parents=True, exist_ok=True)
    for source in detector.sources:
        source.save(folder / source.name)
    manifest = {
        "format": FORMAT_VERSION,
        "sources": [{"name": s.name, "type": s.name} for s in detector.sources],
        "combiner": detector.combiner.to_dict(),
        "thresholds": {"sentence": detector.threshold, "token": detector.token_threshold},
        "corrections": {"apply_threshold": detector.apply_threshold},
        "recipe": detector.recipe,
        "info": detector.info,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
