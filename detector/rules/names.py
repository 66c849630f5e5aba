"""MT104 inconsistent-name: a rare near-variant of a name the document spells another way.

**What it catches.** "before Hegses’ departure" in an article that otherwise writes "Hegseth":
a truncation or a one- or two-letter misspelling of a capitalized name used elsewhere in the
same document, when the variant itself is not an English word or common name.

**Why it happens in MT.** Transliteration into a syllabic script and back (ヘグセス → "Hegses")
drops or alters final consonants, and subword decoders cut rare names short.

**Example.** "before Hegses’ departure" → "before Hegseth’s departure" (the possessive is kept).

**False positives.** The variant must be rare in English (``wordfreq`` Zipf < 1.5), start with
the same letter, be used less often than the document's form, which must occur at least twice;
forms that extend the name ("Putinism", "Hegseths") and inflected surnames that differ only by
a listed ending (Navalny / Navalnaya, Kowalski / Kowalska; ``wordlists/surname-inflections.tsv``)
are not variants.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache, lru_cache


from detector.document import Document, Token
from detector.findings import Finding, Rule
from detector.resources import load_lines, zipf
from detector.distance import levenshtein

NAME_RE = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)?")
NAME_WORD_RE = re.compile(rf"({NAME_RE.pattern})(['’]s)?")  # a name, and its possessive
RARE_ZIPF = 1.5
MIN_REFERENCE_COUNT = 2
MIN_LENGTH = 4


def check(doc: Document) -> Iterator[Finding]:
    """Yield rare capitalized words that are near-variants of a more frequent name."""
    if not _repeated_name_possible(doc.text):
        return
    names = _names(doc.word_texts)
    counts = Counter(base for _, base, _ in names)
    references = [name for name, c in counts.items() if c >= MIN_REFERENCE_COUNT]
    if not references:
        return  # no name written twice: nothing to be a variant of
    top = max(counts[r] for r in references)
    refs: dict[str, str | None] = {}  # word -> the reference it is a variant of (once per distinct word)
    variants = []
    for i, base, possessive in names:
        word = doc.word_texts[i]
        if word not in refs:
            skip = counts[base] >= top or base in doc.accepted or word in doc.accepted  # no name is more frequent
            refs[word] = None if skip else _reference_for(base, counts, references)
        if refs[word] is not None:
            variants.append((i, base, possessive, refs[word]))
    tokens = doc.word_tokens if variants else []
    for i, base, possessive, ref in variants:
        yield _finding(doc, tokens[i], base, possessive, ref, counts[ref])


def _repeated_name_possible(text: str) -> bool:
    """Whether some NAME_RE match of MIN_LENGTH letters occurs twice in ``text``: a scan of the
    raw text finds every name token's base (and maybe more), so without a repeat no name is a reference."""
    seen: set[str] = set()
    for name in NAME_RE.findall(text):
        if len(name) >= MIN_LENGTH:
            if name in seen:
                return True
            seen.add(name)
    return False


def _names(words: list[str]) -> list[tuple[int, str, str]]:
    """Capitalized words as (index in ``words``, name without possessive, possessive suffix)."""
    out = []
    for i, w in [(i, w) for i, w in enumerate(words) if "A" <= w[0] <= "Z"]:  # NAME_RE's first letter
        m = NAME_WORD_RE.fullmatch(w)
        if m and len(m.group(1)) >= MIN_LENGTH:
            out.append((i, m.group(1), m.group(2) or ""))
    return out


@lru_cache(maxsize=4096)
def _deletions(word: str) -> frozenset[str]:
    """All strings made by deleting up to 1 character (2 from a word of 6 or more): a symmetric-delete key set."""
    keys = {word}
    for _ in range(2 if len(word) >= 6 else 1):
        keys |= {k[:i] + k[i + 1 :] for k in keys for i in range(len(k))}
    return frozenset(keys)


@lru_cache(maxsize=4096)
def _reference_keys(ref: str) -> frozenset[str]:
    """A reference name's deletion keys and its prefixes of 4 letters or more, cut by at most 3."""
    return _deletions(ref) | {ref[:n] for n in range(max(MIN_LENGTH, len(ref) - 3), len(ref))}


def _reference_for(base: str, counts: Counter[str], references: list[str]) -> str | None:
    """The document's name that ``base`` is a rare variant of, if any: one sharing a key with it."""
    if zipf(base) >= RARE_ZIPF:
        return None
    keys = _deletions(base)
    candidates = {
        ref
        for ref in references
        if ref != base
        and ref[0] == base[0]
        and counts[ref] > counts[base]
        and not base.startswith(ref)
        and not keys.isdisjoint(_reference_keys(ref))
        and not _inflected(base, ref)
        and (ref.startswith(base) or levenshtein(base, ref) <= (2 if len(ref) >= 6 else 1))
    }
    if not candidates:
        return None
    return max(candidates, key=lambda ref: (counts[ref], ref))


def _inflected(a: str, b: str) -> bool:
    """Whether two names differ only by a listed inflection ending (Navalny / Navalnaya)."""
    stem = len(os.path.commonprefix([a, b]))
    return (a[stem:], b[stem:]) in _inflections()


@cache
def _inflections() -> frozenset[tuple[str, str]]:
    pairs = [tuple(line.split("\t")) if "\t" in line else ("", line) for line in load_lines("surname-inflections.tsv")]
    return frozenset(pairs) | frozenset((b, a) for a, b in pairs)



def _finding(doc: Document, token: Token, base: str, possessive: str, ref: str, ref_count: int) -> Finding:
    """A finding replacing the variant by the document's form, keeping the possessive."""
    end = token.end
    apostrophe = doc.text[end : end + 1]
    if not possessive and base.endswith("s") and apostrophe in ("’", "'") and not doc.text[end + 1 : end + 2].isalnum():
        possessive, end = f"{apostrophe}{'' if ref.endswith('s') else 's'}", end + 1
    truncated = ref.startswith(base)
    how = "a truncation" if truncated else "a misspelling"
    return RULE.finding(
        token.start,
        end,
        f"“{base}” looks like {how} of “{ref}”, the spelling used {ref_count} times in this document.",
        [ref + possessive],
        0.85 if ref_count >= 3 else 0.7,
    )


RULE = Rule(
    code="MT104",
    name="inconsistent-name",
    category="inconsistent-entities",
    severity="error",
    summary="A name is truncated or misspelled compared with its other uses in the document.",
    doc=__doc__ or "",
    check=check,
    examples_fail=(
        "Hegseth will visit NATO. Hegseth’s trip is his first. It ended before Hegses’ departure.",
        "Zelenskyy met the envoy. Zelenskyy said talks would go on. Later Zelensk left Kyiv.",
        "Kowalczyk won the race. Kowalczyk thanked fans. Kowalcyk had trained for years.",
    ),
    examples_pass=(
        "Johnson met Johnston. Johnson said the talks went well. Johnston agreed.",
        "Putin spoke for an hour. Putin denied it. Critics call it Putinism.",
        "Hegseth arrived. Hegseth left. The Hegseths live in Tennessee.",
        "Mohammed and Mohammad are different people. Mohammed is older.",
        "Navalny died in prison. Navalny had been jailed since 2021. His widow, Yulia Navalnaya, spoke.",
        "Kowalski won. Kowalski thanked fans. His wife Anna Kowalska cheered.",
    ),
)
