"""The search: candidate edits on the flagged spans, meaning guards, language-model rescoring.

For one sentence: the language model reads the original once (its predictions at each flagged
word feed the generators), every generator proposes edits, the meaning guards drop those that
change a name, a number or a negation or edit too much, the cheapest evidence (the model's
probability of the first changed token) keeps the ``max_candidates`` likeliest, and those are
scored in one batch by the whole-sentence log-probability. An edit is suggested only when it
beats the original by ``margin`` nats (after a per-token length bonus that stops deletions from
winning merely because a shorter sentence has fewer tokens to pay for).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detector.corrections.candidates import Target, candidates, nouns_after_numbers
from detector.corrections.edits import Edit, words, zipf
from detector.corrections.guards import is_name, is_number, violation
from detector.corrections.scoring import EditScorer


TARGETED = frozenset({"delete_span", "delete_phrase", "counter", "collocation", "boilerplate", "mojibake"})
# Edits that change none of the sentence's own words, so the meaning guards (which compare words)
# do not apply: deleting a line of page furniture, re-decoding mis-decoded characters.
UNGUARDED = frozenset({"boilerplate", "mojibake"})


@dataclass(frozen=True)
class SearchConfig:
    """Knobs of the search. ``margin``, ``token_bonus`` and ``unigram_weight`` were chosen by
    ``scripts/evaluate_corrections.py calibrate`` on 149 garbled sentences of the synthetic *dev*
    split with gold spans: the most exact restorations among settings that make <= 5% worse."""

    margin: float = 8.0  # nats a suggestion must gain over the original
    token_bonus: float = 1.0  # nats credited per token a candidate has beyond the original
    unigram_weight: float = 0.25  # share of the unigram log-probability change taken off (SLOR-style)
    max_candidates: int = 8  # candidates scored by the full model per sentence (16 before: twice the cost
    # for one more original kept among 35 hand-written sentences whose original was generated)
    window: int | None = 8  # tokens scored after the last changed token (None: whole sentence)
    max_span_words: int = 4  # wider flagged spans are narrowed to their most surprising words ...
    focus_words: int = 3  # ... this many
    per_kind: int = 4  # ... at most this many from one generator
    hedge_bonus: float = 4.0  # nats credited to deleting a hedge of the noise model's table ("…, it seems."):
    # the smallest value at the plateau of a 0/2/4/6/8 sweep on the dev records (+1 exact of 160, none worse)
    max_suggestions: int = 3
    scale: float = 2.0  # confidence = sigmoid((gain - margin) / scale + 1)


@dataclass(frozen=True)
class Suggestion:
    """Replace ``sentence[start:end]`` by ``replacement``, giving ``text``; ``gain`` in nats."""

    start: int
    end: int
    replacement: str
    text: str
    gain: float
    confidence: float
    kind: str


@dataclass(frozen=True)
class Scored:
    """A guarded candidate with its raw log-probability gain and token-count change."""

    edit: Edit
    text: str
    gain: float
    tokens: int
    unigram: float  # unigram surprisal of the new words minus that of the words they replace (nats)


def scored_candidates(
    sentence: str,
    spans: Sequence[tuple[int, int]],
    scorer: EditScorer,
    *,
    context: Sequence[str] = (),
    config: SearchConfig = SearchConfig(),
) -> tuple[object, list[Scored]]:
    """The original's analysis and the guarded, pruned candidates scored by the model."""
    if not spans or not words(sentence):
        return None, []
    analysis = scorer.analyse(sentence)
    edits = [e for e in generate(sentence, spans, analysis, context, config) if allowed(sentence, e)]
    if not edits:
        return analysis, []
    edits = pruned(edits, sentence, scorer, analysis, config)
    texts = [e.apply(sentence) for e in edits]
    gains = scorer.gains(analysis, texts, config.window)
    lengths = scorer.token_counts(texts) - (len(analysis.ids) - 1)  # type: ignore[attr-defined]
    return analysis, [Scored(e, t, float(g), int(n), unigram_change(sentence, e)) for e, t, g, n in zip(edits, texts, gains, lengths)]


def allowed(sentence: str, edit: Edit) -> bool:
    """Whether the meaning guards let ``edit`` be suggested (:data:`UNGUARDED` kinds always)."""
    return edit.kind in UNGUARDED or violation(sentence, edit.apply(sentence)) is None


def generate(sentence: str, spans: Sequence[tuple[int, int]], analysis: object, context: Sequence[str], config: SearchConfig) -> list[Edit]:
    """Every generator's candidate edits on the (narrowed) flagged spans, before the guards."""
    target = Target(
        sentence,
        focus_spans(sentence, spans, analysis, config),
        {i: analysis.predictions(w.start) for i, w in enumerate(words(sentence))},  # type: ignore[attr-defined]
        nouns_after_numbers(context),
        tuple(spans),
    )
    return candidates(target)


def pruned(edits: Sequence[Edit], sentence: str, scorer: EditScorer, analysis: object, config: SearchConfig) -> list[Edit]:
    """The ``max_candidates`` edits the full model will score (:func:`_prune`, by the free prior)."""
    keep = _prune(edits, scorer.prior(analysis, [e.apply(sentence) for e in edits]), config)
    return [edits[i] for i in keep]


def focus_spans(
    sentence: str, spans: Sequence[tuple[int, int]], analysis: object, config: SearchConfig
) -> tuple[tuple[int, int], ...]:
    """The flagged spans, each wide one (a whole flagged sentence) narrowed to its most surprising words.

    A word's surprise is the model's surprisal of its tokens minus the word's unigram surprisal
    (wordfreq), so a rare but fitting word does not count; names, numbers and the first word (which
    the model reads without context) are never chosen.
    """
    ws = words(sentence)
    out: list[tuple[int, int]] = []
    for s, e in spans:
        inner = [i for i, w in enumerate(ws) if s <= w.start and w.end <= e]
        if len(inner) <= config.max_span_words:
            out.append((s, e))
            continue
        surprise = {i: analysis.word_surprisal(ws[i].start, ws[i].end) - unigram_surprisal(ws[i].text) for i in inner if i and not is_name(ws, i) and not is_number(ws[i].text)}  # type: ignore[attr-defined]
        out += [(ws[i].start, ws[i].end) for i in sorted(surprise, key=lambda i: -surprise[i])[: config.focus_words]]
    return tuple(sorted(out))


def score(c: Scored, config: SearchConfig) -> float:
    """What a candidate gains over the original: language-model log-probability, with a length bonus
    and minus the unigram log-probability share (as in SLOR), so neither dropping words nor
    swapping in a more frequent word wins by itself; deleting a listed hedge gets ``hedge_bonus``
    (the table is evidence the LM lacks: "it seems" is fluent English). An :data:`UNGUARDED` edit (page furniture,
    mis-decoded characters) removes no words of the sentence's own: its score is the plain gain."""
    if c.edit.kind in UNGUARDED:
        return c.gain
    hedge = config.hedge_bonus if c.edit.kind == "delete_phrase" else 0.0
    return c.gain + config.token_bonus * c.tokens + config.unigram_weight * c.unigram + hedge


def unigram_change(sentence: str, edit: Edit) -> float:
    """Unigram surprisal of the words ``edit`` writes minus that of the words it removes."""
    new = sum(unigram_surprisal(w.text) for w in words(edit.new))
    return new - sum(unigram_surprisal(w.text) for w in words(sentence[edit.start : edit.end]))


def unigram_surprisal(word: str) -> float:
    """-ln p(word) in running English text, from its Zipf frequency (9 - zipf = -log10 p)."""
    return (9 - zipf(word)) * math.log(10)


def _prune(edits: Sequence[Edit], prior: np.ndarray, config: SearchConfig) -> list[int]:
    """The ``max_candidates`` best candidates by prior, taken in rounds over (generator, position)
    (at most ``per_kind`` each), so that no generator and no flagged word crowds out the others;
    the few edits of the table-driven generators (:data:`TARGETED`) always go first."""
    queues: dict[tuple[str, int], list[int]] = {}
    keep: list[int] = []
    for i in np.argsort(-prior, kind="stable"):
        if edits[i].kind in TARGETED:
            keep.append(int(i))
        else:
            queues.setdefault((edits[i].kind, edits[i].start), []).append(int(i))
    for turn in range(config.per_kind):
        keep += sorted((q[turn] for q in queues.values() if turn < len(q)), key=lambda i: -prior[i])
    return keep[: config.max_candidates]


def rank(scored: Sequence[Scored], config: SearchConfig) -> list[tuple[Edit, str, float]]:
    """Candidates that beat the original by the margin, best first, as (edit, text, score)."""
    best = [(c.edit, c.text, score(c, config)) for c in scored]
    return sorted((b for b in best if b[2] > config.margin), key=lambda b: -b[2])


def suggest(
    sentence: str,
    spans: Sequence[tuple[int, int]],
    scorer: EditScorer,
    *,
    context: Sequence[str] = (),
    config: SearchConfig = SearchConfig(),
) -> list[Suggestion]:
    """Ranked suggestions (best first; empty when nothing beats the original by the margin).

    ``spans`` are character offsets into ``sentence``; ``context`` are the document's other
    sentences (nouns counted there are candidates for a wrong counter noun).
    """
    analysis, scored = scored_candidates(sentence, spans, scorer, context=context, config=config)
    best = rank(scored, config)
    best = _combine(sentence, best, scorer, analysis, config) + best
    out: list[Suggestion] = []
    for edit, text, value in best:
        if text not in {s.text for s in out}:
            out.append(Suggestion(edit.start, edit.end, edit.new, text, round(value, 3), confidence(value, config), edit.kind))
    return out[: config.max_suggestions]


def confidence(score: float, config: SearchConfig) -> float:
    """A 0-1 confidence for a suggestion's score (0.73 at the margin)."""
    return round(1 / (1 + math.exp(-((score - config.margin) / config.scale + 1))), 3)


def _combine(
    sentence: str, best: list[tuple[Edit, str, float]], scorer: EditScorer, analysis: object, config: SearchConfig
) -> list[tuple[Edit, str, float]]:
    """The two best winning edits that do not touch, applied together, if that beats each alone."""
    first = best[0][0] if best else None
    other = next((e for e, _, _ in best[1:] if first and (e.end < first.start or first.end < e.start)), None)
    if first is None or other is None:
        return []
    a, b = sorted((first, other), key=lambda e: e.start)
    joint = Edit(a.start, b.end, a.new + sentence[a.end : b.start] + b.new, f"{a.kind}+{b.kind}")
    text = joint.apply(sentence)
    kept = [e.new if e.kind in UNGUARDED else sentence[e.start : e.end] for e in (a, b)]  # the guards judge the rest
    if violation(Edit(a.start, b.end, kept[0] + sentence[a.end : b.start] + kept[1], "").apply(sentence), text) is not None:
        return []
    gain = float(scorer.gains(analysis, [text], config.window)[0])
    tokens = int(scorer.token_counts([text])[0]) - (len(analysis.ids) - 1)  # type: ignore[attr-defined]
    joint_score = score(Scored(joint, text, gain, tokens, unigram_change(sentence, a) + unigram_change(sentence, b)), config)
    return [(joint, text, joint_score)] if joint_score > best[0][2] + config.margin else []
