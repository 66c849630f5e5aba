"""Tests of the noise model (detector/noise/) and the synthetic corpus recipe (detector/training/synthetic.py, scripts/build_corpus.py)."""

from __future__ import annotations

import difflib
import importlib.util
import json
import random
import re
import sys
from pathlib import Path

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from detector.training import synthetic as corpus
from detector.findings import CATEGORIES
from detector.noise import (
    OPERATIONS,
    NoiseConfig,
    Span,
    garble,
    restyle,
    restyle_garbled,
)
from detector.training.data import Labelled

ROOT = Path(__file__).resolve().parents[1]

# Written for these tests; together they give every operation something to work on.
SENTENCES = (
    "The minister said on Tuesday that the government will not raise taxes before the election.",
    "Heavy rain flooded several villages near Lindqvist Bay, and the police evacuated 1,200 residents.",
    "Officials confirmed that 42 passengers were rescued by Captain Oduya, a veteran sailor from the coast.",
    "She took part in the talks in Lisbon and said her team is ready to sign the deal with Portugal.",
    "The council has already approved a budget of 3.5 million euros, which is 7% higher than last year.",
    'Mr Zubrowicz, who chairs the committee, told reporters that the city would "never give up" on the project.',
    "The new bridge was finally opened by Portugal.",
    "He wasn't expecting the storm, but his neighbours had already left the island on Monday.",
)

VOCAB = (
    "the a of in on to said police city council report two 15 Maria Okafor river bridge "
    "quickly also not storm voters 2,500 3.7 percent weapons they his Brussels \"we will\" "
    "don't it's rebuilt, market, - — -- ' \" later. however, election officials".split(" ")
)


def _words(text: str) -> list[str]:
    """Case- and apostrophe-insensitive word sequence."""
    words = re.findall(r"[^\W_]+(?:['’\-][^\W_]+)*", text)
    return [w.casefold().replace("’", "'").replace("‘", "'") for w in words]


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isspace():
        start -= 1
    while end < len(text) and text[end].isspace():
        end += 1
    return start, end


def assert_confined(before: str, after: Labelled) -> None:
    """Everything outside the spans (give or take adjacent spaces) is text of ``before``, in order.

    ``before`` must be the outside pieces of ``after`` with some replaced region between each.
    """
    pieces, pos = [], 0
    for span in after.spans:
        a, b = _widen(after.text, span.start, span.end)
        pieces.append(after.text[pos:a])
        pos = max(pos, b)
    pieces.append(after.text[pos:])
    pattern = "(.*?)".join(re.escape(p) for p in pieces)
    assert re.fullmatch(pattern, before, flags=re.DOTALL), (before, after)


def assert_diff_near(before: str, after: str, span: Span) -> None:
    """Every difference difflib finds lies in or next to the span.

    The slack of about two span lengths absorbs the ambiguity of duplications, where difflib may
    blame the other copy and the separator between the copies.
    """
    slack = 2 * (span.end - span.start) + 1
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            assert span.start - slack <= j1 and j2 <= span.end + slack, (tag, after[j1:j2], span, after)


def assert_well_formed(garbled: Labelled) -> None:
    ends = [0]
    for span in garbled.spans:
        assert 0 <= span.start < span.end <= len(garbled.text)
        assert span.start >= ends[-1], "spans overlap or are unsorted"
        assert span.category in CATEGORIES and span.op in OPERATIONS
        assert garbled.text[span.start : span.end] == garbled.text[span.start : span.end].strip()
        ends.append(span.end)


def _only(name: str) -> NoiseConfig:
    return NoiseConfig(rates={name: 1.0}, max_ops=1)


# --------------------------------------------------------------------------- operations


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_is_documented(name: str) -> None:
    doc = OPERATIONS[name].__doc__ or ""
    assert "Mirrors" in doc, f"{name} must say which real MT artifact it mirrors"


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_changes_only_its_span(name: str) -> None:
    applied = 0
    for sentence in SENTENCES:
        for seed in range(6):
            garbled = garble(sentence, random.Random(seed), _only(name))
            if not garbled.spans:
                continue
            applied += 1
            assert garbled.text != sentence
            assert len(garbled.spans) == 1 and garbled.spans[0].op == name
            assert_well_formed(garbled)
            assert_confined(sentence, garbled)
            assert_diff_near(sentence, garbled.text, garbled.spans[0])
    assert applied, f"{name} never applied to the test sentences"


def test_garble_is_reproducible() -> None:
    for sentence in SENTENCES:
        assert garble(sentence, random.Random(11)) == garble(sentence, random.Random(11))
        assert restyle(sentence, random.Random(11)) == restyle(sentence, random.Random(11))


def test_garble_returns_clean_text_when_nothing_applies() -> None:
    garbled = garble("", random.Random(0))
    assert garbled == Labelled("", 0)


def test_unknown_operation_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown noise operations"):
        NoiseConfig(rates={"no_such_op": 1.0})


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SENTENCES), st.integers(0, 2**32), st.integers(1, 4))
def test_stacked_operations_keep_spans_exact(sentence: str, seed: int, max_ops: int) -> None:
    garbled = garble(sentence, random.Random(seed), NoiseConfig(max_ops=max_ops, p_extra_op=0.9))
    assert garbled.spans and garbled.text != sentence
    assert len(garbled.spans) <= max_ops
    assert_well_formed(garbled)
    assert_confined(sentence, garbled)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=30), st.integers(0, 2**32))
def test_garble_on_arbitrary_word_salad(tokens: list[str], seed: int) -> None:
    sentence = " ".join(tokens)
    garbled = garble(sentence, random.Random(seed), NoiseConfig(max_ops=3))
    assert_well_formed(garbled)
    assert_confined(sentence, garbled)
    assert bool(garbled.spans) == (garbled.text != sentence)


# --------------------------------------------------------------------------- typography


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=30), st.integers(0, 2**32))
def test_restyle_never_changes_the_words(tokens: list[str], seed: int) -> None:
    text = " ".join(tokens)
    assert _words(restyle(text, random.Random(seed))) == _words(text)


def test_restyle_varies_typography() -> None:
    text = 'He said "it\'s over" -- and left.'
    styles = {restyle(text, random.Random(seed)) for seed in range(200)}
    assert any("“" in s for s in styles) and any('"' in s for s in styles)
    assert any("—" in s for s in styles) and any(" - " in s for s in styles)
    assert any(s[0].islower() for s in styles) and any(not s.endswith(".") for s in styles)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SENTENCES), st.integers(0, 2**32))
def test_restyle_moves_spans_with_the_text(sentence: str, seed: int) -> None:
    garbled = garble(sentence, random.Random(seed))
    styled = restyle_garbled(garbled, random.Random(seed))
    assert _words(styled.text) == _words(garbled.text)
    assert_well_formed(styled)
    for old, new in zip(garbled.spans, styled.spans):
        assert _words(styled.text[new.start : new.end]) == _words(garbled.text[old.start : old.end])


# --------------------------------------------------------------------------- corpus recipe


def _build_corpus_module():
    spec = importlib.util.spec_from_file_location("build_corpus", ROOT / "scripts" / "build_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build_corpus = _build_corpus_module()


def _write_docs(path: Path, n_docs: int = 20) -> None:
    rng = random.Random(5)
    lines = [
        json.dumps({"doc_id": f"doc{n:02d}", "source": "test", "sentences": rng.sample(SENTENCES, 4)})
        for n in range(n_docs)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _read_split(folder: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_build_corpus_splits_by_document(tmp_path: Path) -> None:
    _write_docs(tmp_path / "documents.jsonl")
    out = tmp_path / "corpus"
    assert build_corpus.main(["--clean", str(tmp_path), "--out", str(out), "--seed", "3"]) == 0
    splits = {name: _read_split(out, name) for name in corpus.SPLITS}
    docs = {name: {item["doc_id"] for item in items} for name, items in splits.items()}
    assert not (docs["train"] & docs["dev"] or docs["train"] & docs["test"] or docs["dev"] & docs["test"])
    assert sum(len(d) for d in docs.values()) == 20
    manifest = json.loads((out / "manifest.json").read_text())
    for name, items in splits.items():
        assert manifest["counts"][name]["items"] == len(items)
        pairs: dict[str, list[int]] = {}
        for item in items:
            assert set(item) == {"id", "text", "label", "spans", "pair_id", "source", "doc_id"}
            assert item["label"] == int(bool(item["spans"]))
            for span in item["spans"]:
                assert 0 <= span["start"] < span["end"] <= len(item["text"])
            if item["pair_id"]:
                pairs.setdefault(item["pair_id"], []).append(item["label"])
        assert all(sorted(labels) == [0, 1] for labels in pairs.values())
    assert any(item["label"] for items in splits.values() for item in items)


def test_build_corpus_is_deterministic(tmp_path: Path) -> None:
    _write_docs(tmp_path / "documents.jsonl")
    for out in ("a", "b"):
        build_corpus.main(["--clean", str(tmp_path), "--out", str(tmp_path / out), "--seed", "8"])
    for name in ("train.jsonl", "dev.jsonl", "test.jsonl", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_train_variants_add_pairs_to_train_only(tmp_path: Path) -> None:
    _write_docs(tmp_path / "documents.jsonl")
    build_corpus.main(["--clean", str(tmp_path), "--out", str(tmp_path / "one"), "--seed", "8"])
    build_corpus.main(["--clean", str(tmp_path), "--out", str(tmp_path / "three"), "--seed", "8", "--train-variants", "3"])
    for name in ("dev.jsonl", "test.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "three" / name).read_bytes()
    one = [json.loads(line) for line in (tmp_path / "one" / "train.jsonl").read_text().splitlines()]
    three = [json.loads(line) for line in (tmp_path / "three" / "train.jsonl").read_text().splitlines()]
    assert [r for r in three if ":v" not in r["id"]] == one  # the first variant is the corpus of one
    extra = [r for r in three if ":v" in r["id"]]
    assert {r["id"].split(":v")[1][0] for r in extra} == {"1", "2"}
    by_pair: dict[str, list[dict]] = {}
    for r in extra:
        by_pair.setdefault(r["pair_id"], []).append(r)
    assert by_pair and all(sorted(x["label"] for x in g) == [0, 1] for g in by_pair.values())
    assert all(g[0]["text"] != g[1]["text"] for g in by_pair.values())

def test_build_corpus_reads_plain_text(tmp_path: Path) -> None:
    source = tmp_path / "news.txt"
    blocks = ("\n".join(SENTENCES[i : i + 2]) for i in range(0, 8, 2))
    source.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    docs = corpus.read_documents(source)
    assert [d.doc_id for d in docs] == ["news.d0001", "news.d0002", "news.d0003", "news.d0004"]
    assert all(len(d.sentences) == 2 for d in docs)


def test_build_corpus_names_the_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "documents.jsonl"
    good = '{"doc_id": "ok", "sentences": ["A fine line."]}'
    source.write_text(good + '\n{"doc_id": "broken", "sentences": [\n')
    assert build_corpus.main(["--clean", str(source), "--out", str(tmp_path / "out")]) == 2
    assert f"{source}:2: invalid JSON" in capsys.readouterr().err
    assert not (tmp_path / "out" / "train.jsonl").exists()
