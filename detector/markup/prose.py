"""Prose extracted from a marked-up file, with an offset map back into the original.

A :class:`Prose` is the text a reader sees (``text``) built from :class:`Piece` s, each tied to
a slice of the original file. Rules run on ``text``; :meth:`Prose.to_original` maps a finding
back, so its offsets, line and column point into the file. A fix is kept only when its span
covers editable original characters in one unbroken run, so markup is never touched.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

from detector.findings import Finding


@dataclass(frozen=True, slots=True)
class Piece:
    """``text`` stands in the prose for ``original[start:end]``.

    ``editable``: the original slice is prose (words or whitespace) a fix may rewrite; an entity
    or a paragraph break put between blocks is not. An exact piece (same length as its slice)
    maps offsets character by character; any other maps to its slice's ends.
    """

    start: int
    end: int
    text: str
    editable: bool = True

    @property
    def exact(self) -> bool:
        return len(self.text) == self.end - self.start


@dataclass
class Prose:
    """The prose of one file: pieces in order, their concatenated ``text``, and the original."""

    original: str
    _pieces: list[Piece] = field(default_factory=list)
    # The open run of exact editable text: start, end, parts (joined once, when the run closes).
    _run: tuple[int, int, list[str]] | None = None
    _cache: tuple[list[int], str] | None = field(default=None, repr=False)

    @property
    def pieces(self) -> list[Piece]:
        self._close()
        return self._pieces

    def _close(self) -> None:
        """Turn the open run into a piece."""
        if self._run is not None:
            start, end, parts = self._run
            self._pieces.append(Piece(start, end, "".join(parts)))
            self._run = None

    def add(self, start: int, end: int, text: str, editable: bool = True) -> None:
        """Append a piece; adjacent exact editable pieces are merged into one run."""
        if not text and start == end:
            return
        self._cache = None
        if editable and end - start == len(text):
            if self._run is not None and self._run[1] == start:
                self._run[2].append(text)
                self._run = (self._run[0], end, self._run[2])
                return
            self._close()
            self._run = (start, end, [text])
            return
        self.pieces.append(Piece(start, end, text, editable))

    def verbatim(self, start: int, end: int) -> None:
        """Append ``original[start:end]`` as it is."""
        self.add(start, end, self.original[start:end])

    def begin_block(self, start: int) -> None:
        """Start a block at original ``start``: the whitespace before it is kept, then a paragraph break.

        That whitespace is editable only when nothing but whitespace separates the blocks (a blank
        line between paragraphs), so deleting a boilerplate line never eats a list bullet.
        """
        if not self.pieces:
            return
        end = self.pieces[-1].end
        gap = self.original[end:start]
        ws = len(gap) - len(gap.lstrip())
        if ws:
            self.add(end, end + ws, gap[:ws], editable=ws == len(gap))
        self.paragraph_break()

    def paragraph_break(self) -> None:
        """End the current block: whitespace already in the prose is kept, then ``\\n\\n`` is ensured."""
        if not self.pieces:
            return
        newlines = 0
        for p in reversed(self.pieces):
            core = p.text.rstrip(" \t\r\n")
            newlines += p.text[len(core):].count("\n")
            if core:
                break
        if newlines < 2:
            end = self.pieces[-1].end
            self.add(end, end, "\n" * (2 - newlines), editable=False)

    @property
    def text(self) -> str:
        """The prose the rules read."""
        return self._index[1]

    @property
    def _index(self) -> tuple[list[int], str]:
        """Each piece's start in :attr:`text`, and the text (computed once the pieces are complete)."""
        if self._cache is None:
            starts, pos = [], 0
            for p in self.pieces:
                starts.append(pos)
                pos += len(p.text)
            self._cache = (starts, "".join(p.text for p in self.pieces))
        return self._cache

    def _piece_at(self, offset: int) -> int:
        """Index of the piece holding prose offset ``offset`` (the last piece at the end)."""
        starts = self._index[0]
        return max(0, bisect.bisect_right(starts, offset) - 1)

    def _orig_start(self, offset: int) -> int:
        if not self.pieces:
            return 0
        i = self._piece_at(offset)
        p, base = self.pieces[i], self._index[0][i]
        if offset >= base + len(p.text):
            return p.end
        return p.start + (offset - base) if p.exact else p.start

    def _orig_end(self, offset: int) -> int:
        if not self.pieces or offset == 0:
            return self._orig_start(offset)
        i = self._piece_at(offset - 1)
        p, base = self.pieces[i], self._index[0][i]
        return p.start + (offset - base) if p.exact else p.end

    def _fixable(self, start: int, end: int) -> bool:
        """Whether prose ``[start, end)`` is one unbroken run of editable original text."""
        if not self.pieces:
            return True
        first = self._piece_at(start)
        last = self._piece_at(max(start, end - 1))
        run = self.pieces[first : last + 1]
        if not all(p.editable and p.exact for p in run):
            return False
        return all(a.end == b.start for a, b in zip(run, run[1:]))

    def _clip(self, start: int, end: int) -> tuple[int, int]:
        """Drop inserted paragraph breaks (non-editable whitespace) at the edges of a deletion."""
        starts = self._index[0]
        while start < end:
            i = self._piece_at(start)
            if not self._separator(i):
                break
            start = min(end, starts[i] + len(self.pieces[i].text))
        while end > start:
            i = self._piece_at(end - 1)
            if not self._separator(i):
                break
            end = max(start, starts[i])
        return start, end

    def _separator(self, i: int) -> bool:
        p = self.pieces[i]
        return not p.editable and not p.text.strip()

    def to_original(self, f: Finding) -> Finding:
        """``f`` (offsets into :attr:`text`) with offsets into the original; its fix dropped if unsafe."""
        start, end = f.start, f.end
        if f.replacements and f.replacements[0] == "":
            start, end = self._clip(start, end)
        keep = bool(f.replacements) and self._fixable(start, end)
        o_start, o_end = self._orig_start(start), self._orig_end(end)
        edits = tuple(replace(e, start=self._orig_start(e.start), end=max(self._orig_start(e.start), self._orig_end(e.end))) for e in f.edits)
        return replace(f, start=o_start, end=max(o_start, o_end), replacements=f.replacements if keep else (), edits=edits if keep else ())

