"""The SmolLM2 feature source: per-token language-model evidence, a token head and a sentence head.

The base model is frozen (:mod:`detector.learned.smollm`); this source trains and ships only
its heads (``lm_heads.safetensors`` + ``lm_source.json``, well under a megabyte).

Per token (:func:`token_features`, the one function used in training and in use):
surprisal, entropy, log rank of the actual token, surprisal minus the word's unigram surprisal
(from wordfreq's Zipf frequency: what the context adds beyond the word being rare), the surprisal
of the next two tokens (a causal model notices a bad word a token late), whether the token starts
a word, and the hidden states after ``layer`` decoder layers. With ``logits`` off only the hidden
states are used, and the model runs its first ``layer`` layers only (no vocabulary projection).

The heads: a linear projection of the hidden states, concatenated with the scalar features, feeds
a bidirectional GRU (so each token sees its right-hand context); a linear token head says which
tokens are wrong, and a sentence head reads max- and mean-pooled GRU states. Columns:
``lm_logit`` (sentence head), ``lm_token_max`` (highest token probability), and zero-shot
statistics (0 when ``logits`` is off): ``lm_mean_surprisal``, ``lm_max_surprisal``,
``lm_sum_surprisal`` and ``lm_excess_surprisal`` (summed surprisal above the predictive entropy).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from detector.document import WORD_RE
from detector.learned.smollm import LM, LMUnavailable, TokenEvidence, gguf_path
from detector.learned.sources import Evidence
from detector.resources import zipf as word_zipf

N_SCALARS = 8
LN10 = math.log(10)


@dataclass(frozen=True)
class HeadConfig:
    """What decides the heads' shape and the evidence they read."""

    layer: int = 16
    logits: bool = True
    hidden_size: int = 576
    proj: int = 64
    gru: int = 64


def _word_zipf(text: str, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Zipf frequency of the word each token belongs to, and whether the token starts a word."""
    words = [(m.start(), m.end(), word_zipf(m.group())) for m in WORD_RE.finditer(text)]
    zipf = np.zeros(len(offsets), dtype=np.float32)
    starts = np.zeros(len(offsets), dtype=np.float32)
    w = 0
    for k, (s, e) in enumerate(offsets):
        while w < len(words) and words[w][1] <= s:
            w += 1
        if w < len(words) and words[w][0] < max(e, s + 1) and s < words[w][1]:
            zipf[k] = words[w][2]
            starts[k] = float(s <= words[w][0])
    return zipf, starts


def token_features(ev: TokenEvidence, config: HeadConfig) -> tuple[np.ndarray, np.ndarray]:
    """(scalars (T, N_SCALARS), hidden (T, H)) for one sentence's evidence, as float32."""
    n = len(ev.ids)
    zipf, starts = _word_zipf(ev.text, ev.offsets)
    if config.logits:
        s = np.nan_to_num(ev.surprisal.astype(np.float32))
        unigram = np.where(zipf > 0, (9 - zipf) * LN10, 9 * LN10)
        lm_cols = [s, np.nan_to_num(ev.entropy), np.log1p(np.nan_to_num(ev.rank)), s - unigram, np.r_[s[1:], 0.0], np.r_[s[2:], 0.0, 0.0][:n]]
    else:
        lm_cols = [np.zeros(n)] * 6
    scalars = np.stack([c / 10 for c in lm_cols] + [starts, zipf / 8], axis=1).reshape(n, N_SCALARS)
    return scalars.astype(np.float32), ev.hidden[config.layer].astype(np.float32)


def sentence_stats(ev: TokenEvidence, config: HeadConfig) -> tuple[float, float, float, float]:
    """Mean, max and summed surprisal, and the summed excess of surprisal over entropy (0s without logits)."""
    if not config.logits or not len(ev.ids):
        return 0.0, 0.0, 0.0, 0.0
    s = ev.surprisal.astype(np.float64)
    return float(s.mean()), float(s.max()), float(s.sum()), float(np.maximum(s - ev.entropy, 0).sum())


def build_heads(config: HeadConfig) -> nn.Module:
    """The torch module of the heads."""
    class Heads(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.norm = nn.LayerNorm(config.hidden_size)
            self.proj = nn.Linear(config.hidden_size, config.proj)
            self.gru = nn.GRU(config.proj + N_SCALARS, config.gru, batch_first=True, bidirectional=True)
            self.token = nn.Linear(2 * config.gru, 1)
            self.sentence = nn.Linear(4 * config.gru + 1, 1)

        def forward(self, scalars: torch.Tensor, hidden: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            x = torch.cat([torch.tanh(self.proj(self.norm(hidden))), scalars], dim=-1)
            lengths = mask.sum(1).clamp(min=1)
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, _ = self.gru(packed)
            out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
            tok = self.token(out).squeeze(-1)
            m = mask.unsqueeze(-1).float()
            mean = (out * m).sum(1) / lengths.unsqueeze(-1)
            mx = out.masked_fill(m == 0, -1e4).amax(1)
            top = tok.masked_fill(mask == 0, -1e4).amax(1, keepdim=True)
            return self.sentence(torch.cat([mean, mx, top], dim=-1)).squeeze(-1), tok

    return Heads()


def collate(features: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad a batch of (scalars, hidden) to tensors (B, T, ·) and a (B, T) mask."""
    width = max(1, max(len(s) for s, _ in features))
    b, h = len(features), features[0][1].shape[1]
    scalars = torch.zeros(b, width, N_SCALARS)
    hidden = torch.zeros(b, width, h)
    mask = torch.zeros(b, width, dtype=torch.long)
    for i, (s, hd) in enumerate(features):
        n = len(s)
        scalars[i, :n] = torch.from_numpy(s)
        hidden[i, :n] = torch.from_numpy(hd)
        mask[i, :n] = 1
    return scalars, hidden, mask


class LMSource:
    """The frozen SmolLM2 plus trained heads as a feature source (:class:`detector.learned.sources.FeatureSource`).

    ``lm`` may be any object with ``token_evidence`` (training passes a cache of evidence); by default
    the installed SmolLM2 is loaded on first use.
    """

    name = "lm"
    columns = ("lm_logit", "lm_token_max", "lm_mean_surprisal", "lm_max_surprisal", "lm_sum_surprisal", "lm_excess_surprisal")

    def __init__(self, config: HeadConfig, heads: object, lm: LM | None = None) -> None:
        self.config = config
        self.heads = heads
        self._lm = lm

    @property
    def lm(self) -> LM:
        """The base model, loaded on first use; without logits only its first ``layer`` layers are kept."""
        if self._lm is None:
            from detector.learned.smollm import load_lm

            lm = load_lm()
            if not self.config.logits:
                del lm.model.model.layers[self.config.layer :]
                lm.n_layers = self.config.layer
            self._lm = lm
        return self._lm

    def evidence(self, sentences: Sequence[str]) -> list[TokenEvidence]:
        return self.lm.token_evidence(sentences, layers=(self.config.layer,), logits=self.config.logits)

    def score(self, sentences: Sequence[str]) -> tuple[np.ndarray, Evidence]:
        """(features (n, len(columns)), per sentence (start, end, p_bad) per token)."""
        return self.score_evidence(self.evidence(sentences))

    def score_evidence(self, evidence: Sequence[TokenEvidence], batch_size: int = 64) -> tuple[np.ndarray, Evidence]:
        """The same as :meth:`score`, from evidence already computed (training reuses its cache)."""
        feats = np.zeros((len(evidence), len(self.columns)), dtype=np.float32)
        tokens: Evidence = [[] for _ in evidence]
        self.heads.eval()
        with torch.inference_mode():
            for b in range(0, len(evidence), batch_size):
                chunk = evidence[b : b + batch_size]
                sent, tok = self.heads(*collate([token_features(e, self.config) for e in chunk]))
                probs = torch.sigmoid(tok).numpy()
                for r, ev in enumerate(chunk):
                    i = b + r
                    n = len(ev.ids)
                    p = probs[r, :n]
                    tokens[i] = [(int(s), int(e), float(q)) for (s, e), q in zip(ev.offsets, p) if e > s]
                    feats[i] = (float(sent[r]), float(p.max()) if n else 0.0, *sentence_stats(ev, self.config))
        return feats, tokens

    def save(self, folder: Path) -> None:
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in self.heads.state_dict().items()}, str(folder / "lm_heads.safetensors"))
        meta = {"format": 1, "config": asdict(self.config), "columns": list(self.columns)}
        (folder / "lm_source.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, lm: LM | None = None) -> LMSource:
        """The heads in ``folder``; without ``lm`` the installed SmolLM2 must be there (a ValueError says how to install it)."""
        from safetensors.torch import load_file

        if lm is None:
            try:
                gguf_path()
            except LMUnavailable as e:
                raise ValueError(f"the model's 'lm' source: {e}") from None
        folder = Path(folder)
        meta = json.loads((folder / "lm_source.json").read_text(encoding="utf-8"))
        config = HeadConfig(**meta["config"])
        with torch.random.fork_rng(devices=[]):  # initializing the modules must not move torch's global RNG
            heads = build_heads(config)
        heads.load_state_dict(load_file(str(folder / "lm_heads.safetensors")))
        return cls(config, heads.eval(), lm)
