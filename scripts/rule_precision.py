"""Measure how often the rules fire on clean news (false-positive rate).

Usage: python scripts/rule_precision.py [--news ../shared/data/news-en] [--show 30]

Checks every sentence of ``sentences.txt`` on its own (the issue's metric: flagged sentences
per 200), then every document of ``documents.jsonl`` as one text with its sentences joined by
spaces (exercises the cross-sentence rules), and prints the rate per rule and the findings.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from detector import check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=Path("../shared/data/news-en"))
    parser.add_argument("--show", type=int, default=30, help="findings to print per mode")
    args = parser.parse_args()

    sentences = (args.news / "sentences.txt").read_text(encoding="utf-8").splitlines()
    flagged, per_rule, shown = 0, Counter(), []
    for sent in sentences:
        report = check(sent)
        if report.findings:
            flagged += 1
            per_rule.update(f.rule for f in report.findings)
            shown.extend((f.rule, sent[f.start : f.end], sent) for f in report.findings)
    rate = flagged / len(sentences)
    print(f"sentences: {flagged}/{len(sentences)} flagged = {rate:.4%} ({rate * 200:.2f} per 200); per rule {dict(per_rule)}")
    for rule, span, sent in shown[: args.show]:
        print(f"  {rule} {span!r} in {sent[:160]!r}")

    docs = [json.loads(line) for line in (args.news / "documents.jsonl").open(encoding="utf-8")]
    n_sent, per_rule, shown = 0, Counter(), []
    for d in docs:
        text = " ".join(d["sentences"])
        n_sent += len(d["sentences"])
        for f in check(text).findings:
            per_rule[f.rule] += 1
            shown.append((f.rule, text[f.start : f.end], text[max(0, f.start - 80) : f.end + 80]))
    print(f"documents: {sum(per_rule.values())} findings in {len(docs)} documents ({n_sent} sentences); per rule {dict(per_rule)}")
    for rule, span, ctx in shown[: args.show]:
        print(f"  {rule} {span!r} in …{ctx!r}…")


if __name__ == "__main__":
    main()
