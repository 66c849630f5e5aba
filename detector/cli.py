"""The ``mtlint`` command line.

Exit codes: 0 no findings, 1 findings, 2 usage or input error (an input error wins).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from detector import __version__
from detector.api import check, fix
from detector.findings import Rule
from detector.formats import FORMATS, FileResult
from detector.learned import DEFAULT_TIER, TIERS
from detector.rules import RULES, select
from detector.textio import STDIN, InputError, Source, atomic_write, expand_paths, read_source

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mtlint`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UsageError as e:
        print(f"mtlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `mtlint check ... | head`
        sys.stderr.close()
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("mtlint: interrupted", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mtlint", description="Detect machine-translation artifacts in English news text.")
    parser.add_argument("--version", action="version", version=f"mtlint {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("check", help="report artifacts in files, directories or standard input")
    _add_input_options(p, nargs="*")
    p.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    p.add_argument("--model", default=DEFAULT_TIER, metavar="TIER|DIR", help=f"detector tier ({', '.join(TIERS)}; default: {DEFAULT_TIER}) or a model bundle folder")
    p.add_argument("--no-model", dest="model", action="store_const", const="rules", help="rules only, the same as --model rules (never imports torch)")
    p.set_defaults(run=run_check)

    p = sub.add_parser("fix", help="print the corrected text (or a diff, or rewrite the file)")
    _add_input_options(p, nargs="?")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff instead of the text")
    mode.add_argument("--write", action="store_true", help="rewrite the file in place, atomically")
    p.add_argument("--unsafe-fixes", action="store_true", help="also apply the learned detector's suggested rewrites (MT201) above their confidence threshold")
    p.set_defaults(run=run_fix)

    p = sub.add_parser("garble", help="add machine-translation noise to each sentence (for training data)")
    p.add_argument("paths", nargs="?", default=STDIN, metavar="PATH", help="text file or - (default: -)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--format", choices=("text", "jsonl"), default="text", help="text, or one JSON record a sentence with gold spans")
    p.add_argument("--encoding")
    p.set_defaults(run=run_garble)

    p = sub.add_parser("train", help="retrain the learned detector on your own clean news")
    data = p.add_mutually_exclusive_group(required=True)
    data.add_argument("--clean", type=Path, help="documents.jsonl folder/file, or .txt (one sentence a line, blank line between documents); garbled into OUT/corpus")
    data.add_argument("--corpus", help="an already built synthetic corpus folder (scripts/build_corpus.py)")
    p.add_argument("--out", type=Path, required=True, help="folder to write the model bundle to (use it with `mtlint check --model`)")
    from detector.training.recipe import add_arguments

    add_arguments(p, skip=("corpus",))
    p.set_defaults(run=run_train)

    p = sub.add_parser("rules", help="list the rules")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run_rules)
    return parser


def _add_input_options(p: argparse.ArgumentParser, nargs: str) -> None:
    p.add_argument("paths", nargs=nargs, default=[STDIN] if nargs == "*" else STDIN, metavar="PATH", help="file, directory or - for standard input (default: -)")
    p.add_argument("--encoding", help="decode inputs with this encoding (default: UTF-8, or as the BOM says)")
    p.add_argument("--select", action="append", metavar="CODE", help="run only these rules (code prefix or name); repeatable")
    p.add_argument("--ignore", action="append", metavar="CODE", help="skip these rules (code prefix or name); repeatable")


class UsageError(Exception):
    """An option value that is wrong in a way argparse cannot see (an unknown rule)."""


def _rules(args: argparse.Namespace) -> list[Rule]:
    try:
        return select(args.select, args.ignore)
    except ValueError as e:
        raise UsageError(str(e)) from None


def run_check(args: argparse.Namespace) -> int:
    rules = _rules(args)
    model = args.model if any(r.needs_model for r in rules) else "rules"
    results: list[FileResult] = []
    for path in args.paths:
        try:
            for file in expand_paths([path]):
                results.append(_check_one(file, args.encoding, rules, model))
        except InputError as e:
            results.append(FileResult(path, error=str(e)))
        except ModelError as e:
            print(f"mtlint: error: {e}", file=sys.stderr)
            return EXIT_ERROR
    for r in results:
        if r.error:
            print(f"mtlint: error: {r.error}", file=sys.stderr)
    sys.stdout.write(FORMATS[args.format](results))
    n = sum(len(r.report.findings) for r in results if r.report)
    if args.format == "text":
        files = sum(1 for r in results if r.report)
        print(f"{n} finding{'s' * (n != 1)} in {files} file{'s' * (files != 1)}.", file=sys.stderr)
    if any(r.error for r in results):
        return EXIT_ERROR
    return EXIT_FINDINGS if n else EXIT_CLEAN


class ModelError(Exception):
    """The learned detector could not be loaded."""


def _check_one(path: str, encoding: str | None, rules: list[Rule], model: str) -> FileResult:
    try:
        source = read_source(path, encoding)
    except InputError as e:
        return FileResult(path, error=str(e))
    if model != "rules" and source.text.strip():
        _load_model(model)
    return FileResult(path, report=check(source.text, rules, model=model))


def _load_model(model: str) -> None:
    """Load the model (once per process, :func:`detector.learned.load`) or raise ModelError."""
    from detector import learned

    try:
        learned.load(model)
    except (ValueError, OSError) as e:
        raise ModelError(f"{e} (use --no-model to run the rules only)") from None


def run_fix(args: argparse.Namespace) -> int:
    if args.write and args.paths == STDIN:
        print("mtlint: error: --write needs a file path, not standard input", file=sys.stderr)
        return EXIT_ERROR
    try:
        source: Source = read_source(args.paths, args.encoding)
    except InputError as e:
        print(f"mtlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    fixed = fix(source.text, _rules(args), unsafe=args.unsafe_fixes)
    if args.write:
        if fixed != source.text:
            try:
                atomic_write(args.paths, source.encode(fixed))
            except OSError as e:
                print(f"mtlint: error: {args.paths}: cannot write: {e.strerror or e}; the file is unchanged", file=sys.stderr)
                return EXIT_ERROR
        print(f"{args.paths}: {'fixed' if fixed != source.text else 'nothing to fix'}", file=sys.stderr)
    elif args.diff:
        diff = difflib.unified_diff(
            source.text.splitlines(keepends=True),
            fixed.splitlines(keepends=True),
            fromfile=args.paths,
            tofile=f"{args.paths} (fixed)",
        )
        sys.stdout.writelines(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(source.encode(fixed))
        sys.stdout.buffer.flush()
    return EXIT_CLEAN


def run_garble(args: argparse.Namespace) -> int:
    import random

    from detector.document import Document
    from detector.noise import garble

    try:
        source = read_source(args.paths, args.encoding)
    except InputError as e:
        print(f"mtlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    rng = random.Random(args.seed)
    pieces, pos = [], 0
    for sent in Document(source.text).sentences:
        g = garble(sent.text, rng)
        if args.format == "jsonl":
            spans = [{"start": s.start, "end": s.end, "category": s.category, "op": s.op} for s in g.spans]
            record = {"text": g.text, "label": int(bool(g.spans)), "spans": spans, "original": sent.text}
            print(json.dumps(record, ensure_ascii=False))
        else:
            pieces += [source.text[pos : sent.start], g.text]
            pos = sent.end
    if args.format == "text":
        sys.stdout.write("".join(pieces) + source.text[pos:])
    return EXIT_CLEAN


def run_train(args: argparse.Namespace) -> int:
    from detector.learned.bundle import save
    from detector.noise import NoiseConfig
    from detector.training.pipeline import train
    from detector.training.recipe import from_args
    from detector.training.synthetic import CorpusError, build

    corpus = args.corpus or str(args.out / "corpus")
    if args.clean:
        try:
            build(args.clean, Path(corpus), args.seed, (0.8, 0.1, 0.1), NoiseConfig())
        except CorpusError as e:
            print(f"mtlint: error: {e}", file=sys.stderr)
            return EXIT_ERROR
    recipe = from_args(args, corpus=corpus)
    try:
        detector = train(recipe, log=lambda msg: print(msg, file=sys.stderr, flush=True))
    except ValueError as e:
        print(f"mtlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    save(args.out, detector)
    print(f"model saved to {args.out}; use it with: mtlint check --model {args.out} FILE", file=sys.stderr)
    return EXIT_CLEAN


def run_rules(args: argparse.Namespace) -> int:
    if args.format == "json":
        rows = [
            {"code": r.code, "name": r.name, "category": r.category, "severity": r.severity, "needs_model": r.needs_model, "summary": r.summary}
            for r in RULES.values()
        ]
        print(json.dumps(rows, indent=2))
    else:
        for r in RULES.values():
            print(f"{r.code}  {r.name:<18} {r.category:<22} {r.severity:<8} {r.summary}")
    return EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
