"""Build the 100,000-sentence corpus that `mtlint score` is measured on (written to build/).

Usage: python scripts/build_score_corpus.py [--news ../shared/data/news-en] [--sentences 100000]

Round 0 is the clean news-en sentences; each further round passes every sentence through
the noise model that `mtlint garble` uses (`detector.noise.garble`, seed = round number),
until the corpus holds ``--sentences`` records. Records are shuffled with a fixed seed (so
repeats do not sit in one chunk) and written as JSONL (`{"id", "text", "round"}`) and as
plain text (one sentence a line) to ``build/score-corpus/``.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from detector.noise import garble

ROOT = Path(__file__).resolve().parents[1]
NEWS = next((p / "shared/data/news-en" for p in ROOT.parents if (p / "shared/data/news-en").is_dir()), ROOT.parent / "shared/data/news-en")


def build(news: Path, n: int) -> list[dict]:
    """``n`` records: clean sentences first, then garbled rounds, shuffled."""
    clean = (news / "sentences.txt").read_text(encoding="utf-8").splitlines()
    rows: list[dict] = []
    for rnd in range(n // len(clean) + 1):
        rng = random.Random(rnd)
        for s in clean:
            rows.append({"text": s if rnd == 0 else garble(s, rng).text, "round": rnd})
            if len(rows) == n:
                break
        if len(rows) == n:
            break
    random.Random(13).shuffle(rows)
    return [{"id": f"s{i}", **r} for i, r in enumerate(rows)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "build/score-corpus")
    args = parser.parse_args()
    rows = build(args.news, args.sentences)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "corpus.jsonl").open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with (args.out / "corpus.txt").open("w", encoding="utf-8") as f:
        f.writelines(r["text"].replace("\n", " ") + "\n" for r in rows)
    unique = len({r["text"] for r in rows})
    print(f"{len(rows):,} records ({unique:,} distinct texts) in {args.out}/corpus.jsonl and corpus.txt")


if __name__ == "__main__":
    main()
