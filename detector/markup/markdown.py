"""Markdown input: the prose of a CommonMark document (markdown-it-py), mapped to the source.

Checked: the text of headings, paragraphs, list items, block quotes, table cells, link text and
image alt text. Skipped: YAML/TOML front matter, code blocks and inline code, raw HTML, link
destinations and titles, autolinks. markdown-it gives block tokens source lines but inline tokens no offsets, so each
inline text is aligned to the source from a cursor (escapes and entities are mapped as such).
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from detector.markup.prose import Prose

ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# After a link's text: an inline destination with optional title, a reference label, or nothing.
LINK_TAIL_RE = re.compile(r"\]\s*(?:\((?:[^()\\]|\\.|\([^()]*\))*\)|\[[^\]]*\])?")
_PARSER = MarkdownIt("commonmark").enable("table")
FRONT_MATTER_RE = re.compile(r"\A(---|\+\+\+)[ \t]*\r?\n.*?^\1[ \t]*$", re.DOTALL | re.MULTILINE)


def extract(text: str) -> tuple[Prose, list[tuple[int, int, str]]]:
    """The prose of Markdown ``text`` and its raw HTML snippets ``(start, end, html)``."""
    prose = Prose(text)
    raw_html: list[tuple[int, int, str]] = []
    line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line_offset(line: int) -> int:
        return line_starts[line] if line < len(line_starts) else len(text)

    front = FRONT_MATTER_RE.match(text)
    # Front matter is blanked for the parser (line breaks kept, so its line numbers stay right).
    parsed = re.sub(r"[^\r\n]", " ", front.group()) + text[front.end() :] if front else text
    for tok in _PARSER.parse(parsed):
        if not tok.map:
            continue
        start, end = line_offset(tok.map[0]), line_offset(tok.map[1])
        if tok.type == "html_block":
            raw_html.append((start, end, text[start:end]))
        elif tok.type == "inline":
            _Inline(text, prose, raw_html, start, end).walk(tok.children or [])
    return prose, raw_html


def structure(text: str) -> list[tuple[str, ...]]:
    """The document's markup without its prose: each token's kind and attributes, code and raw HTML verbatim.

    A fix must leave this unchanged (deleting a stray mark at a line's start could otherwise turn
    what follows into an HTML block or a heading). Paragraph tokens are left out, so deleting a
    whole boilerplate paragraph is not a markup change.
    """
    out: list[tuple[str, ...]] = []

    def walk(tokens: list[Token]) -> None:
        for t in tokens:
            if t.type not in ("text", "softbreak", "hardbreak", "inline", "paragraph_open", "paragraph_close"):
                verbatim = t.content if t.type in ("fence", "code_block", "code_inline", "html_block", "html_inline") else ""
                attrs = ",".join(f"{k}={v}" for k, v in sorted((t.attrs or {}).items()) if k != "alt")
                out.append((t.type, t.tag, t.markup, t.info, attrs, verbatim))
            walk(t.children or [])

    walk(_PARSER.parse(text))
    return out


class _Inline:
    """Aligns one inline token's children to the source region ``[pos, limit)``."""

    def __init__(self, text: str, prose: Prose, raw_html: list[tuple[int, int, str]], pos: int, limit: int) -> None:
        self.src, self.prose, self.raw_html, self.pos, self.limit = text, prose, raw_html, pos, limit
        self.started = False

    def walk(self, children: list[Token]) -> None:
        autolink = False
        for child in children:
            kind = child.type
            if kind == "link_open" and child.markup == "autolink":
                autolink = True
                self.pos = self._find("<")
            elif kind == "link_close":
                if autolink:
                    self.pos = min(self.limit, self._find(">") + 1)
                    autolink = False
                else:
                    self._skip_link_tail()
            elif kind == "text" and not autolink:
                self._text(child.content)
            elif kind in ("softbreak", "hardbreak"):
                nl = self._find("\n")
                if nl < self.limit:
                    self._emit(nl, nl + 1, " ")
                    self.pos = nl + 1
            elif kind == "code_inline":
                opening = self._find(child.markup)
                closing = self.src.find(child.markup, opening + len(child.markup) + len(child.content) - 1, self.limit)
                self.pos = self.limit if closing < 0 else closing + len(child.markup)
            elif kind == "html_inline":
                at = self.src.find(child.content, self.pos, self.limit)
                if at >= 0:
                    self.raw_html.append((at, at + len(child.content), child.content))
                    self.pos = at + len(child.content)
            elif kind == "image":
                self.prose.paragraph_break()
                self.walk(child.children or [])
                self._skip_link_tail()
                self.prose.paragraph_break()

    def _find(self, s: str) -> int:
        at = self.src.find(s, self.pos, self.limit)
        return self.limit if at < 0 else at

    def _skip_link_tail(self) -> None:
        at = self._find("]")
        m = LINK_TAIL_RE.match(self.src, at)
        self.pos = m.end() if m else at

    def _emit(self, start: int, end: int, text: str, editable: bool = True) -> None:
        if not self.started:
            self.prose.begin_block(start)
            self.started = True
        self.prose.add(start, end, text, editable)

    def _next_entity(self, content: str, i: int, before: int) -> int | None:
        """Where the next entity standing for ``content[i:]`` starts, if before ``before`` (or anywhere when -1)."""
        end = self.limit if before < 0 else before
        for m in ENTITY_RE.finditer(self.src, self.pos, end):
            if content.startswith(html.unescape(m.group()), i):
                return m.start()
        return None

    def _text(self, content: str) -> None:
        """Align ``content`` to the source from the cursor: verbatim runs, escapes, entities."""
        src, i = self.src, 0
        while i < len(content):
            c = content[i]
            m = ENTITY_RE.match(src, self.pos)
            if m and content.startswith(html.unescape(m.group()), i):
                decoded = html.unescape(m.group())
                self._emit(m.start(), m.end(), decoded, editable=False)
                self.pos, i = m.end(), i + len(decoded)
                continue
            if src.startswith(c, self.pos):
                self._emit(self.pos, self.pos + 1, c)
                self.pos += 1
                i += 1
                continue
            if src.startswith("\\" + c, self.pos):
                self.pos += 1
                continue
            at = src.find(c, self.pos, self.limit)
            ref = self._next_entity(content, i, at)
            if ref is not None:  # an entity for this character comes first
                self.pos = ref
                continue
            if at < 0:  # not in the source (a normalized character): stands for nothing there
                self._emit(self.pos, self.pos, c, editable=False)
                i += 1
            else:  # markup between the previous character and this one
                self.pos = at
