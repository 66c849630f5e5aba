"""A seeded noise model that turns clean English news sentences into machine-translated ones.

Each operation in :data:`OPERATIONS` mirrors one artifact seen in real MT output into English
(the seed round trip and the MLQE-PE post-edits): duplicated words, stray romanized particles,
fragments, damaged names, literal collocations and so on. :func:`garble` applies one or more of
them and records a gold :class:`Span` for every change; :func:`restyle` randomises typography
on clean and garbled text alike so that no typographic cue gives the label away.

An operation is a function ``(text, rng) -> Change | None``. It looks only at ``text``, draws
every choice from ``rng`` and returns one contiguous replacement plus the gold mark of that
replacement in the output, or ``None`` when the sentence offers nothing to work on.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from detector.document import WORD_RE
from detector.resources import load_lines, zipf
from detector.spans import Span, overlaps_any, shift


@dataclass(frozen=True)
class Garbled:
    """A garbled sentence and the spans of everything the noise model changed in it."""

    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Change:
    """Replace ``text[start:end]`` by ``new``; ``mark`` is the gold span in the output."""

    start: int
    end: int
    new: str
    mark: tuple[int, int]
    category: str


Operation = Callable[[str, random.Random], "Change | None"]

# --------------------------------------------------------------------------- tokens and data

_WORD = re.compile(rf"\d+(?:[.,:]\d+)+|{WORD_RE.pattern}")
_NUMBER = re.compile(r"(?<![\w.,])\d[\d,.]*\d(?![\w])|(?<![\w.,])\d(?![\w.,]?\d)")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s*$")
_FUNCTION_ZIPF = 5.5
_ARTICLES = frozenset({"the", "a", "an"})
_POSSESSIVES = frozenset("his her their its our my your".split())
_DETERMINERS = _ARTICLES | _POSSESSIVES | frozenset("this that these those some any no every each".split())




def _words(text: str) -> list[Span]:
    """Word tokens with offsets: numbers like "6.30" or "1,200", words with inner ' or -."""
    return [Span(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _zipf(word: str) -> float:
    return zipf(word.lower())


def _is_function(word: str) -> bool:
    return _zipf(word) >= _FUNCTION_ZIPF


def _is_content(word: str) -> bool:
    return word.isalpha() and word.islower() and len(word) > 2 and 2.5 <= _zipf(word) < _FUNCTION_ZIPF


_OPENING = re.compile(r"(?:^|[.!?:\n][\"'”’)\]]*\s+|[\"“‘'(\[]\s*)$")


def _at_sentence_start(text: str, tok: Span) -> bool:
    """True for the first word of a sentence, a quotation or a bracket."""
    return bool(_OPENING.search(text[: tok.start]))


def _is_name(text: str, tok: Span) -> bool:
    """A capitalized, mixed-case word (possessive allowed) that does not open a sentence."""
    w = re.sub(r"['’]s?$", "", tok.text)
    return w[:1].isupper() and w[1:].islower() and w.isalpha() and not _at_sentence_start(text, tok)


def _joined(text: str, a: Span, b: Span) -> bool:
    """True when ``b`` follows ``a`` after exactly one space (same clause, no punctuation)."""
    return text[a.end : b.start] == " "


def _run(text: str, words: Sequence[Span]) -> bool:
    """True when ``words`` follow each other with single spaces only (one stretch of a clause)."""
    return all(_joined(text, a, b) for a, b in zip(words, words[1:]))


def _content_pairs(text: str, words: list[Span]) -> list[tuple[Span, Span]]:
    """Adjacent pairs of distinct lower-case content words ("biggest land", "shape future")."""
    return [
        (a, b)
        for a, b in zip(words, words[1:])
        if _joined(text, a, b) and a.text != b.text and _is_content(a.text) and _is_content(b.text)
    ]


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=None)
def _table(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of ``detector/data/noise/<name>`` split on TAB, short rows padded with ''."""
    rows = [line.split("\t") for line in load_lines(f"noise/{name}")]
    width = max((len(r) for r in rows), default=1)
    return tuple(tuple(r) + ("",) * (width - len(r)) for r in rows)


@lru_cache(maxsize=None)
def _mapping(name: str, kind: str | None = None) -> dict[str, tuple[str, ...]]:
    """``column 1 -> all column-2 values`` of a table; only rows whose column 3 is ``kind`` if given."""
    out: dict[str, list[str]] = {}
    for row in _table(name):
        if kind is None or row[2] == kind:
            out.setdefault(row[0].lower(), []).append(row[1])
    return {k: tuple(v) for k, v in out.items()}


def _particles(name: str) -> tuple[tuple[str, str], ...]:
    """``(particle, language)`` rows of a top-level particle list."""
    return tuple(tuple(line.split("\t")[:2]) for line in load_lines(name))  # type: ignore[misc]


# --------------------------------------------------------------------------- change builders


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sub(start: int, end: int, new: str, category: str) -> Change:
    """Replace ``[start, end)`` by ``new``; the mark is ``new`` without outer whitespace."""
    lead = len(new) - len(new.lstrip())
    return Change(start, end, new, (start + lead, start + len(new.rstrip())), category)


def _omit(text: str, start: int, end: int, category: str, *, right_only: bool = False) -> Change:
    """Delete ``[start, end)``; the mark covers the word(s) next to the gap in the output."""
    out = text[:start] + text[end:]
    words = _words(out)
    left = [w for w in words if w.end <= start]
    right = [w for w in words if w.start >= start]
    lo = left[-1].start if left and not (right_only and right) else start
    hi = right[0].end if right else start
    return Change(start, end, "", (lo, hi), category)


def _pick(rng: random.Random, items: Sequence):
    return rng.choice(items) if items else None


# --------------------------------------------------------------------------- duplication


def repeat_word(text: str, rng: random.Random) -> Change | None:
    """Duplicate a word in place, sometimes with a case change ("Will will", "are are").

    Mirrors decoder stutter: the seed's "Will will become" and the doubled or tripled words
    of MLQE-PE output.
    """
    tok = _pick(rng, [t for t in _words(text) if t.text.isalpha()])
    if tok is None:
        return None
    copy = tok.text
    roll = rng.random()
    if roll < 0.3 and copy.islower() and len(copy) > 1:
        copy = copy.capitalize()
    elif roll < 0.4 and copy[0].isupper() and not _at_sentence_start(text, tok):
        copy = copy.lower()
    copies = 2 if rng.random() < 0.1 else 1
    new = " ".join([copy] * copies) + " "
    return _sub(tok.start, tok.start, new, "duplication")


_REPORTING = frozenset("said says told added announced stated noted explained wrote reported".split())


def repeat_across_break(text: str, rng: random.Random) -> Change | None:
    """Repeat a word after a spurious full stop ("the Pentagon said. said before ...").

    Mirrors the seed's sentence-break stutter, where MT closes a sentence and then restarts it
    with the last word again.
    """
    words = _words(text)
    pairs = [(a, b) for a, b in zip(words, words[1:]) if _joined(text, a, b) and b.text.islower()]
    pairs = [p for p in pairs if p[0].text in _REPORTING or _is_content(p[0].text)]
    preferred = [p for p in pairs if p[0].text.lower() in _REPORTING]
    pair = _pick(rng, preferred if preferred and rng.random() < 0.7 else pairs)
    if pair is None:
        return None
    word = pair[0].text
    return _sub(pair[0].end, pair[0].end, f". {word}", "duplication")


def repeat_phrase(text: str, rng: random.Random) -> Change | None:
    """Repeat a 2-4 word phrase right after itself, optionally after a comma or "and".

    Mirrors NMT repetition loops ("the old harbour, the old harbour") seen in MLQE-PE output.
    """
    words = _words(text)
    runs = []
    for n in (2, 3, 4):
        for i in range(len(words) - n + 1):
            chunk = words[i : i + n]
            if _run(text, chunk) and not _is_function(chunk[-1].text):
                runs.append(chunk)
    run = _pick(rng, runs)
    if run is None:
        return None
    phrase = text[run[0].start : run[-1].end]
    sep = rng.choices([" ", ", ", ", and "], weights=[5, 4, 1])[0]
    return _sub(run[-1].end, run[-1].end, sep + phrase, "duplication")


# --------------------------------------------------------------------------- untranslated residue


def stray_particle(text: str, rng: random.Random) -> Change | None:
    """Append a romanized sentence-final particle as a sentence of its own ("... the fight." Ta.).

    Mirrors the seed, where the Japanese past-tense ending た survived as "Ta.".
    """
    if not _SENTENCE_END.search(text):
        return None
    rows = _particles("particles-standalone.txt")
    japanese = [p for p, lang in rows if lang == "ja"]
    particle = rng.choice(japanese if rng.random() < 0.7 else [p for p, _ in rows])
    word = particle.capitalize() + rng.choice([".", ".", ".", ""])
    end = len(text.rstrip())
    return _sub(end, end, " " + word, "untranslated")


def dangling_particle(text: str, rng: random.Random) -> Change | None:
    """Leave a romanized particle hanging before a full stop or comma ("will continue desu.").

    Mirrors Japanese/Korean/Chinese sentence-final particles (です, ね, 了) that MT transliterates
    instead of dropping.
    """
    words = _words(text)
    slots = [w.end for w in words if w.text.islower() and text[w.end : w.end + 1] in {".", ",", "?", "!"}]
    end = _pick(rng, slots)
    if end is None:
        return None
    particle = rng.choice([p for p, _ in _particles("particles-dangling.txt")])
    return _sub(end, end, " " + particle, "untranslated")


def leave_untranslated(text: str, rng: random.Random) -> Change | None:
    """Leave a common noun in the source language ("the kaigi", "in the linn", "правительство").

    Mirrors Estonian and Romanian nouns left standing in MLQE-PE output.
    """
    table = _mapping("foreign.tsv")
    hits = [t for t in _words(text) if t.text.lower() in table and not t.text.isupper()]
    tok = _pick(rng, hits)
    if tok is None:
        return None
    foreign = rng.choice(table[tok.text.lower()])
    if tok.text[0].isupper():
        foreign = foreign[0].upper() + foreign[1:]
    return _sub(tok.start, tok.end, foreign, "untranslated")


def unk_token(text: str, rng: random.Random) -> Change | None:
    """Replace a rare word or name with the literal ``<unk>`` token.

    Mirrors out-of-vocabulary placeholders left in NMT output (49 items in MLQE-PE).
    """
    rare = [t for t in _words(text) if t.text.isalpha() and len(t.text) > 3 and _zipf(t.text) < 3.0]
    tok = _pick(rng, rare)
    return None if tok is None else _sub(tok.start, tok.end, "<unk>", "untranslated")


# --------------------------------------------------------------------------- structure and entities

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


# --------------------------------------------------------------------------- word order


def swap_words(text: str, rng: random.Random) -> Change | None:
    """Swap two adjacent content words ("the land biggest war", "will participate first").

    Mirrors word order carried over from a head-final or free-order source language.
    """
    pair = _pick(rng, _content_pairs(text, _words(text)))
    if pair is None:
        return None
    a, b = pair
    return _sub(a.start, b.end, f"{b.text} {a.text}", "grammar")


def _adverbials(text: str, words: list[Span]) -> list[tuple[int, int]]:
    """Index ranges of movable adverbials: a lone adverb, or a phrase running to a clause end."""
    kinds = _mapping("adverbials.tsv")
    found = []
    for i, tok in enumerate(words):
        kind = kinds.get(tok.text)
        if kind == ("adverb",):
            found.append((i, i + 1))
        elif kind:
            j = i + 1
            while j < len(words) and j - i < 5 and _joined(text, words[j - 1], words[j]):
                j += 1
            at_boundary = j == len(words) or text[words[j - 1].end : words[j - 1].end + 1] in {",", ".", ";"}
            if at_boundary and 2 <= j - i <= 4:
                found.append((i, j))
    return found


def _landing(text: str, words: list[Span], k: int, *, alone: bool, rightward: bool) -> bool:
    """Whether an adverbial may land before ``words[k]``.

    It may land between a verb and its object (before an article or possessive that no
    preposition governs) or, moving right as a lone adverb, at the end of its clause.
    """
    if k == 0 or _binds(words[k - 1].text):
        return False
    if k == len(words) or any(ch in _CLAUSE_MARKS for ch in text[words[k - 1].end : words[k].start]):
        return alone and rightward
    return words[k].text in _ARTICLES | _POSSESSIVES


_CLAUSE_MARKS = frozenset(",;:.!?—–()\"“”")


def _binds(word: str) -> bool:
    """A word that needs what follows it: a preposition or a determiner."""
    return word.lower() in _DETERMINERS or word.lower() in _mapping("prepositions.tsv")


def move_adverbial(text: str, rng: random.Random) -> Change | None:
    """Move a time/place adverbial or an adverb up to 5 words within its clause.

    It lands between a verb and its object ("called on Tuesday the police") or, for an adverb,
    at the clause end ("he highlights the need also"). Mirrors the seed's "in decades Europe's
    biggest land war", where MT keeps the source position of the adverbial.
    """
    words = _words(text)
    moves = []
    for i, j in _adverbials(text, words):
        if i and _binds(words[i - 1].text):
            continue
        for k in [*range(max(1, i - 5), i), *range(j + 1, min(len(words), j + 5) + 1)]:
            region = words[k:j] if k < i else words[i:k]
            if _run(text, region) and _landing(text, words, k, alone=j - i == 1, rightward=k > j):
                moves.append((i, j, k))
    move = _pick(rng, moves)
    if move is None:
        return None
    i, j, k = move
    region = words[k:j] if k < i else words[i:k]
    phrase, rest = words[i:j], (words[k:i] if k < i else words[j:k])
    order = [*phrase, *rest] if k < i else [*rest, *phrase]
    return _sub(region[0].start, region[-1].end, " ".join(w.text for w in order), "grammar")


# --------------------------------------------------------------------------- function words


def drop_article(text: str, rng: random.Random) -> Change | None:
    """Drop an article ("to secure the guarantee" -> "to secure guarantee").

    Mirrors MT from article-less languages (Japanese, Russian, Sinhala, Nepali).
    """
    words = _words(text)
    hits = [(a, b) for a, b in zip(words, words[1:]) if a.text.lower() in _ARTICLES and _joined(text, a, b)]
    pair = _pick(rng, hits)
    if pair is None:
        return None
    art, nxt = pair
    if art.text[0].isupper() and nxt.text.islower():
        cap = nxt.text[0].upper() + nxt.text[1:]
        return _sub(art.start, nxt.end, cap, "omission")
    return _omit(text, art.start, nxt.start, "omission", right_only=True)


def add_article(text: str, rng: random.Random) -> Change | None:
    """Add a wrong article: "the" before a bare name or "a" before a plural noun.

    Mirrors over-correction by MT from article-less languages ("in the Brussels", "on a weapons").
    """
    words = _words(text)
    preps = {row[0] for row in _table("prepositions.tsv")}
    options = []
    for prev, tok, nxt in zip(words, words[1:], words[2:] + [None]):
        if not _joined(text, prev, tok) or prev.text.lower() in _DETERMINERS:
            continue
        if _is_name(text, tok) and prev.text in preps and (nxt is None or not nxt.text[0].isupper()):
            options.append((tok, "the"))
        plural = tok.text.islower() and tok.text.endswith("s") and not tok.text.endswith(("ss", "us", "is"))
        if plural and prev.text in preps and len(tok.text) > 4 and _zipf(tok.text[:-1]) > 3.0:
            options.append((tok, "an" if tok.text[0] in "aeio" else "a"))
    hit = _pick(rng, options)
    if hit is None:
        return None
    tok, article = hit
    return _sub(tok.start, tok.start, article + " ", "grammar")


def _infinitive(tok: Span, nxt: Span | None) -> bool:
    """"to" before a lower-case non-determiner word, most likely an infinitive marker."""
    return tok.text == "to" and nxt is not None and nxt.text.islower() and nxt.text not in _DETERMINERS


def _swap_from_table(
    text: str,
    rng: random.Random,
    table: str,
    category: str,
    *,
    skip_first: bool = False,
    kind: str | None = None,
) -> Change | None:
    """Replace a word found in column 1 of ``table`` (rows of ``kind``) by a column-2 value."""
    mapping = _mapping(table, kind)
    words = _words(text)
    hits = [
        t
        for t, nxt in zip(words, [*words[1:], None])
        if t.text.lower() in mapping and not (skip_first and t.start == 0) and not _infinitive(t, nxt)
    ]
    tok = _pick(rng, hits)
    if tok is None:
        return None
    wrong = rng.choice(mapping[tok.text.lower()])
    return _sub(tok.start, tok.end, _match_case(tok.text, wrong), category)


def wrong_preposition(text: str, rng: random.Random) -> Change | None:
    """Swap a preposition for a wrong one ("in the meeting" -> "on the meeting").

    Mirrors case and postposition mapping errors (Japanese に/で, Russian в/на).
    """
    return _swap_from_table(text, rng, "prepositions.tsv", "grammar", skip_first=True)


def wrong_pronoun(text: str, rng: random.Random) -> Change | None:
    """Swap a pronoun's gender, number or animacy ("his husband", "it" for a person).

    Mirrors MT from languages that leave the referent's gender unmarked (MLQE-PE et-en, si-en).
    """
    return _swap_from_table(text, rng, "pronouns.tsv", "mistranslation")


def break_agreement(text: str, rng: random.Random) -> Change | None:
    """Break subject-verb agreement or tense ("attacks ... were considered" -> "was", "he want").

    Mirrors the seed's tense slips and agreement errors in MLQE-PE post-edits.
    """
    words = _words(text)
    third = [
        b
        for a, b in zip(words, words[1:])
        if a.text.lower() in {"he", "she", "it"} and _joined(text, a, b) and _third_person_verb(b.text)
    ]
    roll = rng.random()
    if third and roll < 0.3:
        tok = rng.choice(third)
        return _sub(tok.start, tok.end, tok.text[:-1], "grammar")
    kind = "tense" if roll > 0.8 else "agreement"
    return _swap_from_table(text, rng, "agreement.tsv", "grammar", kind=kind)


def _third_person_verb(word: str) -> bool:
    """A lower-case "-s" form whose stem is a common word ("wants"; not "has", "is", "thus")."""
    if len(word) <= 3 or not word.islower() or word.endswith(("ss", "us", "is")):
        return False
    return word.endswith("s") and _zipf(word[:-1]) > 3.5


_QUANTIFIERS = frozenset(
    "two three four five six seven eight nine ten eleven twelve twenty thirty fifty hundred "
    "hundreds thousand thousands million billion dozen dozens several many few both".split()
)


def _singular(word: str) -> str | None:
    """The most frequent of the plausible singulars of ``word`` ("cases" -> "case"), if common."""
    if not word.endswith("s") or word.endswith("ss"):
        return None
    stems = [word[:-1], word[:-2] if word.endswith("es") else ""]
    stems += [word[:-3] + "y"] if word.endswith("ies") else []
    best = max((s for s in stems if len(s) > 2), key=_zipf, default=None)
    return best if best and _zipf(best) >= 3.0 else None


def _counts(word: str) -> bool:
    """A numeral or quantifier that takes a plural noun; years ("the 2016 elections") do not."""
    if word[0].isdigit():
        return not re.fullmatch(r"1[89]\d\d|20\d\d", word) and word != "1"
    return word.lower() in _QUANTIFIERS


def _counted_nouns(text: str) -> list[Span]:
    """Plural nouns right after a number or a quantifier ("50 countries", "several allies")."""
    words = _words(text)
    return [
        b
        for a, b in zip(words, words[1:])
        if _joined(text, a, b) and b.text.islower() and b.text.endswith("s") and _counts(a.text)
    ]


def _entity_nouns(text: str) -> list[Span]:
    """Counted nouns that name things, not units or scale words ("50 countries", not "5 years")."""
    skip = set(_mapping("measure-units.tsv")) | _QUANTIFIERS | {row[0] for row in _table("counters.tsv")}
    return [t for t in _counted_nouns(text) if t.text not in skip]


def drop_plural(text: str, rng: random.Random) -> Change | None:
    """Use the singular after a number ("50 country", "several ally").

    Mirrors MT from languages without plural marking (Japanese, Chinese) or with singular after
    numerals (Russian, Estonian).
    """
    hits = [(t, s) for t in _counted_nouns(text) if (s := _singular(t.text))]
    hit = _pick(rng, hits)
    if hit is None:
        return None
    tok, singular = hit
    return _sub(tok.start, tok.end, singular, "grammar")


# --------------------------------------------------------------------------- lexical choice


def literal_collocation(text: str, rng: random.Random) -> Change | None:
    """Render a collocation word for word ("took part in" -> "took participation in").

    Mirrors literal lexical choices in MLQE-PE (calqued institution names and idioms) and the
    seed's "smash Ukrainian weapons".
    """
    hits = []
    for row in _table("collocations.tsv"):
        for m in re.finditer(rf"\b{re.escape(row[0])}\b", text, flags=re.IGNORECASE):
            hits.append((m, row[1]))
    hit = _pick(rng, hits)
    if hit is None:
        return None
    m, literal = hit
    return _sub(m.start(), m.end(), _match_case(m.group(), literal), "mistranslation")


def swap_counter(text: str, rng: random.Random) -> Change | None:
    """Replace a counted noun by a counter word ("23 countries" -> "23 people").

    Mirrors the seed, where Japanese カ国/人 counters came out as the wrong English noun.
    """
    tok = _pick(rng, _entity_nouns(text))
    if tok is None:
        return None
    return _sub(tok.start, tok.end, rng.choice(_table("counters.tsv"))[0], "mistranslation")


def insert_hedge(text: str, rng: random.Random) -> Change | None:
    """Insert a literal hedge or filler ("... to their security I'm afraid.", "It is said that").

    Mirrors politeness and sentence-final particles rendered word for word, like the seed's
    "an existential threat to their security I'm afraid to bring".
    """
    phrase, where = rng.choice(_table("hedges.tsv"))
    words = _words(text)
    if not words:
        return None
    first = words[0]
    lowerable = _is_function(first.text) and first.text not in {"I", first.text.upper()}
    if where == "start" or (where == "any" and rng.random() < 0.3):
        if not lowerable:
            return None
        lead = phrase[0].upper() + phrase[1:] + (" " if phrase.endswith("that") else ", ")
        return _sub(first.start, first.end, lead + first.text.lower(), "addition")
    final = _SENTENCE_END.search(text)
    end = final.start() if final else len(text.rstrip())
    if end == 0 or not text[end - 1].isalnum():
        return None
    sep = ", " if where == "any" else rng.choice([" ", ", "])
    return _sub(end, end, sep + phrase, "addition")


def drop_negation(text: str, rng: random.Random) -> Change | None:
    """Drop a negation ("will not stop" -> "will stop", "wasn't" -> "was").

    Mirrors omissions that reverse the meaning, a frequent critical error in MT evaluation.
    """
    table = _mapping("negations.tsv")
    hits = []
    for neg, (aff, *_) in table.items():
        pattern = re.escape(neg).replace("'", "['’]")
        hits += [(m, aff) for m in re.finditer(rf"\b{pattern}\b", text, flags=re.IGNORECASE)]
    hit = _pick(rng, hits)
    if hit is None:
        return None
    m, aff = hit
    if aff:
        return _sub(m.start(), m.end(), _match_case(m.group(), aff), "omission")
    if m.start() == 0 or text[m.end() : m.end() + 1] != " ":
        return None
    return _omit(text, m.start(), m.end() + 1, "omission")


def drop_content_word(text: str, rng: random.Random) -> Change | None:
    """Drop a content word from the middle of a clause ("will first in a meeting").

    Mirrors omissions in MLQE-PE where a verb or noun of the source has no counterpart.
    """
    words = _words(text)
    triples = zip(words, words[1:], words[2:])
    hits = [b for a, b, c in triples if _is_content(b.text) and _run(text, [a, b, c])]
    tok = _pick(rng, hits)
    return None if tok is None else _omit(text, tok.start, tok.end + 1, "omission")


# --------------------------------------------------------------------------- numbers


def change_number(text: str, rng: random.Random) -> Change | None:
    """Change a number, its scale or its unit ("$126 billion" -> "$126 million", "2010" -> "20010").

    Mirrors number errors in MLQE-PE (years with an extra digit), myriad-scale slips of
    Japanese/Chinese MT (万, 億) and misread units ("5 miles" -> "5 kilometres").
    """
    options: list[Change] = []
    for name in ("scales.tsv", "measure-units.tsv"):
        for row in _table(name):
            for m in re.finditer(rf"(?<=\d )\b{row[0]}\b", text):
                options.append(_sub(m.start(), m.end(), row[1], "mistranslation"))
    for m in _NUMBER.finditer(text):
        digits = m.group()
        if "," in digits:
            continue
        if "." in digits:
            new = digits.replace(".", "", 1)
        elif len(digits) >= 2 and rng.random() < 0.5:
            new = digits[:-2] + digits[-1] + digits[-2]
        else:
            i = rng.randrange(len(digits))
            new = digits[: i + 1] + "0" + digits[i + 1 :]
        if new != digits and not new.startswith("0"):
            options.append(_sub(m.start(), m.end(), new, "mistranslation"))
    return _pick(rng, options)


def number_format(text: str, rng: random.Random) -> Change | None:
    """Write a number in continental style ("150,000" -> "150.000", "3.5" -> "3,5", "85 %").

    Mirrors number formats copied from the source (ro-en, et-en in MLQE-PE) and the MT
    system's own spacing quirk before the percent sign.
    """
    options = []
    for m in re.finditer(r"\d{1,3}(?:,\d{3})+(?!\d)", text):
        sep = rng.choice([".", " "])
        options.append(_sub(m.start(), m.end(), m.group().replace(",", sep), "typographical"))
    for m in re.finditer(r"(?<![\d,.])\d+\.\d+(?![\d.])", text):
        options.append(_sub(m.start(), m.end(), m.group().replace(".", ","), "typographical"))
    for m in re.finditer(r"\d%", text):
        options.append(_sub(m.start(), m.end(), m.group()[0] + " %", "typographical"))
    return _pick(rng, options)


# --------------------------------------------------------------------------- registry and driver

OPERATIONS: dict[str, Operation] = {
    op.__name__: op
    for op in (
        repeat_word,
        repeat_across_break,
        repeat_phrase,
        stray_particle,
        dangling_particle,
        leave_untranslated,
        unk_token,
        split_appositive,
        truncate_name,
        lowercase_name,
        insert_boilerplate,
        damage_quote,
        swap_words,
        move_adverbial,
        drop_article,
        add_article,
        wrong_preposition,
        wrong_pronoun,
        break_agreement,
        drop_plural,
        literal_collocation,
        swap_counter,
        insert_hedge,
        drop_negation,
        drop_content_word,
        change_number,
        number_format,
    )
}

DEFAULT_RATES: dict[str, float] = {
    "repeat_word": 0.8,
    "repeat_across_break": 0.5,
    "repeat_phrase": 0.5,
    "stray_particle": 0.4,
    "dangling_particle": 0.3,
    "leave_untranslated": 1.2,
    "unk_token": 0.15,
    "split_appositive": 3.0,
    "truncate_name": 1.0,
    "lowercase_name": 0.5,
    "insert_boilerplate": 0.3,
    "damage_quote": 0.6,
    "swap_words": 0.8,
    "move_adverbial": 2.0,
    "drop_article": 1.0,
    "add_article": 1.0,
    "wrong_preposition": 1.0,
    "wrong_pronoun": 0.8,
    "break_agreement": 1.0,
    "drop_plural": 1.5,
    "literal_collocation": 4.0,
    "swap_counter": 3.0,
    "insert_hedge": 0.6,
    "drop_negation": 1.5,
    "drop_content_word": 1.0,
    "change_number": 1.5,
    "number_format": 1.5,
}


@dataclass
class NoiseConfig:
    """Knobs of the noise model.

    ``rates`` are relative weights of the operations (0 disables one); ``max_ops`` caps the
    operations per sentence, each beyond the first applied with probability ``p_extra_op``;
    ``p_garble`` is the share of sentences a corpus recipe garbles.
    """

    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    max_ops: int = 2
    p_extra_op: float = 0.35
    p_garble: float = 0.5

    def __post_init__(self) -> None:
        unknown = set(self.rates) - set(OPERATIONS)
        if unknown:
            raise ValueError(f"unknown noise operations: {sorted(unknown)}")
        if self.max_ops < 1:
            raise ValueError("max_ops must be at least 1")


def _apply(text: str, spans: Sequence[Span], change: Change, op: str) -> tuple[str, list[Span]] | None:
    """Apply ``change``; ``None`` if it is a no-op, touches an earlier span or has an empty mark."""
    out = text[: change.start] + change.new + text[change.end :]
    if out == text or overlaps_any(change, spans):
        return None
    shifted = shift(spans, change.start, len(change.new) - (change.end - change.start))
    lo, hi = _trim(out, *change.mark)
    mark = Span(lo, hi, category=change.category, op=op)
    if lo >= hi or overlaps_any(mark, shifted):
        return None
    return out, sorted([*shifted, mark], key=lambda s: (s.start, s.end))


def _apply_one(
    text: str, spans: list[Span], rng: random.Random, rates: dict[str, float]
) -> tuple[str, list[Span]] | None:
    """Try operations in weighted random order until one applies cleanly."""
    pool = {name: w for name, w in rates.items() if w > 0}
    while pool:
        names = sorted(pool)
        name = rng.choices(names, weights=[pool[n] for n in names])[0]
        del pool[name]
        change = OPERATIONS[name](text, rng)
        result = _apply(text, spans, change, name) if change else None
        if result:
            return result
    return None


def garble(text: str, rng: random.Random, config: NoiseConfig | None = None) -> Garbled:
    """Apply 1..``max_ops`` noise operations to ``text`` and record their gold spans.

    Returns ``Garbled(text, ())`` when no operation applies to this sentence (or, rarely, when
    a later operation happens to undo an earlier one).
    """
    config = config or NoiseConfig()
    n_ops = 1 + sum(rng.random() < config.p_extra_op for _ in range(config.max_ops - 1))
    out, spans = text, []
    for _ in range(n_ops):
        result = _apply_one(out, spans, rng, config.rates)
        if result is None:
            break
        out, spans = result
    return Garbled(text, ()) if out == text else Garbled(out, tuple(spans))


# --------------------------------------------------------------------------- typography

_DASH = re.compile(r"(?<=\S)(?:\s*(?:—|--)\s*|\s+[–-]\s+)(?=\S)")
_DASH_STYLES = ("—", " — ", " – ", " - ", "--", " -- ")


@dataclass(frozen=True)
class _Style:
    curly: bool
    dash: str
    flip_case: bool
    drop_period: bool


def _draw_style(rng: random.Random) -> _Style:
    """Draw every typographic decision up front, so equal seeds give equal styles."""
    return _Style(
        curly=rng.random() < 0.4,
        dash=rng.choice(_DASH_STYLES),
        flip_case=rng.random() < 0.06,
        drop_period=rng.random() < 0.08,
    )


def _quote_edits(text: str, curly: bool) -> list[tuple[int, int, str]]:
    edits = []
    for i, ch in enumerate(text):
        if ch in "\"“”":
            if curly:
                opening = i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-"
                new = "“" if opening else "”"
            else:
                new = '"'
        elif ch in "'‘’":
            if curly:
                after_space = i == 0 or text[i - 1].isspace() or text[i - 1] in "([{\"“"
                opening = after_space and not text[i + 1 : i + 2].isdigit()
                new = "‘" if opening else "’"
            else:
                new = "'"
        else:
            continue
        if new != ch:
            edits.append((i, i + 1, new))
    return edits


def _style_edits(text: str, style: _Style) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, new)`` edits that put ``text`` into ``style``."""
    edits = _quote_edits(text, style.curly)
    edits += [(m.start(), m.end(), style.dash) for m in _DASH.finditer(text) if m.group() != style.dash]
    first = _WORD.search(text)
    if style.flip_case and first and first.group()[0].isalpha() and not first.group().isupper():
        ch = text[first.start()]
        edits.append((first.start(), first.start() + 1, ch.lower() if ch.isupper() else ch.upper()))
    body = text.rstrip()
    if style.drop_period and body.endswith(".") and not re.search(r"(?:\b\w\.|\.\.)$", body):
        edits.append((len(body) - 1, len(body), ""))
    return sorted(edits)


def _map_offset(pos: int, edits: Sequence[tuple[int, int, str]], *, is_end: bool) -> int:
    """Where offset ``pos`` lands after ``edits``; inside an edit, its start or end."""
    shift = 0
    for start, end, new in edits:
        if end <= pos:
            shift += len(new) - (end - start)
        elif start < pos:
            return start + shift + (len(new) if is_end else 0)
    return pos + shift


def _apply_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def restyle(text: str, rng: random.Random) -> str:
    """Randomise typography: quote/apostrophe style, dash style, first-letter case, final period."""
    return _apply_edits(text, _style_edits(text, _draw_style(rng)))


def restyle_garbled(garbled: Garbled, rng: random.Random) -> Garbled:
    """:func:`restyle` a garbled sentence and move its spans along with the text."""
    edits = _style_edits(garbled.text, _draw_style(rng))
    spans = []
    for s in garbled.spans:
        start = _map_offset(s.start, edits, is_end=False)
        end = _map_offset(s.end, edits, is_end=True)
        if start < end:
            spans.append(Span(start, end, category=s.category, op=s.op))
    return Garbled(_apply_edits(garbled.text, edits), tuple(spans))
