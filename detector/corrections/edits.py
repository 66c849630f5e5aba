"""Word tokens of a sentence and the one edit type every candidate generator returns."""

from __future__ import annotations

from dataclasses import dataclass
from detector import resources
from detector.document import WORD_RE


def zipf(word: str) -> float:
    """Zipf frequency of ``word`` (lower-cased) in English (the package's one cached lookup)."""
    return resources.zipf(word.lower())


@dataclass(frozen=True)
class Word:
    """A word of the sentence: ``sentence[start:end] == text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Edit:
    """Replace ``sentence[start:end]`` by ``new``; ``kind`` names the generator that proposed it."""

    start: int
    end: int
    new: str
    kind: str

    def apply(self, sentence: str) -> str:
        return sentence[: self.start] + self.new + sentence[self.end :]


def words(sentence: str) -> list[Word]:
    """The words of ``sentence`` with offsets (the document's one word pattern)."""
    return [Word(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(sentence)]


def match_case(template: str, word: str) -> str:
    """``word`` with the capitalization of ``template`` ("The" + "a" -> "A")."""
    if template.isupper() and len(template) > 1 and word:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def delete(sentence: str, start: int, end: int, kind: str) -> Edit:
    """Delete ``sentence[start:end]`` with one neighbouring space, re-capitalizing a new first word."""
    if start > 0 and sentence[start - 1] == " ":
        return Edit(start - 1, end, "", kind)
    if end < len(sentence) and sentence[end] == " ":
        end += 1
        rest = WORD_RE.match(sentence, end)
        if start == 0 and rest and sentence[start:start + 1].isupper():
            return Edit(start, rest.end(), match_case("X", rest.group()), kind)
    return Edit(start, end, "", kind)
