"""Output records: JSON Lines (default), TSV (the input's columns plus ours) and Parquet.

Scored chunks are appended, in order, to a spool of JSONL or TSV lines; the spool's bytes are
the output itself for plain JSONL/TSV, and :func:`finish` turns it into the compressed or
Parquet file. Everything here is deterministic, so a resumed run writes the same bytes.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from detector.batch.readers import COMPRESSIONS, Record, split_suffixes

FORMATS = ("jsonl", "tsv", "parquet")
OPTIONAL = ("sentences", "findings", "fixed")
PARQUET_BATCH = 10_000
TSV_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def output_format(path: str, given: str | None) -> tuple[str, str | None]:
    """The output format and compression: ``--output-format``, else the extension, else JSONL."""
    fmt, compression = split_suffixes(path) if path != "-" else (None, None)
    fmt = given or (fmt if fmt in FORMATS else None) or "jsonl"
    return fmt, compression


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def jsonl_line(record: Record, result: dict) -> bytes:
    """``{"id": ..., "score": ..., "flagged": ..., "counts": {...}, ...}`` and a newline."""
    return (json.dumps({"id": record.id, **result}, ensure_ascii=False) + "\n").encode("utf-8")


def tsv_columns(optional: tuple[str, ...]) -> list[str]:
    """The columns TSV output appends, in order."""
    return ["score", "flagged", "counts", *optional]


def tsv_line(record: Record, result: dict) -> bytes:
    """The input's columns (or the id for non-tabular input), then score, flagged, counts, extras."""
    head = record.fields if record.fields is not None else [str(record.id)]
    ours = [f"{result['score']}", str(int(result["flagged"])), _json(result["counts"])]
    ours += [result[k] if k == "fixed" else _json(result[k]) for k in OPTIONAL if k in result]
    return ("\t".join(c.translate(TSV_ESCAPES) for c in head + ours) + "\n").encode("utf-8")


def tsv_header(input_header: list[str] | None, optional: tuple[str, ...]) -> bytes:
    """The header row for TSV output when the input had one."""
    return ("\t".join([*(input_header or ["id"]), *tsv_columns(optional)]) + "\n").encode("utf-8")


def serializer(fmt: str):
    """The function turning a record and its result into spool bytes (JSONL for Parquet)."""
    return tsv_line if fmt == "tsv" else jsonl_line


def _parquet_schema(string_ids: bool, optional: tuple[str, ...]):
    import pyarrow as pa

    fields = [
        ("id", pa.string() if string_ids else pa.int64()),
        ("score", pa.float64()),
        ("flagged", pa.bool_()),
        ("counts", pa.map_(pa.string(), pa.int32())),
    ]
    extra = {
        "sentences": pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("score", pa.float64())])),
        "findings": pa.string(),  # the findings in the `check` JSON schema, as a JSON array
        "fixed": pa.string(),
    }
    return pa.schema(fields + [(k, extra[k]) for k in optional])


def _parquet_rows(spool: IO[bytes], string_ids: bool) -> Iterator[dict]:
    for line in spool:
        row = json.loads(line)
        if string_ids and not isinstance(row["id"], str):
            row["id"] = _json(row["id"])
        row["counts"] = list(row["counts"].items())
        if "findings" in row:
            row["findings"] = _json(row["findings"])
        yield row


def write_parquet(spool_path: Path, out: IO[bytes], string_ids: bool, optional: tuple[str, ...]) -> None:
    """Convert the JSONL spool into one Parquet file, in row groups of ``PARQUET_BATCH``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema(string_ids, optional)
    with spool_path.open("rb") as spool, pq.ParquetWriter(out, schema) as writer:
        rows: list[dict] = []
        for row in _parquet_rows(spool, string_ids):
            rows.append(row)
            if len(rows) == PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows or not writer.is_open:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


def compressed(out: IO[bytes], compression: str | None) -> IO[bytes]:
    """A writer that compresses into ``out`` (gzip without a timestamp, so output is reproducible)."""
    if compression == "gzip":
        return gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="")
    if compression == "zstd":
        import zstandard

        return zstandard.ZstdCompressor().stream_writer(out, closefd=False)
    return out


def finish(spool_path: Path, out: IO[bytes], fmt: str, compression: str | None, string_ids: bool, optional: tuple[str, ...]) -> None:
    """Write the final output bytes for the spool into ``out`` (the temporary output file)."""
    sink = compressed(out, compression)
    if fmt == "parquet":
        write_parquet(spool_path, sink, string_ids, optional)
    else:
        with spool_path.open("rb") as spool:
            shutil.copyfileobj(spool, sink, 1 << 20)
    if sink is not out:
        sink.close()


def needs_conversion(fmt: str, compression: str | None) -> bool:
    """Whether the spool is not already the output file."""
    return fmt == "parquet" or compression in COMPRESSIONS.values()
