"""Input records from text, JSONL, CSV/TSV and Parquet files, plain or gzip/zstd-compressed.

Every reader yields :class:`Record` objects in file order. A record that cannot be scored
(bad JSON, a missing or non-string field, undecodable bytes, more than ``max_bytes``) is
yielded with ``error`` set, so the run goes on and the error is reported with its line.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from detector.textio import InputError

FORMATS = ("text", "jsonl", "csv", "tsv", "parquet")
SUFFIXES = {".txt": "text", ".text": "text", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet"}
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}
UNDECODABLE_RE = re.compile("[\udc80-\udcff]")
MAX_BYTES = 1_000_000


@dataclass
class Record:
    """One input document: its id (the id field, or the line number), text, or the reason it failed."""

    line: int
    id: object
    text: str | None = None
    error: str | None = None
    fields: list[str] | None = field(default=None, repr=False)  # the CSV/TSV row, for TSV output


@dataclass(frozen=True)
class ReadOptions:
    """How to find the text and the id in each record."""

    format: str | None = None  # None: from the file extension (text for standard input)
    by: str = "line"  # text input: "line" or "paragraph"
    text_field: str = "text"
    id_field: str | None = None
    column: str | None = None  # CSV/TSV: a header name or a 1-based number
    header: bool = False
    max_bytes: int = MAX_BYTES


def split_suffixes(path: str) -> tuple[str | None, str | None]:
    """The format and the compression a path's extensions name (``None`` when unknown)."""
    root, ext = os.path.splitext(path.lower())
    compression = COMPRESSIONS.get(ext)
    if compression:
        root, ext = os.path.splitext(root)
    return SUFFIXES.get(ext), compression


def input_format(path: str, options: ReadOptions) -> str:
    """The format of ``path``: ``--input-format``, else its extension, else text."""
    return options.format or (split_suffixes(path)[0] if path != "-" else None) or "text"


class ReadPosition:
    """How far a reader is into its raw (possibly compressed) input, for progress and ETA."""

    def __init__(self, raw: IO[bytes] | None, total: int | None) -> None:
        self.raw, self.total = raw, total

    def position(self) -> int | None:
        try:
            return self.raw.tell() if self.raw is not None and self.total else None
        except (OSError, ValueError):
            return None


def open_binary(path: str) -> tuple[IO[bytes], ReadPosition]:
    """The decompressed byte stream of ``path`` (``-`` = standard input) and its progress."""
    if path == "-":
        raw: IO[bytes] = sys.stdin.buffer
        total = None
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the caller via the wrapper
            total = os.fstat(raw.fileno()).st_size
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    compression = split_suffixes(path)[1] if path != "-" else None
    if compression == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb"), ReadPosition(raw, total)
    if compression == "zstd":
        import zstandard

        reader = zstandard.ZstdDecompressor().stream_reader(raw, closefd=True)
        return io.BufferedReader(reader), ReadPosition(raw, total)
    return raw, ReadPosition(raw, total)


def _lines(stream: IO[bytes], path: str, max_bytes: int) -> Iterator[tuple[int, str | None]]:
    """``(line number, text without the line break)``; text is ``None`` for an oversized line.

    Bytes that are not UTF-8 survive as lone surrogates (``surrogateescape``), so each record
    can report them itself; an oversized line is skipped in pieces, never held whole.
    """
    n = 0
    try:
        while True:
            chunk = stream.readline(max_bytes + 1)
            if not chunk:
                return
            n += 1
            if len(chunk) > max_bytes and not chunk.endswith(b"\n"):
                while chunk and not chunk.endswith(b"\n"):
                    chunk = stream.readline(1 << 20)
                yield n, None
                continue
            if n == 1 and chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
            yield n, chunk.decode("utf-8", "surrogateescape").rstrip("\r\n")
    except (OSError, EOFError, ValueError) as e:  # truncated or corrupt compressed stream
        raise InputError(f"{path}: cannot read after line {n}: {e}") from None
    except Exception as e:  # zstandard.ZstdError is not an OSError
        if type(e).__name__ != "ZstdError":
            raise
        raise InputError(f"{path}: cannot read after line {n}: {e}") from None


def _checked(line: int, rid: object, text: object, what: str, max_bytes: int) -> Record:
    """A record for ``text``, or an error record saying why it cannot be scored."""
    if text is None:
        return Record(line, rid, error=f"missing {what}")
    if not isinstance(text, str):
        return Record(line, rid, error=f"{what} is {type(text).__name__}, not a string")
    if UNDECODABLE_RE.search(text):
        return Record(line, rid, error="bytes that are not UTF-8")
    if len(text) > max_bytes:
        return Record(line, rid, error=f"record longer than {max_bytes} bytes")
    return Record(line, rid, text)


def _oversized(line: int, max_bytes: int) -> Record:
    return Record(line, line, error=f"record longer than {max_bytes} bytes")


def read_text(stream: IO[bytes], path: str, options: ReadOptions) -> Iterator[Record]:
    """One document per line, or per blank-line-separated paragraph (``by="paragraph"``)."""
    if options.by == "line":
        for n, text in _lines(stream, path, options.max_bytes):
            yield _oversized(n, options.max_bytes) if text is None else _checked(n, n, text, "text", options.max_bytes)
        return
    first, lines, bad = 0, [], False
    for n, text in _lines(stream, path, options.max_bytes):
        if text is not None and not text.strip():
            if first:
                yield _oversized(first, options.max_bytes) if bad else _checked(first, first, "\n".join(lines), "text", options.max_bytes)
            first, lines, bad = 0, [], False
            continue
        first = first or n
        bad = bad or text is None
        lines.append(text or "")
    if first:
        yield _oversized(first, options.max_bytes) if bad else _checked(first, first, "\n".join(lines), "text", options.max_bytes)


def get_path(obj: object, dotted: str) -> object:
    """``obj["a"]["b"]`` for ``"a.b"``; ``None`` when a step is missing."""
    for key in dotted.split("."):
        if not isinstance(obj, dict) or key not in obj:
            return None
        obj = obj[key]
    return obj


def read_jsonl(stream: IO[bytes], path: str, options: ReadOptions) -> Iterator[Record]:
    """One JSON object per line; the text (and id) at dotted field paths. Blank lines are skipped."""
    for n, line in _lines(stream, path, options.max_bytes):
        if line is None:
            yield _oversized(n, options.max_bytes)
            continue
        if not line.strip():
            continue
        if UNDECODABLE_RE.search(line):
            yield Record(n, n, error="bytes that are not UTF-8")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Record(n, n, error=f"bad JSON: {e.msg} at column {e.colno}")
            continue
        if not isinstance(obj, dict):
            yield Record(n, n, error=f"a JSON {type(obj).__name__}, not an object")
            continue
        rid: object = n
        if options.id_field:
            rid = get_path(obj, options.id_field)
            if rid is None:
                yield Record(n, n, error=f"missing id field {options.id_field!r}")
                continue
        yield _checked(n, rid, get_path(obj, options.text_field), f"field {options.text_field!r}", options.max_bytes)


def _column_index(spec: str | None, header: list[str] | None, what: str, path: str) -> int:
    """The 0-based index of a column given by header name or 1-based number."""
    if spec is None:
        return 0
    if spec.isdigit() and int(spec) >= 1:
        return int(spec) - 1
    if header is None:
        raise InputError(f"{path}: {what} {spec!r} is a name: give --header, or a column number")
    if spec not in header:
        raise InputError(f"{path}: no column {spec!r} in the header ({', '.join(header)})")
    return header.index(spec)


class Delimited:
    """CSV or TSV rows (TSV unquoted, as corpus tools write it); keeps the header for the writer."""

    def __init__(self, stream: IO[bytes], path: str, options: ReadOptions, dialect: str) -> None:
        self.stream, self.path, self.options, self.dialect = stream, path, options, dialect
        self.header: list[str] | None = None

    def __iter__(self) -> Iterator[Record]:
        opts = self.options
        lines = _lines(self.stream, self.path, opts.max_bytes)
        numbers: list[int] = []
        oversized: list[int] = []

        def physical() -> Iterator[str]:
            for n, text in lines:
                if text is None:
                    oversized.append(n)
                    continue
                numbers.append(n)
                yield text

        kw = {"delimiter": "\t", "quoting": csv.QUOTE_NONE} if self.dialect == "tsv" else {}
        reader = csv.reader(physical(), **kw)
        if opts.header:
            self.header = next(reader, None)
        col = _column_index(opts.column, self.header, "--column", self.path)
        id_col = _column_index(opts.id_field, self.header, "--id-field", self.path) if opts.id_field else None
        while True:
            start = len(numbers)
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                n = numbers[start] if start < len(numbers) else len(numbers)
                yield Record(n, n, error=f"bad {self.dialect.upper()}: {e}")
                continue
            while oversized:
                yield _oversized(oversized.pop(0), opts.max_bytes)
            n = numbers[start]
            rid: object = n
            if id_col is not None:
                rid = row[id_col] if id_col < len(row) else None
                if rid is None:
                    yield Record(n, n, error=f"no id column {id_col + 1} (the row has {len(row)})", fields=row)
                    continue
            if col >= len(row):
                yield Record(n, rid, error=f"no column {col + 1} (the row has {len(row)})", fields=row)
                continue
            rec = _checked(n, rid, row[col], "text", opts.max_bytes)
            rec.fields = row
            yield rec
        for n in oversized:
            yield _oversized(n, opts.max_bytes)


def read_parquet(stream: IO[bytes], path: str, options: ReadOptions) -> Iterator[Record]:
    """Rows of a Parquet file; ``line`` is the 1-based row number."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = stream if stream.seekable() and not isinstance(stream, (gzip.GzipFile, io.BufferedReader)) else io.BytesIO(stream.read())
    try:
        pf = pq.ParquetFile(source)
    except (pa.ArrowInvalid, OSError) as e:
        raise InputError(f"{path}: not a Parquet file: {e}") from None
    text_col = options.column or options.text_field
    names = pf.schema_arrow.names
    for name in (text_col, options.id_field):
        if name is not None and name not in names:
            raise InputError(f"{path}: no column {name!r} (columns: {', '.join(names)})")
    columns = [text_col] + ([options.id_field] if options.id_field else [])
    n = 0
    for batch in pf.iter_batches(batch_size=4096, columns=columns):
        texts = batch.column(0).to_pylist()
        ids = batch.column(1).to_pylist() if options.id_field else None
        for i, text in enumerate(texts):
            n += 1
            rid = ids[i] if ids is not None else n
            if rid is None:
                yield Record(n, n, error=f"missing id field {options.id_field!r}")
                continue
            yield _checked(n, rid, text, f"field {text_col!r}", options.max_bytes)


def records(path: str, options: ReadOptions) -> tuple[Iterator[Record], ReadPosition, object]:
    """The records of one input, its progress, and the reader (a :class:`Delimited` keeps a header)."""
    fmt = input_format(path, options)
    stream, progress = open_binary(path)
    if fmt == "text":
        return read_text(stream, path, options), progress, None
    if fmt == "jsonl":
        return read_jsonl(stream, path, options), progress, None
    if fmt in ("csv", "tsv"):
        reader = Delimited(stream, path, options, fmt)
        return iter(reader), progress, reader
    if fmt == "parquet":
        return read_parquet(stream, path, options), progress, None
    raise InputError(f"{path}: unknown input format {fmt!r}")
