"""Synthetic training corpora: clean news documents, split by document, garbled by the noise model.

Reads documents (a folder with ``documents.jsonl`` of ``{doc_id, sentences}``, such a ``.jsonl``
file, or a ``.txt`` file with one sentence per line and a blank line between documents), splits
them **by document** into train/dev/test, garbles a share of the sentences, restyles every
sentence and writes ``train.jsonl``, ``dev.jsonl``, ``test.jsonl`` and ``manifest.json``.

Each output line is ``{"id", "text", "label", "spans", "pair_id", "source", "doc_id"}``. A
garbled sentence (label 1) is written together with its clean original (label 0); both share a
``pair_id`` and, since splits are by document, a split. Sentences left clean have
``pair_id: null``.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from detector.noise import NoiseConfig, garble, restyle, restyle_garbled
from detector.textio import atomic_write
from detector.training.data import Labelled

SPLITS = ("train", "dev", "test")


class CorpusError(ValueError):
    """Bad input or arguments; the message names the file and line when there is one."""


@dataclass(frozen=True)
class NewsDocument:
    doc_id: str
    sentences: tuple[str, ...]


# --------------------------------------------------------------------------- reading


def read_documents(path: Path) -> list[NewsDocument]:
    """Documents from a directory holding ``documents.jsonl``, a ``.jsonl`` file or a ``.txt`` file."""
    if path.is_dir():
        path = path / "documents.jsonl"
    if not path.is_file():
        raise CorpusError(f"{path}: no such file")
    docs = _read_txt(path) if path.suffix == ".txt" else _read_jsonl(path)
    seen: set[str] = set()
    for doc in docs:
        if doc.doc_id in seen:
            raise CorpusError(f"{path}: duplicate doc_id {doc.doc_id!r}")
        seen.add(doc.doc_id)
    return docs


def _read_jsonl(path: Path) -> list[NewsDocument]:
    docs = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                docs.append(_parse_document(line, f"{path}:{lineno}"))
    return docs


def _parse_document(line: str, where: str) -> NewsDocument:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where}: invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise CorpusError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    doc_id, sentences = obj.get("doc_id"), obj.get("sentences")
    if not isinstance(doc_id, str) or not doc_id:
        raise CorpusError(f"{where}: 'doc_id' must be a non-empty string")
    if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
        raise CorpusError(f"{where}: 'sentences' must be a list of strings")
    return NewsDocument(doc_id, tuple(s.strip() for s in sentences if s.strip()))


def _read_txt(path: Path) -> list[NewsDocument]:
    blocks: list[list[str]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    return [NewsDocument(f"{path.stem}.d{n:04d}", tuple(b)) for n, b in enumerate(blocks, 1)]


# --------------------------------------------------------------------------- splitting and items


Fractions = tuple[float, float, float]


def split_documents(docs: list[NewsDocument], fractions: Fractions, seed: int) -> dict[str, list[NewsDocument]]:
    """Shuffle documents with ``seed`` and cut them into train/dev/test by ``fractions``.

    A split with a non-zero share gets at least one document when there are enough to go round,
    so a small corpus still has dev documents to calibrate on.
    """
    order = sorted(docs, key=lambda d: d.doc_id)
    random.Random(f"split:{seed}").shuffle(order)
    n_dev = max(round(fractions[1] * len(order)), int(fractions[1] > 0 and len(order) >= 3))
    n_test = max(round(fractions[2] * len(order)), int(fractions[2] > 0 and len(order) >= 3))
    n_train = len(order) - n_dev - n_test
    return {
        "train": order[:n_train],
        "dev": order[n_train : n_train + n_dev],
        "test": order[n_train + n_dev :],
    }


def document_items(doc: NewsDocument, seed: int, config: NoiseConfig, variants: int = 1) -> Iterator[Labelled]:
    """Items of one document; each sentence has its own RNG, so output does not depend on order.

    Both sides of a pair are restyled with the same style draw, so they differ only by the noise.
    ``variants`` > 1 adds, per sentence, that many - 1 further pairs, each garbled and restyled
    with its own draw (ids and pair ids end in ``:vK``); the first variant is the same as with 1.
    """
    for i, sentence in enumerate(doc.sentences):
        for v in range(variants):
            suffix = f":v{v}" if v else ""
            key = f"{seed}:{doc.doc_id}:{i}{suffix}"
            rng = random.Random(key)
            noisy = garble(sentence, rng, config) if v or rng.random() < config.p_garble else None
            base = f"{doc.doc_id}:{i}{suffix}"
            clean = Labelled(restyle(sentence, random.Random(f"{key}:style")), 0, (), f"{base}:c", "synthetic", doc_id=doc.doc_id)
            if noisy and noisy.spans:
                styled = restyle_garbled(noisy, random.Random(f"{key}:style"))
                yield replace(styled, id=f"{base}:g", source="synthetic", pair=base, doc_id=doc.doc_id)
                yield replace(clean, pair=base)
            elif not v:
                yield clean


# --------------------------------------------------------------------------- writing


def _split_stats(docs: list[NewsDocument], items: list[Labelled]) -> dict:
    labels = Counter(item.label for item in items)
    return {
        "documents": len(docs),
        "items": len(items),
        "label_0": labels[0],
        "label_1": labels[1],
        "pairs": len({item.pair for item in items if item.pair}),
        "ops": dict(sorted(Counter(s.op for item in items for s in item.spans).items())),
    }


def build(clean: Path, out: Path, seed: int, fractions: Fractions, config: NoiseConfig, train_variants: int = 1) -> dict:
    """Build the corpus into ``out`` and return the manifest; ``train_variants`` garbled versions
    per sentence of the train split (dev and test always get one, so evaluation does not change)."""
    splits = split_documents(read_documents(clean), fractions, seed)
    out.mkdir(parents=True, exist_ok=True)
    counts, ops, categories = {}, Counter(), Counter()
    for name in SPLITS:
        variants = train_variants if name == "train" else 1
        items = [item for doc in splits[name] for item in document_items(doc, seed, config, variants)]
        lines = "".join(json.dumps(item.record(), ensure_ascii=False) + "\n" for item in items)
        atomic_write(out / f"{name}.jsonl", lines.encode("utf-8"))
        counts[name] = _split_stats(splits[name], items)
        ops.update(s.op for item in items for s in item.spans)
        categories.update(s.category for item in items for s in item.spans)
    manifest = {
        "tool": "detector.training.synthetic.build",
        "clean": str(clean),
        "seed": seed,
        "splits": dict(zip(SPLITS, fractions)),
        "garble_fraction": config.p_garble,
        "train_variants": train_variants,
        "config": asdict(config),
        "counts": counts,
        "ops": dict(sorted(ops.items())),
        "categories": dict(sorted(categories.items())),
    }
    atomic_write(out / "manifest.json", (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return manifest
