"""One word, one colour: the word palette's constraints, the colour science behind them, and
every shipped video and section drawing each word in its one colour."""
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from manim import ManimColor

from attnvid.script import load_script
from conftest import SCRIPTS
from scenes.lib import style
from scenes.lib.colour_science import ciede2000, delta_e, lab
from scene_support import build, import_phrase_module, record_word_labels

# the shipped model's words, in its order, as every shipped script has them
VOCABULARY = list(load_script(SCRIPTS / "explainer.yaml").model.embeddings)


def hex_of(colour) -> str:
    return ManimColor(colour).to_hex().upper()


# -- colour science --------------------------------------------------------------------------

# Sharma, Wu, Dalal (2005), Table 1: pairs 1, 7, 13, 17, 25, 26 and 34.
SHARMA_PAIRS = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_PAIRS)
def test_ciede2000_matches_sharma_wu_dalal_test_pairs(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_srgb_to_lab_matches_known_values():
    assert lab("#FFFFFF") == pytest.approx((100.0, 0.0, 0.0), abs=1e-3)
    assert lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=1e-6)
    assert lab("#FF0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.01)


# -- the palette -------------------------------------------------------------------------------

def test_every_word_colour_is_legible_on_the_background():
    for c in style.WORD_COLOURS:
        assert lab(c)[0] >= style.MIN_WORD_LIGHTNESS, c


def test_word_colours_are_far_apart():
    assert len(set(style.WORD_COLOURS)) == len(style.WORD_COLOURS) >= 12
    for a, b in itertools.combinations(style.WORD_COLOURS, 2):
        assert delta_e(a, b) >= style.MIN_WORD_DISTANCE, (a, b, delta_e(a, b))


def test_word_colours_are_far_from_every_colour_that_carries_a_meaning():
    assert {style.SEARCH, style.SEARCH_LIGHT, style.OFFER, style.OFFER_LIGHT, style.OUTPUT,
            style.HIGHLIGHT} <= set(style.RESERVED.values())
    assert style.MIN_RESERVED_DISTANCE > style.MIN_WORD_DISTANCE
    for c in style.WORD_COLOURS:
        for name, r in style.RESERVED.items():
            assert delta_e(c, r) >= style.MIN_RESERVED_DISTANCE, (c, name, delta_e(c, r))


# -- word_colour -------------------------------------------------------------------------------

def test_the_and_The_are_one_word_with_one_colour():
    assert hex_of(style.word_colour("The", VOCABULARY)) == hex_of(style.word_colour("the", VOCABULARY))
    assert hex_of(style.word_colour("IS", VOCABULARY)) == hex_of(style.word_colour("Is", VOCABULARY))
    assert hex_of(style.word_colour("the", ["The", "cat", "the"])) == style.WORD_COLOURS[0]
    assert hex_of(style.word_colour("cat", ["The", "cat", "the"])) == style.WORD_COLOURS[1]


def test_every_shipped_word_gets_its_own_colour():
    assert len(VOCABULARY) == 11
    colours = {hex_of(style.word_colour(w, VOCABULARY)) for w in VOCABULARY}
    assert len(colours) == len(VOCABULARY)
    assert colours <= set(style.WORD_COLOURS)


def test_a_word_outside_the_vocabulary_gets_a_stable_palette_colour():
    c = hex_of(style.word_colour("zebra", VOCABULARY))
    assert c in style.WORD_COLOURS
    assert hex_of(style.word_colour("ZEBRA", VOCABULARY)) == c
    assert hex_of(style.word_colour("zebra", [])) == c            # a stable hash, not hash()


words = st.text(alphabet=st.sampled_from("abcXYZéß İ"), min_size=1, max_size=6)


@given(st.lists(words, max_size=15), words)
def test_word_colour_depends_only_on_the_case_folded_word_and_vocabulary(vocabulary, w):
    mine = hex_of(style.word_colour(w, vocabulary))
    assert hex_of(style.word_colour(w.casefold(), vocabulary)) == mine
    assert hex_of(style.word_colour(w.swapcase(), vocabulary)) == hex_of(style.word_colour(w.swapcase().casefold(), vocabulary))
    # the same vocabulary spelt differently (case, repeats) gives the same colours
    respelt = [v.swapcase() for v in vocabulary] + [v.casefold() for v in vocabulary]
    if all(v.swapcase().casefold() == v.casefold() for v in vocabulary):
        assert hex_of(style.word_colour(w, respelt)) == mine
    folded = list(dict.fromkeys(v.casefold() for v in vocabulary))
    if w.casefold() in folded:
        assert mine == style.WORD_COLOURS[folded.index(w.casefold()) % len(style.WORD_COLOURS)]


# -- every video and section -------------------------------------------------------------------

@pytest.mark.slow   # builds three scenes; the explainer's labels come from its one shared build
def test_a_word_keeps_its_colour_across_every_video_and_section(monkeypatch, tmp_path, shipped_explainer):
    """The walkthroughs, and the explainer, whose relevance_learned and cramped sections play
    the Learning and Cramped scenes' beats on the same script (so those two are not built again)."""
    phrase = import_phrase_module("phrase_colours")
    seen = []
    record_word_labels(monkeypatch, VOCABULARY, seen)
    scenes = {"CatSat": phrase.CatSat, "BrianTyped": phrase.BrianTyped, "WarmBlackCat": phrase.WarmBlackCat}
    labels = {"Explainer": shipped_explainer.word_labels}
    for name, cls in scenes.items():
        before = len(seen)
        build(cls, tmp_path / name)
        labels[name] = seen[before:]
    by_word = {}
    for name, drawn in labels.items():
        assert drawn, f"{name} drew no word label"
        for w, colour, shown in drawn:
            by_word.setdefault(w, {}).setdefault(colour, set()).add(f"{name}: {shown!r}")
    assert set(by_word) == {w.casefold() for w in VOCABULARY}          # every word was drawn somewhere
    wrong = {w: places for w, places in by_word.items()
             if set(places) != {hex_of(style.word_colour(w, VOCABULARY))}}
    assert not wrong, wrong
