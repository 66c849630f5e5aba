"""The pre-commit hook definition, run offline by pre-commit itself in throwaway git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from .conftest import ROOT

pytest.importorskip("pre_commit", reason="pre-commit is not installed (it is in the test extra)")

CLEAN = "# Council approves budget\n\nThe council approved the budget on Tuesday. The mayor said the vote was close.\n"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def test_hook_definitions() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"mtlint", "mtlint-system"}
    for h in hooks.values():
        assert h["types_or"] == ["markdown", "html", "plain-text"]
        assert h["entry"].startswith("mtlint check --no-model")


def _git(cwd, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


@pytest.fixture
def repos(tmp_path):
    """A hook repository holding only our .pre-commit-hooks.yaml, and a consumer repository."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", hooks)
    _git(hooks, "init", "-q")
    _git(hooks, "add", ".")
    _git(hooks, "commit", "-qm", "hooks")
    consumer = tmp_path / "consumer"
    consumer.mkdir()
    _git(consumer, "init", "-q")
    # `mtlint` on PATH runs this checkout (the installed one may be another copy).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "mtlint"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m detector.cli "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, **GIT_ENV, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    return hooks, consumer, env


def _try_repo(hooks, consumer, env, name: str) -> subprocess.CompletedProcess[str]:
    _git(consumer, "add", name)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "mtlint-system", "--files", name],
        cwd=consumer, env=env, capture_output=True, text=True, timeout=300,
    )


def test_hook_fails_on_the_seed_and_passes_a_clean_article(repos) -> None:
    hooks, consumer, env = repos
    shutil.copy(ROOT / "tests" / "data" / "seed.md", consumer / "seed.md")
    failed = _try_repo(hooks, consumer, env, "seed.md")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "seed.md:3:38: MT101 repeated-word" in failed.stdout and "9 findings in 1 file." in failed.stdout
    (consumer / "seed.md").unlink()
    _git(consumer, "rm", "-q", "--cached", "seed.md")
    (consumer / "clean.md").write_text(CLEAN)
    passed = _try_repo(hooks, consumer, env, "clean.md")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
