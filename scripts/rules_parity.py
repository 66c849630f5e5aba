"""Rule parity across versions: this checkout's mechanical rules give the same findings as a git ref's.

Usage: python scripts/rules_parity.py [--ref main] [--news ../shared/data/news-en] [--sentences 6000] [--docs 300]

Builds a corpus in memory (never written into the repository): clean news-en sentences, the
same sentences through the noise model `mtlint garble` uses (seeds 1 and 2), and news documents
(sentences joined by spaces, and in paragraphs of three lines), clean and garbled. Then, in one
child process per version (``git archive REF detector`` unpacked in a temporary folder, and this
checkout), runs the rules on every text and records ``check``'s findings (every field), its
fixed text and the rules tier of ``mtlint score`` (score, flag, counts, sentences, findings,
fix). Prints the number of texts whose records differ, with the first few; exits 1 if any do.
For performance work on the rules: it shows that a speed-up changed no finding.

Now (2026-12-04, issue 11's speed-ups against 4b15e45, ``--docs 620``): 21,720 texts, 10,248
findings, 0 texts differ.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = next((p / "shared/data/news-en" for p in ROOT.parents if (p / "shared/data/news-en").is_dir()), ROOT.parent / "shared/data/news-en")
SEEDS = (1, 2)


def corpus(news: Path, n_sentences: int, n_docs: int) -> list[str]:
    """Clean and garbled sentences and documents (deterministic)."""
    sys.path.insert(0, str(ROOT))
    from detector.noise import garble

    sentences = (news / "sentences.txt").read_text(encoding="utf-8").splitlines()[:n_sentences]
    docs = [json.loads(line)["sentences"] for line in (news / "documents.jsonl").open(encoding="utf-8")][:n_docs]
    texts = list(sentences)
    for seed in SEEDS:
        rng = random.Random(seed)
        texts += [garble(s, rng).text for s in sentences]
        garbled_docs = [[garble(s, rng).text if rng.random() < 0.3 else s for s in d] for d in docs]
        for d in (docs if seed == SEEDS[0] else []) + garbled_docs:
            texts.append(" ".join(d))
            texts.append("\n".join(" ".join(d[i : i + 3]) for i in range(0, len(d), 3)))
    return texts


def dump(corpus_path: Path, out: Path) -> None:
    """In a child process: one JSON line of rule output per text of the corpus."""
    from detector.api import check
    from detector.batch.scoring import Scorer, Spec

    scorer = Scorer(Spec("rules", sentences=True, findings=True, fix=True))
    texts = json.loads(corpus_path.read_text(encoding="utf-8"))
    with out.open("w", encoding="utf-8") as f:
        for text in texts:
            report = check(text)
            record = {"findings": [asdict(x) for x in report.findings], "fixed": report.fixed_text, "score": scorer.score_one(text)}
            f.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def run_version(tree: Path, corpus_path: Path, out: Path) -> None:
    env_path = str(tree)
    code = f"import sys; sys.path.insert(0, {env_path!r}); sys.path.insert(0, {str(ROOT / 'scripts')!r}); import rules_parity as p; from pathlib import Path; p.dump(Path({str(corpus_path)!r}), Path({str(out)!r}))"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tree)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="git ref to compare with (default: main)")
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--sentences", type=int, default=6000)
    parser.add_argument("--docs", type=int, default=300)
    args = parser.parse_args()
    texts = corpus(args.news, args.sentences, args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        corpus_path = tmp_path / "corpus.json"
        corpus_path.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        old = tmp_path / "old"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.ref, "detector"], cwd=ROOT, check=True, capture_output=True).stdout
        (tmp_path / "old.tar").write_bytes(archive)
        with tarfile.open(tmp_path / "old.tar") as tar:
            tar.extractall(old, filter="data")
        run_version(old, corpus_path, tmp_path / "old.jsonl")
        run_version(ROOT, corpus_path, tmp_path / "new.jsonl")
        old_lines = (tmp_path / "old.jsonl").read_text(encoding="utf-8").splitlines()
        new_lines = (tmp_path / "new.jsonl").read_text(encoding="utf-8").splitlines()
    differ = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    findings = sum(len(json.loads(line)["findings"]) for line in new_lines)
    print(f"{len(texts):,} texts, {findings:,} findings ({args.ref}: {sum(len(json.loads(line)['findings']) for line in old_lines):,}); {len(differ)} texts differ")
    for i in differ[:5]:
        print(f"--- {texts[i][:200]!r}\n  {args.ref}: {old_lines[i][:400]}\n  here: {new_lines[i][:400]}")
    sys.exit(1 if differ or len(old_lines) != len(new_lines) else 0)


if __name__ == "__main__":
    main()
