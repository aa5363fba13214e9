"""What a voice says for a caption (attnvid.story.speech): symbols in words, numbers untouched."""
import re

import pytest
from hypothesis import given, strategies as st

from attnvid.script import load_script
from attnvid.story import EXPLAINER, WALKTHROUGH
from attnvid.story.speech import speakable
from conftest import SCRIPTS

UNSPOKEN = "[]→·×ᵀ_|√≈=∑Σ−"        # what a voice reads badly or not at all


@pytest.mark.parametrize("written, said", [
    ("cat → mat", "cat leads to mat"),
    ("cat becomes [1.00, 0.60], [1.10, 0.60].", "cat becomes 1 and 0.6, 1.1 and 0.6."),
    ("its new vector, [0.74, 0.97], is mostly sat's", "its new vector, 0.74 and 0.97, is mostly sat's"),
    ("[1, -2, 3]", "1, -2 and 3"),
    ("a · b = |a| |b| cos θ", "a dot b equals the length of a times the length of b times cos theta"),
    ("W_search and W_offer, W_Q", "W search and W offer, W Q"),
    ("W_searchᵀ", "W search transpose"),
    ("plain average: 1/3 each, 2/3, 5/7", "plain average: one third each, two thirds, 5 over 7"),
    ("e.g. a cat, i.e. a word", "for example a cat, that is a word"),
    ("3 × 2 ≈ 6", "3 times 2 about 6"),
    ("from 0.65 to 1.00; weights 0.20 and 10.40", "from 0.65 to 1; weights 0.2 and 10.4"),
    ("28° apart, cat's, −1.5", "28° apart, cat's, -1.5"),
    ("Here cat and typed are 28° apart.", "Here cat and typed are 28° apart."),   # plain text is left alone
    ("1° apart, not 11° or 2.1°", "1 degree apart, not 11° or 2.1°"),
])
def test_each_rule(written, said):
    assert speakable(written) == said


def numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text.replace("−", "-"))]


def shipped_captions() -> list[str]:
    script = load_script(SCRIPTS / "explainer.yaml")
    texts = [p.text(script) for p in EXPLAINER if p.caption]
    for t in script.shown_traces():
        texts += [p.text(t, again=again) for p in WALKTHROUGH for again in (False, True)]
    return texts


def test_every_shipped_caption_is_said_with_its_numbers_and_no_symbol_a_voice_misreads():
    """What is said is what is shown: the same numbers, in the same order, and none of the
    symbols a voice reads as 'right arrow' or not at all."""
    captions = shipped_captions()
    assert len(captions) > 40
    for caption in captions:
        said = speakable(caption)
        assert not set(said) & set(UNSPOKEN), (caption, said)
        assert numbers(said) == numbers(caption), (caption, said)


@given(st.lists(st.one_of(st.sampled_from(["cat", "sat", "the", "→", "·", "×", "W_search", "|a|", "[0.50, 0.80]",
                                           "[1, -2.25]", "0.60", "1.00", "-3", "1/4", "e.g.", "(0.84)", ",", ":",
                                           "θ", "28°", "2D"]),
                          st.decimals(-99, 99, places=2).map(str)), max_size=20))
def test_any_caption_keeps_its_numbers_in_order_and_loses_its_symbols(pieces):
    caption = " ".join(pieces)
    said = speakable(caption)
    expected = numbers(re.sub(r"(?<![\d./])1/4(?![\d/])", "", caption))   # a fraction is said in words
    assert numbers(said) == expected, (caption, said)
    assert not set(said) & set("[]→·×_|"), (caption, said)
    assert speakable(said) == said                                        # said once, it stays said
