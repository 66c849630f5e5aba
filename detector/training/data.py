"""Labelled sentences: the one type for corpus building, noise, datasets, training and evaluation.

Corpus schema (one JSON object a line): ``{id, text, label, spans: [{start, end, category, op}],
pair_id, source, doc_id}``; ``label`` is 1 garbled, 0 clean, ``null`` unknown.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from detector.spans import Span


@dataclass(frozen=True)
class Labelled:
    """One labelled sentence: ``label`` 1 garbled, 0 clean, None unknown (token loss only).

    ``spans`` are the gold error spans (with ``category``, and the noise ``op`` that made them);
    ``group`` is a language pair, beat or split for per-group metrics; a garbled sentence and
    its clean original share ``pair``.
    """

    text: str
    label: int | None = None
    spans: tuple[Span, ...] = ()
    id: str = ""
    source: str = ""
    group: str = ""
    pair: str | None = None
    doc_id: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    def record(self) -> dict:
        """This sentence in the corpus schema."""
        return {
            "id": self.id,
            "text": self.text,
            "label": self.label,
            "spans": [{"start": s.start, "end": s.end, "category": s.category, "op": s.op} for s in self.spans],
            "pair_id": self.pair,
            "source": self.source,
            "doc_id": self.doc_id,
        }


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


def load_corpus(path: Path) -> list[Labelled]:
    """Sentences of a corpus-schema JSONL file (synthetic or hand-written)."""
    return [
        Labelled(
            text=r["text"],
            label=r["label"],
            spans=tuple(Span(s["start"], s["end"], category=s.get("category", "other"), op=s.get("op", "")) for s in r.get("spans", [])),
            id=r["id"],
            source=r.get("source", Path(path).stem),
            group=r.get("beat") or r.get("source", ""),
            pair=r.get("pair_id"),
            doc_id=r.get("doc_id", ""),
        )
        for r in read_jsonl(path)
    ]


def load_mt_en_dev(folder: Path, split: str, *, labeled_only: bool = True) -> list[Labelled]:
    """Sentences of ``mt-en-dev/pairs.jsonl`` for one upstream split (``train`` or ``dev``)."""
    items = []
    for r in read_jsonl(Path(folder) / "pairs.jsonl"):
        if r["split"] != split or (labeled_only and r["label"] is None):
            continue
        spans = tuple(Span(s["start"], s["end"], category="mistranslation") for s in r["bad_spans"])
        items.append(Labelled(r["mt"], r["label"], spans, r["id"], "mt-en-dev", r["lang_pair"], extra={"hter": r["hter"]}))
    return items


def hash_split(key: str, share: float) -> bool:
    """A stable pseudo-random split: True for about ``share`` of keys."""
    return zlib.crc32(key.encode()) % 10_000 < share * 10_000
