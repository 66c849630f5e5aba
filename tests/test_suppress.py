"""Suppression comments: each form, scoped by rule, and unused ones reported on request."""

from __future__ import annotations

import json

from detector.cli import main


def check(capsys, tmp_path, name: str, text: str, *extra: str) -> tuple[int, list[dict], str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code = main(["check", "--no-model", "--format", "json", *extra, str(path)])
    out, err = capsys.readouterr()
    payload = json.loads(out) if out else {"files": []}
    return code, [f for e in payload["files"] for f in e["findings"]], err


def test_plain_text_ignore_at_line_end(tmp_path, capsys) -> None:
    text = "The the talks ended. mtlint: ignore[MT101]\nThe the vote passed.\n"
    code, found, _ = check(capsys, tmp_path, "a.txt", text)
    assert [(f["rule"], f["line"]) for f in found] == [("MT101", 2)]
    # a marker naming another rule does not hide this one; a bare marker hides all
    assert len(check(capsys, tmp_path, "a.txt", text.replace("MT101", "MT105"))[1]) == 2
    assert len(check(capsys, tmp_path, "a.txt", "The the talks ended.   mtlint: ignore\n")[1]) == 0
    # by name too
    assert check(capsys, tmp_path, "a.txt", "The the end. mtlint: ignore[repeated-word]\n")[1] == []


def test_plain_marker_is_not_checked_as_prose(tmp_path, capsys) -> None:
    # The marker would otherwise end the line in a fragment-like way; nothing at all is reported.
    code, found, _ = check(capsys, tmp_path, "a.txt", "The minister left. mtlint: ignore[MT105]\n", "--report-unused-suppressions")
    assert [f["rule"] for f in found] == ["MT001"]
    assert found[0]["text"] == " mtlint: ignore[MT105]"


def test_markdown_disable_enable_block(tmp_path, capsys) -> None:
    text = (
        "The the first.\n\n<!-- mtlint-disable MT101 -->\n\nThe the second. The story continues under this ad\n\n"
        "Advertisement\n\n<!-- mtlint-enable -->\n\nThe the third.\n"
    )
    _, found, _ = check(capsys, tmp_path, "a.md", text)
    assert [(f["rule"], f["line"]) for f in found] == [("MT101", 1), ("MT105", 5), ("MT105", 7), ("MT101", 11)]


def test_disable_without_codes_and_next_line(tmp_path, capsys) -> None:
    text = "<!-- mtlint-disable-next-line -->\n\nThe the first.\n\nThe the second.\n\n<!-- mtlint-disable -->\nThe the third.\n"
    _, found, _ = check(capsys, tmp_path, "a.md", text)
    assert [f["line"] for f in found] == [5]


def test_html_comments_and_next_line_by_code(tmp_path, capsys) -> None:
    text = "<p>The the first.</p>\n<!-- mtlint-disable-next-line MT105 -->\n<p>The the second.</p>\n<!-- mtlint-disable-next-line MT101 -->\n<p>The the third.</p>\n"
    _, found, _ = check(capsys, tmp_path, "a.html", text)
    assert [f["line"] for f in found] == [1, 3]


def test_comments_inside_code_are_not_directives(tmp_path, capsys) -> None:
    text = "```\n<!-- mtlint-disable -->\n```\n\nThe the end.\n"
    _, found, _ = check(capsys, tmp_path, "a.md", text)
    assert [f["rule"] for f in found] == ["MT101"]


def test_unused_suppressions_are_reported_on_request(tmp_path, capsys) -> None:
    text = "<!-- mtlint-disable MT104 -->\nThe the end.\n<!-- mtlint-disable-next-line MT101 -->\nThe the vote.\n"
    code, found, _ = check(capsys, tmp_path, "a.md", text)
    assert [f["line"] for f in found] == [2]
    code, found, _ = check(capsys, tmp_path, "a.md", text, "--report-unused-suppressions")
    assert [(f["rule"], f["line"], f["severity"]) for f in found] == [("MT001", 1, "warning"), ("MT101", 2, "error")]
    assert "MT104" in found[0]["message"]
    code, _, _ = check(capsys, tmp_path, "a.md", "<!-- mtlint-disable -->\nAll clear.\n", "--report-unused-suppressions", "--fail-on", "error")
    assert code == 0


def test_unknown_rule_in_a_comment_is_an_error_with_its_line(tmp_path, capsys) -> None:
    code, _, err = check(capsys, tmp_path, "a.md", "Fine.\n\n<!-- mtlint-disable MT999 -->\n")
    assert code == 2 and "a.md: line 3: unknown rule 'MT999'" in err


def test_fix_leaves_suppressed_findings_alone(tmp_path, capsys) -> None:
    path = tmp_path / "a.md"
    path.write_text("<!-- mtlint-disable-next-line MT101 -->\nThe the first.\n\nThe the second.\n", encoding="utf-8")
    assert main(["fix", "--write", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == "<!-- mtlint-disable-next-line MT101 -->\nThe the first.\n\nThe second.\n"
