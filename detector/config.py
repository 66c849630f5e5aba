"""Configuration: ``[tool.mtlint]`` in ``pyproject.toml``, or a ``.mtlint.toml`` (top-level keys).

The file is found by walking up from each checked file (a ``.mtlint.toml`` wins over a
``pyproject.toml`` in the same folder; a ``pyproject.toml`` without ``[tool.mtlint]`` is passed
over); ``--config FILE`` names one, ``--isolated`` uses none. Command-line options override the
file, and a ``per-file`` entry overrides the file's top level for the paths its glob matches.

Keys (an unknown key or a bad value is an error naming the key, the file and the line)::

    select = ["MT1"]                  # rules to run: codes, families (MT1) or names
    ignore = ["MT105"]                # rules to skip
    severity = { MT103 = "warning" }  # per-rule severity: error | warning | info
    model = "rules"                   # detector tier: full | fast | rules
    threshold = 0.8                   # minimum confidence of a model finding (0..1)
    fail-on = "warning"               # lowest severity that fails: error | warning | info | never
    accept = ["Hegses", "Ta"]         # names and terms never flagged as MT104/MT102 (exact words)
    boilerplate = ["Sponsored by .*"] # extra MT105 patterns (regular expressions, whole line)
    include = ["*.md"]                # files to check when walking a folder (globs, relative)
    exclude = ["drafts/**"]           # files to skip when walking a folder
    [per-file."briefs/*.md"]          # overrides: select, ignore (added), severity, accept, boilerplate
    ignore = ["MT103"]
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from detector.learned import DEFAULT_TIER, TIERS
from detector.rules import select as select_rules

CONFIG_NAMES = (".mtlint.toml", "pyproject.toml")
SEVERITIES = ("error", "warning", "info")
FAIL_ON = ("error", "warning", "info", "never")
PER_FILE_KEYS = ("select", "ignore", "severity", "accept", "boilerplate")
DEFAULTS: dict[str, Any] = {
    "select": None,
    "ignore": [],
    "severity": {},
    "model": DEFAULT_TIER,
    "threshold": None,
    "fail-on": "info",
    "accept": [],
    "boilerplate": [],
    "include": [],
    "exclude": [],
}
HEADER_RE = re.compile(r"^\s*\[\[?\s*(.*?)\s*\]\]?\s*(?:#.*)?$")
PART_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[^.\s"\']+')


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file, line and key."""


@dataclass
class Setting:
    """A value and where it came from (``default``, ``FILE:LINE`` or ``command line``)."""

    value: Any
    origin: str = "default"


@dataclass
class Config:
    """One configuration file's settings (``path`` None: defaults only)."""

    path: Path | None
    values: dict[str, Setting] = field(default_factory=lambda: {k: Setting(v) for k, v in DEFAULTS.items()})
    per_file: list[tuple[str, dict[str, Setting]]] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def for_file(self, path: str | None) -> dict[str, Setting]:
        """The settings for ``path``: the top level with every matching ``per-file`` entry applied."""
        merged = dict(self.values)
        rel = self._relative(path) if path else None
        for glob, overrides in self.per_file:
            if rel is None or not glob_match(glob, rel):
                continue
            for key, s in overrides.items():
                old = merged[key].value
                if key in ("ignore", "accept", "boilerplate"):
                    merged[key] = Setting(list(old or []) + s.value, s.origin)
                elif key == "severity":
                    merged[key] = Setting({**old, **s.value}, s.origin)
                else:
                    merged[key] = s
        return merged

    def walked(self, path: str) -> bool:
        """Whether a file found by walking a folder is checked (``include``/``exclude``)."""
        rel = self._relative(path)
        if rel is None:
            return True
        include, exclude = self.values["include"].value, self.values["exclude"].value
        if include and not any(glob_match(g, rel) for g in include):
            return False
        return not any(glob_match(g, rel) for g in exclude)

    def _relative(self, path: str) -> str | None:
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None


def glob_match(glob: str, rel: str) -> bool:
    """Gitignore-like globs: ``*`` within a folder, ``**`` across folders; a glob without ``/`` matches the name."""
    target = rel if "/" in glob else rel.rsplit("/", 1)[-1]
    return _glob_re(glob).fullmatch(target) is not None


@cache
def _glob_re(glob: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out))


def find(start: Path) -> Path | None:
    """The configuration file nearest to ``start`` (a file or folder), walking up."""
    folder = start if start.is_dir() else start.parent
    for d in [folder.resolve(), *folder.resolve().parents]:
        for name in CONFIG_NAMES:
            candidate = d / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_section(candidate)):
                return candidate
    return None


def _has_section(path: Path) -> bool:
    try:
        return "mtlint" in tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True  # let load() report the problem


def load(path: Path | None) -> Config:
    """Read and validate a configuration file (``None``: the defaults)."""
    if path is None:
        return Config(None)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the configuration: {e}") from None
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    prefix: tuple[str, ...] = ()
    if path.name == "pyproject.toml":
        prefix = ("tool", "mtlint")
        data = data.get("tool", {}).get("mtlint", {})
    locate = _Locator(path, source)
    config = Config(path)
    for key, value in data.items():
        keypath = (*prefix, key)
        if key == "per-file":
            if not isinstance(value, dict):
                raise locate.error(keypath, "must be a table of glob = { settings }")
            for glob, table in value.items():
                if not isinstance(table, dict):
                    raise locate.error((*keypath, glob), "must be a table of settings")
                overrides = {}
                for k, v in table.items():
                    if k not in PER_FILE_KEYS:
                        raise locate.error((*keypath, glob, k), f"unknown key {k!r} in a per-file entry (allowed: {', '.join(PER_FILE_KEYS)})")
                    overrides[k] = Setting(validate(k, v, lambda problem, p=(*keypath, glob, k): locate.error(p, problem)), locate.origin((*keypath, glob, k)))
                config.per_file.append((glob, overrides))
            continue
        if key not in DEFAULTS:
            raise locate.error(keypath, f"unknown key {key!r} (known: {', '.join([*DEFAULTS, 'per-file'])})")
        config.values[key] = Setting(validate(key, value, lambda problem, p=keypath: locate.error(p, problem)), locate.origin(keypath))
    return config


def validate(key: str, value: Any, error: Any) -> Any:
    """``value`` checked (and normalized) for ``key``; ``error(problem)`` builds the exception."""
    if key in ("select", "ignore"):
        entries = _strings(value, error)
        for entry in entries:
            rule_codes(entry, error)
        return entries
    if key in ("accept", "include", "exclude"):
        entries = _strings(value, error)
        if any(not e.strip() for e in entries):
            raise error("entries must not be empty")
        return entries
    if key == "boilerplate":
        entries = _strings(value, error)
        for pattern in entries:
            try:
                re.compile(pattern)
            except re.error as e:
                raise error(f"bad regular expression {pattern!r}: {e}") from None
        return entries
    if key == "severity":
        if not isinstance(value, dict):
            raise error("must be a table of rule = severity")
        out = {}
        for rule, level in value.items():
            if level not in SEVERITIES:
                raise error(f"{rule}: {level!r} is not one of {', '.join(SEVERITIES)}")
            for code in rule_codes(rule, error):
                out[code] = level
        return out
    if key == "model":
        if value not in TIERS:
            raise error(f"{value!r} is not one of {', '.join(TIERS)}")
        return value
    if key == "threshold":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise error(f"{value!r} is not a number from 0 to 1")
        return float(value)
    if key == "fail-on":
        if value not in FAIL_ON:
            raise error(f"{value!r} is not one of {', '.join(FAIL_ON)}")
        return value
    raise error(f"unknown key {key!r}")


def rule_codes(entry: str, error: Any) -> list[str]:
    """The codes an entry names (code, family or name), or ``error`` for an unknown one."""
    from detector.suppress import MODEL_CODES

    if entry.upper() in MODEL_CODES:
        return [entry.upper()]
    try:
        return [r.code for r in select_rules([entry])]
    except ValueError as e:
        raise error(str(e)) from None


def _strings(value: Any, error: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise error("must be a list of strings")
    return list(value)


class _Locator:
    """Finds the line of a key in a TOML file (tomllib gives values, not positions)."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.lines = source.splitlines()

    def line(self, keypath: tuple[str, ...]) -> int:
        for k in range(len(keypath) - 1, -1, -1):
            section, key = keypath[:k], keypath[k]
            found = self._find(section, key)
            if found:
                return found
        return 1

    def _find(self, section: tuple[str, ...], key: str) -> int:
        current: tuple[str, ...] = ()
        key_re = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*[=.]""")
        for i, line in enumerate(self.lines, 1):
            h = HEADER_RE.match(line) if line.lstrip().startswith("[") else None
            if h:
                current = tuple(p.strip("\"'") for p in PART_RE.findall(h.group(1)))
                if current == (*section, key):
                    return i
            elif current == section and key_re.match(line):
                return i
        return 0

    def origin(self, keypath: tuple[str, ...]) -> str:
        return f"{self.path}:{self.line(keypath)}"

    def error(self, keypath: tuple[str, ...], problem: str) -> ConfigError:
        return ConfigError(f"{self.path}:{self.line(keypath)}: {'.'.join(keypath)}: {problem}")
