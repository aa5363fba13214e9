"""Word times (attnvid.narration.timing): where each word of a spoken line falls, from the voice's
own durations. Checked three ways: the durations add up to Piper's WAV to the sample; a word
after a pause starts where the audio rises out of the silence; and the picture of a narrated
walkthrough lands on the words that name it."""
import subprocess
import sys
import wave

import numpy as np
import pytest

from attnvid.narration.synthesis import Narrator, SpeechCache, find_voice, parse_phonemes
from attnvid.narration.timing import Spoken, WordClock, WordFinder, sayings_before, sounds_of
from attnvid.publish.records import ATTN_VOICE
from test_synthesis import needs_voice


# -- reading Piper's log and finding words: no voice needed ---------------------------------

LOGGED = ("DEBUG:piper.voice:text=On the mat, cat sits., phonemes=[['ɔ', 'n', 'ð', 'ə', ' ', 'm', 'ˈ', "
          "'æ', 't', ',', ' ', 'k', 'ˈ', 'æ', 't', ' ', 's', 'ˈ', 'ɪ', 't', 's', '.']]")


def test_piper_s_debug_line_gives_the_phonemes_of_each_sentence():
    (sentence,) = parse_phonemes(LOGGED)
    assert "".join(sentence) == "ɔnðə mˈæt, kˈæt sˈɪts."
    assert sounds_of(parse_phonemes(LOGGED)) == "ɔnðə mæt kæt sɪts"      # stress and punctuation out


@pytest.mark.parametrize("line", [
    "INFO:__main__:Wrote 123.wav",
    "DEBUG:piper.voice:text=x, phonemes=__import__('os').system('true')",   # data only, never run
    "DEBUG:piper.voice:text=x, phonemes=[1, 2]",
    "phonemes=[['a']]",
])
def test_anything_else_in_the_log_is_not_phonemes(line):
    assert parse_phonemes(line) is None


def test_a_word_is_found_where_it_starts_and_its_nth_saying_told_apart():
    sounds = "ɔnðə mæt kæt sæt ɔnðə mæt"
    spoken = Spoken(sounds, tuple(float(i) for i in range(len(sounds))), 30.0)
    assert spoken.find("mæt") == sounds.index("mæt")
    assert spoken.find("mæt", 1) == sounds.rindex("mæt")
    assert spoken.find("ðə") == sounds.index("ðə")          # a weak word inside its group, if nowhere else
    assert spoken.find("æt") == sounds.index("æt")           # inside a word only when no word starts with it
    assert spoken.find("dɔɡ") is None and spoken.find("mæt", 2) is None and spoken.find("") is None


@pytest.mark.parametrize("line, word, after, n", [
    ("The cat sat on the mat, and the mat was warm.", "mat", "and the", 1),
    ("The cat sat on the mat, and the mat was warm.", "mat", "", 0),
    ("The cat sat on the mat, and the mat was warm.", "mat", "on the", 0),
    ("the leans most on the (0.30).", "the", "leans most on", 1),
    ("the leans most on the (0.30).", "the", "nowhere", 0),
    ("Then the theory: the end.", "the", "theory:", 1),         # whole words only
])
def test_which_saying_is_meant_is_read_from_the_text(line, word, after, n):
    assert sayings_before(line, word, after) == n


# -- the clock against the voice --------------------------------------------------------------

@pytest.fixture(scope="module")
def narrator(tmp_path_factory):
    voice = find_voice("joe")
    with Narrator(voice, SpeechCache(voice, tmp_path_factory.mktemp("speech"))) as n:
        yield n


def _audio(speech):
    with wave.open(str(speech.wav)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(float), w.getframerate()


@needs_voice
@pytest.mark.slow
@pytest.mark.parametrize("line", [
    "The largest goes to sat: 0.84.",
    "The new cat points 1 degree from sat's own vector; the old cat pointed 20 degrees from it.",
    "Softmax turns cat's scores into weights. They lie between 0 and 1, and add up to 1!",
    "“Brian typed cat into the” should lead to “terminal”: does W search help?",
])
def test_the_durations_add_up_to_the_speech_to_the_sample(narrator, line):
    """The clock's durations are the ones Piper used: their sum is the WAV's length exactly
    (one sentence or several), and the words start in order."""
    speech = narrator.speak(line)
    clock = WordClock(narrator.voice)
    total = sum(int(clock.samples(s).sum()) for s in speech.phonemes)
    assert total == len(_audio(speech)[0])
    spoken = clock.spoken(speech)
    assert list(spoken.starts) == sorted(spoken.starts) and spoken.starts[-1] < speech.seconds
    assert len(spoken.sounds) == len(spoken.starts)


@needs_voice
@pytest.mark.slow
@pytest.mark.parametrize("line, word", [
    ("On the mat, cat sits still.", "cat"),
    ("The largest goes to sat. Mat gets little.", "Mat"),
    ("Look here, 0.84 is the weight.", "0.84"),
])
def test_a_word_after_a_pause_starts_where_the_sound_comes_back(narrator, line, word):
    """An acoustic check the clock cannot fake: the word follows a silence, and the audio's
    envelope (5 ms) rises out of that silence within 40 ms after the time the clock gives."""
    at = WordFinder(narrator).start(line, word)
    audio, rate = _audio(narrator.speak(line))
    envelope = np.convolve(np.abs(audio), np.ones(rate // 200) / (rate // 200), "same")
    loud = envelope >= 0.05 * envelope.max()
    quiet_before = ~loud[int((at - 0.05) * rate):int((at - 0.01) * rate)]
    assert quiet_before.all(), "the clock puts the word inside the sound before the pause"
    onset = int(at * rate) + int(np.argmax(loud[int(at * rate):]))
    assert 0 <= onset / rate - at <= 0.04, (word, at, onset / rate)


@needs_voice
@pytest.mark.slow
def test_a_word_not_said_has_no_time_and_a_word_said_twice_is_told_apart(narrator):
    finder = WordFinder(narrator)
    line = "The cat sat on the mat, and the mat was warm. The largest goes to sat: 0.84."
    first, second = finder.start(line, "mat"), finder.start(line, "mat", after="and the")
    assert first is not None and second is not None and second > first + 0.3
    # "goes to" alone is said "goes too", in the line "goes tuh": the text tells which saying
    assert finder.start(line, "sat", after="goes to") > finder.start(line, "sat") + 2
    assert finder.start(line, "dog") is None and finder.problem is None


@needs_voice
@pytest.mark.slow
def test_timing_words_does_not_import_piper(tmp_path):
    """The clock runs the voice's graph with onnxruntime; Piper (GPL) stays a separate program."""
    code = (f"import sys, pathlib; from attnvid.narration.synthesis import *; from attnvid.narration.timing import *\n"
            f"v = find_voice('joe')\n"
            f"with Narrator(v, SpeechCache(v, pathlib.Path({str(tmp_path)!r}))) as n:\n"
            f"    assert WordFinder(n).start('The cat sat.', 'sat') > 0\n"
            f"print('piper' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


@needs_voice
@pytest.mark.slow
def test_without_onnx_pictures_land_on_their_phrase(narrator, monkeypatch):
    """No onnx package: no word times, and the reason is kept (the render still speaks)."""
    from attnvid.narration import timing
    monkeypatch.setattr(timing, "clock_available", lambda: False)
    finder = WordFinder(narrator)
    assert finder.start("The cat sat.", "sat") is None
    assert "onnx" in finder.problem
