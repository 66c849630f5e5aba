"""Executors that run the chunk function: in this process, a pool of worker processes, or Dask.

Each has ``submit(texts) -> handle`` (``handle.result()`` gives the chunk's results and the
worker's peak memory) and ``close()``. Workers load the model once, at start (pool) or on
their first chunk (Dask), and keep it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.pool
import multiprocessing.synchronize
import os
import threading
from collections.abc import Sequence
from functools import cache

from detector.batch.scoring import Spec, peak_memory_mb, score_chunk, scorer

ChunkResult = tuple[list[tuple[dict, int]], float]


class WorkerError(Exception):
    """A worker process failed before scoring anything."""


def run_chunk(texts: Sequence[str], spec: Spec) -> ChunkResult:
    """Score one chunk; also report this worker's peak memory so far."""
    results = score_chunk(texts, spec)
    _release_memory()
    return results, peak_memory_mb()


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def _release_memory() -> None:
    """Give freed heap back to the system after a chunk (glibc), so a long run's memory stays flat."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


class _Done:
    def __init__(self, value: ChunkResult) -> None:
        self.value = value

    def result(self) -> ChunkResult:
        return self.value


class InProcess:
    """``--jobs 1``: score in this process (no pickling)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        scorer(spec)
        self.jobs = 1

    def submit(self, texts: list[str]) -> _Done:
        return _Done(run_chunk(texts, self.spec))

    def close(self) -> None:
        pass

    terminate = close


_WORKER_SPEC: Spec | None = None


def _init_worker(spec: Spec, threads: int, ready: multiprocessing.synchronize.Barrier) -> None:
    global _WORKER_SPEC
    _WORKER_SPEC = spec
    if spec.tier != "rules":
        import torch

        torch.set_num_threads(threads)  # N workers share the cores instead of each taking all
    try:
        scorer(spec)  # load the model once, before the first chunk
    except BaseException:
        ready.abort()  # the parent stops waiting and reports the failure
        raise
    ready.wait()


def _worker_chunk(texts: list[str]) -> ChunkResult:
    assert _WORKER_SPEC is not None
    return run_chunk(texts, _WORKER_SPEC)


class _Pending:
    def __init__(self, async_result: multiprocessing.pool.AsyncResult) -> None:
        self.async_result = async_result

    def result(self) -> ChunkResult:
        return self.async_result.get()


class Processes:
    """``--jobs N``: N worker processes, each with its own copy of the model."""

    def __init__(self, spec: Spec, jobs: int) -> None:
        self.jobs = jobs
        threads = max(1, default_jobs() // jobs)
        ctx = multiprocessing.get_context("fork")
        ready = ctx.Barrier(jobs + 1)
        self.pool = ctx.Pool(jobs, initializer=_init_worker, initargs=(spec, threads, ready))
        try:
            ready.wait()  # every worker has its model: timing starts after loading
        except threading.BrokenBarrierError:
            self.pool.terminate()
            raise WorkerError("a worker could not load the model (run with --jobs 1 to see why)") from None

    def submit(self, texts: list[str]) -> _Pending:
        return _Pending(self.pool.apply_async(_worker_chunk, (texts,)))

    def close(self) -> None:
        self.pool.close()
        self.pool.join()

    def terminate(self) -> None:
        self.pool.terminate()


class Dask:
    """``--dask ADDRESS``: chunks go to a Dask cluster's workers."""

    def __init__(self, spec: Spec, address: str) -> None:
        from distributed import Client

        self.spec = spec
        self.client = Client(address)
        self.jobs = max(1, sum(self.client.nthreads().values()))

    def submit(self, texts: list[str]):
        return self.client.submit(run_chunk, texts, self.spec, pure=False)

    def close(self) -> None:
        self.client.close()

    terminate = close


def default_jobs() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def executor(spec: Spec, jobs: int, dask_address: str | None = None) -> InProcess | Processes | Dask:
    """The executor for the options given."""
    if dask_address:
        return Dask(spec, dask_address)
    return InProcess(spec) if jobs <= 1 else Processes(spec, jobs)
