"""The lint step on the command line: exit codes, --fail-on, --statistics, --changed-lines, stdin names and formats."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from detector.cli import main

from .conftest import ROOT, SEED

DATA = ROOT / "tests" / "data"


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "severity,fail_on,expected",
    [
        ("error", "error", 1), ("warning", "error", 0), ("warning", "warning", 1), ("info", "warning", 0),
        ("info", "info", 1), ("error", "never", 0),
    ],
)
def test_exit_code_follows_fail_on(tmp_path, capsys, severity, fail_on, expected) -> None:
    (tmp_path / ".mtlint.toml").write_text(f'severity = {{ MT101 = "{severity}" }}\n')
    path = tmp_path / "a.txt"
    path.write_text("The the end.\n")
    assert run(capsys, "check", "--no-model", "--fail-on", fail_on, str(path))[0] == expected


def test_exit_codes_clean_findings_error(tmp_path, capsys) -> None:
    clean, dirty = tmp_path / "clean.md", tmp_path / "dirty.md"
    clean.write_text("# Budget\n\nThe council approved the budget on Tuesday.\n")
    dirty.write_text("# Budget\n\nThe the council approved it.\n")
    assert run(capsys, "check", "--no-model", str(clean))[0] == 0
    assert run(capsys, "check", "--no-model", str(dirty))[0] == 1
    assert run(capsys, "check", "--no-model", "--fail-on", "never", str(dirty), str(tmp_path / "missing.md"))[0] == 2
    assert run(capsys, "check", "--no-model", "--select", "MT999", str(clean))[0] == 2


def test_statistics(capsys) -> None:
    code, out, _ = run(capsys, "check", "--no-model", "--statistics", str(SEED))
    assert code == 1
    assert out.splitlines() == [
        "     3  MT105  boilerplate  (3 fixable)",
        "     2  MT101  repeated-word  (2 fixable)",
        "     1  MT102  stray-particle  (1 fixable)",
        "     1  MT103  fragment  (1 fixable)",
        "     1  MT104  inconsistent-name  (1 fixable)",
        "     1  MT106  unbalanced-quote  (1 fixable)",
    ]
    table = json.loads(run(capsys, "check", "--no-model", "--statistics", "--format", "json", str(SEED))[1])
    assert table[0] == {"code": "MT105", "name": "boilerplate", "count": 3, "fixable": 3} and sum(r["count"] for r in table) == 9


def test_stdin_filename_sets_format_and_name(capsys, monkeypatch) -> None:
    text = "Intro.\n\n```\nThe the code.\n```\n\nThe the end.\n"
    code, out, _ = run(capsys, "check", "--no-model", "--format", "concise", "--stdin-filename", "story.md", "-", stdin=text, monkeypatch=monkeypatch)
    assert code == 1 and out == "story.md:7:1: MT101 repeated-word: The word “the” is repeated. → “The”\n"
    code, out, _ = run(capsys, "check", "--no-model", "--format", "concise", "-", stdin=text, monkeypatch=monkeypatch)
    assert out.count("MT101") == 2  # as plain text the code block is prose


def test_input_format_overrides_the_extension(tmp_path, capsys) -> None:
    path = tmp_path / "story.txt"
    path.write_text("<p>The the end.</p><script>said. said</script>\n")
    code, out, _ = run(capsys, "check", "--no-model", "--format", "json", "--input-format", "html", str(path))
    [f] = json.loads(out)["files"][0]["findings"]
    assert (f["text"], f["column"]) == ("The the", 4)


def test_fix_write_on_markdown_keeps_markup(tmp_path, capsys) -> None:
    path = tmp_path / "seed.md"
    original = (DATA / "seed.md").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    assert run(capsys, "fix", "--write", str(path))[0] == 0
    fixed = path.read_text(encoding="utf-8")
    assert "```text\nWill will become the first member. Ta.\nThe story continues under this ad\nsaid. said\n```" in fixed
    assert "(https://example.com/will-will/said-said?ta=Ta.)" in fixed
    assert "Hegseth will become" in fixed and "continues under this ad\n\n" not in fixed.split("```")[0]
    assert run(capsys, "check", "--no-model", str(path))[0] == 0
    # fix on stdin with a name reads the format from it
    stdin_fixed = subprocess.run(
        [sys.executable, "-m", "detector.cli", "fix", "--stdin-filename", "x.md", "-"], input=original, capture_output=True, text=True, cwd=ROOT
    )
    assert stdin_fixed.stdout == fixed


def _git(cwd, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True, capture_output=True)


def test_changed_lines_reports_only_edited_lines(tmp_path, capsys) -> None:
    _git(tmp_path, "init", "-q")
    path = tmp_path / "story.txt"
    path.write_text("The the first.\nA clean line.\nThe the third.\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "start")
    assert run(capsys, "check", "--no-model", "--changed-lines", str(path))[0] == 0
    path.write_text("The the first.\nA clean line, and the the edit.\nThe the third.\n")
    code, out, _ = run(capsys, "check", "--no-model", "--format", "json", "--changed-lines", str(path))
    assert code == 1 and [f["line"] for f in json.loads(out)["files"][0]["findings"]] == [2]
    new = tmp_path / "new.txt"  # untracked: every line is new
    new.write_text("The the a.\nThe the b.\n")
    code, out, _ = run(capsys, "check", "--no-model", "--format", "json", "--changed-lines", str(new))
    assert len(json.loads(out)["files"][0]["findings"]) == 2
    code, _, err = run(capsys, "check", "--no-model", "--changed-lines", "--since", "no-such-rev", str(path))
    assert code == 2 and "no-such-rev" in err


def test_changed_lines_outside_git_is_an_error(tmp_path, capsys) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The the end.\n")
    code, _, err = run(capsys, "check", "--no-model", "--changed-lines", str(path))
    assert code == 2 and "not in a git work tree" in err
