"""Suggested corrections: each candidate generator, the meaning guards, the edit scorer and the search."""

from __future__ import annotations

import numpy as np
import pytest

from detector.corrections import SearchConfig, suggest
from detector.corrections.candidates import GENERATORS, Target, candidates, nouns_after_numbers
from detector.corrections.guards import violation
from detector.distance import levenshtein
from detector.corrections.tables import alternatives


def _texts(generator: str, sentence: str, span: str, **kw) -> set[str]:
    i = sentence.index(span)
    target = Target(sentence, ((i, i + len(span)),), **kw)
    return {e.apply(sentence) for e in GENERATORS[generator](target)}


def test_delete_span_removes_the_flagged_phrase_and_single_words() -> None:
    s = "Allies fear the war is a threat to their security I’m afraid to bring."
    out = _texts("delete_span", s, "I’m afraid to bring")
    assert "Allies fear the war is a threat to their security." in out
    assert "Allies fear the war is a threat to their security afraid to bring." in out


def test_delete_span_at_the_start_recapitalizes() -> None:
    assert "Minister resigned on Monday." in _texts("delete_span", "The minister resigned on Monday.", "The")


def test_delete_phrase_uses_the_noise_hedge_table() -> None:
    s = "The plan will fail, I'm afraid, said the mayor."
    assert "The plan will fail,, said the mayor." in _texts("delete_phrase", s, "afraid")


def test_delete_phrase_takes_a_final_hedge_with_the_rest_of_its_clause() -> None:
    s = "The war is an existential threat to their security I’m afraid to bring."
    out = _texts("delete_phrase", s, "I’m")
    assert "The war is an existential threat to their security." in out
    assert "The war is an existential threat to their security to bring." in out


def test_closed_class_swaps_prepositions_from_the_noise_table() -> None:
    s = "The 31 allies in the United States want answers."
    assert "The 31 allies of the United States want answers." in _texts("replace_closed_class", s, "in")
    assert "of" in alternatives("in") and "the" not in alternatives("in")


def test_closed_class_keeps_capitalization() -> None:
    assert "A report came out." in _texts("replace_closed_class", "The report came out.", "The")


def test_predicted_words_replace_the_flagged_word() -> None:
    s = "They said 23 people have met the target."
    out = _texts("replace_predicted", s, "people", predictions={3: ("countries", "Ġx", "zzqx")})
    assert out == {"They said 23 countries have met the target."}


def test_insert_function_word_fills_a_dropped_article() -> None:
    assert "He walked to the store on Monday." in _texts("insert_function_word", "He walked to store on Monday.", "store")


def test_insert_predicted_fills_a_dropped_word() -> None:
    out = _texts("insert_predicted", "The will be resolved tonight.", "The", predictions={1: ("issue",)})
    assert out == {"The issue will be resolved tonight."}


def test_counter_noun_takes_nouns_counted_elsewhere() -> None:
    context = ["Around 50 countries have sent aid.", "Only 3 members voted."]
    assert nouns_after_numbers(context) == ("countries", "members")
    s = "Allies agreed, with 23 people meeting the target."
    out = _texts("counter_noun", s, "people", context_nouns=nouns_after_numbers(context))
    assert out == {"Allies agreed, with 23 countries meeting the target.", "Allies agreed, with 23 members meeting the target."}


def test_swap_adjacent_words() -> None:
    assert "She has already left the room." in _texts("swap_adjacent", "She already has left the room.", "already")


def test_join_split_word() -> None:
    assert "Is anyone here today?" in _texts("join_split", "Is any one here today?", "one")


def test_inflect_adds_and_drops_plural_endings() -> None:
    assert "Three cars were parked outside." in _texts("inflect", "Three car were parked outside.", "car")
    assert "The car is parked outside." in _texts("inflect", "The cars is parked outside.", "cars")


def test_literal_collocation_is_undone() -> None:
    s = "Ten teams took participation in the cup."
    assert "Ten teams took part in the cup." in _texts("literal_collocation", s, "participation")


def test_candidates_touch_only_the_flagged_span_neighbourhood() -> None:
    s = "On Monday the minister in the capital said nothing new about the plan."
    i = s.index("in the capital")
    for e in candidates(Target(s, ((i, i + 2),))):
        assert e.start >= s.index("minister") and e.end <= s.index(" capital") + len(" capital")


@pytest.mark.parametrize(
    "original, candidate, reason",
    [
        ("The firm hired 23 people last year.", "The firm hired 24 people last year.", "a number"),
        ("The firm hired twenty people last year.", "The firm hired people last year.", "a number"),
        ("The court met Judge Alvarez on Monday.", "The court met Judge Alvares on Monday.", "a name"),
        ("The court met Judge Alvarez on Monday.", "The court met Judge on Monday.", "a name"),
        ("The minister did not resign on Monday.", "The minister did resign on Monday.", "a negation"),
        ("The minister didn't resign on Monday.", "The minister did resign on Monday.", "a negation"),
        ("The minister resigned on Monday.", "The minister never resigned on Monday.", "a negation"),
    ],
)
def test_guards_never_let_names_numbers_or_negation_change(original: str, candidate: str, reason: str) -> None:
    assert violation(original, candidate) == f"changes {reason}"


def test_guards_never_delete_a_rare_word() -> None:
    assert violation("The mice ate tryptophan every day.", "The mice ate every day.") == "deletes a rare word"
    assert violation("The board meeting said on Monday.", "The board said on Monday.") is None


def test_guards_allow_function_word_edits_and_bound_the_edit() -> None:
    assert violation("The allies in the United States met.", "The allies of the United States met.") is None
    assert violation("Headline Blames Error On Website Crash", "Headline Blames Error For Website Crash") is None
    assert violation("a b c d e f g h i j", "a b c d e f") is None  # 4 of 10 words may change
    assert violation("a b c d e f g h i j", "a b c d e") == "edits 5 of 10 words"
    assert levenshtein("a b c".split(), "a c d".split()) == 2


class StubScorer:
    """The scorer protocol with a hand-made score: each listed word in a sentence is worth its points."""

    def __init__(self, points: dict[str, float]) -> None:
        self.points = points

    def _score(self, s: str) -> float:
        return sum(p for w, p in self.points.items() if w in s.split())

    def analyse(self, sentence: str):
        class A:
            ids = [0, *range(len(sentence.split()))]

            @staticmethod
            def predictions(char: int) -> tuple[str, ...]:
                return ("countries",)

        A.sentence = sentence
        return A

    def prior(self, a, texts):
        return np.array([self._score(t) for t in texts])

    def gains(self, a, texts, window=None):
        return np.array([self._score(t) - self._score(a.sentence) for t in texts])

    def token_counts(self, texts):
        return np.array([len(t.split()) for t in texts])


def test_search_keeps_the_best_candidate_above_the_margin() -> None:
    s = "Allies said 23 people met the target."
    i = s.index("people")
    config = SearchConfig(margin=1.0, token_bonus=0.0, unigram_weight=0.0)
    out = suggest(s, [(i, i + 6)], StubScorer({"countries": 5.0}), config=config)
    assert out[0].text == "Allies said 23 countries met the target."
    assert (s[: out[0].start] + out[0].replacement + s[out[0].end :]) == out[0].text
    assert suggest(s, [(i, i + 6)], StubScorer({"countries": 0.5}), config=config) == []


def test_search_never_suggests_a_guarded_change_however_likely() -> None:
    s = "Allies said 23 people met the target."
    i = s.index("23 people")
    out = suggest(s, [(i, i + 9)], StubScorer({"people": -50.0}), config=SearchConfig(margin=1.0, token_bonus=0.0, unigram_weight=0.0))
    assert out and all("23" in o.text for o in out)


def test_search_on_a_sentence_without_spans_suggests_nothing() -> None:
    assert suggest("Nothing is flagged here.", [], StubScorer({})) == []


# --------------------------------------------------------------------------- the scorer on a tiny random LM

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tiny_lm():
    """A random 2-layer Llama with a byte-level BPE tokenizer trained on a few of our sentences."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from detector.learned.smollm import PREFIX_TOKEN, LM

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    corpus = ["The allies of the United States met on Monday.", "With 23 countries at the table, talks began."] * 5
    bpe.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=300, special_tokens=[PREFIX_TOKEN], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2)
    return LM(LlamaForCausalLM(config).eval(), tokenizer)


def test_edit_scorer_gains_equal_whole_sentence_logprob_differences(tiny_lm) -> None:
    from detector.corrections.scoring import EditScorer

    s = "The allies in the United States met on Monday."
    cands = [s.replace(" in ", " of "), s.replace(" on Monday", ""), s.replace("met", "met again"), s + " Then"]
    scorer = EditScorer(tiny_lm)
    gains = scorer.gains(scorer.analyse(s), cands)
    expected = tiny_lm.sentence_logprob(cands) - tiny_lm.sentence_logprob([s])[0]
    assert np.allclose(gains, expected, atol=1e-3)
    assert np.allclose(scorer.gains(scorer.analyse(s), cands, window=100), expected, atol=1e-3)


def test_search_runs_end_to_end_on_the_tiny_lm(tiny_lm) -> None:
    from detector.corrections.scoring import EditScorer

    s = "The allies in the United States met on Monday."
    i = s.index(" in ") + 1
    out = suggest(s, [(i, i + 2)], EditScorer(tiny_lm), config=SearchConfig(margin=-1e9))
    assert out and all("United States" in o.text and "Monday" in o.text for o in out)
    assert [o.gain for o in out] == sorted((o.gain for o in out), reverse=True)


def test_delete_boilerplate_takes_page_furniture_glued_to_a_flagged_sentence() -> None:
    s = "Prosecutors said the pair bought two cars. Sign up for our daily newsletter"
    assert "Prosecutors said the pair bought two cars." in _texts("delete_boilerplate", s, s)
    s = "Continue reading the main story Tourism revenue hit a record last year."
    assert "Tourism revenue hit a record last year." in _texts("delete_boilerplate", s, s)
    s = "The committee met without a quorum Advertisement"
    assert "The committee met without a quorum" in _texts("delete_boilerplate", s, s)
    s = "Lawmakers walked out before the vote, Advertisement denying the opposition a quorum."
    assert "Lawmakers walked out before the vote, denying the opposition a quorum." in _texts("delete_boilerplate", s, "Advertisement denying")


def test_delete_boilerplate_leaves_ordinary_words_alone() -> None:
    s = "Advertisement revenue fell sharply as the story continues to unfold."
    assert _texts("delete_boilerplate", s, s) == set()


def test_repair_mojibake_redecodes_utf8_read_as_cp1252() -> None:
    s = "The gold went to ZoÃ« MÃ¼ller, and tickets cost â‚¬18 at Brandtâ€™s."
    assert _texts("repair_mojibake", s, s) == {"The gold went to Zoë Müller, and tickets cost €18 at Brandt’s."}
    assert _texts("repair_mojibake", "Café owners in Zürich – and Brandt’s – agreed.", "Café owners") == set()


def test_table_generators_look_at_the_whole_flagged_span_not_only_the_focus_words() -> None:
    s = "It is said that the airport will remain closed until Friday."
    focus = (s.index("remain"), s.index("remain") + 6)
    narrow = {e.apply(s) for e in GENERATORS["delete_phrase"](Target(s, (focus,)))}
    wide = {e.apply(s) for e in GENERATORS["delete_phrase"](Target(s, (focus,), flagged=((0, len(s)),)))}
    assert narrow == set() and "The airport will remain closed until Friday." in wide


def test_unguarded_edits_change_no_word_of_the_sentence_itself() -> None:
    from detector.corrections.search import allowed
    from detector.corrections.edits import Edit

    s = "Police charged Brandt with theft. Advertisement"
    i = s.index(" Advertisement")
    assert allowed(s, Edit(i, len(s), "", "boilerplate"))
    assert not allowed(s, Edit(s.index("Brandt"), s.index("Brandt") + 6, "Brand", "predicted"))


def test_score_credits_listed_hedges_and_takes_the_plain_gain_of_unguarded_edits() -> None:
    from detector.corrections.edits import Edit
    from detector.corrections.search import Scored, score

    config = SearchConfig(token_bonus=1.0, unigram_weight=0.25, hedge_bonus=4.0)
    word = Scored(Edit(0, 3, "", "delete_word"), "x", 5.0, -2, -3.0)
    hedge = Scored(Edit(0, 3, "", "delete_phrase"), "x", 5.0, -2, -3.0)
    furniture = Scored(Edit(0, 3, "", "boilerplate"), "x", 5.0, -2, -3.0)
    assert score(word, config) == 5.0 - 2.0 - 0.75
    assert score(hedge, config) == score(word, config) + 4.0
    assert score(furniture, config) == 5.0
