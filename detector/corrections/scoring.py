"""Score candidate sentences against the original with a causal language model, cheaply.

A candidate shares its first tokens with the original, so its log-probability differs only from
the first edited token on. :class:`EditScorer` runs the original once (keeping the key/value cache,
the per-token log-probabilities and the model's top predictions at every position), then scores
the candidates in one padded batch per edit position, each starting where the candidates
leave the original (the cached prefix is not recomputed). With
``window=None`` the result is exactly ``logprob(candidate) - logprob(original)`` of the whole
sentence (right-hand context counts); a window scores only that many tokens after the edit.

The scorer runs torch on ``threads`` threads (1) and restores the process's setting after each
call: its batches are a few tokens wide, too small to split, and on busy cores extra threads
mostly wait for each other (the seed's two flagged sentences, cores oversubscribed: 31 s on 2
threads, 3.6 s on 1).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

TOP_K = 20  # predictions kept per position


@dataclass
class Analysis:
    """One forward pass over the original sentence."""

    sentence: str
    ids: list[int]  # prefix token + sentence tokens
    offsets: np.ndarray  # (T, 2) character span of each sentence token
    logprob: np.ndarray  # (T + 1,) log p(ids[i] | ids[:i]); entry 0 (the prefix) is 0
    rows: object  # (T + 1, V) torch log-probabilities of the next token after ids[:i + 1]
    cache: object  # the model's key/value cache for ids

    def predictions(self, char: int, k: int = TOP_K) -> tuple[str, ...]:
        """Words the model expected to start at character ``char`` (a token start), given the text before."""
        i = int(np.searchsorted(self.offsets[:, 0], char))
        if i >= len(self.offsets) or self.offsets[i, 0] != char:
            return ()
        return self._top[i][:k]

    def word_surprisal(self, start: int, end: int) -> float:
        """Surprisal (nats) of the tokens that overlap ``sentence[start:end]``."""
        inside = (self.offsets[:, 0] < end) & (self.offsets[:, 1] > start)
        return float(-self.logprob[1:][inside].sum())


class EditScorer:
    """Log-probability gains of candidate sentences over an original, with one model pass each.

    ``lm`` is the project's language model object (``detector.learned.smollm.LM``, or any object
    with ``model``, ``tokenizer``, ``prefix_id`` and ``encode``).
    """

    def __init__(self, lm: object, threads: int = 1) -> None:
        self.lm = lm
        self.threads = threads

    @contextmanager
    def _torch(self) -> Iterator[None]:
        """Inference mode on ``threads`` threads, the process's thread setting restored after."""
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        try:
            with torch.inference_mode():
                yield
        finally:
            torch.set_num_threads(before)

    def analyse(self, sentence: str) -> Analysis:
        import torch

        ids_s, offsets = self.lm.encode(sentence)
        ids = [self.lm.prefix_id, *ids_s]
        with self._torch():
            out = self.lm.model(torch.tensor([ids]), use_cache=True)
            rows = torch.log_softmax(out.logits[0].float(), dim=-1)
        logprob = np.zeros(len(ids))
        logprob[1:] = rows[:-1].gather(1, torch.tensor(ids[1:]).unsqueeze(1)).squeeze(1).numpy()
        a = Analysis(sentence, ids, offsets, logprob, rows, out.cache)
        top = torch.topk(rows[:-1], TOP_K, dim=-1).indices.tolist() if len(ids) > 1 else []
        decode = self.lm.tokenizer.convert_ids_to_tokens
        a._top = [tuple(_word(t) for t in decode(r) if _word(t)) for r in top]  # type: ignore[attr-defined]
        return a

    def gains(self, a: Analysis, candidates: Sequence[str], window: int | None = None) -> np.ndarray:
        """``logprob(candidate) - logprob(original)`` for each candidate (up to ``window`` tokens after the edit)."""
        if not candidates:
            return np.zeros(0)
        enc = [[self.lm.prefix_id, *self.lm.encode(c)[0]] for c in candidates]
        n_o = len(a.ids)
        spans = []
        for ids in enc:
            p = _common_prefix(a.ids, ids)
            s = _common_prefix(a.ids[::-1], ids[::-1])
            s = min(s, len(ids) - p, n_o - p)
            end_c, end_o = len(ids), n_o
            if window is not None:
                end_c, end_o = min(end_c, end_c - s + window), min(end_o, end_o - s + window)
            spans.append((p, end_c, end_o))
        out = np.zeros(len(enc))
        groups: dict[int, list[int]] = {}
        for r, (p, _, _) in enumerate(spans):
            groups.setdefault(max(1, p), []).append(r)
        for p0, rows_ in groups.items():  # one batch per edit position: no row pays for another's prefix
            out[rows_] = self._batch(a, [enc[r] for r in rows_], [spans[r] for r in rows_], p0)
        return out

    def _batch(self, a: Analysis, enc: list[list[int]], spans: list[tuple[int, int, int]], p0: int) -> np.ndarray:
        """Gains of candidates that all share the original's first ``p0`` tokens, in one forward pass."""
        import torch
        from transformers import DynamicCache

        width = max(1, max(end_c for _, end_c, _ in spans) - p0)
        batch = torch.zeros((len(enc), width), dtype=torch.long)
        mask = torch.zeros((len(enc), p0 + width), dtype=torch.long)
        mask[:, :p0] = 1
        for r, (ids, (_, end_c, _)) in enumerate(zip(enc, spans)):
            batch[r, : end_c - p0] = torch.tensor(ids[p0:end_c])
            mask[r, p0:end_c] = 1
        cache = DynamicCache()
        for layer, (k, v) in enumerate(_layers(a.cache)):
            cache.update(k[:, :, :p0].expand(len(enc), -1, -1, -1).contiguous(), v[:, :, :p0].expand(len(enc), -1, -1, -1).contiguous(), layer)
        with self._torch():
            logits = self.lm.model(batch, attention_mask=mask, cache=cache).logits.float()
            rows = torch.log_softmax(logits, dim=-1)
        out = np.zeros(len(enc))
        first = a.rows[p0 - 1]
        for r, (ids, (_, end_c, end_o)) in enumerate(zip(enc, spans)):
            lp = [float(first[ids[p0]])] if end_c > p0 else []
            lp += [float(rows[r, i - p0 - 1, ids[i]]) for i in range(p0 + 1, end_c)]
            out[r] = sum(lp) - float(a.logprob[p0:end_o].sum())
        return out

    def prior(self, a: Analysis, candidates: Sequence[str]) -> np.ndarray:
        """Free evidence from the original's pass: log p(first changed token) minus that of the original token."""
        out = np.zeros(len(candidates))
        for r, c in enumerate(candidates):
            ids = [self.lm.prefix_id, *self.lm.encode(c)[0]]
            p = _common_prefix(a.ids, ids)
            new = float(a.rows[p - 1][ids[p]]) if p < len(ids) else 0.0
            out[r] = new - (float(a.logprob[p]) if p < len(a.ids) else 0.0)
        return out

    def token_counts(self, candidates: Sequence[str]) -> np.ndarray:
        return np.array([len(self.lm.encode(c)[0]) for c in candidates])


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _layers(cache: object) -> list[tuple[object, object]]:
    """(keys, values) per layer of a transformers cache."""
    if hasattr(cache, "layers"):
        return [(layer.keys, layer.values) for layer in cache.layers]
    return [(k, v) for k, v in cache]


def _word(token: str) -> str:
    """The word a byte-level BPE token starts (``Ġcountries`` -> ``countries``), or '' if none."""
    return token[1:] if token.startswith("Ġ") and token[1:].isalpha() else ""
