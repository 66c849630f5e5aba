"""The rules' shortcuts are exact: every cheap test that lets a rule return early, and every
fast path of the document model, agrees with the full computation it stands for.

(``scripts/rules_parity.py`` compares whole findings with an earlier version on news.)
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.document import Document, split_lines, words
from detector.rules import names, particles, repetition

PIECES = st.sampled_from(
    ["the", "The", "THE", "said", "said.", "Will", "will", "Hegseth", "Hegses", "Hegseth’s", "Hegseths", "McDonald",
     "O'Neill", "well-known", "ta", "ta,", "desu.", "ne", "le", "Ta.", "“", "”", '"', "’s", "'s", "ß", "SS", "İ", "_",
     "-", "’", "5", "U.S.", ".", ",", "!", " ", "  ", "\t", "\n", "\r\n", "\u2028"]
)
TEXT = st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=2)), max_size=50).map("".join))
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_word_lists_are_the_word_tokens(text: str) -> None:
    doc = Document(text)
    word_tokens = [t for t in doc.tokens if t.is_word]
    assert doc.word_tokens == word_tokens
    assert doc.word_texts == [t.text for t in word_tokens]
    assert doc.folded_words == [t.text.casefold() for t in word_tokens]
    for para in doc.paragraphs:
        assert words(para, doc) == [t for t in doc.tokens_in(para) if t.is_word]


@SETTINGS
@given(TEXT)
def test_one_line_fast_path_splits_like_the_line_loop(text: str) -> None:
    line = text.replace("\r", " ").replace("\n", " ")
    paragraphs, breaks = split_lines(line)
    assert breaks == []
    assert paragraphs == split_lines(line + "\n")[0]  # a line break sends it through the loop


def tandem_starts_by_definition(folded: list[str]) -> list[int]:
    n_words = len(folded)
    return [
        i
        for i in range(n_words)
        if any(i + 2 * n <= n_words and folded[i : i + n] == folded[i + n : i + 2 * n] for n in range(1, repetition.MAX_PHRASE + 1))
    ]


@SETTINGS
@given(st.lists(st.sampled_from(["a", "b", "c", "the", "The"]), max_size=30))
def test_tandem_starts_are_every_directly_repeated_phrase(folded: list[str]) -> None:
    assert repetition._tandem_starts(folded) == tandem_starts_by_definition(folded)


@SETTINGS
@given(TEXT)
def test_name_prefilter_never_hides_a_repeated_name(text: str) -> None:
    counts = Counter(base for _, base, _ in names._names(Document(text).word_texts))
    if any(c >= names.MIN_REFERENCE_COUNT for c in counts.values()):
        assert names._repeated_name_possible(text)


@SETTINGS
@given(TEXT)
def test_dangling_prefilter_never_hides_a_dangling_particle(text: str) -> None:
    doc = Document(text)
    listed = particles.particle_table("particles-dangling.txt")
    candidates = [m for s in doc.sentences for m in particles.DANGLING_RE.finditer(s.text) if m.group(2) in listed]
    if candidates:
        assert particles._dangling_anywhere().search(text)


def test_the_prefilters_reject_ordinary_sentences() -> None:
    """The shortcuts do take effect: a plain sentence passes none of them."""
    text = "The minister said the talks in Brussels would resume on Monday."
    doc = Document(text)
    assert repetition._tandem_starts(doc.folded_words) == []
    assert not names._repeated_name_possible(text)
    assert particles._dangling_anywhere().search(text) is None
