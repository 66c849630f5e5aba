"""The ``mtlint`` command line.

Exit codes: 0 no findings, 1 findings, 2 usage or input error (an input error wins), 3 some
records failed (``mtlint score`` only), 4 internal error (a bug: one line on stderr saying so, the
traceback with ``--debug``).
"""

from __future__ import annotations

import argparse
import codecs
import difflib
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from detector import __version__, lint
from detector.api import fix
from detector.batch import cli as batch_cli
from detector.findings import Rule
from detector.formats import FORMATS
from detector.learned import DEFAULT_TIER, TIERS
from detector.rules import RULES, select
from detector.server import cli as serve_cli
from detector.textio import (
    DEFAULT_MAX_BYTES,
    STDIN,
    InputError,
    Source,
    WriteError,
    atomic_write,
    read_source,
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 4
REPORT_BUGS = "please report it (the command, the input and the --debug output) on the mtlint issue tracker"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mtlint`` console script."""
    _escape_unencodable_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("check", "fix") and not args.paths:
        if sys.stdin is not None and sys.stdin.isatty():  # waiting for typed input would look like a hang
            args.parser.print_help(sys.stderr)
            print("\nmtlint: error: no input: give a PATH, or - to read standard input", file=sys.stderr)
            return EXIT_ERROR
        args.paths = [STDIN] if args.command == "check" else STDIN
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
    except MemoryError:
        _internal(args, "out of memory (try a smaller input, or --max-bytes to refuse large ones)")
        return EXIT_INTERNAL
    except Exception as e:  # noqa: BLE001 - a bug must never look like "findings"
        _internal(args, f"{type(e).__name__}: {' '.join(str(e).split())}; {REPORT_BUGS}")
        return EXIT_INTERNAL


def _internal(args: argparse.Namespace, message: str) -> None:
    if args.debug:
        traceback.print_exc()
    print(f"mtlint: internal error: {message}" + ("" if args.debug else " (run with --debug for the traceback)"), file=sys.stderr)


def _escape_unencodable_output() -> None:
    """Never fail on a stdout/stderr that cannot encode a character (ASCII, cp1252 pipes):
    such a character is written as ``\\uXXXX``, which JSON reads back as the character."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors=JSON_ESCAPE)


def _json_escape(e: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: ``\\uXXXX`` escapes (surrogate pairs above U+FFFF), which are valid in
    JSON strings and readable in text."""
    if not isinstance(e, UnicodeEncodeError):
        raise e
    out = []
    for ch in e.object[e.start : e.end]:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            out.append(f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}")
        else:
            out.append(f"\\u{cp:04x}")
    return "".join(out), e.end


JSON_ESCAPE = "mtlint-json-escape"
codecs.register_error(JSON_ESCAPE, _json_escape)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mtlint", description="Detect machine-translation artifacts in English news text.")
    parser.add_argument("--version", action="version", version=f"mtlint {__version__}")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an internal error")
    sub = parser.add_subparsers(required=True, metavar="COMMAND", dest="command")
    sub.add_parser = _with_debug(sub.add_parser)  # type: ignore[method-assign]

    p = sub.add_parser("check", help="report artifacts in files, directories or standard input")
    _add_input_options(p, nargs="*")
    p.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    p.add_argument("--model", default=None, metavar="TIER|DIR", help=f"detector tier ({', '.join(TIERS)}; default: {DEFAULT_TIER}, or the configuration's) or a model bundle folder")
    p.add_argument("--no-model", dest="model", action="store_const", const="rules", help="rules only, the same as --model rules (never imports torch)")
    lint.add_check_options(p)
    p.set_defaults(run=run_check)

    p = sub.add_parser("fix", help="print the corrected text (or a diff, or rewrite the file)")
    _add_input_options(p, nargs="?")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff instead of the text")
    mode.add_argument("--write", action="store_true", help="rewrite the file, keeping its mode, owner, hard links and BOM")
    p.add_argument("--force", action="store_true", help="with --write: rewrite a read-only file too")
    p.add_argument("--unsafe-fixes", action="store_true", help="also apply the learned detector's suggested rewrites (MT201) above their confidence threshold")
    lint.add_input_options(p)
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

    lint.register(sub)

    p = sub.add_parser("rules", help="list the rules")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run_rules)
    serve_cli.register(sub)
    batch_cli.register(sub)
    return parser


def _with_debug(add_parser):  # noqa: ANN001, ANN202 - wraps argparse's own method
    """Every subcommand accepts ``--debug`` too (``mtlint check --debug``)."""

    def add(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        p = add_parser(*args, **kwargs)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        return p

    return add


def _add_input_options(p: argparse.ArgumentParser, nargs: str) -> None:
    p.set_defaults(parser=p)
    p.add_argument("paths", nargs=nargs, default=None, metavar="PATH", help="file, directory or - for standard input (default: -, which prints this help on a terminal)")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N", help=f"refuse inputs larger than N bytes (default: {DEFAULT_MAX_BYTES:,})")
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
    _rules(args)
    try:
        return lint.run_check(args, _load_model)
    except ModelError as e:
        print(f"mtlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR


class ModelError(Exception):
    """The learned detector could not be loaded."""


def _load_model(model: str) -> object | None:
    """The detector of a tier or bundle folder (once per process, :func:`detector.learned.load`); None for rules."""
    if model == "rules":
        return None
    from detector import learned

    try:
        return learned.load(model)
    except (ValueError, OSError) as e:
        raise ModelError(f"{e} (use --no-model to run the rules only)") from None


def run_fix(args: argparse.Namespace) -> int:
    if args.write and args.paths == STDIN:
        print("mtlint: error: --write needs a file path, not standard input", file=sys.stderr)
        return EXIT_ERROR
    try:
        source: Source = read_source(args.paths, args.encoding, args.max_bytes)
    except InputError as e:
        print(f"mtlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    rules = _rules(args)
    fixed = lint.fix_text(source.text, args.paths, args)
    if args.unsafe_fixes:
        fixed = fix(fixed, rules, unsafe=True)
    if args.write:
        if fixed != source.text:
            try:
                atomic_write(args.paths, source.encode(fixed), force=args.force)
            except WriteError as e:
                print(f"mtlint: error: {e}", file=sys.stderr)
                return EXIT_ERROR
        print(f"{args.paths}: {'fixed' if fixed != source.text else 'nothing to fix'}", file=sys.stderr)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(unified_diff(source, fixed) if args.diff else source.encode(fixed))
        sys.stdout.buffer.flush()
    return EXIT_CLEAN


def unified_diff(source: Source, fixed: str) -> bytes:
    """A unified diff of ``source`` against ``fixed`` that ``patch`` applies to the file.

    Lines end at "\\n" only (a lone CR, U+2028, form feed and the like stay inside a line, as
    ``patch`` sees them), and the diff is in the file's own bytes, byte-order mark included.
    Encodings in which "\\n" is not the byte 0x0A (UTF-16/32) are diffed as UTF-8.
    """
    if "\n".encode(source.encoding) == b"\n":
        before, after = source.encode(source.text), source.encode(fixed)
    else:
        before, after = source.text.encode(), fixed.encode()
    name = source.path.encode(errors="surrogateescape")
    lines = difflib.diff_bytes(difflib.unified_diff, _lines(before), _lines(after), name, name)
    return b"".join(line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n" for line in lines)


def _lines(data: bytes) -> list[bytes]:
    """``data`` split after each b"\\n", keeping the ends (``bytes.splitlines`` also splits at CR)."""
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    return out + [lines[-1]] if lines[-1] else out


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
