"""``mtlint score``: the subcommand's options, registered by :func:`register`.

Exit codes: 0 every record scored (and, with ``--fail-on-flagged``, none flagged); 1 some
record flagged with ``--fail-on-flagged``; 3 some records could not be scored (error
records); 2 usage or input error (nothing is written in place of the output). 2 wins over 3,
3 over 1.
"""

from __future__ import annotations

import argparse
import sys

from detector.batch.pool import WorkerError, default_jobs
from detector.batch.readers import FORMATS as INPUT_FORMATS
from detector.batch.readers import MAX_BYTES, ReadOptions
from detector.batch.runner import CHUNK_SIZE, Job, UsageError, run
from detector.batch.scoring import TIERS, Spec
from detector.batch.writers import FORMATS as OUTPUT_FORMATS
from detector.textio import InputError, WriteError

EXIT_CLEAN, EXIT_FLAGGED, EXIT_ERROR, EXIT_RECORD_ERRORS = 0, 1, 2, 3


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``score`` to the ``mtlint`` subcommands."""
    p = sub.add_parser("score", help="score a corpus: one record per input record, in order (streaming, parallel, resumable)")
    p.add_argument("inputs", nargs="*", default=["-"], metavar="INPUT", help="text, JSONL, CSV/TSV or Parquet file, optionally .gz/.zst, or - (default)")
    p.add_argument("-o", "--output", default="-", help="output file (.jsonl, .tsv, .parquet, optionally .gz/.zst) or - (default: JSONL on stdout)")
    p.add_argument("--model", choices=TIERS, default="fast", help="detector tier (default: fast); rules never loads torch")
    p.add_argument("--input-format", choices=INPUT_FORMATS, help="default: from the extension (text for standard input)")
    p.add_argument("--output-format", choices=OUTPUT_FORMATS, help="default: from the extension of -o (JSONL)")
    p.add_argument("--by", choices=("line", "paragraph"), default="line", help="text input: a document per line or per blank-line-separated paragraph")
    p.add_argument("--text-field", default="text", help="JSONL/Parquet: field with the text; dotted path allowed (default: text)")
    p.add_argument("--id-field", help="JSONL/Parquet: field with the record id (dotted); CSV/TSV: column name or number (default: the line number)")
    p.add_argument("--column", help="CSV/TSV: the text column, by header name or 1-based number (default: 1); Parquet: same as --text-field")
    p.add_argument("--header", action="store_true", help="CSV/TSV: the first row is a header (TSV output repeats it with our columns)")
    p.add_argument("--max-bytes", type=int, default=MAX_BYTES, help=f"longer records become error records (default: {MAX_BYTES:,})")
    p.add_argument("--sentences", action="store_true", help="add per-sentence {start, end, score}")
    p.add_argument("--findings", action="store_true", help="add the findings, in the `mtlint check --format json` schema")
    p.add_argument("--fix", action="store_true", help="add the fixed text (as `mtlint fix` gives it)")
    p.add_argument("--select", action="append", metavar="CODE", help="run only these rules (code prefix or name); repeatable")
    p.add_argument("--ignore", action="append", metavar="CODE", help="skip these rules (code prefix or name); repeatable")
    p.add_argument("--jobs", "-j", type=int, default=default_jobs(), help="worker processes (default: all cores)")
    p.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help=f"records per chunk (default: {CHUNK_SIZE})")
    p.add_argument("--dask", metavar="SCHEDULER_ADDRESS", help="score the chunks on this Dask cluster instead of local workers")
    p.add_argument("--resume", action="store_true", help="continue the killed run that wrote -o OUTPUT, from its checkpoint")
    p.add_argument("--errors", metavar="PATH", help="write error records (path, line, id, reason) as JSONL to PATH")
    p.add_argument("--summary", metavar="PATH", help="write the run summary as JSON to PATH")
    p.add_argument("--fail-on-flagged", action="store_true", help="exit 1 when any record is flagged")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress and no summary on stderr")
    p.add_argument("--progress-every", type=float, help=argparse.SUPPRESS)
    p.set_defaults(run=run_score)


def run_score(args: argparse.Namespace) -> int:
    if args.jobs < 1 or args.chunk_size < 1 or args.max_bytes < 1:
        return _fail("--jobs, --chunk-size and --max-bytes must be at least 1")
    spec = Spec(args.model, tuple(args.select or ()), tuple(args.ignore or ()), args.sentences, args.findings, args.fix)
    try:
        spec.rules()
    except ValueError as e:
        return _fail(str(e))
    read = ReadOptions(args.input_format, args.by, args.text_field, args.id_field, args.column, args.header, args.max_bytes)
    job = Job(tuple(args.inputs), args.output, read, spec, args.output_format, args.errors, args.summary, args.jobs, args.chunk_size, args.resume, args.quiet, args.dask, args.progress_every)
    try:
        result = run(job)
    except (UsageError, InputError, WorkerError, WriteError) as e:
        return _fail(str(e))
    except OSError as e:  # an output that cannot be written, model files that cannot be read
        return _fail(f"{getattr(e, 'filename', None) or job.output}: {e.strerror or e}")
    if result["errors"]:
        return EXIT_RECORD_ERRORS
    return EXIT_FLAGGED if args.fail_on_flagged and result["flagged"] else EXIT_CLEAN


def _fail(message: str) -> int:
    print(f"mtlint: error: {message}", file=sys.stderr)
    return EXIT_ERROR
