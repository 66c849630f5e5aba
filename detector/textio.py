"""Reading user files safely and writing results atomically.

Bad input gets a clear :class:`InputError` naming the file and the position, and output files
are replaced in one step, so an interrupted run never leaves half a file behind.
"""

from __future__ import annotations

import codecs
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"
TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")
# UTF-32 first: its little-endian mark begins with the UTF-16 one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class InputError(Exception):
    """An input that cannot be checked: unreadable, binary or undecodable."""


@dataclass(frozen=True)
class Source:
    """A decoded input: ``text`` excludes the byte-order mark, which is restored on write."""

    path: str
    text: str
    encoding: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        """``text`` in this source's encoding, with its byte-order mark."""
        return self.bom + text.encode(self.encoding)


def decode(data: bytes, path: str, encoding: str | None = None) -> Source:
    """Decode ``data`` (UTF-8 unless a BOM or ``encoding`` says otherwise); refuse binary data.

    A byte-order mark is never part of the text, also when ``encoding`` is given and matches it.
    """
    bom = b""
    for mark, enc in BOMS:
        if data.startswith(mark) and (encoding is None or _same_codec(encoding, enc)):
            bom, encoding, data = mark, enc, data[len(mark) :]
            break
    if encoding is None:
        encoding = "utf-8"
        if b"\x00" in data[:8192]:
            raise InputError(f"{path}: looks like a binary file (NUL byte at {data.index(0)}); not checked")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise InputError(
            f"{path}: cannot decode as {encoding} at byte {e.start + len(bom)}: {e.reason} "
            f"(pass --encoding to read it in another encoding)"
        ) from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    return Source(path, text, encoding, bom)


def _same_codec(given: str, bom_encoding: str) -> bool:
    """Whether a user-given encoding names the codec family of a byte-order mark."""
    try:
        name = codecs.lookup(given).name
    except LookupError:
        return False
    return name.replace("-sig", "") in (bom_encoding, bom_encoding.rsplit("-", 1)[0])


def read_source(path: str, encoding: str | None = None) -> Source:
    """Read and decode one file, or standard input for ``-``."""
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror or e}") from None
    return decode(data, path, encoding)


def expand_paths(paths: list[str]) -> Iterator[str]:
    """Yield files to check: files as given, directories walked for ``*.txt`` (hidden skipped)."""
    for path in paths:
        if path == STDIN or not Path(path).is_dir():
            yield path
            continue
        found = False
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.endswith(TEXT_SUFFIXES) and not name.startswith("."):
                    found = True
                    yield os.path.join(root, name)
        if not found:
            raise InputError(f"{path}: directory holds no {'/'.join(TEXT_SUFFIXES)} files to check")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | Path, data: bytes) -> None:
    """Replace ``path`` (or the file a symlink points to) with ``data`` in one step, keeping its permissions."""
    path = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
