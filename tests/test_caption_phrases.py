"""Captions reach the screen as phrases of at most two lines, each up long enough to read."""
from hypothesis import given, strategies as st

from attnvid.script import load_script
from attnvid.story import EXPLAINER, WALKTHROUGH
from attnvid.story.captions import (CHARS_PER_SECOND, LINE_CHARS, MAX_LINES, MIN_SECONDS, phrases,
                                    reading_seconds, wrap)
from conftest import SCRIPTS

words = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=30)
sentences = st.lists(words, min_size=1, max_size=40).map(" ".join).map(lambda s: s + st_end(s))


def st_end(s: str) -> str:
    return "" if s.endswith((".", "?", "!")) else "."


@given(st.lists(sentences, min_size=0, max_size=8).map(" ".join))
def test_phrases_give_the_caption_back_and_each_fits_two_lines(caption):
    said = phrases(caption)
    assert " ".join(said).split() == caption.split()
    for phrase in said:
        lines = wrap(phrase)
        assert len(lines) <= MAX_LINES or len(phrase.split()) == 1 or all(len(w) > LINE_CHARS // 2 for w in phrase.split())
        assert reading_seconds(phrase) >= max(MIN_SECONDS, len(phrase) / CHARS_PER_SECOND)


def test_sentences_are_phrases_and_a_quotation_does_not_end_one():
    assert phrases("“The cat sat on the” should lead to “mat”. We follow one word, cat, all the way.") == \
        ["“The cat sat on the” should lead to “mat”.", "We follow one word, cat, all the way."]
    assert phrases("It gets 0.84. Yes.") == ["It gets 0.84. Yes."]        # a fragment joins its neighbour
    long = "word " * 60
    assert all(len(wrap(p)) <= MAX_LINES for p in phrases(long + "end, and " + long))


def test_every_shipped_caption_becomes_phrases_of_at_most_two_lines():
    script = load_script(SCRIPTS / "explainer.yaml")
    texts = [p.text(script) for p in EXPLAINER if p.caption]
    for t in script.shown_traces():
        texts += [p.text(t, again=again) for p in WALKTHROUGH for again in (False, True)]
    for caption in texts:
        for phrase in phrases(caption):
            assert len(wrap(phrase)) <= MAX_LINES, phrase
