"""MT201 garbled-sentence: a sentence the learned detector scores as machine-translated.

**What it catches.** Sentences that read like machine translation without a mechanical
artifact a rule can name: literal collocations ("make a decision of high level"), wrong
prepositions and articles, scrambled word order, leftover source-language words. When the
detector's token head points at particular words, the finding covers those words (at most
three spans a sentence); otherwise it covers the sentence.

**Why it happens in MT.** A translation system writes each target word given the source, not
given how English news is written; where the source's structure shows through, the sentence
stays grammatical-looking but unidiomatic, and no word list can describe it.

**Example.** "The council to the budget approved on Tuesday has." → the sentence is flagged
with the probability that it is garbled (0.84 with the shipped model).

**False positives.** The threshold is set so that about 2% of clean news sentences are flagged
(docs/model-card.md); unusual but correct prose (lists, headlines, quotations of speech) is
most at risk. A sentence that already has a rule finding gets no MT201 finding: the rule names
the artifact more precisely. Suggested corrections (``check --suggest``, docs/corrections.md)
are unsafe fixes (``safe`` is false), applied only by ``fix --unsafe-fixes``. It needs
the learned model (``--model``; ``--no-model`` or ``--select MT1`` never load it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detector.document import Document
from detector.findings import Finding, Rule

if TYPE_CHECKING:
    from detector.learned.detector import Detector

MAX_SPANS_PER_SENTENCE = 3
WHOLE_SENTENCE = 0.8  # spans covering this share of a sentence are reported as the sentence


def check(doc: Document, detector: Detector) -> list[Finding]:
    """MT201 findings for the sentences of ``doc`` the detector flags."""
    findings = []
    for flag in detector.flag(doc):
        sent, p = flag.sentence, flag.probability
        spans = flag.spans[:MAX_SPANS_PER_SENTENCE]
        if not spans or sum(e - s for s, e in spans) >= WHOLE_SENTENCE * len(sent.text):
            findings.append(RULE.finding(sent.start, sent.end, f"This sentence reads like machine translation (p = {p:.2f}).", (), p))
            continue
        findings += [
            RULE.finding(
                sent.start + s,
                sent.start + e,
                f"“{sent.text[s:e]}” looks wrong here: the sentence reads like machine translation (p = {p:.2f}).",
                (),
                p,
            )
            for s, e in spans
        ]
    return findings


RULE = Rule(
    code="MT201",
    name="garbled-sentence",
    category="mistranslation",
    severity="warning",
    summary="A sentence the learned detector scores as garbled machine translation.",
    doc=__doc__ or "",
    check=check,
    examples_fail=(
        "The council to the budget approved on Tuesday has.",
        "Yesterday the mayor the new bridge opened and the residents very happy were.",
        "The <unk> minister said the <unk> would be held in the capital next month.",
        "The prime minister said that the economy was growing, gakkou, despite the crisis.",
    ),
    examples_pass=(
        "The council approved the budget on Tuesday.",
        "The minister said the high-level meeting would be held next week.",
        "Police arrested a man suspected of stealing from the shop.",
    ),
    needs_model=True,
)
