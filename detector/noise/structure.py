"""Structure and entities: split-off fragments, damaged names, boilerplate, broken quotes."""

from __future__ import annotations

import random
import re

from detector.noise.base import (
    Change,
    _content_pairs,
    _is_name,
    _joined,
    _mapping,
    _omit,
    operation,
    _pick,
    Span,
    _sub,
    _table,
    _words,
    _zipf,
)


_FINAL_APPOSITIVE = re.compile(
    r"(?<=[A-Z][a-z]), ((?:a|an|the|who|which|whose)\s[^,;:\"“”]{3,70}?)[.!?][\"'”’]?\s*$"
)
_FINAL_NAME = r"\b({preps}) ((?:the )?[A-Z][\w'’.-]*(?: (?:of )?[A-Z][\w'’.-]*){{0,3}})[.!?]\s*$"
_CALENDAR = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)
_FINITE = frozenset(
    "is are was were has have had will would can could may might must should do does did said says".split()
)


def _final_name(text: str) -> re.Match[str] | None:
    """A sentence-final name after a preposition that has a placeholder ("... convened by the UK.")."""
    preps = "|".join(map(re.escape, _mapping("fragment-placeholders.tsv")))
    return re.search(_FINAL_NAME.format(preps=preps), text)


@operation(3.0)
def split_appositive(text: str, rng: random.Random) -> Change | None:
    """Split a final appositive or name off into a sentence fragment ("by another country. UK.").

    Mirrors the seed, where MT rendered "by another country, the UK" as two sentences, and
    Japanese-style head-final noun phrases that come out as a vague noun plus a fragment.
    """
    options: list[Change] = []
    m = _FINAL_APPOSITIVE.search(text)
    relative = m and m.group(1).split()[0] in {"who", "which", "whose"}
    if m and (relative or not _FINITE & {w.text.lower() for w in _words(m.group(1))}):
        tail = m.group(1)
        new = ". " + tail[0].upper() + tail[1:]
        options.append(_sub(m.start(), m.end(1), new, "grammar"))
    m = _final_name(text)
    before = _words(text[: m.start()])[-1:] if m else []
    if m and before and before[0].text.islower() and not _CALENDAR & set(m.group(2).split()):
        placeholder = rng.choice(_mapping("fragment-placeholders.tsv")[m.group(1)])
        name = m.group(2).removeprefix("the ")
        new = f"{placeholder}. {name}"
        options.append(_sub(m.start(2), m.end(2), new, "grammar"))
    return _pick(rng, options)


def _mangle_name(name: str, rng: random.Random) -> str:
    """Drop 1-2 final letters, back-transliterate a letter group, or swap two inner letters."""
    roll = rng.random()
    if roll < 0.4:
        return name[: -rng.choice([1, 1, 2])]
    if roll < 0.75:
        rules = [(a, b) for a, b in _table("transliteration.tsv") if a in name[1:].lower()]
        if rules:
            a, b = rng.choice(rules)
            i = name.lower().rindex(a)
            return name[:i] + b + name[i + len(a) :]
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


@operation(1.0)
def truncate_name(text: str, rng: random.Random) -> Change | None:
    """Misspell a proper name: drop final letters, back-transliterate, or swap two letters.

    Mirrors the seed's "Hegseth" -> "Hegses'" and MLQE-PE names respelled a letter or two off,
    which leave the same entity spelled two ways in one article.
    """
    names = []
    for tok in _words(text):
        base, _, suffix = tok.text.partition("'") if "'" in tok.text else tok.text.partition("’")
        probe = Span(tok.start, tok.start + len(base), base)
        if len(base) >= 5 and _is_name(text, probe) and _zipf(base) < 5.0 and suffix in {"", "s"}:
            names.append(probe)
    tok = _pick(rng, names)
    if tok is None:
        return None
    mangled = _mangle_name(tok.text, rng)
    if mangled == tok.text:
        return None
    end = tok.end
    if mangled.endswith("s") and text[end : end + 2] in {"'s", "’s"} and rng.random() < 0.5:
        end += 2
        mangled += text[tok.end]
    return _sub(tok.start, end, mangled, "inconsistent-entities")


@operation(0.5)
def lowercase_name(text: str, rng: random.Random) -> Change | None:
    """Write a proper name (one or more words) in lower case ("anna petrova", "new delhi").

    Mirrors MLQE-PE output that transliterates names without restoring their capitals.
    """
    words = _words(text)
    runs: list[list[Span]] = []
    for tok in words:
        if not _is_name(text, tok):
            continue
        if runs and _joined(text, runs[-1][-1], tok):
            runs[-1].append(tok)
        else:
            runs.append([tok])
    run = _pick(rng, runs)
    if run is None:
        return None
    start, end = run[0].start, run[-1].end
    return _sub(start, end, text[start:end].lower(), "typographical")


@operation(0.3)
def insert_boilerplate(text: str, rng: random.Random) -> Change | None:
    """Glue a page-furniture line ("The story continues under this ad") onto the sentence.

    Mirrors ad and navigation lines that scrapers and page translators leave in article text,
    three times in the seed article.
    """
    body = text.rstrip()
    if not body:
        return None
    line = rng.choice(_table("boilerplate.tsv"))[0]
    if rng.random() < 0.6:
        return _sub(len(body), len(body), " " + line, "other")
    lead = len(text) - len(text.lstrip())
    return _sub(lead, lead, line + " ", "other")


_QUOTES = "\"“”"


@operation(0.6)
def damage_quote(text: str, rng: random.Random) -> Change | None:
    """Damage quotation marks: drop one, add a stray closing one, or quote a plain term.

    Mirrors the seed's quotation closed one sentence early and its quoted "listening mode",
    where MT turned Japanese 「」 emphasis brackets into English quotes.
    """
    quotes = [i for i, ch in enumerate(text) if ch in _QUOTES]
    words = _words(text)
    body = text.rstrip()
    stray = [w.end + 1 for w in words[:-1] if text[w.end : w.end + 2] in {", ", ". "}]
    stray += [len(body)] if body[-1:] in {".", "!", "?"} and not quotes else []
    terms = _content_pairs(text, words)
    kinds = ["drop"] * bool(quotes) + ["stray"] * bool(stray) + ["wrap"] * bool(terms and not quotes)
    kind = _pick(rng, kinds)
    if kind == "drop":
        i = rng.choice(quotes)
        return _omit(text, i, i + 1, "typographical")
    if kind == "stray":
        pos = rng.choice(stray)
        return _sub(pos, pos, '"', "typographical")
    if kind == "wrap":
        a, b = rng.choice(terms)
        start = b.start if rng.random() < 0.6 else a.start
        return _sub(start, b.end, f'"{text[start:b.end]}"', "typographical")
    return None
