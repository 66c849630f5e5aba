"""The document model: paragraphs, sentences and tokens are exact offsets into the text."""

from __future__ import annotations

import pytest

from detector.document import Document


def sentences(text: str) -> list[str]:
    return [s.text for s in Document(text).sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Gen. Lee at No. 10 Downing St. on Jan. 5.", ["Mr. Smith met Gen. Lee at No. 10 Downing St. on Jan. 5."]),
        ("The U.S. economy grew 3.5-3.7% last year. It slowed.", ["The U.S. economy grew 3.5-3.7% last year.", "It slowed."]),
        ("He moved to the U.S. The next year he left.", ["He moved to the U.S.", "The next year he left."]),
        ("The U.S. Senate voted.", ["The U.S. Senate voted."]),
        ("John F. Kennedy spoke. Then he left.", ["John F. Kennedy spoke.", "Then he left."]),
        ("“We will fight,” he said.” Ta.", ["“We will fight,” he said.”", "Ta."]),
        ("It will be convened by another country. UK.", ["It will be convened by another country.", "UK."]),
        ("Acme Inc. reported a profit. Shares rose.", ["Acme Inc. reported a profit.", "Shares rose."]),
        ("Wait... what happened? Nobody knows!", ["Wait... what happened?", "Nobody knows!"]),
        ("the Pentagon said. said before", ["the Pentagon said. said before"]),
        ("It opened at 9 a.m. Trading was calm.", ["It opened at 9 a.m. Trading was calm."]),
    ],
)
def test_sentence_splitting(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_newlines_are_paragraph_boundaries() -> None:
    text = "First line. Still first.\r\nThe story continues under this ad\n\n  Third line  \n"
    doc = Document(text)
    assert [p.text for p in doc.paragraphs] == ["First line. Still first.", "The story continues under this ad", "Third line"]
    assert [s.paragraph for s in doc.sentences] == [0, 0, 1, 2]


def test_spans_are_slices_of_the_text() -> None:
    text = "“Héllo,” said Zoë. Ça va? 😀 Oui.\nNext  para."
    doc = Document(text)
    for span in [*doc.paragraphs, *doc.sentences, *doc.tokens]:
        assert text[span.start : span.end] == span.text


def test_line_col_is_one_based_in_code_points() -> None:
    doc = Document("ab\r\n😀x\ny")
    assert doc.line_col(0) == (1, 1)
    assert doc.line_col(5) == (2, 2)
    assert doc.line_col(7) == (3, 1)


def test_hard_wrapped_lines_join_their_paragraph() -> None:
    text = "The company said it would\nshare revenue from its app with\ndevelopers.\nAdvertisement\nNext story."
    doc = Document(text)
    assert [p.text for p in doc.paragraphs] == [
        "The company said it would\nshare revenue from its app with\ndevelopers.",
        "Advertisement",
        "Next story.",
    ]
