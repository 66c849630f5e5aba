"""Fuzz the rules path: seeded generators of hostile and news-like text against the fix contract.

Usage: nice -n 10 python scripts/fuzz.py [--inputs 100000] [--workers 2] [--seed 0]

Every input is checked for four properties (:func:`violations`): ``check`` and ``fix`` raise
no exception; every finding's offsets lie in the text (``text[start:end]`` is its span,
confidence in [0, 1], replacements are strings); ``fix(fix(t)) == fix(t)``; and ``fix``
changes nothing outside the spans ``check`` reported. Generators (:data:`GENERATORS`): random
Unicode (all planes, lone surrogates, every line terminator), news-like mixes of words and
marks, mutated seed text, quote shapes, repetition shapes and multi-paragraph quotations.
Input ``i`` of a run is a pure function of ``(seed, i)``, so a failure is reproduced by its
index. The test suite runs a small sample of the same functions (tests/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from detector.api import check, fix  # noqa: E402

SEED_DIR = ROOT / "seeds"
LINE_ENDS = ("\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\n\n")
QUOTES = ("“", "”", '"', "„", "«", "»", "‘", "’", "'")
WORDS = (
    "the The said said. Will will may May Ta. desu UK. country. Hegseth Hegses’ Talk USA Kim Mr. "
    "in the a an that had Advertisement he she it and minister talks ended on Friday , . ! ? … — "
    "’s 10 2024 church What did Whoever wins Li Lang Bora chanted band"
).split()
PIECES = WORDS + ["The story continues under this ad", "Also read:", "  ", " ", "\t"]
# Code point ranges for random Unicode, weighted towards what text actually holds.
RANGES = (
    ((0x20, 0x7E), 40),
    ((0x00, 0x1F), 4),
    ((0xA0, 0x2FF), 8),
    ((0x300, 0x36F), 3),  # combining marks
    ((0x2000, 0x206F), 6),  # punctuation, zero-width, line/paragraph separators
    ((0x3000, 0x30FF), 3),
    ((0x4E00, 0x4E80), 2),
    ((0xD800, 0xDFFF), 1),  # lone surrogates
    ((0xFFF0, 0xFFFF), 1),
    ((0x1F300, 0x1F64F), 2),
    ((0x10000, 0x10FFFF), 1),
)


@cache
def _seed_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt")))


def random_unicode(rng: random.Random) -> str:
    ranges, weights = zip(*RANGES)
    out = []
    for _ in range(rng.randint(0, 80)):
        lo, hi = rng.choices(ranges, weights)[0]
        out.append(chr(rng.randint(lo, hi)) if rng.random() > 0.1 else rng.choice(LINE_ENDS))
    return "".join(out)


def news_mix(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 60)):
        r = rng.random()
        out.append(rng.choice(PIECES) if r < 0.8 else rng.choice(QUOTES) if r < 0.9 else rng.choice(LINE_ENDS))
        out.append(rng.choice((" ", " ", " ", "", "\n")))
    return "".join(out)


def mutated_seed(rng: random.Random) -> str:
    text = _seed_text()
    start = rng.randrange(len(text))
    chars = list(text[start : start + rng.randint(20, 600)])
    for _ in range(rng.randint(1, 8)):
        if not chars:
            break
        i = rng.randrange(len(chars))
        op = rng.randrange(6)
        if op == 0:  # duplicate a stretch
            j = min(len(chars), i + rng.randint(1, 25))
            chars[i:i] = chars[i:j]
        elif op == 1:
            chars.insert(i, rng.choice(QUOTES))
        elif op == 2:
            del chars[i : i + rng.randint(1, 5)]
        elif op == 3:
            chars.insert(i, rng.choice(LINE_ENDS))
        elif op == 4:
            chars[i:i] = list(" " + rng.choice(WORDS) + " ")
        else:
            chars[i] = chars[i].swapcase()
    return "".join(chars)


def quote_shapes(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 30)):
        r = rng.random()
        if r < 0.35:
            out.append(rng.choice(QUOTES[:5]))
        elif r < 0.45:
            out.append(rng.choice(LINE_ENDS))
        else:
            out.append(rng.choice(("a", "b", "He said", "said", "the minister", "5", "Apollo 13", ".", ",", "(", "—")))
        out.append(rng.choice((" ", "", "")))
    return "".join(out)


def repetition_shapes(rng: random.Random) -> str:
    word = rng.choice(("said", "the", "will", "Will", "Talk", "USA", "Kim", "in the", "a b c", "Ta", "church"))
    gap = rng.choice((" ", ". ", ", ", "! ", " “", "” ", "\n", ".\n", "  "))
    parts = [rng.choice((word, word.upper(), word.capitalize())) if rng.random() < 0.3 else word for _ in range(rng.randint(1, 40))]
    body = gap.join(parts)
    return rng.choice(("", "He ", "Mr. ", "They chanted ", "The band ", "“")) + body + rng.choice(("", ".", " end.", "\nThe end."))


def multi_paragraph_quotes(rng: random.Random) -> str:
    paras = []
    for _ in range(rng.randint(1, 8)):
        body = rng.choice(("One.", "Two more words.", "a “b", "It ends here,” she said.", "The minister left.", "x"))
        opener = rng.choice(("“", "“", '"', "", "„"))
        closer = rng.choice(("", "", "”", '"'))
        paras.append(opener + body + closer)
    return rng.choice(("\n", "\r\n", "\n\n", "\u2029")).join(paras) + rng.choice(("", "\n"))


GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "unicode": random_unicode,
    "news": news_mix,
    "seed": mutated_seed,
    "quotes": quote_shapes,
    "repetition": repetition_shapes,
    "paragraphs": multi_paragraph_quotes,
}


def generate(seed: int, i: int) -> tuple[str, str]:
    """Input ``i`` of the run with ``seed``: (generator name, text)."""
    rng = random.Random(f"{seed}:{i}")
    name = list(GENERATORS)[i % len(GENERATORS)]
    return name, GENERATORS[name](rng)


def changed_outside(text: str, fixed: str, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``fixed`` cannot be ``text`` with only the ``spans`` replaced.

    The text between the merged spans must reappear in ``fixed`` in order, the part before the
    first span as a prefix and the part after the last as a suffix; each span may have become
    any string.
    """
    if not spans:
        return fixed != text
    keep, pos = [], min(s for s, _ in spans)
    head = text[:pos]
    for start, end in sorted(spans):
        if start > pos:
            keep.append(text[pos:start])
        pos = max(pos, end)
    tail = text[pos:]
    if len(fixed) < len(head) + len(tail) or not fixed.startswith(head) or not fixed.endswith(tail):
        return True
    at, limit = len(head), len(fixed) - len(tail)
    for piece in keep:
        found = fixed.find(piece, at, limit)
        if found < 0:
            return True
        at = found + len(piece)
    return False


def violations(text: str) -> list[str]:
    """The properties ``text`` breaks: "exception", "offsets", "idempotence", "outside-spans"."""
    try:
        report = check(text)
        fixed = fix(text)
        again = fix(fixed)
    except Exception:  # noqa: BLE001 - any exception is the finding
        return ["exception"]
    broken = []
    if any(
        not (0 <= f.start <= f.end <= len(text))
        or not 0.0 <= f.confidence <= 1.0
        or not all(isinstance(r, str) for r in f.replacements)
        for f in report.findings
    ):
        broken.append("offsets")
    if again != fixed:
        broken.append("idempotence")
    if changed_outside(text, fixed, [(f.start, f.end) for f in report.findings]):
        broken.append("outside-spans")
    return broken


def run_range(job: tuple[int, int, int]) -> tuple[Counter[str], Counter[str], list[tuple[int, str, str, str]]]:
    """Fuzz inputs ``[lo, hi)``: counts per generator, failures per property, a few examples."""
    seed, lo, hi = job
    inputs: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    examples: list[tuple[int, str, str, str]] = []
    for i in range(lo, hi):
        name, text = generate(seed, i)
        inputs[name] += 1
        for kind in violations(text):
            failures[kind] += 1
            failures[f"{kind}:{name}"] += 1
            if len(examples) < 5:
                detail = traceback.format_exc(limit=-2) if kind == "exception" else ""
                examples.append((i, kind, text, detail))
    return inputs, failures, examples


def _nice() -> None:
    os.nice(10)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chunk", type=int, default=500)
    args = parser.parse_args(argv)
    jobs = [(args.seed, lo, min(lo + args.chunk, args.inputs)) for lo in range(0, args.inputs, args.chunk)]
    inputs: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    examples: list[tuple[int, str, str, str]] = []
    t0 = time.perf_counter()
    with Pool(args.workers, initializer=_nice) as pool:
        for got, failed, ex in pool.imap_unordered(run_range, jobs):
            inputs.update(got)
            failures.update(failed)
            examples += ex[: max(0, 10 - len(examples))]
    elapsed = time.perf_counter() - t0
    total = sum(inputs.values())
    print(f"{total:,} inputs in {elapsed:.0f} s with {args.workers} workers (seed {args.seed}): "
          + ", ".join(f"{n} {k}" for k, n in sorted(inputs.items())))
    for kind in ("exception", "offsets", "idempotence", "outside-spans"):
        by = {k.split(":")[1]: n for k, n in failures.items() if k.startswith(kind + ":")}
        print(f"  {kind:<14} {failures[kind]:>6}  {by or ''}")
    for i, kind, text, detail in sorted(examples):
        print(f"\n[{i}] {kind}: {text!r}\n{detail}", end="")
    return 1 if any(failures[k] for k in ("exception", "offsets", "idempotence", "outside-spans")) else 0


if __name__ == "__main__":
    sys.exit(main())
