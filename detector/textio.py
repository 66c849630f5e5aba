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
TEXT_SUFFIXES = (".txt", ".text")
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


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
    """Decode ``data`` (UTF-8 unless a BOM or ``encoding`` says otherwise); refuse binary data."""
    bom = b""
    if encoding is None:
        for mark, enc in BOMS:
            if data.startswith(mark):
                bom, encoding, data = mark, enc, data[len(mark) :]
                break
        else:
            encoding = "utf-8"
        if b"\x00" in data[:8192] and not encoding.startswith("utf-16"):
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
    """Replace ``path`` with ``data`` in one step, keeping the file's permissions."""
    path = Path(path)
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
