"""The seed article: every mechanical artifact flagged at its exact span, with a correct fix."""

from __future__ import annotations

import json
import subprocess
import sys

from detector import check, fix
from detector.api import apply_fixes

from .conftest import SEED

# (text of the span, context that locates it, replacement)
EXPECTED = [
    ("Will will", "Hegseth Will will become", "will"),
    ("said. said", "Pentagon said. said before", "said"),
    ("Hegses’", "before Hegses’ departure", "Hegseth’s"),
    (" Ta.", "fight.” Ta.", ""),
    (". UK.", "country. UK.", ", the UK."),
    ("”", "in the future.” President", ""),
]
BOILERPLATE = "The story continues under this ad\n"


def _locate(text: str, span: str, context: str) -> int:
    assert text.count(context) == 1, context
    return text.index(context) + context.index(span)


def test_each_artifact_at_its_exact_span(seed_text: str) -> None:
    report = check(seed_text)
    got = {(f.start, f.end): f for f in report.findings}
    for span, context, replacement in EXPECTED:
        start = _locate(seed_text, span, context)
        f = got.pop((start, start + len(span)))
        assert f.replacements[0] == replacement
    starts = [i for i in range(len(seed_text)) if seed_text.startswith(BOILERPLATE, i)]
    assert len(starts) == 3
    for start in starts:
        assert got.pop((start, start + len(BOILERPLATE))).rule == "MT105"
    assert got == {}, "unexpected findings on the seed"


def test_fix_removes_every_artifact_and_changes_nothing_else(seed_text: str) -> None:
    report = check(seed_text)
    fixed = fix(seed_text)
    assert fixed == report.fixed_text  # one pass suffices on the seed
    for bad in ("Will will", "said. said", "Hegses’", "Ta.", "country. UK.", "continues under this ad", "future.”"):
        assert bad not in fixed
    # Rebuild the fixed text from the untouched stretches and the replacements.
    pieces, pos = [], 0
    for f in report.accepted:
        pieces += [seed_text[pos : f.start], f.replacements[0]]
        pos = f.end
    assert "".join(pieces) + seed_text[pos:] == fixed
    assert apply_fixes(seed_text, report.accepted) == fixed


def test_cli_end_to_end_on_the_seed(tmp_path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "detector.cli", "check", "--no-model", "--format", "json", str(SEED.parent)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    payload = json.loads(run.stdout)
    assert payload["version"] == 1
    [entry] = payload["files"]
    text = SEED.read_text(encoding="utf-8")
    for f in entry["findings"]:
        assert text[f["start"] : f["end"]] == f["text"]
        assert {"rule", "name", "category", "severity", "line", "column", "message", "replacements", "confidence", "source"} <= f.keys()
    assert len(entry["findings"]) == len(EXPECTED) + 3

    out = tmp_path / "seed.txt"
    out.write_bytes(SEED.read_bytes())
    done = subprocess.run([sys.executable, "-m", "detector.cli", "fix", "--write", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == fix(text)
    again = subprocess.run([sys.executable, "-m", "detector.cli", "check", "--no-model", str(out)], capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout == ""
