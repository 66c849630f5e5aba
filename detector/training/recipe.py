"""The recipe: every choice that decides a trained model, saved in the bundle, settable from the command line.

:func:`add_arguments` is the one argument parser for ``mtlint train`` and ``scripts/train.py``:
it adds an option for every :class:`Recipe` field (``--lora-rank``, ``--no-token-head``, ...),
with the field's default and help.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field, fields
from typing import Any

from detector.learned.sources.cheap import FEATURE_NAMES

CHEAP_FEATURES = tuple(c for c in FEATURE_NAMES if c != "rule_hits")  # MT201 only reports sentences without rule hits


def _f(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Recipe:
    """Everything that decides a trained model (recorded in the bundle's ``manifest.json``)."""

    corpus: str = _f("build/corpus", "synthetic corpus folder with train/dev/test.jsonl (scripts/build_corpus.py)")
    mt: str | None = _f(None, "mt-en-dev folder: real MT with post-edits (its train split is used)")
    extra: tuple[str, ...] = _f((), "more corpus-schema JSONL files for fitting, e.g. round trips (repeatable)")
    seed: int = _f(13, "random seed of data sampling, initialization and batches")
    epochs: float = _f(1.0, "passes over the fit data")
    batch_size: int = _f(16, "sentences per step")
    max_synthetic: int | None = _f(None, "use at most this many synthetic fit sentences")
    max_mt: int | None = _f(None, "use at most this many mt-en-dev fit sentences")
    token_head: bool = _f(True, "train the token head (which words are wrong)")
    lora_rank: int = _f(16, "rank of the LoRA adapters (0 freezes the encoder: heads only)")
    lora_alpha: float = _f(16.0, "LoRA scaling numerator (the update is scaled by alpha / rank)")
    max_length: int = _f(96, "word pieces per sentence")
    lr: float = _f(1.5e-3, "learning rate of the adapters and layer norms")
    head_lr: float = _f(2e-3, "learning rate of the heads")
    token_weight: float = _f(0.5, "weight of the token loss")
    pair_weight: float = _f(1.0, "weight of the garbled-above-clean ranking loss (0: off)")
    warmup: float = _f(0.06, "share of steps with linear learning-rate warm-up")
    cheap_features: tuple[str, ...] = _f(CHEAP_FEATURES, "the cheap features the combiner reads (detector/learned/sources/cheap.py)")
    clean_fp_target: float = _f(0.02, "share of clean calibration news MT201 may flag (sets the threshold)")


def add_arguments(parser: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    """Add an option for every recipe field not in ``skip``."""
    for f in fields(Recipe):
        if f.name in skip:
            continue
        flag = "--" + f.name.replace("_", "-")
        default = f.default
        help = f"{f.metadata['help']} (default: {default})"
        if f.type == "bool":
            parser.add_argument(f"--no-{f.name.replace('_', '-')}", dest=f.name, action="store_false", default=default, help=f"do not {f.metadata['help']}")
        elif f.type == "tuple[str, ...]":
            parser.add_argument(flag, dest=f.name, action="extend", nargs="+", default=None, metavar=f.name.upper(), help=help)
        else:
            kind = {"int": int, "float": float, "str": str, "int | None": int, "str | None": str}[f.type]
            parser.add_argument(flag, dest=f.name, type=kind, default=default, help=help)


def from_args(args: argparse.Namespace, **overrides: Any) -> Recipe:
    """The recipe of parsed options (fields not on ``args`` keep their defaults)."""
    values = {f.name: getattr(args, f.name) for f in fields(Recipe) if getattr(args, f.name, None) is not None}
    return recipe_from_dict({**values, **overrides})


def recipe_from_dict(values: dict[str, Any]) -> Recipe:
    """A recipe from a dict, e.g. a manifest's (JSON lists become tuples; missing fields keep their defaults)."""
    return Recipe(**{k: tuple(str(x) for x in v) if isinstance(v, list | tuple) else v for k, v in values.items()})
