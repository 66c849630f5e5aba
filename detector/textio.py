"""Reading user files safely and writing results atomically.

Bad input gets a clear :class:`InputError` naming the file and the position, and output files
are replaced in one step, so an interrupted run never leaves half a file behind.
"""

from __future__ import annotations

import codecs
import os
import stat
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


DEFAULT_MAX_BYTES = 16 * 2**20  # larger inputs are refused unless --max-bytes says otherwise (~2 GB peak at 16 MB)
WIDE_CODECS = ("utf-16", "utf-32")  # codecs in which NUL bytes are ordinary


class InputError(Exception):
    """An input that cannot be checked: unreadable, not a regular file, too large, binary or undecodable."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Source:
    """A decoded input: ``text`` excludes the byte-order mark, which is restored on write."""

    path: str
    text: str
    encoding: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        """``text`` in this source's encoding, with its byte-order mark (and only that one)."""
        return self.bom + text.encode(self.encoding)


def decode(data: bytes, path: str, encoding: str | None = None) -> Source:
    """Decode ``data`` (UTF-8 unless a BOM or ``encoding`` says otherwise); refuse binary data.

    A byte-order mark is never part of the text, also when ``encoding`` is given and matches it;
    one is written back only if the file had it (``--encoding utf-8-sig`` does not add one).
    Binary data is refused in any encoding: a NUL byte anywhere (a NUL character for UTF-16/32).
    """
    if encoding is not None:
        encoding = _codec(encoding)
    bom = b""
    for mark, enc in BOMS:
        if data.startswith(mark) and (encoding is None or _same_codec(encoding, enc)):
            bom, encoding, data = mark, enc, data[len(mark) :]
            break
    encoding = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(encoding or "utf-8", encoding or "utf-8")
    if not encoding.startswith(WIDE_CODECS) and b"\x00" in data:
        raise InputError(_binary_message(path, data, data.index(0) + len(bom)))
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise InputError(
            f"{path}: cannot decode as {encoding} at byte {e.start + len(bom)}: {e.reason} "
            f"(pass --encoding to read it in another encoding)"
        ) from None
    if "\x00" in text:
        raise InputError(f"{path}: looks like a binary file (NUL character at offset {text.index(chr(0))}); not checked")
    return Source(path, text, encoding, bom)


def _codec(encoding: str) -> str:
    """The canonical name of a user-given encoding."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None


def _binary_message(path: str, data: bytes, offset: int) -> str:
    """Why ``data`` is refused, with a hint when it looks like UTF-16 without a byte-order mark."""
    half = len(data) // 2
    odd, even = data[1::2].count(0), data[0::2].count(0)
    for zeros, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if half and zeros > 0.3 * half and other < 0.05 * half:
            return f"{path}: looks like {enc.upper()} without a byte-order mark; pass --encoding {enc} to read it"
    return f"{path}: looks like a binary file (NUL byte at {offset}); not checked"


def _same_codec(given: str, bom_encoding: str) -> bool:
    """Whether a user-given encoding names the codec family of a byte-order mark."""
    name = given.replace("-sig", "")
    return name in (bom_encoding, bom_encoding.rsplit("-", 1)[0])


def read_source(path: str, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read and decode one regular file, or standard input for ``-``, of at most ``max_bytes``.

    FIFOs, devices and sockets are refused before they are opened (reading one may never end).
    """
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            kind = _kind(os.stat(path).st_mode)
            if kind:
                raise InputError(f"{path}: not a regular file ({kind}); not checked (pipe it to `mtlint check -` instead)")
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > max_bytes:
                    raise InputError(_too_large(path, max_bytes, size))
                data = f.read(max_bytes + 1)
    except OSError as e:
        raise InputError(f"{path}: {e.strerror or e}") from None
    if len(data) > max_bytes:
        raise InputError(_too_large(path, max_bytes))
    return decode(data, path, encoding)


def _too_large(path: str, max_bytes: int, size: int | None = None) -> str:
    what = f"{size:,} bytes" if size is not None else "larger than that"
    return f"{path}: {what}, over the limit of {max_bytes:,} bytes; not checked (raise it with --max-bytes)"


def _kind(mode: int) -> str | None:
    """What a non-regular, non-directory file is ("a FIFO", "a character device"), or None."""
    for test, kind in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return kind
    return None


def expand_paths(paths: list[str]) -> Iterator[str | InputError]:
    """Yield files to check, and an :class:`InputError` for each input that cannot be walked.

    Files are yielded as given; directories are walked for ``*.txt``/``*.text`` files (any
    case, hidden ones skipped). A file reached twice (given twice, or also inside a given
    directory) is yielded once. An unreadable directory is an error, never a silent skip.
    """
    seen: set[str] = set()

    def once(path: str) -> bool:
        real = path if path == STDIN else os.path.realpath(path)
        if real in seen:
            return False
        seen.add(real)
        return True

    for path in paths:
        if path == STDIN or not Path(path).is_dir():
            if once(path):
                yield path
            continue
        found = False
        errors: list[OSError] = []
        for root, dirs, files in os.walk(path, onerror=errors.append):
            yield from map(_unreadable, errors)
            errors.clear()
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.lower().endswith(TEXT_SUFFIXES) and not name.startswith("."):
                    found = True
                    if once(os.path.join(root, name)):
                        yield os.path.join(root, name)
        yield from map(_unreadable, errors)
        if not found and not errors:
            yield InputError(f"{path}: directory holds no {'/'.join(TEXT_SUFFIXES)} files to check", path)
def _unreadable(e: OSError) -> InputError:
    return InputError(f"{e.filename}: cannot read directory: {e.strerror or e}; not checked", str(e.filename))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class WriteError(Exception):
    """A file that was not (or not fully) rewritten; the message says what state it is in."""


def atomic_write(path: str | Path, data: bytes, *, force: bool = False) -> None:
    """Replace ``path`` (or the file a symlink points to) with ``data``, keeping the file.

    A new file is written, synced and renamed over the old one, with its mode, owner and group.
    A file with several hard links is rewritten in place instead, so every name sees the new
    text (the new bytes are first saved beside it, and left there if the rewrite fails). So is
    a file whose owner cannot be kept (another user's file that we may write). A read-only file
    raises :class:`WriteError` unless ``force``, as does any failure, saying what state the file is in.
    """
    path = Path(os.path.realpath(path))
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    if st is not None and not force and not st.st_mode & 0o222:
        raise WriteError(f"{path}: the file is read-only; not rewritten (pass --force to rewrite it anyway)")
    try:
        tmp = _write_temp(path, data, st)
    except OSError as e:
        raise WriteError(f"{path}: cannot write: {e.strerror or e}; the file is unchanged") from None
    in_place = st is not None and (st.st_nlink > 1 or not _chown(tmp, st))
    try:
        if in_place:
            _rewrite_in_place(path, data)
            Path(tmp).unlink()
        else:
            os.replace(tmp, path)
    except OSError as e:
        if in_place:
            raise WriteError(f"{path}: rewriting in place failed: {e.strerror or e}; the fixed text is saved in {tmp}") from None
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"{path}: cannot write: {e.strerror or e}; the file is unchanged") from None
    except BaseException:
        if not in_place:
            Path(tmp).unlink(missing_ok=True)
        raise


def _write_temp(path: Path, data: bytes, st: os.stat_result | None) -> str:
    """``data`` in a new synced file beside ``path``, with ``path``'s permission bits."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, st.st_mode & 0o7777 if st is not None else 0o666 & ~_umask())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _chown(tmp: str, st: os.stat_result) -> bool:
    """Give ``tmp`` the owner and group of ``st``; False if we may not (then keep the inode)."""
    if (st.st_uid, st.st_gid) == (os.getuid(), os.getgid()):
        return True
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
        os.chmod(tmp, st.st_mode & 0o7777)  # chown clears set-id bits
    except PermissionError:
        return False
    return True


def _rewrite_in_place(path: Path, data: bytes) -> None:
    with open(path, "r+b") as f:
        f.write(data)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())
