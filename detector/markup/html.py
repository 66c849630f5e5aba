"""HTML input: the prose of an HTML page (the standard library's ``html.parser``), mapped to the source.

``html.parser`` is a real, tolerant tokenizer that reports where each tag, comment and text run
starts, needs no dependency and leaves character references to us (``convert_charrefs=False``),
so every text run is verbatim source and every entity maps to its exact slice. Checked: text and
``img`` alt text; skipped: tags, attributes, comments and the content of ``script``, ``style``,
``pre``, ``code`` and the like. Block elements end paragraphs, so rules see sentence boundaries.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from detector.markup.prose import Prose

SKIP = frozenset({"script", "style", "pre", "code", "kbd", "samp", "textarea", "template", "noscript", "svg", "math", "head"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
BLOCKS = frozenset(
    "address article aside blockquote body br dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr html li main nav ol p section summary table tbody td tfoot th thead title tr ul".split()
)
ALT_RE = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
NEWLINE_RE = re.compile(r"\r\n|\r|\n")


def extract(text: str) -> tuple[Prose, list[tuple[int, int, str]]]:
    """The prose of HTML ``text`` and its comments ``(start, end, "<!--...-->")``."""
    parser = _Parser(text)
    parser.feed(text)
    parser.close()
    return parser.prose, parser.comments


def structure(text: str) -> list[tuple[str, ...]]:
    """The page's markup without its prose: tags with attributes, comments, references, script/style text."""
    parser = _Structure()
    parser.feed(text)
    parser.close()
    return parser.seen


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.seen: list[tuple[str, ...]] = []
        self.raw: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(("start", tag, ",".join(f"{k}={v}" for k, v in attrs if k != "alt")))
        if tag in SKIP and tag not in VOID:
            self.raw.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.seen.append(("end", tag))
        if tag in self.raw:
            del self.raw[len(self.raw) - 1 - self.raw[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self.raw:
            self.seen.append(("raw", data))

    def handle_comment(self, data: str) -> None:
        self.seen.append(("comment", data))

    def handle_entityref(self, name: str) -> None:
        self.seen.append(("entity", name))

    def handle_charref(self, name: str) -> None:
        self.seen.append(("entity", "#" + name))


class _Parser(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.prose = Prose(text)
        self.comments: list[tuple[int, int, str]] = []
        self.skipping: list[str] = []
        self.block_pending = False
        self._line_starts = [0] + [m.end() for m in NEWLINE_RE.finditer(text)]

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _block(self) -> None:
        self.block_pending = True

    def _emit(self, start: int, end: int, text: str, editable: bool = True) -> None:
        if self.block_pending:
            self.prose.paragraph_break()
            self.block_pending = False
        self.prose.add(start, end, text, editable)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        if tag in SKIP and tag not in VOID:
            self.skipping.append(tag)
        if tag in BLOCKS:
            self._block()
        if tag == "img" and not self.skipping:
            self._alt(start, self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self._block()
        if tag == "img" and not self.skipping:
            self._alt(self._offset(), self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skipping:  # close it and anything left open inside it
            del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag) :]
        if tag in BLOCKS:
            self._block()

    def _alt(self, tag_start: int, raw: str) -> None:
        """An image's alt text, as a paragraph of its own."""
        m = ALT_RE.search(raw)
        if not m:
            return
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        value = m.group(group)
        if not value.strip():
            return
        start = tag_start + m.start(group)
        self._block()
        self._text(start, value)
        self._block()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self._text(self._offset(), data)

    def _text(self, start: int, data: str) -> None:
        """A text run (or attribute value) at ``start``: verbatim, line breaks read as spaces, entities decoded."""
        pos = 0
        for m in re.finditer(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?|\r\n|\r|\n", data):
            if m.start() > pos:
                self._emit(start + pos, start + m.start(), data[pos : m.start()])
            token = m.group()
            if token[0] == "&":
                decoded = html.unescape(token)
                if decoded == token:
                    self._emit(start + m.start(), start + m.end(), token)
                else:
                    self._emit(start + m.start(), start + m.end(), decoded, editable=False)
            elif self.prose.pieces and not self.block_pending:
                self._emit(start + m.start(), start + m.end(), " " * len(token))
            pos = m.end()
        if pos < len(data):
            self._emit(start + pos, start + len(data), data[pos:])

    def handle_entityref(self, name: str) -> None:
        self._ref(f"&{name}")

    def handle_charref(self, name: str) -> None:
        self._ref(f"&#{name}")

    def _ref(self, token: str) -> None:
        if self.skipping:
            return
        start = self._offset()
        if self.text.startswith(token + ";", start):
            token += ";"
        self._emit(start, start + len(token), html.unescape(token), editable=False)

    def handle_comment(self, data: str) -> None:
        start = self._offset()
        end = self.text.find("-->", start)
        end = len(self.text) if end < 0 else end + 3
        self.comments.append((start, end, self.text[start:end]))
