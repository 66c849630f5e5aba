"""The detector behind the server: rules always, the learned model loaded once and batched.

Every method here is synchronous and runs on the server's request threads. The model's
sentence scoring is routed through one :class:`~detector.server.batcher.Batcher`, so
sentences of requests that arrive together are scored in one forward pass.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass

from detector import api, config, lint
from detector.api import Report
from detector.batch.scoring import Scorer, Spec
from detector.server.batcher import Batcher

Scored = tuple[object, object]  # (probabilities, token evidence) as Detector.probabilities returns


class Engine:
    """Loads the model of ``tier`` (a tier name or bundle folder; ``None``: rules only) once and answers check/fix calls."""

    def __init__(self, tier: str | None, on_batch: Callable[[int, int], None] | None = None, settings: config.Config | None = None) -> None:
        self.tier = tier
        self.config = settings or config.load(None)
        self._on_batch = on_batch
        self._lock = threading.Lock()
        self._detector: object | None = None
        self._batcher: Batcher | None = None
        self.load_seconds: float | None = None

    @property
    def has_model(self) -> bool:
        return self.tier is not None

    @property
    def loaded(self) -> bool:
        return self._detector is not None

    @property
    def queue_depth(self) -> tuple[int, int]:
        """(requests, sentences) waiting for the model worker."""
        return self._batcher.queue_depth if self._batcher else (0, 0)

    def detector(self) -> object:
        """The model with its scoring routed through the batcher; loads it on first call."""
        with self._lock:
            if self._detector is None:
                from detector import learned

                began = time.perf_counter()
                real = learned.load(self.tier)
                self.load_seconds = round(time.perf_counter() - began, 2)
                self._batcher = Batcher(real.probabilities, _split, on_batch=self._on_batch)
                batched = copy.copy(real)
                batched.probabilities = self._batched_probabilities(real)  # type: ignore[attr-defined]
                self._detector = batched
            return self._detector

    def _batched_probabilities(self, real: object) -> Callable[..., Scored]:
        def probabilities(texts: Sequence[str]) -> Scored:
            if not texts:
                return real.probabilities([])  # type: ignore[attr-defined]
            assert self._batcher is not None
            return self._batcher.submit(texts)

        return probabilities

    def values(self, select: list[str] | None, ignore: list[str] | None) -> dict[str, config.Setting]:
        """The server's configuration with the request's rule choice on top."""
        values = self.config.for_file(None)
        for key, value in (("select", select), ("ignore", ignore)):
            if value:
                values[key] = config.Setting(value, "request")
        return values

    def check(self, text: str, fmt: str, values: dict[str, config.Setting], use_model: bool) -> Report:
        """What ``mtlint check`` reports on ``text`` (prose of ``fmt``), with the shared model when ``use_model``."""
        detector = self.detector() if use_model and text.strip() else None
        return lint.check_source(text, values, fmt, detector)

    def fix(self, text: str, fmt: str, values: dict[str, config.Setting], unsafe: bool) -> tuple[str, Report]:
        """The fixed text and the report whose accepted findings were applied first.

        Safe fixes are exactly ``mtlint fix``'s (rules only); ``unsafe`` then applies the
        model's suggestions as ``mtlint fix --unsafe-fixes`` does (:func:`detector.api.fix`, with
        the shared model and the bundle's apply threshold).
        """
        report = self.check(text, fmt, values, use_model=unsafe)
        fixed = lint.fix_source(text, values, fmt)
        if unsafe:
            fixed = api.fix(fixed, lint.chosen_rules(values), unsafe=True, model=self.detector())
        return fixed, report

    def score(self, texts: Sequence[str], select: list[str] | None, ignore: list[str] | None, use_model: bool, extras: dict[str, bool]) -> list[dict]:
        """What ``mtlint score`` gives for each of ``texts`` (its fields, its numbers), with the shared model when ``use_model``.

        ``extras`` turns on the optional fields (``sentences``, ``findings``, ``fix``) as the
        command's options do. Like ``mtlint score``, it reads no configuration file.
        """
        tier = str(self.tier) if use_model and self.tier is not None else "rules"
        spec = Spec(tier, tuple(select or ()), tuple(ignore or ()), **extras)
        scorer = Scorer(spec, self.detector() if tier != "rules" else None)  # per request: its sentence cache is not shared
        return [result for result, _ in scorer.score_chunk(texts)]

    def close(self) -> None:
        """Stop the model worker after the batches already queued."""
        if self._batcher is not None:
            self._batcher.close()


def _split(result: Scored, start: int, end: int) -> Scored:
    """One caller's rows of a batch result: the probabilities and the per-sentence evidence.

    The evidence is a list (a row per sentence) or a dataclass of such columns.
    """
    probs, evidence = result
    if is_dataclass(evidence):
        evidence = type(evidence)(**{f.name: getattr(evidence, f.name)[start:end] for f in fields(evidence)})
    else:
        evidence = evidence[start:end]  # type: ignore[index]
    return probs[start:end], evidence  # type: ignore[index]
