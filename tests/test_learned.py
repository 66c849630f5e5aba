"""The learned package without torch: bundles, the manifest check, rule hits, spans, metrics, import hygiene."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from detector.api import check
from detector.document import Document
from detector.learned import WEIGHTS, bundle_path
from detector.learned.bundle import BundleError, load
from detector.learned.combiner import Combiner
from detector.learned.detector import localize
from detector.learned.reportable import reportable, rule_hits
from detector.training.metrics import pair_accuracy

from .conftest import ROOT, SEED


def cheap_bundle(folder: Path, feature_names: list[str]) -> Path:
    """A bundle with only the (torch-free) cheap source, and a combiner reading ``feature_names``."""
    shutil.copytree(WEIGHTS / "minilm" / "cheap", folder / "cheap")
    manifest = json.loads((WEIGHTS / "minilm" / "manifest.json").read_text(encoding="utf-8"))
    n = len(feature_names)
    combiner = Combiner(feature_names=tuple(feature_names), mean_=np.zeros(n), scale_=np.ones(n), coef_=np.full(n, 0.1))
    manifest.update(sources=[{"name": "cheap", "type": "cheap"}], combiner=combiner.to_dict())
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_bundle_of_cheap_features_loads_and_scores(tmp_path: Path) -> None:
    columns = json.loads((WEIGHTS / "minilm" / "cheap" / "config.json").read_text(encoding="utf-8"))["columns"]
    detector = load(cheap_bundle(tmp_path, columns))
    p, evidence = detector.probabilities(["The council met on Tuesday.", "Tuesday."])
    assert p.shape == (2,) and ((0 < p) & (p < 1)).all() and evidence == [[], []]


def test_loading_fails_clearly_when_the_combiner_reads_other_columns(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="combiner reads .*encoder_logit.* but the sources produce"):
        load(cheap_bundle(tmp_path, ["encoder_logit", "token_max"]))


def test_the_apply_threshold_of_suggestions_lives_in_the_manifest(tmp_path: Path) -> None:
    from detector.learned.bundle import save
    from detector.learned.detector import DEFAULT_APPLY_THRESHOLD

    columns = json.loads((WEIGHTS / "minilm" / "cheap" / "config.json").read_text(encoding="utf-8"))["columns"]
    folder = cheap_bundle(tmp_path / "a", columns)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("corrections", None)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    detector = load(folder)
    assert detector.apply_threshold == DEFAULT_APPLY_THRESHOLD  # an older bundle without the entry
    detector.apply_threshold = 0.97
    save(tmp_path / "b", detector)
    assert json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))["corrections"] == {"apply_threshold": 0.97}
    assert load(tmp_path / "b").apply_threshold == 0.97
    manifest["corrections"] = {"apply_threshold": "high"}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BundleError, match=r"a[/\\]manifest.json: corrections.apply_threshold must be a number"):
        load(folder)


def test_loading_fails_clearly_on_a_missing_or_foreign_bundle(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="manifest.json missing"):
        load(tmp_path)
    (tmp_path / "manifest.json").write_text('{"format": 1}', encoding="utf-8")
    with pytest.raises(BundleError, match="format 1"):
        load(tmp_path)


def test_tiers_are_bundle_choices() -> None:
    assert bundle_path("rules") is None
    assert bundle_path("full") == WEIGHTS / "full" and bundle_path("fast") == WEIGHTS / "minilm"
    assert (bundle_path("full") / "manifest.json").is_file() and (bundle_path("fast") / "manifest.json").is_file()
    assert bundle_path("some/folder") == Path("some/folder")


def test_combiner_does_not_overflow_on_extreme_inputs() -> None:
    combiner = Combiner(feature_names=("x",), mean_=np.zeros(1), scale_=np.ones(1), coef_=np.ones(1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = combiner.predict_proba(np.array([[-1e6], [1e6]]))[:, 1]
    assert p[0] == pytest.approx(0) and p[1] == pytest.approx(1)


def test_inference_never_imports_training_code() -> None:
    code = (
        "import sys; import detector.learned.bundle, detector.learned.detector, detector.learned.sources.cheap, detector.api; "
        "bad = sorted(m for m in sys.modules if m.startswith('detector.training')); assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_localize_merges_neighbouring_words() -> None:
    text = "He smash the weapons quickly."
    tokens = [(0, 2, 0.1), (3, 6, 0.9), (6, 8, 0.8), (9, 12, 0.7), (13, 20, 0.2), (21, 28, 0.95)]
    assert localize(text, tokens, 0.5) == [(21, 28), (3, 12)]
    assert localize(text, tokens, 0.99) == []


def test_rule_hits_match_brute_force_and_decide_what_mt201_may_report() -> None:
    text = SEED.read_text(encoding="utf-8")
    report = check(text)
    doc = Document(text)
    brute = [sum(1 for f in report.findings if f.start < s.end and s.start < f.end) for s in doc.sentences]
    assert rule_hits(doc, doc.sentences) == brute
    assert sum(brute) >= 9
    assert [s.text for s in reportable(doc)] == [s.text for s, h in zip(doc.sentences, brute) if not h]


def test_pair_accuracy_compares_each_garbled_sentence_with_its_own_original() -> None:
    pairs = ["a", "a", "a", "b", "b", None, "c"]  # "c" has no clean original in the set
    y = np.array([0, 1, 1, 0, 1, 0, 1])
    p = np.array([0.5, 0.9, 0.2, 0.3, 0.3, 0.99, 0.1])
    assert pair_accuracy(pairs, y, p) == {"pairs": 3, "pair_accuracy": pytest.approx((1 + 0 + 0.5) / 3)}


def test_every_recipe_field_is_settable_from_both_commands() -> None:
    import importlib.util
    from dataclasses import asdict, fields

    from detector.cli import build_parser
    from detector.training.recipe import Recipe, from_args, recipe_from_dict

    spec = importlib.util.spec_from_file_location("train_script", ROOT / "scripts" / "train.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    changed = {  # a non-default value for every field, as command-line options
        "corpus": ["--corpus", "c"], "mt": ["--mt", "m"], "extra": ["--extra", "a", "b"], "seed": ["--seed", "3"],
        "epochs": ["--epochs", "2"], "batch_size": ["--batch-size", "4"], "max_synthetic": ["--max-synthetic", "9"],
        "max_mt": ["--max-mt", "8"], "token_head": ["--no-token-head"], "lora_rank": ["--lora-rank", "2"],
        "lora_alpha": ["--lora-alpha", "4"], "max_length": ["--max-length", "32"], "lr": ["--lr", "0.1"],
        "head_lr": ["--head-lr", "0.2"], "token_weight": ["--token-weight", "0.3"], "pair_weight": ["--pair-weight", "0"],
        "warmup": ["--warmup", "0.5"], "cheap_features": ["--cheap-features", "log_words", "min_zipf"],
        "clean_fp_target": ["--clean-fp-target", "0.05"],
    }
    assert set(changed) == {f.name for f in fields(Recipe)}
    argv = [a for v in changed.values() for a in v]
    from_cli = from_args(build_parser().parse_args(["train", "--out", "o", *argv]))
    from_script = from_args(script.build_parser().parse_args(argv))
    assert from_cli == from_script
    assert all(getattr(from_cli, f.name) != getattr(Recipe(), f.name) for f in fields(Recipe))
    assert recipe_from_dict(json.loads(json.dumps(asdict(from_cli)))) == from_cli  # saved in the manifest and read back


def test_without_torch_the_default_check_is_a_clear_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The council met on Tuesday.", encoding="utf-8")
    code = "import sys; sys.modules['torch'] = None; from detector.cli import main; sys.exit(main(['check', sys.argv[1]]))"
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert "needs torch" in done.stderr and "mtlint[model]" in done.stderr and "--no-model" in done.stderr
