"""One worker thread that runs a batch function on items gathered from concurrent callers.

Callers in many threads :meth:`Batcher.submit` a list of items and block until their share
of the result is ready. The worker takes every job waiting in the queue (up to
``max_items``), runs the batch function once on all their items, and hands each caller its
slice. Nothing waits for more work to arrive: while one batch runs, new jobs queue up and
form the next batch, so a lone client pays no extra latency and a busy server batches more.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Job(Generic[T, R]):
    items: Sequence[T]
    future: Future[R] = field(default_factory=Future)


class Batcher(Generic[T, R]):
    """Run ``run(items) -> R`` on one thread; ``split(result, start, end)`` gives a caller's share."""

    def __init__(
        self,
        run: Callable[[list[T]], R],
        split: Callable[[R, int, int], R],
        max_items: int = 256,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> None:
        self._run, self._split, self.max_items = run, split, max_items
        self._on_batch = on_batch or (lambda jobs, items: None)
        self._queue: queue.Queue[_Job[T, R] | None] = queue.Queue()
        self._pending_items = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="mtlint-model", daemon=True)
        self._thread.start()

    @property
    def queue_depth(self) -> tuple[int, int]:
        """(jobs, items) waiting for the worker, not counting the batch being run."""
        with self._lock:
            return self._queue.qsize(), self._pending_items

    def submit(self, items: Sequence[T]) -> R:
        """Block until the worker has run ``items`` (with whatever else was waiting); their result."""
        job: _Job[T, R] = _Job(list(items))
        with self._lock:
            self._pending_items += len(job.items)
        self._queue.put(job)
        return job.future.result()

    def close(self) -> None:
        """Finish the jobs already queued, then stop the worker thread."""
        self._queue.put(None)
        self._thread.join()

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            jobs, stop = [job], False
            count = len(job.items)
            while count < self.max_items:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                jobs.append(nxt)
                count += len(nxt.items)
            self._run_batch(jobs)
            if stop:
                return

    def _run_batch(self, jobs: list[_Job[T, R]]) -> None:
        items = [item for job in jobs for item in job.items]
        with self._lock:
            self._pending_items -= len(items)
        self._on_batch(len(jobs), len(items))
        try:
            result = self._run(items)
        except BaseException as e:  # every caller sees the failure; the worker goes on
            for job in jobs:
                job.future.set_exception(e)
            return
        start = 0
        for job in jobs:
            end = start + len(job.items)
            job.future.set_result(self._split(result, start, end))
            start = end
