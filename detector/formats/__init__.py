"""Output formats, one module each; ``FORMATS[name](results, color=...)`` renders a list of :class:`FileResult`."""

from __future__ import annotations

from collections.abc import Callable

from detector.formats import concise, github, html, json, jsonl, sarif, text
from detector.formats.common import FileResult, escape, finding_dict, suggestion

Formatter = Callable[..., str]

FORMATS: dict[str, Formatter] = {
    "text": text.render,
    "concise": concise.render,
    "json": json.render,
    "jsonl": jsonl.render,
    "sarif": sarif.render,
    "github": github.render,
    "html": html.render,
}

__all__ = ["FORMATS", "FileResult", "escape", "finding_dict", "suggestion"]
