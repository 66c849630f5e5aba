"""Markup-aware input: which format a file is, and its prose with an offset map.

``text`` is checked as it is; ``markdown`` and ``html`` are checked on their prose only (see
:mod:`detector.markup.markdown`, :mod:`detector.markup.html`). The format comes from
``--input-format``, else from the file name (or ``--stdin-filename``) extension.
"""

from __future__ import annotations

from pathlib import PurePath

from detector.markup.prose import Piece, Prose

INPUT_FORMATS = ("text", "markdown", "html")
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown", ".html": "html", ".htm": "html", ".xhtml": "html"}


def format_for(path: str, given: str | None = None) -> str:
    """The input format: ``given`` if set, else from the extension (plain text by default)."""
    return given or SUFFIXES.get(PurePath(path).suffix.lower(), "text")


def extract(text: str, input_format: str) -> tuple[Prose, list[tuple[int, int, str]]]:
    """The prose of Markdown or HTML ``text`` and its comments / raw HTML ``(start, end, source)``.

    (Plain text is its own prose, less any suppression markers: see :mod:`detector.suppress`.)
    """
    if input_format == "markdown":
        from detector.markup import markdown

        return markdown.extract(text)
    if input_format == "html":
        from detector.markup import html

        return html.extract(text)
    raise ValueError(f"no markup reader for {input_format!r}")


def structure(text: str, input_format: str) -> list[tuple[str, ...]]:
    """The markup of ``text`` without its prose (what a fix must not change); empty for plain text."""
    if input_format == "markdown":
        from detector.markup import markdown

        return markdown.structure(text)
    if input_format == "html":
        from detector.markup import html

        return html.structure(text)
    return []


__all__ = ["INPUT_FORMATS", "Piece", "Prose", "extract", "format_for", "structure"]
