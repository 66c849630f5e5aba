"""The document score, and the chunk function that every executor (local pool, Dask) runs.

Definition (the one place it lives): a sentence's score is the largest of the learned
detector's probability for it (model tiers; only the sentences MT201 may report on, see
:func:`detector.learned.reportable.reportable`, get one) and the
confidence of every finding that overlaps it; a document's score is the largest sentence
score (0.0 for a text without sentences). ``flagged`` means the document has a finding: a
rule fired, or a sentence reached the model's threshold. :func:`check_score` computes it on
one text through the plain, unbatched :func:`detector.api.check`; :func:`score_chunk` computes
the same number for a chunk of texts, with the model's sentences batched across records.
"""

from __future__ import annotations

import resource
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from detector import learned
from detector.api import Report, check, fix
from detector.document import Document
from detector.findings import Finding, Rule
from detector.formats import finding_dict
from detector.learned.detector import Detector
from detector.learned.reportable import reportable
from detector.rules import select

if TYPE_CHECKING:
    from detector.document import Sentence

TIERS = tuple(learned.TIERS)  # full, fast, rules
SCORE_DIGITS = 6
BATCH = 32  # sentences per call of the model, at most (64 peaked ~70 MB higher in a 1,024-record test)
BATCH_CHARS = BATCH * 150  # and at most this many characters: long sentences go in smaller batches (memory)


@dataclass(frozen=True)
class Spec:
    """What to compute for each record: the tier, the rules, and the optional output parts."""

    tier: str = "rules"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    sentences: bool = False
    findings: bool = False
    fix: bool = False

    def rules(self) -> list[Rule]:
        return select(list(self.select) or None, list(self.ignore) or None)


def sentence_scores(report: Report, probabilities: dict[int, float]) -> list[float]:
    """Each sentence's score: max(model probability, confidence of overlapping findings).

    ``probabilities`` maps a sentence's start offset to the model's probability (empty on the
    rules tier).
    """
    sentences = report.document.sentences
    scores = [probabilities.get(s.start, 0.0) for s in sentences]
    for i, s in enumerate(sentences):
        for f in report.findings:
            if f.start < s.end and s.start < max(f.end, f.start + 1):
                scores[i] = max(scores[i], f.confidence)
    return scores


def document_score(sentence_scores: Sequence[float]) -> float:
    """The document's score: its most damaged sentence's score."""
    return round(max(sentence_scores, default=0.0), SCORE_DIGITS)


class _Cached(Detector):
    """A loaded detector answering ``probabilities`` from a cache filled in one batch per chunk.

    ``check`` runs the MT201 rule unchanged on it, so the findings are the ones :func:`check`
    emits; the probabilities it asked for last are kept in ``last`` for :func:`sentence_scores`.
    """

    def __init__(self, base: Detector) -> None:
        super().__init__(base.sources, base.combiner, base.threshold, base.token_threshold, base.recipe, base.info)
        self.base = base
        self.cache: dict[str, tuple[float, list]] = {}
        self.last: list[float] = []

    def fill(self, texts: Sequence[str]) -> None:
        """Score the sentences not yet cached, all in one batched call."""
        for group in batches(list(dict.fromkeys(t for t in texts if t not in self.cache)), lambda t: t):
            probs, evidence = self.base.probabilities(group)
            self.cache.update({t: (float(p), ev) for t, p, ev in zip(group, probs, evidence)})

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, list]:
        self.fill(texts)
        self.last = [self.cache[t][0] for t in texts]
        return np.array(self.last), [self.cache[t][1] for t in texts]


def batches(items: list, text: Callable[[object], str]) -> list[list]:
    """``items`` by text length, cut into groups of at most ``BATCH`` items and ``BATCH_CHARS`` characters."""
    groups: list[list] = []
    chars = 0
    for item in sorted(items, key=lambda i: len(text(i))):
        n = len(text(item))
        if not groups or len(groups[-1]) == BATCH or chars + n > BATCH_CHARS:
            groups.append([])
            chars = 0
        groups[-1].append(item)
        chars += n
    return groups


class _Given:
    """The mechanical rules, answering for ``text`` with the findings already computed on it.

    ``check`` also runs the mechanical rules on the text its fixes produce (chained findings);
    those texts are checked by the rules themselves.
    """

    needs_model = False

    def __init__(self, text: str, findings: list[Finding], rules: Sequence[Rule]) -> None:
        self.text, self.findings, self.rules = text, findings, rules

    def check(self, doc: Document) -> list[Finding]:
        if doc.text == self.text:
            return self.findings
        return [f for rule in self.rules for f in rule.check(doc)]


class Scorer:
    """One tier, loaded once per process; scores single texts or whole chunks.

    ``model``, if given, is the loaded detector of ``spec.tier`` (then also a bundle folder):
    ``mtlint serve`` passes its shared one, whose scoring it batches across requests.
    """

    def __init__(self, spec: Spec, model: Detector | None = None) -> None:
        if spec.tier not in TIERS and model is None:
            raise ValueError(f"unknown tier {spec.tier!r} (choose from {', '.join(TIERS)})")
        self.spec = spec
        self.rules = spec.rules()
        self.mechanical = [r for r in self.rules if not r.needs_model]
        self.learned = [r for r in self.rules if r.needs_model] if spec.tier != "rules" else []
        self.model = _Cached(model or learned.load(spec.tier)) if self.learned else None

    def mechanical_findings(self, doc: Document) -> list[Finding]:
        """The selected mechanical rules' own findings on ``doc`` (before ``check`` settles fixes)."""
        return [f for rule in self.mechanical for f in rule.check(doc)]

    def score_one(self, text: str, raw: list[Finding] | None = None, scored: list[Sentence] | None = None) -> tuple[dict, int]:
        """The output fields for one text, and its number of sentences.

        ``raw`` (the mechanical findings on ``text``) and ``scored`` (the sentences the model
        scores) are passed by :meth:`score_chunk`, which has computed them already.
        """
        if self.model is None:
            report, probs = check(text, self.mechanical), {}
        else:
            raw = self.mechanical_findings(Document(text)) if raw is None else raw
            self.model.last = []
            report = check(text, [_Given(text, raw, self.mechanical), *self.learned], model=self.model)
            scored = reportable(report.document) if scored is None else scored
            probs = dict(zip((s.start for s in scored), self.model.last))
        scores = sentence_scores(report, probs)
        result: dict = {
            "score": document_score(scores),
            "flagged": bool(report.findings),
            "counts": dict(sorted(Counter(f.category for f in report.findings).items())),
        }
        if self.spec.sentences:
            result["sentences"] = [
                {"start": s.start, "end": s.end, "score": round(p, SCORE_DIGITS)} for s, p in zip(report.document.sentences, scores)
            ]
        if self.spec.findings:
            result["findings"] = [finding_dict(report, f) for f in report.findings]
        if self.spec.fix:
            result["fixed"] = fix(text, self.rules)
        return result, len(report.document.sentences)

    def score_chunk(self, texts: Sequence[str]) -> list[tuple[dict, int]]:
        """Score a chunk: identical texts once, the model's sentences in one batch across records."""
        unique = list(dict.fromkeys(texts))
        if self.model is None:
            done = {t: self.score_one(t) for t in unique}
        else:
            self.model.cache.clear()
            docs = {t: Document(t) for t in unique}
            scored = {t: reportable(d) if d.sentences else [] for t, d in docs.items()}
            self.model.fill([s.text for sents in scored.values() for s in sents])
            done = {t: self.score_one(t, self.mechanical_findings(docs[t]), scored[t]) for t in unique}
        return [done[t] for t in texts]


@cache
def scorer(spec: Spec) -> Scorer:
    """The process's scorer for ``spec`` (the model is loaded on the first call only)."""
    return Scorer(spec)


def score_chunk(texts: Sequence[str], spec: Spec) -> list[tuple[dict, int]]:
    """The chunk function run by every executor: results in input order."""
    return scorer(spec).score_chunk(texts)


def check_score(text: str, spec: Spec = Spec()) -> float:
    """The score of one text through the plain, unbatched :func:`detector.api.check`."""
    rules = spec.rules()
    model = _Cached(learned.load(spec.tier)) if spec.tier != "rules" and any(r.needs_model for r in rules) else None
    report = check(text, rules, model=model or False)
    probs = dict(zip((s.start for s in reportable(report.document)), model.last)) if model and report.document.sentences else {}
    return document_score(sentence_scores(report, probs))


def peak_memory_mb() -> float:
    """This process's peak resident memory in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
