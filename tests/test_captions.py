"""Captions: every beat and section is declared once (attnvid/story/registry.py), each caption
takes only its own family's placeholders, and what a script overrides reaches the screen with
every placeholder filled, never as literal braces."""
import dataclasses
import re

import numpy as np
import pytest

from attnmath import format_number, format_weights

from attnvid.problems import ScriptError
from attnvid.script import load_script
from attnvid.story.heads import HeadsData
from attnvid.story import (CRAMPED, EXPLAINER, KINDS, LEARNING, WALKTHROUGH, narration_keys, narration_part,
                           placeholders_in)
from attnvid.story.learning import CrampedData, LearningData
from attnvid.story.walkthrough import sees
from conftest import SCRIPTS

ONE = f"""\
model: {SCRIPTS / 'model.yaml'}
phrase: {{text: The cat sat on the, focus: cat, target: sat}}
narration:
  KEY: "TEXT"
"""
SEVERAL = f"""\
model: {SCRIPTS / 'model.yaml'}
mask: causal
phrases:
  - {{text: The cat sat on the, focus: cat, target: sat, mask: none}}
  - {{text: Brian typed cat into the, focus: cat, target: typed}}
  - {{text: Is your warm black cat, focus: cat, target: Is}}
narration:
  KEY: "TEXT"
"""


def script_with(write, key, text, several=False):
    return write("s.yaml", (SEVERAL if several else ONE).replace("KEY", key).replace("TEXT", text))


def problem_of(write, key, text, several=False):
    path = script_with(write, key, text, several)
    with pytest.raises(ScriptError) as info:
        load_script(path)
    (problem,) = info.value.problems
    assert problem.where.line == (8 if several else 4), problem
    return problem.message


@pytest.fixture(scope="module")
def explainer():
    return load_script(SCRIPTS / "explainer.yaml")


@pytest.fixture(scope="module")
def learning(explainer):
    return LearningData(explainer)


@pytest.fixture(scope="module")
def cramped(explainer):
    return CrampedData(explainer)


def subjects(explainer, learning, cramped):
    return {"walkthrough": explainer.traces()[0], "explainer": explainer, "learning": learning,
            "cramped": cramped, "two_heads": HeadsData(explainer.heads_source)}


def test_every_default_caption_uses_only_its_placeholders_and_each_is_filled(explainer, learning, cramped):
    subject = subjects(explainer, learning, cramped)
    for kind in KINDS:
        for part in kind:
            assert set(placeholders_in(part.caption or "")) <= set(part.placeholders), (kind.name, part.name)
            if part.placeholders:
                facts = part.facts(subject[kind.name])
                assert set(part.placeholders) <= set(facts), (kind.name, part.name)
            assert "{" not in part.text(subject[kind.name]), (kind.name, part.name)


def test_every_narration_key_names_one_declared_part():
    assert set(narration_keys()) == {p.name for kind in KINDS for p in kind}
    for name in narration_keys():
        assert narration_part(name, False) is not None and narration_part(name, True) is not None
    # the one shared name: a walkthrough beat for one phrase, an explainer section for several
    assert narration_part("embeddings", False) is WALKTHROUGH["embeddings"]
    assert narration_part("embeddings", True) is EXPLAINER["embeddings"]


@pytest.mark.parametrize("key, text, several, belongs", [
    ("takeaway", "see {pair} here", False, "the explainer caption positions_needed"),
    ("names", "names for {focus}", True, "every walkthrough caption"),
    ("learned", "{focus} learned", True, "every cramped caption"),
    ("hull", "after {steps} steps", True, "every learning caption"),
    ("embeddings", "{cat_typed}", False, "the explainer caption embeddings"),   # the section's, in the beat
    ("embeddings", "{focus} starts here", True, "every walkthrough caption"),   # the beat's, in the section
])
def test_a_placeholder_of_another_family_is_an_error_at_its_line(write, key, text, several, belongs):
    message = problem_of(write, key, text, several)
    name = placeholders_in(text)[0]
    assert message.startswith(f"{{{name}}} is not a placeholder of the {key} caption"), message
    assert belongs in message.split("it belongs to")[1], message


def test_an_unknown_placeholder_suggests_one_and_a_bare_caption_says_it_takes_none(write):
    message = problem_of(write, "takeaway", "{winnr}")
    assert "unknown placeholder {winnr} (did you mean 'winner'?)" in message and "{verdict}" in message
    assert "takes no placeholders" in problem_of(write, "names", "{anything}", several=True)


def test_each_familys_own_placeholders_reach_the_screen_filled(write, learning, cramped):
    one = load_script(script_with(write, "takeaway", "{focus} ends nearest {winner}{mask_note}"))
    assert WALKTHROUGH["takeaway"].text(one.traces()[0], one.narration) == "cat ends nearest sat"
    several = load_script(script_with(write, "positions_needed", "{pair} or {swapped}?", several=True))
    assert EXPLAINER["positions_needed"].text(several, several.narration) == "“cat sat” or “sat cat”?"
    for kind, subject, key, text in ((LEARNING, learning, "learned", "{steps} steps: {end}"),
                                     (CRAMPED, cramped, "sweep", "{dims_from} to {dims_to}: {rise}")):
        script = load_script(script_with(write, key, text, several=True))
        shown = kind[key].text(subject, script.narration)
        assert "{" not in shown and shown != text, shown
    assert LEARNING["learned"].text(learning, {"learned": "{steps} steps"}) == "3000 steps"
    assert CRAMPED["sweep"].text(cramped, {"sweep": "{dims_from}..{dims_to}"}) == "2..64"


def test_the_causal_note_is_said_only_when_the_mask_hides_words(explainer):
    said = [WALKTHROUGH["softmax"].text(t) for t in explainer.traces()]
    hidden = [bool((~t.visible[t.focus]).any()) for t in explainer.traces()]
    assert hidden == [False, True, False]
    for text, hides in zip(said, hidden):
        assert ("hidden by the causal mask" in text) == hides, text


def test_learning_and_cramped_defaults_state_the_numbers(learning, cramped):
    learned = LEARNING["learned"].text(learning)
    shown = learning.shown_target_weights(-1)
    assert learned == (f"After 3000 steps, rounded to two decimals, the targets get sat {shown[0]}, typed {shown[1]} "
                       f"and Is {shown[2]}: "
                       "sat and typed now win their rows; Is still does not.")
    hull = CRAMPED["hull"].text(cramped)
    assert hull.startswith("Seen from cat, Is sits inside the outline around your, warm, black and cat.")
    assert re.search(r"from \d\.\d\d to \d\.\d\d\.$", CRAMPED["sweep"].text(cramped))


def test_learning_ends_on_the_walkthroughs_digits(explainer, learning):
    """One quantity, one set of digits in a video: where training ends (the rounded matrices, the
    shown chain) each target's weight is the walkthrough's, because the shipped model is this fit."""
    walk = [format_weights(t.weights[t.focus])[t.target] for t in explainer.shown_traces()]
    assert learning.shown_target_weights(-1) == walk
    np.testing.assert_array_equal(learning.W_search, explainer.model.W_search)


def test_the_scores_caption_says_what_decided_and_it_is_true(explainer):
    """Direction or length, computed from the shown vectors: the captions name the best-aligned
    offer and the winner, and both claims are checked here against angles and shadows."""
    said = [WALKTHROUGH["scores"].text(t) for t in explainer.shown_traces()]
    assert said[0].endswith("sat's offer points closest to cat's search, so it casts the longest shadow, "
                            "though The's offer is longer: direction decided.")
    assert said[1].endswith("direction decided.") and said[1].count("typed's offer points closest") == 1
    assert said[2].endswith("Is's offer points closest to cat's search, but black's is long enough to cast "
                            "the longest shadow: length decided.")
    for t, text in zip(explainer.shown_traces(), said):
        f, v = t.focus, t.visible[t.focus]
        q, K = np.asarray(t.search[f]), np.asarray(t.offer)
        angles = np.degrees(np.arccos(K @ q / np.linalg.norm(K, axis=1) / np.linalg.norm(q)))
        closest = t.tokens[int(np.argmin(np.where(v, angles, np.inf)))]
        top = t.tokens[int(np.argmax(np.where(v, K @ q, -np.inf)))]
        assert f"{closest}'s offer points closest" in text
        assert (f"but {top}'s is long enough" in text) == (closest != top)


def test_the_special_cases_are_said(explainer):
    one, two, three = explainer.shown_traces()
    assert "No causal mask in this phrase: cat sees the whole phrase, words after it too, as it must, " \
           "since sat comes after it." in WALKTHROUGH["title"].text(one)
    assert "No causal mask" not in WALKTHROUGH["title"].text(two)
    # a last word has nothing after it: then the note does not say "words after it too"
    last = dataclasses.replace(one, focus=one.n - 1, target=None)
    assert WALKTHROUGH["title"].text(last).endswith("No causal mask in this phrase: every word sees the whole phrase.")
    shared = WALKTHROUGH["positions"].text(two)
    assert "typed and the land on the same vector, [0.50, 0.80]" in shared
    assert np.array_equal(two.positioned[1], two.positioned[4])
    assert "same vector" not in WALKTHROUGH["positions"].text(one) + WALKTHROUGH["positions"].text(three)
    # every grid and weight row says what it sees: by the mask, even for a last word that sees all
    assert [sees(t) for t in (one, two, three)] == ["the whole phrase", "itself and earlier words",
                                                    "itself and earlier words"]
    assert three.visible[three.focus].all()


def test_the_scene_side_draws_exactly_the_registrys_parts():
    from scenes.lib.base import Drawings
    from scenes.lib.beats import BEATS
    from scenes.lib.explainer import SECTIONS
    assert set(BEATS) == set(WALKTHROUGH.names)
    assert set(SECTIONS) == set(EXPLAINER.names)
    with pytest.raises(KeyError, match="has no part 'score'"):
        Drawings(WALKTHROUGH).draws("score")           # a misspelt name fails when the module loads
    with pytest.raises(KeyError, match="no drawing function for the walkthrough part 'takeaway'"):
        Drawings(WALKTHROUGH)["takeaway"]


def test_words_tied_for_the_top_at_the_shown_digits_are_named_together(write):
    """Two words both shown at 0.40: the caption may not single out the earlier one."""
    path = write("tie.yaml", """\
embeddings: {a: [1.00, 0.00], b: [0.00, 1.00], c: [0.20, 0.20]}
positions: [[0.00, 0.00], [0.00, 0.00], [0.00, 0.00]]
W_search: [[1.00, 1.00], [1.00, 1.00]]
W_offer: [[1.00, 0.00], [0.00, 1.00]]
phrase: {text: a b c, focus: c, target: b}
""")
    (t,) = load_script(path).shown_traces()
    shown = format_weights(t.weights[2])
    assert shown[0] == shown[1] > shown[2]                      # a and b tie at the top
    said = WALKTHROUGH["takeaway"].text(t)
    assert said.startswith(f"c leans most on a and b ({shown[1]} each).")
    assert "not on b" not in said
    assert "The largest goes to a and b" in WALKTHROUGH["softmax"].text(t)


def test_the_dimension_chart_starts_from_the_walkthroughs_digits(explainer, cramped, learning):
    """d = 2 on the Cramped chart is the shipped model's fit: the same digits as the walkthrough
    and the end of Learning, for every target (the review found Is 0.22 beside 0.23)."""
    walk = [format_weights(t.weights[t.focus])[t.target] for t in explainer.shown_traces()]
    assert cramped.DIMS[0] == 2
    assert [format_number(w) for w in cramped.sweep[0][1]] == walk == learning.shown_target_weights(-1)


def test_the_weighted_sum_compares_the_new_vector_with_the_word_it_leans_on():
    """"The new cat points 1° from sat's own vector; the old cat pointed 20° from it": both
    angles redone from the shown vectors, and the word is the one with the most weight."""
    from attnmath import angle_degrees, round_number
    from attnvid.story.walkthrough import closest_note, pull
    script = load_script(SCRIPTS / "explainer.yaml")
    for t in script.shown_traces():
        j, new, old = pull(t)
        assert j == int(np.argmax(t.weights[t.focus]))
        assert new == int(round_number(angle_degrees(t.outputs[t.focus], t.values[j]), 0))
        assert old == int(round_number(angle_degrees(t.values[t.focus], t.values[j]), 0))
        assert new < old                                  # leaning on it pulled cat towards it
        assert f"points {new}° from {t.tokens[j]}'s own vector; the old cat pointed {old}° from it" in closest_note(t)


def test_why_it_matters_redoes_each_counterfactual_and_says_only_what_the_numbers_show(explainer):
    """The article's counterfactuals (`instead:`), with our numbers: each alternative is an even
    split over the words named, its new vector their weighted sum redone here by hand from the
    shown weights and vectors, and the caption says "mostly" only past half the weight, "the cue
    for" only when the target wins, and names the real leaders."""
    from decimal import Decimal
    from attnvid.story.explainer import leanings
    found = leanings(explainer)
    assert [lean.phrase for lean in found] == [1, 3]           # phrase 2's "into the" is hidden from cat
    vec = lambda s: [Decimal(x) for x in re.findall(r"-?\d+\.\d+", s)]
    for lean in found:
        t = lean.trace
        assert lean.output == format_vector_of(t.outputs[lean.focus])
        for a in lean.alternatives:
            assert sum(Decimal(w) for w in a.weights) == 1
            assert max(Decimal(w) for w in a.weights) - min(Decimal(w) for w in a.weights) <= Decimal("0.01")
            assert a.vectors == tuple(format_vector_of(t.values[j]) for j in a.positions)
            by_hand = [sum(Decimal(w) * vec(v)[c] for w, v in zip(a.weights, a.vectors)) for c in range(2)]
            assert [x.quantize(Decimal("0.01")) for x in by_hand] == vec(a.result)
            assert a.actual == (set(a.positions) == set(lean.leaders))
    one, three = found
    said = EXPLAINER["why_it_matters"].text(explainer)
    assert (one.trace.tokens[one.leaders[0]], one.weight) == ("sat", "0.84")
    assert "cat leans most on sat (0.84), so its new vector, [0.74, 0.97], is mostly sat's: the cue for “mat”." in said
    assert [a.words for a in one.alternatives] == [("on", "the"), ("cat",)]
    assert "Leaning only on “on” and “the”, it would be [0.35, 0.65]" in said
    assert "Kept to itself, it would stay [1.00, 0.60]" in said
    assert Decimal(three.weight) <= Decimal("0.5") and "is a blend led by" in said
    assert "and “happy” loses its cue." in said and "the cue for “happy”" not in said


def format_vector_of(v):
    from attnmath import format_vector
    return format_vector(v)


def test_the_third_dimension_is_offered_only_to_a_trapped_target(cramped):
    """The sweep's sentence on a third number comes with its picture, which is drawn only when
    the target sits inside its rivals' outline; a target that is a corner needs no room."""
    import copy
    from attnvid.story.learning import cramped_facts
    assert cramped.inside
    assert cramped_facts(cramped)["room"] == ("With a third, Is can rise off the plane of the others, and a search "
                                              "pointing up scores it above them all. ")
    free = copy.copy(cramped)
    free.inside = False
    assert cramped_facts(free)["room"] == "" and "rise off" not in CRAMPED["sweep"].text(free)


# -- ties: two words with one vector get one weight, and every sentence names both -------------

TIE = f"""\
model: {SCRIPTS / 'model.yaml'}
phrase: {{text: Brian typed cat into the}}
"""


def test_a_tie_at_the_top_is_named_whole_in_every_sentence(write):
    """Without the mask, "the" (followed, the last word) sees typed and itself, which share the
    positioned vector [0.50, 0.80]: one offer, one score, one weight. Every sentence that names
    where the weight goes names both, with "each", and the reason names the shared offer."""
    from attnvid.story.walkthrough import decided, facts, focus_facts
    from attnvid.report import describe_focus
    (t,) = load_script(write("tie.yaml", TIE)).shown_traces()
    f = focus_facts(t)
    shown = format_weights(t.weights[f.focus])
    top = [j for j in range(t.n) if shown[j] == max(shown)]
    assert [t.tokens[j] for j in top] == ["typed", "the"] and f.top == tuple(top)
    assert np.array_equal(t.offer[1], t.offer[4]) and t.scores[4, 1] == t.scores[4, 4]
    said = facts(t)
    assert (said["winner"], said["winner_weight"], said["each"]) == ("typed and the", shown[1], " each")
    assert said["verdict"] == f"the leans most on typed and the ({shown[1]} each)."
    assert WALKTHROUGH["softmax"].text(t, {}).endswith(f"The largest goes to typed and the: {shown[1]} each.")
    assert decided(t).startswith("typed and the share one offer, which points closest to the's search")
    named = dataclasses.replace(t, focus=4)            # `attnvid check` speaks only of a named focus
    assert describe_focus(named).startswith(f"'the' gives its largest weight to 'typed' and 'the' ({shown[1]} each)")


def test_without_a_tie_the_sentences_are_as_they_were(write):
    """The tie's words appear only for a tie: a single winner keeps its sentence, word for word."""
    from attnvid.story.walkthrough import decided, facts
    (t,) = load_script(write("one.yaml", ONE.replace("narration:\n  KEY: \"TEXT\"\n", ""))).shown_traces()
    said = facts(t)
    assert (said["winner"], said["each"]) == ("sat", "")
    assert said["verdict"].startswith("cat leans most on sat (0.84).")
    assert "share one offer" not in decided(t) and decided(t).startswith("sat's offer")
