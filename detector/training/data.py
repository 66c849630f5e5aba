"""Loading labeled sentences: the corpus schema and the mt-en-dev post-edit set.

Corpus schema (one JSON object a line): ``{id, text, label, spans: [{start, end, category}],
pair_id, source}``; ``label`` is 1 garbled, 0 clean.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Item:
    """One labeled sentence with its gold spans and where it comes from."""

    id: str
    text: str
    label: int | None
    spans: tuple[tuple[int, int, str], ...] = ()
    source: str = ""
    group: str = ""  # language pair, beat or corpus split, for per-group metrics
    pair: str | None = None  # a garbled sentence and its clean original share this
    extra: dict = field(default_factory=dict, compare=False)


def read_jsonl(path: Path) -> Iterator[dict]:
    """Records of a JSON Lines file; a malformed line raises ValueError naming file and line."""
    with Path(path).open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: not valid JSON ({e.msg})") from None


def load_corpus(path: Path) -> list[Item]:
    """Items of a corpus-schema JSONL file (synthetic or hand-written)."""
    return [
        Item(
            id=r["id"],
            text=r["text"],
            label=r["label"],
            spans=tuple((s["start"], s["end"], s.get("category", "other")) for s in r.get("spans", [])),
            source=r.get("source", Path(path).stem),
            group=r.get("beat") or r.get("source", ""),
            pair=r.get("pair_id"),
        )
        for r in read_jsonl(path)
    ]


def load_mt_en_dev(folder: Path, split: str, *, labeled_only: bool = True) -> list[Item]:
    """Items of ``mt-en-dev/pairs.jsonl`` for one upstream split (``train`` or ``dev``)."""
    items = []
    for r in read_jsonl(Path(folder) / "pairs.jsonl"):
        if r["split"] != split or (labeled_only and r["label"] is None):
            continue
        spans = tuple((s["start"], s["end"], "mistranslation") for s in r["bad_spans"])
        items.append(Item(r["id"], r["mt"], r["label"], spans, "mt-en-dev", r["lang_pair"], extra={"hter": r["hter"]}))
    return items


def hash_split(key: str, share: float) -> bool:
    """A stable pseudo-random split: True for about ``share`` of keys."""
    return zlib.crc32(key.encode()) % 10_000 < share * 10_000
