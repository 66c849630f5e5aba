"""Hardened command line: exit codes that cannot be confused, every unreadable input reported,
output on any stdout encoding, writes that keep the file, diffs that ``patch`` applies."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from detector import fix
from detector.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOUBLED = "Pete Hegseth Will will go.\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str = DOUBLED) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# Exit codes -------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("boom"), MemoryError()], ids=["bug", "memory"])
def test_an_internal_error_exits_three_with_one_line(tmp_path, capsys, monkeypatch, error) -> None:
    path = write(tmp_path / "a.txt")

    def crash(*args, **kwargs):
        raise error

    monkeypatch.setattr("detector.lint.check", crash)
    code, out, err = run(capsys, "check", "--no-model", str(path))
    assert (code, out) == (4, "")
    assert err.count("\n") == 1 and "internal error" in err and "Traceback" not in err
    code, _, err = run(capsys, "check", "--no-model", "--debug", str(path))
    assert code == 4 and "Traceback" in err


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_works_on_any_stdout_encoding(tmp_path, encoding: str, fmt: str) -> None:
    path = write(tmp_path / "a.txt", "Pete Hegseth Will will go to “Kyiv” 😀 ✓.\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": encoding}
    cmd = [sys.executable, "-m", "detector.cli", "check", "--no-model", "--format", fmt, str(path)]
    done = subprocess.run(cmd, capture_output=True, env=env)
    assert done.returncode == 1, done.stderr
    out = done.stdout.decode(encoding)
    assert "repeated" in out
    if fmt == "json":
        utf8 = subprocess.run(cmd, capture_output=True, env={**env, "PYTHONIOENCODING": "utf-8"}).stdout.decode()
        assert json.loads(out) == json.loads(utf8)


def test_missing_model_extra_names_the_extra(tmp_path, capsys, monkeypatch) -> None:
    path = write(tmp_path / "a.txt")

    def no_torch(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    import detector.learned

    monkeypatch.setattr(detector.learned, "_load", detector.learned._load.__wrapped__)
    monkeypatch.setattr("detector.learned.bundle.source_type", no_torch)
    code, _, err = run(capsys, "check", str(path))
    assert code == 2 and "mtlint[model]" in err and "torch" in err and "--no-model" in err


def test_no_path_on_a_terminal_prints_usage(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    for command in ("check", "fix"):
        code, out, err = run(capsys, command)
        assert code == 2 and "usage: mtlint" in err and "no input" in err


# Inputs that cannot be read ---------------------------------------------------------------


def test_unreadable_subdirectory_is_an_error(tmp_path, capsys, monkeypatch) -> None:
    write(tmp_path / "a.txt")
    (tmp_path / "locked").mkdir()
    write(tmp_path / "locked" / "b.txt")
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # we are root: chmod 000 would not stop us
    code, out, err = run(capsys, "check", "--no-model", "--format", "json", str(tmp_path))
    payload = json.loads(out)
    assert code == 2
    assert [f["path"] for f in payload["files"]] == [str(tmp_path / "a.txt")]
    assert "locked" in payload["errors"][0]["message"] and "Permission denied" in err


def test_fifo_and_devices_are_refused_without_hanging(tmp_path, capsys) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path / "a.txt")
    code, _, err = run(capsys, "check", "--no-model", str(tmp_path))
    assert code == 2 and "pipe.txt" in err and "FIFO" in err and "1 input not checked" in err
    code, _, err = run(capsys, "check", "--no-model", "/dev/zero")
    assert code == 2 and "character device" in err


def test_inputs_over_max_bytes_are_refused(tmp_path, capsys, monkeypatch) -> None:
    path = write(tmp_path / "a.txt", "x" * 100)
    code, _, err = run(capsys, "check", "--no-model", "--max-bytes", "50", str(path))
    assert code == 2 and "over the limit of 50 bytes" in err and "--max-bytes" in err
    assert run(capsys, "check", "--no-model", "--max-bytes", "100", str(path))[0] == 0
    monkeypatch.setattr("sys.stdin", open(path, encoding="utf-8"))  # noqa: SIM115
    code, _, err = run(capsys, "check", "--no-model", "--max-bytes", "50", "-")
    assert code == 2 and "over the limit" in err


def test_utf16_without_bom_gets_a_hint(tmp_path, capsys) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes(DOUBLED.encode("utf-16-le"))
    code, _, err = run(capsys, "check", "--no-model", str(path))
    assert code == 2 and "--encoding utf-16-le" in err
    assert run(capsys, "check", "--no-model", "--encoding", "utf-16-le", str(path))[0] == 1


def test_nul_anywhere_is_binary_in_any_encoding(tmp_path, capsys) -> None:
    path = tmp_path / "late.txt"
    path.write_bytes(b"The end. " * 2000 + b"\x00tail")
    for extra in ([], ["--encoding", "latin-1"], ["--encoding", "utf-8"]):
        code, _, err = run(capsys, "check", "--no-model", *extra, str(path))
        assert code == 2 and "binary" in err and "18000" in err


def test_upper_case_suffix_is_walked_and_a_file_is_checked_once(tmp_path, capsys) -> None:
    path = write(tmp_path / "SHOUT.TXT")
    code, out, _ = run(capsys, "check", "--no-model", "--format", "json", str(path), str(tmp_path), str(path))
    assert code == 1
    assert [f["path"] for f in json.loads(out)["files"]] == [str(path)]


# fix --write keeps the file ---------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_write_keeps_mode_owner_and_group(tmp_path, capsys) -> None:
    path = write(tmp_path / "a.txt")
    os.chmod(path, 0o640)
    os.chown(path, 1234, 5678)
    assert run(capsys, "fix", "--write", str(path))[0] == 0
    st = path.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (1234, 5678, 0o640)
    assert path.read_text(encoding="utf-8") == fix(DOUBLED)
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_write_keeps_the_inode_when_the_owner_cannot_be_kept(tmp_path, capsys, monkeypatch) -> None:
    """As a user who may write another user's file but not give a file away: rewrite in place."""
    path = write(tmp_path / "a.txt")
    os.chown(path, 1234, 5678)
    inode = path.stat().st_ino

    def refuse(*args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refuse)
    assert run(capsys, "fix", "--write", str(path))[0] == 0
    st = path.stat()
    assert (st.st_ino, st.st_uid, st.st_gid) == (inode, 1234, 5678)
    assert path.read_text(encoding="utf-8") == fix(DOUBLED)
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_write_goes_through_hard_links(tmp_path, capsys) -> None:
    path = write(tmp_path / "a.txt")
    other = tmp_path / "b.txt"
    os.link(path, other)
    assert run(capsys, "fix", "--write", str(path))[0] == 0
    assert other.read_text(encoding="utf-8") == fix(DOUBLED) == path.read_text(encoding="utf-8")
    assert os.path.samefile(path, other)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_write_refuses_a_read_only_file_unless_forced(tmp_path, capsys) -> None:
    path = write(tmp_path / "a.txt")
    os.chmod(path, 0o444)
    code, _, err = run(capsys, "fix", "--write", str(path))
    assert code == 2 and "read-only" in err and "--force" in err
    assert path.read_text(encoding="utf-8") == DOUBLED
    assert run(capsys, "fix", "--write", "--force", str(path))[0] == 0
    assert path.read_text(encoding="utf-8") == fix(DOUBLED) and path.stat().st_mode & 0o777 == 0o444


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8])
def test_write_keeps_or_omits_the_bom_as_the_file_had_it(tmp_path, capsys, bom: bytes) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(bom + DOUBLED.encode())
    for encoding in ([], ["--encoding", "utf-8-sig"], ["--encoding", "utf-8"]):
        path.write_bytes(bom + DOUBLED.encode())
        assert run(capsys, "fix", "--write", *encoding, str(path))[0] == 0
        assert path.read_bytes() == bom + fix(DOUBLED).encode()


# fix --diff applies with patch ------------------------------------------------------------


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch is not installed (apt-get install patch)")
@pytest.mark.parametrize("end", ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x0c", "\x0b", "\x85"], ids=repr)
@pytest.mark.parametrize("final", [True, False], ids=["final-newline", "no-final-newline"])
def test_diff_applies_with_patch(tmp_path, capsysbinary, end: str, final: bool) -> None:
    text = end.join(["Talks resumed on Monday.", "Pete Hegseth Will will go.", "“Kyiv” said.", "The the end."])
    text += end if final else ""
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode())
    assert main(["fix", "--diff", str(path)]) == 0
    patch = tmp_path / "a.diff"
    patch.write_bytes(capsysbinary.readouterr().out)
    done = subprocess.run(["patch", "--quiet", str(path), str(patch)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert path.read_bytes() == fix(text).encode() != text.encode()
