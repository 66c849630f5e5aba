"""Markup parity on clean news: the same articles as plain text, Markdown and HTML give the same findings.

Each document of ``../shared/data/news-en`` becomes a headline and paragraphs of three sentences,
written three ways (plain lines; Markdown with ``#`` and blank lines, special characters
escaped; HTML with ``<h1>``/``<p>`` and entities). Prints how many findings each gives and every
finding that one form has and the plain text has not (a mapping or extraction error).

    python scripts/markup_parity.py [--data ../shared/data/news-en]

Now: 620 documents, 264 findings in each form, 0 that differ.
"""

from __future__ import annotations

import argparse
import html
import json
import re
from collections import Counter
from pathlib import Path

from detector import lint
from detector.config import load

MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~])")


def forms(doc: dict) -> dict[str, str]:
    """One document as plain text, Markdown and HTML."""
    head, *rest = doc["sentences"]
    paragraphs = [" ".join(rest[i : i + 3]) for i in range(0, len(rest), 3)]
    md_escape = lambda s: MD_SPECIAL.sub(r"\\\1", s)  # noqa: E731
    return {
        "text": "\n".join([head, *paragraphs]) + "\n",
        "markdown": "\n\n".join([f"# {md_escape(head)}", *map(md_escape, paragraphs)]) + "\n",
        "html": f"<h1>{html.escape(head)}</h1>\n" + "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs),
    }


def key(text: str, f) -> tuple[str, str]:
    return f.rule, " ".join(html.unescape(text[f.start : f.end]).replace("\\", "").split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/news-en"))
    args = parser.parse_args()
    values = load(None).for_file(None)
    totals: Counter[str] = Counter()
    extra: dict[str, list[tuple[str, tuple[str, str]]]] = {"markdown": [], "html": []}
    missing: dict[str, list[tuple[str, tuple[str, str]]]] = {"markdown": [], "html": []}
    docs = [json.loads(line) for line in (args.data / "documents.jsonl").open(encoding="utf-8")]
    for doc in docs:
        found = {}
        for fmt, text in forms(doc).items():
            report = lint.check_source(text, values, fmt)
            found[fmt] = Counter(key(text, f) for f in report.findings)
            totals[fmt] += len(report.findings)
        for fmt in ("markdown", "html"):
            extra[fmt] += [(doc["doc_id"], k) for k in (found[fmt] - found["text"]).elements()]
            missing[fmt] += [(doc["doc_id"], k) for k in (found["text"] - found[fmt]).elements()]
    print(f"{len(docs)} documents; findings: " + ", ".join(f"{fmt} {n}" for fmt, n in totals.items()))
    for fmt in ("markdown", "html"):
        print(f"{fmt}: {len(extra[fmt])} findings the plain text lacks, {len(missing[fmt])} it has and {fmt} lacks")
        for doc_id, k in (extra[fmt] + missing[fmt])[:10]:
            print(f"  {doc_id}: {k}")


if __name__ == "__main__":
    main()
