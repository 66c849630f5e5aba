"""The lint step behind ``mtlint check``: configuration, markup, suppression, filters, formats, pass/fail.

For each input: find its configuration (:mod:`detector.config`), read its prose
(:mod:`detector.markup`), run the rules (and model) on the prose, map findings back into the
file, apply per-rule severity, the model threshold, suppression comments
(:mod:`detector.suppress`) and ``--changed-lines``, then render with a format
(:mod:`detector.formats`). The exit status follows ``fail-on``. The options live here and are
added to the ``check`` and ``fix`` parsers by :func:`add_check_options` / :func:`add_input_options`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from detector import config, suppress
from detector.api import Report, apply_fixes, check
from detector.fixes import resolve
from detector.document import Document
from detector.findings import Finding, Rule
from detector.formats import FORMATS, FileResult, escape
from detector.markup import INPUT_FORMATS, extract, format_for, structure
from detector.rules import select
from detector.textio import STDIN, InputError, expand_paths, read_source

LEVELS = {"info": 0, "warning": 1, "error": 2, "never": 3}
MAX_FIX_PASSES = 5
HUNK_RE = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
ModelLoader = Callable[[str], Any]  # "rules" | "full" | "fast" | a folder -> detector or None


class LintError(Exception):
    """A problem with an option or configuration file; the message says which."""


def add_input_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``check`` and ``fix``: configuration and input format."""
    p.add_argument("--config", type=Path, metavar="FILE", help="use this configuration file (pyproject.toml or .mtlint.toml)")
    p.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    p.add_argument("--input-format", choices=INPUT_FORMATS, help="read inputs as this format (default: from the extension)")
    p.add_argument("--stdin-filename", metavar="NAME", help="name standard input for output, configuration and format")


def add_check_options(p: argparse.ArgumentParser) -> None:
    """The ``check`` options of the lint step."""
    add_input_options(p)
    p.add_argument("--fail-on", choices=tuple(LEVELS), help="lowest severity that makes the exit status 1 (default: info)")
    p.add_argument("--statistics", action="store_true", help="print the number of findings per rule instead of the findings")
    p.add_argument("--report-unused-suppressions", action="store_true", help="report suppression comments that suppressed nothing (MT001)")
    p.add_argument("--changed-lines", action="store_true", help="report only findings on lines changed in the git work tree (since --since)")
    p.add_argument("--since", default="HEAD", metavar="REV", help="the revision --changed-lines compares with (default: HEAD)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour in text output (auto: on a terminal, unless NO_COLOR is set)")
    p.add_argument("--suggest", action="store_true", help="suggest corrected text for MT201 findings with the language model (SmolLM2; slower; unsafe fixes, applied only by fix --unsafe-fixes)")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``mtlint config``."""
    p = sub.add_parser("config", help="print the configuration in force for a path and where each value came from")
    p.add_argument("path", nargs="?", default=".", metavar="PATH", help="file or folder (default: .)")
    p.add_argument("--config", type=Path, metavar="FILE")
    p.add_argument("--isolated", action="store_true")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run_config)


class Settings:
    """The configuration for each input, files loaded once, command-line options on top."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        if args.config is not None and not args.config.is_file():
            raise LintError(f"{args.config}: no such configuration file")
        self._found: dict[Path, Path | None] = {}
        self._loaded: dict[Path | None, config.Config] = {}

    def config_for(self, path: str) -> config.Config:
        """The configuration for ``path`` (each file found and read once per run)."""
        if self.args.isolated:
            found = None
        elif self.args.config is not None:
            found = self.args.config.resolve()
        else:
            target = Path.cwd() if path == STDIN else Path(path).resolve()
            folder = target if target.is_dir() else target.parent
            if folder not in self._found:
                self._found[folder] = config.find(folder)
            found = self._found[folder]
        if found not in self._loaded:
            self._loaded[found] = config.load(found)
        return self._loaded[found]

    def for_file(self, path: str) -> dict[str, config.Setting]:
        values = self.config_for(path).for_file(None if path == STDIN else path)
        a = self.args
        cli = {
            "select": a.select,
            "ignore": a.ignore,
            "fail-on": getattr(a, "fail_on", None),
            "model": str(a.model) if getattr(a, "model", None) else None,
        }
        for key, value in cli.items():
            if value:
                values[key] = config.Setting(value, "command line")
        return values


def chosen_rules(values: dict[str, config.Setting]) -> list[Rule]:
    """The rules ``select``/``ignore`` choose, or a LintError naming the bad entry."""
    try:
        return select(values["select"].value, values["ignore"].value)
    except ValueError as e:
        raise LintError(str(e)) from None


def check_source(
    text: str, values: dict[str, config.Setting], input_format: str, model: Any = None, *, unused: bool = False, suggest: bool = False
) -> Report:
    """Check one decoded input: prose only, findings mapped into ``text``, severities and suppressions applied
    (``suggest``: MT201 findings carry suggested corrections, :func:`detector.api.check`)."""
    if input_format == "text":
        prose, directives = suppress.plain_directives(text)
    else:
        prose, comments = extract(text, input_format)
        directives = suppress.comment_directives(text, comments)
    rules = chosen_rules(values)
    inner = check(prose.text, rules, model=model or False, accepted=values["accept"].value, boilerplate=values["boilerplate"].value, suggest=suggest)
    identity = prose.text == text and len(prose.pieces) <= 1
    doc = inner.document if identity else Document(text)
    severity, threshold = values["severity"].value, values["threshold"].value
    findings = []
    for f in inner.findings:
        if threshold is not None and f.source == "model" and f.confidence < threshold:
            continue
        f = f if identity else prose.to_original(f)
        if f.rule in severity:
            f = replace(f, severity=severity[f.rule])
        findings.append(f)
    kept = suppress.apply(findings, directives, doc)
    if identity and len(kept) == len(inner.findings) and not unused:
        return Report(text, kept, doc, inner.accepted, inner.fixed_text)  # the fix contract of check() holds as is
    if unused:
        kept += suppress.unused(directives)
    kept.sort(key=lambda f: (f.start, f.end, f.rule))
    rep = report(text, kept, doc)
    return rep if input_format == "text" else keep_markup(rep, input_format)


def keep_markup(rep: Report, input_format: str) -> Report:
    """``rep`` with the fix dropped from any finding whose fix would change the markup's structure.

    A fix edits prose only, but deleting a stray mark at the start of a line can make what follows
    parse as markup (``<!--`` opening an HTML block). Such findings are kept, without a fix.
    """
    base = structure(rep.text, input_format)
    while structure(rep.fixed_text, input_format) != base:
        applied = []
        for f in rep.accepted:  # the first fix after which the structure differs
            applied.append(f)
            if structure(apply_fixes(rep.text, applied), input_format) != base:
                break
        rep = report(rep.text, [replace(g, replacements=()) if g is f else g for g in rep.findings], rep.document)
    return rep


def report(text: str, findings: list[Finding], doc: Document) -> Report:
    """A :class:`Report` of ``findings`` (already filtered and in ``text``'s offsets); its fixes follow from them.

    One round of the resolved fixes: where markup or suppression stands between the prose and the
    file, a fix that exposes another is completed by the next round of :func:`fix_text`.
    """
    accepted = resolve(findings)
    return Report(text, findings, doc, accepted, apply_fixes(text, accepted))


def fix_text(text: str, path: str, args: argparse.Namespace) -> str:
    """``mtlint fix`` for one input: rule fixes on its prose, applied until none is left."""
    name = args.stdin_filename if path == STDIN and args.stdin_filename else path
    return fix_source(text, Settings(args).for_file(name), format_for(name, args.input_format))


def fix_source(text: str, values: dict[str, config.Setting], input_format: str) -> str:
    """Rule fixes on the prose of one decoded input, applied until none is left."""
    seen = {text}
    while (fixed := check_source(text, values, input_format).fixed_text) not in seen:
        seen.add(fixed)
        text = fixed
    return text


def run_check(args: argparse.Namespace, load_model: ModelLoader) -> int:
    """``mtlint check``: every input checked, rendered in ``--format``; exit 0 clean, 1 failing findings, 2 errors."""
    try:
        settings = Settings(args)
    except LintError as e:
        print(f"mtlint: error: {e}", file=sys.stderr)
        return 2
    results: list[FileResult] = []
    failing = 0
    given = set(args.paths)
    for path in expand_paths(args.paths):
        if isinstance(path, InputError):
            results.append(FileResult(path.path, error=str(path)))
            continue
        result, fails = _check_path(path, path not in given, settings, load_model)
        if result is not None:
            results.append(result)
            failing += fails
    for r in results:
        if r.error:
            print(f"mtlint: error: {escape(r.error)}", file=sys.stderr)
    sys.stdout.write(statistics(results, as_json=args.format == "json") if args.statistics else FORMATS[args.format](results, color=_color(args)))
    if args.format in ("text", "concise") and not args.statistics:
        n = sum(len(r.report.findings) for r in results if r.report)
        files = sum(1 for r in results if r.report)
        errors = sum(1 for r in results if r.error)
        unread = f"; {errors} input{'s' * (errors != 1)} not checked" if errors else ""
        print(f"{n} finding{'s' * (n != 1)} in {files} file{'s' * (files != 1)}{unread}.", file=sys.stderr)
    if any(r.error for r in results):
        return 2
    return 1 if failing else 0


def _check_path(path: str, walked: bool, settings: Settings, load_model: ModelLoader) -> tuple[FileResult | None, int]:
    """One input's result and how many of its findings fail the run (None: excluded by the configuration)."""
    args = settings.args
    name = args.stdin_filename if path == STDIN and args.stdin_filename else path
    try:
        cfg = settings.config_for(name)
        if walked and not cfg.walked(path):
            return None, 0
        values = settings.for_file(name)
        source = read_source(path, args.encoding, args.max_bytes)
        fmt = format_for(name, args.input_format)
        needed = source.text.strip() and any(r.needs_model for r in chosen_rules(values))
        model = load_model(values["model"].value) if needed else None  # --select MT1 never loads torch
        result = check_source(source.text, values, fmt, model, unused=args.report_unused_suppressions, suggest=args.suggest)
        if args.changed_lines:
            result = _only_changed(result, path, args.since)
    except (InputError, config.ConfigError, suppress.SuppressionError, LintError) as e:
        message = str(e)
        named = isinstance(e, config.ConfigError) or message.startswith(name)
        return FileResult(name, error=message if named else f"{name}: {message}"), 0
    threshold = LEVELS[values["fail-on"].value]
    return FileResult(name, report=result), sum(1 for f in result.findings if LEVELS.get(f.severity, 2) >= threshold)


def _only_changed(rep: Report, path: str, rev: str) -> Report:
    """The report's findings that touch a line changed since ``rev`` (every line of an untracked file)."""
    if path == STDIN:
        raise LintError("--changed-lines needs files in a git work tree, not standard input")
    changed = changed_lines(Path(path), rev)
    if changed is None:
        return rep
    doc = rep.document
    kept = [
        f
        for f in rep.findings
        if any(line in changed for line in range(doc.line_col(f.start)[0], doc.line_col(max(f.start, f.end - 1))[0] + 1))
    ]
    return report(rep.text, kept, doc)


def changed_lines(path: Path, rev: str) -> set[int] | None:
    """Line numbers of ``path`` changed since ``rev`` (work tree against ``rev``); None when untracked."""
    folder, name = str(path.resolve().parent), path.name
    git = ["git", "-C", folder]
    tracked = subprocess.run([*git, "ls-files", "--error-unmatch", "--", name], capture_output=True, text=True)
    if tracked.returncode != 0:
        inside = subprocess.run([*git, "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True)
        if inside.returncode != 0:
            raise LintError(f"--changed-lines: {path} is not in a git work tree")
        return None
    diff = subprocess.run([*git, "diff", "--no-color", "--no-ext-diff", "-U0", rev, "--", name], capture_output=True, text=True)
    if diff.returncode != 0:
        raise LintError(f"--changed-lines: git diff {rev} failed: {diff.stderr.strip()}")
    lines: set[int] = set()
    for m in HUNK_RE.finditer(diff.stdout):
        start, count = int(m.group(1)), int(m.group(2) or 1)
        lines.update(range(start, start + count))
    return lines


def statistics(results: list[FileResult], *, as_json: bool = False) -> str:
    """``count  CODE  name  (n fixable)`` for every rule with findings, most frequent first (or a JSON list)."""
    counts: Counter[tuple[str, str]] = Counter()
    fixable: Counter[str] = Counter()
    for r in results:
        if r.report is None:
            continue
        for f in r.report.findings:
            counts[f.rule, f.name] += 1
            fixable[f.rule] += bool(f.replacements)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if as_json:
        table = [{"code": code, "name": name, "count": n, "fixable": fixable[code]} for (code, name), n in rows]
        return json.dumps(table, indent=2) + "\n"
    return "".join(f"{n:6d}  {code}  {name}  ({fixable[code]} fixable)\n" for (code, name), n in rows)


def _color(args: argparse.Namespace) -> bool:
    if args.color != "auto":
        return args.color == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def run_config(args: argparse.Namespace) -> int:
    """``mtlint config``: the merged settings for a path, each with its origin."""
    args.select = args.ignore = None
    try:
        settings = Settings(args)
        cfg = settings.config_for(args.path)
        values = settings.for_file(args.path)
    except (config.ConfigError, LintError) as e:
        print(f"mtlint: error: {e}", file=sys.stderr)
        return 2
    if args.format == "json":
        payload = {
            "file": str(cfg.path) if cfg.path else None,
            "settings": {k: {"value": s.value, "origin": s.origin} for k, s in values.items()},
            "per-file": {glob: {k: {"value": s.value, "origin": s.origin} for k, s in o.items()} for glob, o in cfg.per_file},
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    print(f"# configuration: {cfg.path or 'none (defaults)'}")
    for key, s in values.items():
        print(f"{key} = {json.dumps(s.value, ensure_ascii=False)}  # {s.origin}")
    for glob, overrides in cfg.per_file:
        print(f"[per-file.{json.dumps(glob)}]")
        for key, s in overrides.items():
            print(f"{key} = {json.dumps(s.value, ensure_ascii=False)}  # {s.origin}")
    return 0
