#!/usr/bin/env python3
"""Compile the hand-written MT-artifact evaluation corpus into JSON Lines.

Reads every ``corpus/handwritten/<beat>.txt`` markup file and writes
``corpus/handwritten.jsonl`` with one JSON object per sentence::

    {"id": "politics-001-c", "text": "...", "label": 0, "spans": [],
     "pair_id": "politics-001", "source": "handwritten", "beat": "politics"}

Markup format (UTF-8, one item per line)::

    # comment lines start with '#', blank lines are ignored
    = politics-001
    C: The clean, idiomatic sentence.
    G: A garbled variant with [[wrong words|category]] marked.

``= <pair_id>`` opens a group; the pair id must be ``<beat>-<digits>`` where
``<beat>`` is the file name stem.  Each group has exactly one ``C:`` line
followed by one or more ``G:`` lines.  In a ``G:`` line every
``[[words|category]]`` marks an error span; the markup is removed from the
text and the span covers exactly the enclosed characters.  Span offsets are
Python ``str`` code-point offsets into the final text.  Categories are the
W3C ITS 2.0 localization-quality issue types listed in ``CATEGORIES``.

Validation is strict: malformed markup, unknown categories, duplicate pair
ids, a ``G:`` line identical to its ``C:`` line, a ``G:`` line without spans
and similar problems are reported as ``file:line: message`` and the script
exits with status 1 without writing output.

Usage::

    python corpus/compile_handwritten.py [--input-dir DIR] [--output FILE]
                                         [--markdown]

``--markdown`` additionally prints per-beat and per-category count tables
suitable for ``corpus/README.md``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detector.findings import CATEGORIES as FINDING_CATEGORIES

CATEGORIES = frozenset(FINDING_CATEGORIES)

SOURCE = "handwritten"
PAIR_ID_RE = re.compile(r"^(?P<beat>[a-z]+)-(?P<num>\d{3,})$")
OPEN, CLOSE, SEP = "[[", "]]", "|"

Record = dict[str, Any]

_HERE = Path(__file__).resolve().parent
DEFAULT_INPUT = _HERE / "handwritten"
DEFAULT_OUTPUT = _HERE / "handwritten.jsonl"


class MarkupError(Exception):
    """A problem in one markup file, located by file and line number."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")


@dataclass(frozen=True)
class Span:
    """An error span: ``text[start:end]`` is the marked material."""

    start: int
    end: int
    category: str


@dataclass
class Group:
    """One clean sentence and its garbled variants."""

    pair_id: str
    beat: str
    line: int
    clean: str | None = None
    garbled: list[tuple[str, list[Span], int]] = field(default_factory=list)


def parse_markup(raw: str, path: Path, lineno: int) -> tuple[str, list[Span]]:
    """Strip ``[[words|category]]`` markup from *raw*.

    Returns the plain text and the spans, with offsets into the plain text.
    Raises :class:`MarkupError` on any malformed or suspicious markup.
    """
    out: list[str] = []
    spans: list[Span] = []
    marked: list[str] = []
    pos = 0
    length = 0
    while True:
        open_at = raw.find(OPEN, pos)
        close_at = raw.find(CLOSE, pos)
        if close_at != -1 and (open_at == -1 or close_at < open_at):
            raise MarkupError(path, lineno, f"']]' without matching '[[' at column {close_at + 1}")
        if open_at == -1:
            tail = raw[pos:]
            _check_plain(tail, path, lineno)
            out.append(tail)
            break
        head = raw[pos:open_at]
        _check_plain(head, path, lineno)
        out.append(head)
        length += len(head)
        close_at = raw.find(CLOSE, open_at + len(OPEN))
        if close_at == -1:
            raise MarkupError(path, lineno, f"'[[' at column {open_at + 1} is never closed")
        inner = raw[open_at + len(OPEN) : close_at]
        if OPEN in inner:
            raise MarkupError(path, lineno, f"nested '[[' in span at column {open_at + 1}")
        if SEP not in inner:
            raise MarkupError(path, lineno, f"span at column {open_at + 1} has no '|category'")
        words, _, category = inner.rpartition(SEP)
        if SEP in words:
            raise MarkupError(path, lineno, f"span at column {open_at + 1} has more than one '|'")
        if category not in CATEGORIES:
            raise MarkupError(
                path, lineno, f"unknown category {category!r} (allowed: {', '.join(sorted(CATEGORIES))})"
            )
        if not words:
            raise MarkupError(path, lineno, f"empty span at column {open_at + 1}")
        if words != words.strip():
            raise MarkupError(path, lineno, f"span {words!r} has leading or trailing whitespace")
        if "[" in words or "]" in words:
            raise MarkupError(path, lineno, f"span {words!r} contains a bracket")
        spans.append(Span(length, length + len(words), category))
        marked.append(words)
        out.append(words)
        length += len(words)
        pos = close_at + len(CLOSE)
    text = "".join(out)
    for span, words in zip(spans, marked):  # self-check: offsets address the marked words
        if text[span.start : span.end] != words:
            raise MarkupError(path, lineno, f"internal offset error for span {words!r}")
    return text, spans


def _check_plain(chunk: str, path: Path, lineno: int) -> None:
    """Reject markup characters that appear outside a well-formed span."""
    if SEP in chunk:
        raise MarkupError(path, lineno, "'|' outside a span")
    if "[" in chunk or "]" in chunk:
        raise MarkupError(path, lineno, "stray '[' or ']' outside a span")


def _check_text(text: str, path: Path, lineno: int) -> None:
    """Basic hygiene checks on a sentence after markup removal."""
    if not text:
        raise MarkupError(path, lineno, "empty sentence")
    if text != text.strip():
        raise MarkupError(path, lineno, "sentence has leading or trailing whitespace")
    if "\t" in text or "\r" in text:
        raise MarkupError(path, lineno, "sentence contains a tab or carriage return")


def _close_group(group: Group | None, path: Path) -> None:
    """Check that a finished group is complete."""
    if group is None:
        return
    if group.clean is None:
        raise MarkupError(path, group.line, f"group {group.pair_id} has no 'C:' line")
    if not group.garbled:
        raise MarkupError(path, group.line, f"group {group.pair_id} has no 'G:' line")


def parse_file(path: Path, seen_ids: dict[str, str], seen_clean: dict[str, str]) -> list[Group]:
    """Parse one ``<beat>.txt`` file into groups, validating as it goes."""
    beat = path.stem
    if not re.fullmatch(r"[a-z]+", beat):
        raise MarkupError(path, 1, f"file name stem {beat!r} is not a lower-case beat name")
    groups: list[Group] = []
    current: Group | None = None
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as exc:
        raise MarkupError(path, 1, f"not valid UTF-8: {exc}") from exc
    for lineno, line in enumerate(lines, start=1):
        if line.endswith("\r"):
            raise MarkupError(path, lineno, "CRLF line ending")
        if not line.strip():
            continue
        if line.startswith("#"):  # comments, e.g. "# source-language-style: ja"
            continue
        if line.startswith("= "):
            _close_group(current, path)
            pair_id = line[2:]
            match = PAIR_ID_RE.match(pair_id)
            if not match:
                raise MarkupError(path, lineno, f"bad pair id {pair_id!r} (expected <beat>-NNN)")
            if match.group("beat") != beat:
                raise MarkupError(path, lineno, f"pair id {pair_id!r} does not match beat {beat!r}")
            if pair_id in seen_ids:
                raise MarkupError(path, lineno, f"duplicate pair id {pair_id!r} (first at {seen_ids[pair_id]})")
            seen_ids[pair_id] = f"{path}:{lineno}"
            current = Group(pair_id=pair_id, beat=beat, line=lineno)
            groups.append(current)
            continue
        if line.startswith("C: "):
            if current is None:
                raise MarkupError(path, lineno, "'C:' line before any '= <pair_id>' line")
            if current.clean is not None:
                raise MarkupError(path, lineno, f"second 'C:' line in group {current.pair_id}")
            text, spans = parse_markup(line[3:], path, lineno)
            if spans:
                raise MarkupError(path, lineno, "'C:' line must not contain error spans")
            _check_text(text, path, lineno)
            if text in seen_clean:
                raise MarkupError(path, lineno, f"clean sentence duplicates {seen_clean[text]}")
            seen_clean[text] = f"{path}:{lineno}"
            current.clean = text
            continue
        if line.startswith("G: "):
            if current is None or current.clean is None:
                raise MarkupError(path, lineno, "'G:' line before the group's 'C:' line")
            text, spans = parse_markup(line[3:], path, lineno)
            _check_text(text, path, lineno)
            if not spans:
                raise MarkupError(path, lineno, "garbled line has no [[...|category]] span")
            if text == current.clean:
                raise MarkupError(path, lineno, "garbled line is identical to its clean line")
            if any(text == other for other, _, _ in current.garbled):
                raise MarkupError(path, lineno, "garbled line duplicates another 'G:' line in the group")
            current.garbled.append((text, spans, lineno))
            continue
        raise MarkupError(path, lineno, f"unrecognised line: {line[:40]!r}")
    _close_group(current, path)
    return groups


def to_records(groups: list[Group]) -> list[Record]:
    """Turn parsed groups into output records (clean first, then g1, g2, ...)."""
    records: list[Record] = []
    for group in groups:
        assert group.clean is not None
        records.append(
            {
                "id": f"{group.pair_id}-c",
                "text": group.clean,
                "label": 0,
                "spans": [],
                "pair_id": group.pair_id,
                "source": SOURCE,
                "beat": group.beat,
            }
        )
        for n, (text, spans, _) in enumerate(group.garbled, start=1):
            records.append(
                {
                    "id": f"{group.pair_id}-g{n}",
                    "text": text,
                    "label": 1,
                    "spans": [{"start": s.start, "end": s.end, "category": s.category} for s in spans],
                    "pair_id": group.pair_id,
                    "source": SOURCE,
                    "beat": group.beat,
                }
            )
    return records


def summarize(records: list[Record]) -> dict[str, Counter[str]]:
    """Count sentences, pairs and spans per beat and spans per category."""
    stats: dict[str, Counter[str]] = {
        "clean": Counter(),
        "garbled": Counter(),
        "spans_by_beat": Counter(),
        "categories": Counter(),
        "sentences_by_category": Counter(),
        "spans_per_sentence": Counter(),
        "beat_category": Counter(),
    }
    for rec in records:
        beat = str(rec["beat"])
        spans = rec["spans"]
        if rec["label"] == 0:
            stats["clean"][beat] += 1
            continue
        stats["garbled"][beat] += 1
        stats["spans_by_beat"][beat] += len(spans)
        stats["spans_per_sentence"][str(len(spans))] += 1
        for cat in {s["category"] for s in spans}:
            stats["sentences_by_category"][cat] += 1
        for s in spans:
            stats["categories"][s["category"]] += 1
            stats["beat_category"][f"{beat}\t{s['category']}"] += 1
    return stats


def markdown_tables(stats: dict[str, Counter[str]]) -> str:
    """Render the per-beat and per-category counts as Markdown tables."""
    beats = sorted(stats["clean"])
    rows = ["| beat | pairs (clean) | garbled | sentences | error spans |", "|---|---:|---:|---:|---:|"]
    for beat in beats:
        clean, garbled = stats["clean"][beat], stats["garbled"][beat]
        rows.append(f"| {beat} | {clean} | {garbled} | {clean + garbled} | {stats['spans_by_beat'][beat]} |")
    tc, tg = sum(stats["clean"].values()), sum(stats["garbled"].values())
    rows.append(f"| **total** | **{tc}** | **{tg}** | **{tc + tg}** | **{sum(stats['spans_by_beat'].values())}** |")
    rows += ["", "| category | spans | garbled sentences containing it |", "|---|---:|---:|"]
    for cat, n in sorted(stats["categories"].items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append(f"| `{cat}` | {n} | {stats['sentences_by_category'][cat]} |")
    rows.append(f"| **total** | **{sum(stats['categories'].values())}** | |")
    cats = [c for c, _ in sorted(stats["categories"].items(), key=lambda kv: (-kv[1], kv[0]))]
    rows += ["", "| beat | " + " | ".join(f"`{c}`" for c in cats) + " |", "|---|" + "---:|" * len(cats)]
    for beat in beats:
        cells = [str(stats["beat_category"][f"{beat}\t{c}"]) for c in cats]
        rows.append(f"| {beat} | " + " | ".join(cells) + " |")
    per = stats["spans_per_sentence"]
    rows += ["", "Error spans per garbled sentence: " + ", ".join(f"{k}: {per[k]}" for k in sorted(per)) + "."]
    return "\n".join(rows)


def compile_corpus(input_dir: Path) -> list[Record]:
    """Parse every ``*.txt`` file in *input_dir* (sorted) and return records.

    Raises :class:`SystemExit` with all collected file:line errors on failure.
    """
    files = sorted(input_dir.glob("*.txt"))
    if not files:
        raise SystemExit(f"error: no *.txt files in {input_dir}")
    seen_ids: dict[str, str] = {}
    seen_clean: dict[str, str] = {}
    groups: list[Group] = []
    errors: list[str] = []
    for path in files:
        try:
            groups.extend(parse_file(path, seen_ids, seen_clean))
        except MarkupError as exc:
            errors.append(str(exc))
    if errors:
        raise SystemExit("\n".join(f"error: {e}" for e in errors))
    return to_records(groups)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input-dir", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--markdown", action="store_true", help="print README count tables")
    args = parser.parse_args(argv)

    records = compile_corpus(args.input_dir)
    with args.output.open("w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

    stats = summarize(records)
    n_clean, n_garbled = sum(stats["clean"].values()), sum(stats["garbled"].values())
    print(f"wrote {args.output}: {n_clean + n_garbled} sentences ({n_clean} clean, {n_garbled} garbled)")
    if args.markdown:
        print()
        print(markdown_tables(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
