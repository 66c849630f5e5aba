"""One scoring run: read records, score them in chunks on an executor, write them in order.

Memory stays bounded: at most ``2 * jobs`` chunks are in flight. Output goes to a spool next
to the output file and is renamed into place only when the run succeeds; after each chunk the
run commits a checkpoint (see :mod:`detector.batch.checkpoint`), which ``--resume`` continues.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from itertools import islice
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from detector.batch import checkpoint, writers
from detector.batch.pool import executor
from detector.batch.progress import Progress, Stats, print_summary, summary, write_summary
from detector.batch.readers import ReadOptions, Record, records
from detector.batch.scoring import Spec
from detector.textio import InputError, _umask

CHUNK_SIZE = 512
MAX_ERRORS_SHOWN = 10


class UsageError(Exception):
    """Options that cannot work together (Parquet to standard output, resuming standard input)."""


@dataclass(frozen=True)
class Job:
    """Everything ``mtlint score`` was asked to do."""

    inputs: tuple[str, ...]
    output: str = "-"
    read: ReadOptions = ReadOptions()
    spec: Spec = Spec()
    output_format: str | None = None
    errors: str | None = None
    summary: str | None = None
    jobs: int = 1
    chunk_size: int = CHUNK_SIZE
    resume: bool = False
    quiet: bool = False
    dask: str | None = None
    progress_every: float | None = None


class Inputs:
    """All records of all inputs in order, with their path; tracks the share of bytes read."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.sizes = [os.path.getsize(p) if p != "-" else None for p in job.inputs]
        self.total = sum(self.sizes) if None not in self.sizes else None  # type: ignore[arg-type]
        self.index, self.progress, self.first_reader = 0, None, None

    def __iter__(self) -> Iterator[tuple[Record, str]]:
        for index, path in enumerate(self.job.inputs):
            self.index = index
            stream, self.progress, reader = records(path, self.job.read)
            if index == 0:
                self.first_reader = reader
            for rec in stream:
                if len(self.job.inputs) > 1 and rec.id == rec.line:
                    rec.id = f"{path}:{rec.line}"
                yield rec, path

    def fraction(self) -> float | None:
        """The share of all input bytes read so far (``None`` when a size is unknown)."""
        pos = self.progress.position() if self.progress is not None and self.total else None
        return None if pos is None else (sum(self.sizes[: self.index]) + pos) / self.total  # type: ignore[operator]


def _settings(job: Job, fmt: str, compression: str | None) -> dict:
    return {"read": asdict(job.read), "spec": asdict(job.spec), "format": fmt, "compression": compression, "errors": bool(job.errors)}


def run(job: Job) -> dict:
    """Score ``job.inputs`` into ``job.output``; return the summary (also on stderr / ``--summary``)."""
    fmt, compression = writers.output_format(job.output, job.output_format)
    to_stdout = job.output == "-"
    if to_stdout and fmt == "parquet":
        raise UsageError("Parquet output needs a file: give -o PATH.parquet")
    if job.resume and (to_stdout or "-" in job.inputs):
        raise UsageError("--resume needs file inputs and -o OUTPUT (a checkpoint lives next to the output)")
    for path in job.inputs:
        if path != "-" and not os.path.isfile(path):
            raise InputError(f"{path}: no such file")
    optional = tuple(k for k, on in zip(writers.OPTIONAL, (job.spec.sentences, job.spec.findings, job.spec.fix)) if on)
    anchor = Path(job.output if not to_stdout else job.errors or ".mtlint-stdout")
    ckpt_path, spool_path, err_path = checkpoint.paths(anchor)
    stdin_used = "-" in job.inputs
    fp = checkpoint.fingerprint([p for p in job.inputs if p != "-"], _settings(job, fmt, compression)) if not stdin_used else ""
    ckpt = checkpoint.load(ckpt_path) if job.resume else None
    if ckpt is not None and ckpt.fingerprint != fp:
        raise UsageError(f"{ckpt_path}: the checkpoint is for other inputs or options; run without --resume to start over")
    if job.resume and ckpt is None and not job.quiet:
        print(f"mtlint score: no checkpoint for {job.output}; starting from the beginning", file=sys.stderr)
    ckpt = ckpt or checkpoint.Checkpoint(fp)
    stats = Stats(**ckpt.stats) if ckpt.stats else Stats()

    out: IO[bytes] = sys.stdout.buffer if to_stdout else _open_spool(spool_path, ckpt.output_bytes, ckpt.records > 0)
    errs: IO[bytes] | None = _open_spool(err_path, ckpt.errors_bytes, ckpt.records > 0) if job.errors else None
    serialize = writers.serializer(fmt)
    progress = Progress(ckpt.records, quiet=job.quiet, every=job.progress_every)
    inputs = Inputs(job)
    source = iter(inputs)
    for _ in zip(range(ckpt.records), source):  # records a previous run committed
        pass
    pool = executor(job.spec, job.jobs, job.dask)
    start, scored_now, sentences_now, peak_mb, shown = time.monotonic(), 0, 0, 0.0, 0
    progress.restart()
    header_due = fmt == "tsv" and job.read.header and ckpt.records == 0
    pending: deque = deque()
    try:
        while True:
            chunk = list(islice(source, job.chunk_size))
            if chunk:
                pending.append((chunk, inputs.fraction(), pool.submit([r.text for r, _ in chunk if r.error is None])))
            if not pending:
                break
            if chunk and len(pending) < 2 * pool.jobs:
                continue
            done, read_fraction, handle = pending.popleft()
            results, mb = handle.result()
            peak_mb = max(peak_mb, mb)
            lines, err_lines = [], []
            if header_due:
                lines.append(writers.tsv_header(getattr(inputs.first_reader, "header", None), optional))
                header_due = False
            it = iter(results)
            for rec, path in done:
                if rec.error is None:
                    result, n_sent = next(it)
                    stats.add(result["score"], result["flagged"], n_sent)
                    scored_now, sentences_now = scored_now + 1, sentences_now + n_sent
                    lines.append(serialize(rec, result))
                    continue
                stats.errors += 1
                err_lines.append(_error_line(path, rec))
                if shown < MAX_ERRORS_SHOWN and not job.quiet:
                    print(f"mtlint score: {path}:{rec.line}: {rec.error}", file=sys.stderr)
                    shown += 1
            out.write(b"".join(lines))
            if errs is not None:
                errs.write(b"".join(err_lines))
            ckpt.records += len(done)
            if to_stdout:
                out.flush()
            else:
                ckpt.output_bytes, ckpt.stats = out.tell(), asdict(stats)
                ckpt.errors_bytes = errs.tell() if errs is not None else 0
                checkpoint.commit([out, errs], ckpt, ckpt_path)
            progress.update(stats, read_fraction)
    except BaseException:
        pool.terminate()
        raise
    pool.close()
    progress.close()
    seconds = time.monotonic() - start
    # The checkpoint goes first: a run killed during the renames below then starts over on
    # --resume (same output), instead of finding a checkpoint whose spools are already renamed.
    if not to_stdout:
        ckpt_path.unlink(missing_ok=True)
    if errs is not None:
        _replace(errs, err_path, Path(job.errors), None, "jsonl", False, ())
    if not to_stdout:
        _replace(out, spool_path, Path(job.output), compression, fmt, job.read.id_field is not None, optional)
    result = summary(stats, seconds, scored_now, sentences_now, peak_mb, pool.jobs, job.spec.tier)
    if not job.quiet:
        print_summary(result)
    if job.summary:
        write_summary(job.summary, result)
    return result


def _error_line(path: str, rec: Record) -> bytes:
    return (json.dumps({"path": path, "line": rec.line, "id": rec.id, "reason": rec.error}, ensure_ascii=False) + "\n").encode("utf-8")


def _open_spool(path: Path, length: int, resuming: bool) -> IO[bytes]:
    """The spool, cut back to the committed ``length`` when resuming, else empty."""
    if resuming and path.exists():
        f = path.open("r+b")
        f.truncate(length)
        f.seek(length)
        return f
    if resuming:
        raise UsageError(f"{path}: the spool of the checkpointed run is missing; run without --resume")
    return path.open("w+b")


def _replace(spool: IO[bytes], spool_path: Path, target: Path, compression: str | None, fmt: str, string_ids: bool, optional: tuple[str, ...]) -> None:
    """Put the finished output in place of ``target`` in one rename."""
    spool.flush()
    os.fsync(spool.fileno())
    spool.close()
    if not writers.needs_conversion(fmt, compression):
        os.replace(spool_path, target)
        return
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            writers.finish(spool_path, f, fmt, compression, string_ids, optional)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    spool_path.unlink()
