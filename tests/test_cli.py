"""The mtlint command: exit codes, formats, and bad input that gets a clear error and loses nothing."""

from __future__ import annotations

import codecs
import json

import pytest

from detector.cli import main

from .conftest import ROOT


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_file_exits_zero(tmp_path, capsys) -> None:
    path = tmp_path / "ok.txt"
    path.write_text("The council approved the budget on Tuesday.\n", encoding="utf-8")
    assert run(capsys, "check", "--no-model", str(path))[:2] == (0, "")


def test_text_format_line(tmp_path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text("First line.\nPete Hegseth Will will go.\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--no-model", "--format", "concise", str(path))
    assert code == 1
    assert out == f"{path}:2:14: MT101 repeated-word: The word “will” is repeated. → “will”\n"


def test_undecodable_bytes_name_file_and_offset(tmp_path, capsys) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf".encode() + b"\xe9 au lait.")
    code, _, err = run(capsys, "check", "--no-model", str(path))
    assert code == 2
    assert str(path) in err and "byte 3" in err and "--encoding" in err
    assert run(capsys, "check", "--no-model", "--encoding", "latin-1", str(path))[0] == 0


def test_binary_file_is_refused(tmp_path, capsys) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, _, err = run(capsys, "check", "--no-model", str(path))
    assert code == 2 and "binary" in err


def test_error_on_one_file_does_not_hide_findings_in_another(tmp_path, capsys) -> None:
    bad, good = tmp_path / "bad.txt", tmp_path / "good.txt"
    bad.write_bytes(b"\xff\xfe\x00oops\x00")
    bad.write_bytes(b"ok \xc3\x28")
    good.write_text("The the end.", encoding="utf-8")
    code, out, err = run(capsys, "check", "--no-model", "--format", "json", str(bad), str(good))
    payload = json.loads(out)
    assert code == 2
    assert [f["path"] for f in payload["files"]] == [str(good)]
    assert payload["errors"][0]["path"] == str(bad) and "byte 3" in payload["errors"][0]["message"]


def test_empty_input_has_no_findings(tmp_path, capsys) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert run(capsys, "check", "--no-model", str(path))[0] == 0


def test_directory_is_walked_for_text_files(tmp_path, capsys) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("The the end.", encoding="utf-8")
    (tmp_path / "b.rst").write_text("The the end.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("The the end.", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--no-model", "--format", "json", str(tmp_path))
    assert code == 1
    assert [f["path"] for f in json.loads(out)["files"]] == [str(tmp_path / "sub" / "a.txt")]


def test_directory_without_text_files_is_refused(tmp_path, capsys) -> None:
    (tmp_path / "x.bin").write_bytes(b"\x00")
    code, _, err = run(capsys, "check", "--no-model", str(tmp_path))
    assert code == 2 and "no .txt" in err


def test_missing_file(capsys) -> None:
    code, _, err = run(capsys, "check", "--no-model", "/nonexistent/file.txt")
    assert code == 2 and "/nonexistent/file.txt" in err


def test_usage_error_exits_two(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--format", "nope"])
    assert exc.value.code == 2


def test_fix_write_keeps_bom_and_crlf(tmp_path, capsys) -> None:
    path = tmp_path / "crlf.txt"
    original = "Talks resumed.\r\nAdvertisement\r\nThe the deal was signed.\r\n"
    path.write_bytes(codecs.BOM_UTF8 + original.encode())
    assert run(capsys, "fix", "--write", str(path))[0] == 0
    assert path.read_bytes() == codecs.BOM_UTF8 + b"Talks resumed.\r\nThe deal was signed.\r\n"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "crlf.txt"]
    assert leftovers == []


def test_offsets_exclude_the_bom(tmp_path, capsys) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "the the".encode())
    out = json.loads(run(capsys, "check", "--no-model", "--format", "json", str(path))[1])
    [f] = out["files"][0]["findings"]
    assert (f["start"], f["end"], f["text"]) == (0, 7, "the the")


def test_fix_write_failure_leaves_the_file_intact(tmp_path, capsys, monkeypatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The the end.", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    code, _, err = run(capsys, "fix", "--write", str(path))
    assert code == 2 and str(path) in err and "unchanged" in err
    assert path.read_text(encoding="utf-8") == "The the end."
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_fix_diff_and_stdout(tmp_path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The the end.\n", encoding="utf-8")
    code, out, _ = run(capsys, "fix", "--diff", str(path))
    assert code == 0 and "-The the end.\n+The end.\n" in out


def test_fix_write_refuses_stdin(capsys) -> None:
    assert run(capsys, "fix", "--write")[0] == 2


def test_rules_lists_every_code(capsys) -> None:
    code, out, _ = run(capsys, "rules", "--format", "json")
    assert code == 0
    assert [r["code"] for r in json.loads(out)] == ["MT101", "MT102", "MT103", "MT104", "MT105", "MT106", "MT201"]
    assert [r["needs_model"] for r in json.loads(out)] == [False] * 6 + [True]
    assert "MT201  garbled-sentence" in run(capsys, "rules")[1]


def test_large_single_line_file(tmp_path, capsys) -> None:
    """A multi-megabyte file with no newline is checked (linear-time rules); see bench.py for timing."""
    path = tmp_path / "big.txt"
    unit = "The ministers met in Brussels on Tuesday. Hegseth will will speak. "
    path.write_text(unit * (2_000_000 // len(unit)), encoding="utf-8")
    code, out, _ = run(capsys, "check", "--no-model", "--format", "jsonl", str(path))
    assert code == 1 and out.count("\n") == 2_000_000 // len(unit)


@pytest.mark.parametrize(
    "options",
    [["--no-model"], ["--model", "rules"], ["--select", "MT1"], ["--ignore", "MT201"], ["--ignore", "garbled-sentence"], ["--select", "MT101"]],
)
def test_rules_only_never_imports_torch(tmp_path, options) -> None:
    import subprocess
    import sys

    path = tmp_path / "a.txt"
    path.write_text("Pete Hegseth Will will go.", encoding="utf-8")
    code = (
        "import sys; from detector.cli import main; rc = main(['check', '--format', 'json', *sys.argv[2:], sys.argv[1]]); "
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules, 'torch imported'; "
        "sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(path), *options], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["files"][0]["findings"]
    assert [(f["rule"], f["source"], f["safe"]) for f in findings] == [("MT101", "rule", True)]


@pytest.mark.parametrize("options", [["--ignore", ""], ["--ignore", "MT"], ["--ignore", "MT1", "--ignore", "MT2"], ["--select", "MT10"], ["--select", "MT101", "--ignore", "MT1"]])
def test_selections_that_name_nothing_or_leave_nothing_are_usage_errors(tmp_path, capsys, options) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The the end.", encoding="utf-8")
    code, out, err = run(capsys, "check", *options, str(path))
    assert code == 2 and out == "" and ("unknown rule" in err or "no rule left" in err)


def test_garble_is_seeded_and_keeps_layout(tmp_path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The council approved the budget on Tuesday.\nThe mayor said the vote was close.\n", encoding="utf-8")
    first = run(capsys, "garble", "--seed", "3", str(path))[1]
    assert first == run(capsys, "garble", "--seed", "3", str(path))[1]
    assert first.count("\n") == 2
    records = [json.loads(line) for line in run(capsys, "garble", "--seed", "3", "--format", "jsonl", str(path))[1].splitlines()]
    for r in records:
        for s in r["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(r["text"])


def test_unknown_rule_is_a_usage_error(tmp_path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The the end.", encoding="utf-8")
    code, _, err = run(capsys, "check", "--no-model", "--select", "MT999", str(path))
    assert code == 2 and "unknown rule" in err
    assert run(capsys, "check", "--no-model", "--select", "mt101", str(path))[0] == 1


def test_utf32_and_explicit_encoding_with_bom(tmp_path, capsys) -> None:
    path = tmp_path / "u32.txt"
    path.write_bytes("The plan was approved by the the board.\n".encode("utf-32"))
    assert run(capsys, "check", "--no-model", str(path))[0] == 1
    bom = tmp_path / "bom.txt"
    bom.write_bytes(codecs.BOM_UTF8 + "Will will lead the team, his coach said.".encode())
    assert run(capsys, "check", "--no-model", "--encoding", "utf-8", str(bom))[0] == 0
    bom.write_bytes(codecs.BOM_UTF8 + "the the".encode())
    out = json.loads(run(capsys, "check", "--no-model", "--encoding", "utf-8", "--format", "json", str(bom))[1])
    assert out["files"][0]["findings"][0]["start"] == 0


def test_fix_write_through_a_symlink_fixes_the_target(tmp_path, capsys) -> None:
    target = tmp_path / "target.txt"
    target.write_text("The the end.", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert run(capsys, "fix", "--write", str(link))[0] == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "The end."
