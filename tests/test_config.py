"""Configuration files: found next to the checked file, every key honoured, every bad value a located error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detector import lint
from detector.cli import build_parser, main
from detector.learned import DEFAULT_TIER
from detector.learned.detector import Flag



def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys, *argv: str) -> list[dict]:
    code, out, err = run(capsys, "check", "--no-model", "--format", "json", *argv)
    assert code in (0, 1), err
    return [f for entry in json.loads(out)["files"] for f in entry["findings"]]


def article(folder: Path, text: str = "The the minister left.\n", name: str = "a.txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_found_by_walking_up_from_the_file_not_the_working_directory(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "news" / ".mtlint.toml").parent.mkdir()
    (tmp_path / "news" / ".mtlint.toml").write_text('ignore = ["MT101"]\n')
    path = article(tmp_path / "news" / "today")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert findings(capsys, str(path)) == []
    assert findings(capsys, "--isolated", str(path))[0]["rule"] == "MT101"


def test_pyproject_section_and_precedence(tmp_path, capsys) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.mtlint]\nignore = ["MT101"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n')  # no [tool.mtlint]: passed over
    path = article(sub)
    assert findings(capsys, str(path)) == []
    (sub / ".mtlint.toml").write_text('select = ["MT105"]\n')  # nearer file wins, whole
    assert findings(capsys, str(path)) == []
    (sub / ".mtlint.toml").write_text('select = ["MT101"]\n')
    assert [f["rule"] for f in findings(capsys, str(path))] == ["MT101"]
    other = tmp_path / "other.toml"
    other.write_text('ignore = ["repeated-word"]\n')
    assert findings(capsys, "--config", str(other), str(path)) == []
    assert [f["rule"] for f in findings(capsys, "--select", "MT1", str(path))] == ["MT101"]  # the command line wins


def test_severity_and_fail_on(tmp_path, capsys) -> None:
    (tmp_path / ".mtlint.toml").write_text('severity = { MT101 = "info" }\nfail-on = "warning"\n')
    path = article(tmp_path)
    code, out, _ = run(capsys, "check", "--no-model", "--format", "json", str(path))
    assert code == 0 and json.loads(out)["files"][0]["findings"][0]["severity"] == "info"
    assert run(capsys, "check", "--no-model", "--fail-on", "info", str(path))[0] == 1
    assert run(capsys, "check", "--no-model", "--isolated", "--fail-on", "never", str(path))[0] == 0
    assert run(capsys, "check", "--no-model", "--isolated", "--fail-on", "error", str(path))[0] == 1


def test_accepted_terms_are_exact(tmp_path, capsys, seed_text) -> None:
    path = article(tmp_path, seed_text)
    rules = lambda *a: sorted(f["rule"] for f in findings(capsys, *a, str(path)))  # noqa: E731
    assert {"MT102", "MT104"} <= set(rules())
    (tmp_path / ".mtlint.toml").write_text('accept = ["Hegses", "Ta"]\n')
    assert not {"MT102", "MT104"} & set(rules())
    (tmp_path / ".mtlint.toml").write_text('accept = ["Hegse", "T", "ta"]\n')  # prefixes and other cases do nothing
    assert {"MT102", "MT104"} <= set(rules())


def test_extra_boilerplate_patterns(tmp_path, capsys) -> None:
    path = article(tmp_path, "The talks will resume.\nSponsored content from our partners\nBoth sides agreed.\n")
    assert findings(capsys, str(path)) == []
    (tmp_path / ".mtlint.toml").write_text('boilerplate = ["sponsored content from .*"]\n')
    [f] = findings(capsys, str(path))
    assert f["rule"] == "MT105" and f["text"] == "Sponsored content from our partners\n"


def test_include_exclude_and_per_file(tmp_path, capsys) -> None:
    for name in ("a.txt", "b.md", "drafts/c.txt", "briefs/d.txt"):
        article(tmp_path / Path(name).parent, name=Path(name).name)
    (tmp_path / ".mtlint.toml").write_text(
        'include = ["*.txt"]\nexclude = ["drafts/**"]\n[per-file."briefs/*.txt"]\nignore = ["MT101"]\n'
    )
    code, out, _ = run(capsys, "check", "--no-model", "--format", "json", str(tmp_path))
    paths = sorted(Path(e["path"]).relative_to(tmp_path).as_posix() for e in json.loads(out)["files"])
    assert paths == ["a.txt", "briefs/d.txt"]
    by_path = {Path(e["path"]).name: e["findings"] for e in json.loads(out)["files"]}
    assert by_path["d.txt"] == [] and by_path["a.txt"][0]["rule"] == "MT101"
    # a file named on the command line is checked even when a glob excludes it
    assert findings(capsys, str(tmp_path / "drafts" / "c.txt"))[0]["rule"] == "MT101"


class _FakeModel:
    """Stands in for the learned detector: flags every sentence with a set probability."""

    def __init__(self, probability: float) -> None:
        self.probability = probability

    def flag(self, doc):
        return [Flag(s, self.probability, []) for s in doc.sentences]


def _lint(tmp_path, argv: list[str], loader) -> int:
    args = build_parser().parse_args(["check", "--format", "json", *argv])
    return lint.run_check(args, loader)


def test_model_tier_and_threshold(tmp_path, capsys) -> None:
    path = article(tmp_path, "The minister left the city.\n")
    asked: list[str] = []

    def loader(tier: str):
        asked.append(tier)
        return None if tier == "rules" else _FakeModel(0.7)

    assert _lint(tmp_path, [str(path)], loader) == 1
    assert asked == [DEFAULT_TIER]
    assert json.loads(capsys.readouterr().out)["files"][0]["findings"][0]["rule"] == "MT201"
    (tmp_path / ".mtlint.toml").write_text("threshold = 0.8\n")
    assert _lint(tmp_path, [str(path)], loader) == 0
    (tmp_path / ".mtlint.toml").write_text('model = "rules"\n')
    assert _lint(tmp_path, [str(path)], loader) == 0 and asked[-1] == "rules"
    assert _lint(tmp_path, ["--no-model", str(path)], loader) == 0 and asked[-1] == "rules"


BAD = [
    ('colour = "red"\n', 1, "unknown key 'colour'"),
    ('select = "MT1"\n', 1, "select: must be a list of strings"),
    ('\n\nignore = ["MT999"]\n', 3, "unknown rule 'MT999'"),
    ('severity = { MT101 = "fatal" }\n', 1, "'fatal' is not one of error, warning, info"),
    ('severity = { MT9 = "info" }\n', 1, "unknown rule 'MT9'"),
    ('model = "huge"\n', 1, "'huge' is not one of full, fast, rules"),
    ("threshold = 1.5\n", 1, "1.5 is not a number from 0 to 1"),
    ("threshold = true\n", 1, "True is not a number from 0 to 1"),
    ('fail-on = "warn"\n', 1, "'warn' is not one of error, warning, info, never"),
    ('accept = ["ok", ""]\n', 1, "accept: entries must not be empty"),
    ('boilerplate = ["(unclosed"]\n', 1, "bad regular expression '(unclosed'"),
    ("include = 3\n", 1, "include: must be a list of strings"),
    ('exclude = [1]\n', 1, "exclude: must be a list of strings"),
    ('[per-file."*.md"]\nmodel = "rules"\n', 2, "unknown key 'model' in a per-file entry"),
    ('per-file = 3\n', 1, "per-file: must be a table"),
    ('select = [\n', 0, "invalid TOML"),
]


@pytest.mark.parametrize("body,line,message", BAD)
def test_bad_configuration_names_key_file_and_line(tmp_path, capsys, body, line, message) -> None:
    cfg = tmp_path / ".mtlint.toml"
    cfg.write_text(body)
    path = article(tmp_path)
    code, _, err = run(capsys, "check", "--no-model", str(path))
    assert code == 2
    assert message in err
    assert f"{cfg}:{line}:" in err if line else f"{cfg}:" in err


def test_bad_pyproject_key_has_its_own_line(tmp_path, capsys) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.mtlint]\nselect = ["MT1"]\nfail_on = "error"\n')
    code, _, err = run(capsys, "check", "--no-model", str(article(tmp_path)))
    assert code == 2 and f"{tmp_path / 'pyproject.toml'}:6: tool.mtlint.fail_on: unknown key 'fail_on'" in err


def test_config_command_shows_merged_values_and_origins(tmp_path, capsys) -> None:
    cfg = tmp_path / ".mtlint.toml"
    cfg.write_text('select = ["MT1"]\n\nfail-on = "warning"\n[per-file."*.md"]\nignore = ["MT105"]\n')
    code, out, _ = run(capsys, "config", str(tmp_path))
    assert code == 0
    assert f'select = ["MT1"]  # {cfg}:1' in out
    assert f'fail-on = "warning"  # {cfg}:3' in out
    assert f"model = \"{DEFAULT_TIER}\"  # default" in out
    assert f'ignore = ["MT105"]  # {cfg}:5' in out
    payload = json.loads(run(capsys, "config", "--format", "json", str(tmp_path / "x.md"))[1])
    assert payload["settings"]["ignore"] == {"value": ["MT105"], "origin": f"{cfg}:5"}
    assert json.loads(run(capsys, "config", "--isolated", "--format", "json", str(tmp_path))[1])["file"] is None


def test_missing_config_file_is_an_error(tmp_path, capsys) -> None:
    code, _, err = run(capsys, "check", "--no-model", "--config", str(tmp_path / "nope.toml"), str(article(tmp_path)))
    assert code == 2 and "nope.toml: no such configuration file" in err


def test_config_command_reports_a_bad_file(tmp_path, capsys) -> None:
    (tmp_path / ".mtlint.toml").write_text('model = "tiny"\n')
    code, _, err = run(capsys, "config", str(tmp_path))
    assert code == 2 and ".mtlint.toml:1: model: 'tiny' is not one of full, fast, rules" in err
