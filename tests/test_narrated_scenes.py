"""Narrated scenes, built in pytest: every caption phrase is said while it is on screen, the
picture waits for the voice (each phrase stays up until its speech and a breath are over), lines
never overlap, and the numbers on screen are the silent render's: the voice changes when, not what."""
import pytest
from manim import config

from attnvid.publish.records import ATTN_VOICE
from attnvid.story.walkthrough import focus_facts, pull
from attnvid.story.speech import speakable
from conftest import SCRIPTS
from scene_support import build
from scenes.lib.base import BREATH
from scenes.lib.walkthrough import walkthrough_class
from test_synthesis import needs_voice

pytestmark = [pytest.mark.slow, needs_voice]


def assert_paced_by_the_voice(scene):
    cues = [c for c in scene.cues]
    spoken = scene.spoken
    assert [w[3] for w in spoken] == [c[3] for c in cues]            # every phrase on screen is said
    for (section, start, end, phrase), (s, a, b, text, said) in zip(cues, spoken):
        assert s == section and said == speakable(phrase)
        assert start <= a <= start + 0.6                             # as its caption comes up
        assert b + BREATH <= end + 1e-6, (phrase, b, end)           # and it stays up until said
    for (_, _, b, _, _), (_, a, _, _, _) in zip(spoken, spoken[1:]):
        assert b + BREATH <= a + 1e-6                                 # one voice, one line at a time
    for name, start, end in scene.beats_played:
        inside = [(a, b) for _, a, b, _, _ in spoken if start <= a < end]
        assert end - start >= sum(b - a for a, b in inside)
    assert_lands_on_its_words(scene)


def assert_lands_on_its_words(scene):
    """Each picture that waits for a word starts within a frame of the voice saying it, in the
    phrase that says it: its word was found, and nothing before it ran past it."""
    frame = 1 / config.frame_rate
    said = {(p, a, b) for _, a, b, p, _ in scene.spoken}
    for phrase, word, at, drawn in scene.landings:
        assert at is not None, f"{word!r} is not said in {phrase!r}"
        assert abs(drawn - at) <= frame + 1e-6, (word, at, drawn)
        assert any(p == phrase and a <= at < b for p, a, b in said), (word, phrase)


@pytest.fixture
def voiced(monkeypatch):
    monkeypatch.setenv(ATTN_VOICE, "joe")


def test_a_narrated_walkthrough_waits_for_its_voice_and_shows_the_same_numbers(voiced, tmp_path, monkeypatch):
    scene = build(walkthrough_class(SCRIPTS / "cat_sat.yaml"), tmp_path / "voiced")
    assert_paced_by_the_voice(scene)
    # the winner lights up as it is named (softmax, takeaway), each angle's arc as it is said
    t = scene.trace
    winner = t.tokens[focus_facts(t).winner]
    _, new, old = pull(t)
    assert [w for _, w, _, _ in scene.landings] == [winner, f"{new}°", f"{old}°", winner]
    monkeypatch.setenv(ATTN_VOICE, "none")
    silent = build(walkthrough_class(SCRIPTS / "cat_sat.yaml"), tmp_path / "silent")
    assert silent.spoken == [] and silent.landings == [] and silent.numbers_shown == scene.numbers_shown
    assert [c[3] for c in silent.cues] == [c[3] for c in scene.cues]


# The explainer, narrated, is built once in test_explainer.py (its `shipped` fixture), where
# test_the_narrated_explainer_waits_for_its_voice applies assert_paced_by_the_voice to it.
