"""Request bodies, validated into typed records: every error names the field (400) or the limit (413).

Unknown fields are refused, so a misspelt option never silently does nothing. Clients send
text, never file-system paths; ``name`` is only a label echoed in the check JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from detector.markup import INPUT_FORMATS
from detector.rules import select
from detector.server.errors import ApiError
from detector.server.settings import Settings


@dataclass(frozen=True)
class Options:
    """What every endpoint accepts besides the text: input format, rule choice, whether to use the model."""

    format: str
    select: list[str] | None
    ignore: list[str] | None
    model: bool


@dataclass(frozen=True)
class CheckRequest:
    text: str
    name: str
    options: Options


@dataclass(frozen=True)
class FixRequest:
    text: str
    unsafe: bool
    options: Options


@dataclass(frozen=True)
class ScoreRequest:
    ids: list[object]
    texts: list[str]
    extras: dict[str, bool]  # mtlint score's optional fields: sentences, findings, fix
    options: Options


COMMON = {"select", "ignore", "model", "format"}
SCORE_EXTRAS = ("sentences", "findings", "fix")


def check_request(data: dict, settings: Settings, has_model: bool) -> CheckRequest:
    _known(data, COMMON | {"text", "name"})
    return CheckRequest(_text(data, "text", settings), _get(data, "name", str, "-"), _options(data, has_model))


def fix_request(data: dict, settings: Settings, has_model: bool) -> FixRequest:
    _known(data, COMMON | {"text", "unsafe"})
    unsafe = _get(data, "unsafe", bool, False)
    if unsafe and not has_model:
        raise ApiError(400, "'unsafe': true needs the learned model, and this server runs the rules only")
    options = _options(data, has_model)
    return FixRequest(_text(data, "text", settings), unsafe, options)


def score_request(data: dict, settings: Settings, has_model: bool) -> ScoreRequest:
    _known(data, COMMON | {"texts", *SCORE_EXTRAS})
    items = data.get("texts")
    if not isinstance(items, list) or not items:
        raise ApiError(400, "'texts' must be a non-empty list of strings or {\"id\": ..., \"text\": ...} objects")
    if len(items) > settings.max_batch_texts:
        raise ApiError(413, f"'texts' has {len(items)} items; the limit is {settings.max_batch_texts} per request")
    ids, texts = [], []
    for i, item in enumerate(items):
        if isinstance(item, dict):
            _known(item, {"id", "text"}, f"texts[{i}]")
            ids.append(item.get("id", i))
            if not isinstance(ids[-1], (str, int)) or isinstance(ids[-1], bool):
                raise ApiError(400, f"'texts[{i}].id' must be a string or an integer")
            texts.append(_text(item, "text", settings, f"texts[{i}].text"))
        else:
            ids.append(i)
            texts.append(_text({"text": item}, "text", settings, f"texts[{i}]"))
    options = _options(data, has_model)
    if options.format != "text":
        raise ApiError(400, "'format' must be text for /v1/score: its records are mtlint score's, which scores plain text")
    return ScoreRequest(ids, texts, {k: _get(data, k, bool, False) is True for k in SCORE_EXTRAS}, options)


def _options(data: dict, has_model: bool) -> Options:
    fmt = _get(data, "format", str, "text")
    if fmt not in INPUT_FORMATS:
        raise ApiError(400, f"'format' must be one of {', '.join(INPUT_FORMATS)} (got {fmt!r})")
    model = _get(data, "model", bool, has_model)
    if model and not has_model:
        raise ApiError(400, "'model': true, but this server runs the rules only (start it without --no-model)")
    chosen, ignored = _codes(data, "select"), _codes(data, "ignore")
    try:
        select(chosen, ignored)
    except ValueError as e:
        raise ApiError(400, str(e)) from None
    return Options(fmt, chosen, ignored, model)


def _codes(data: dict, key: str) -> list[str] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, f"'{key}' must be a list of rule codes or names")
    return value


def _text(data: dict, key: str, settings: Settings, label: str | None = None) -> str:
    label = label or key
    value = data.get(key)
    if not isinstance(value, str):
        raise ApiError(400, f"'{label}' must be a string")
    if len(value) > settings.max_text_chars:
        raise ApiError(413, f"'{label}' is {len(value)} characters long; the limit is {settings.max_text_chars}")
    return value


def _get(data: dict, key: str, kind: type, default: object) -> object:
    value = data.get(key, default)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ApiError(400, f"'{key}' must be {'a boolean' if kind is bool else 'a ' + kind.__name__}")
    return value


def _known(data: dict, allowed: set[str], where: str = "the request") -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ApiError(400, f"unknown field{'s' * (len(unknown) > 1)} in {where}: {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
