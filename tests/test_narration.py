"""The narration track (attnvid.narration.track): lines laid at their exact samples, sections cut
exactly, loudness normalised and measured with ffmpeg's ebur128."""
import subprocess
import wave

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from attnvid.narration import track
from attnvid.narration.track import Placed
from attnvid.publish import media

RATE = 22050     # Piper's medium voices


def write_wav(path, samples, rate=RATE):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return path


def read_wav(path):
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2"), w.getframerate()


def speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    """Syllables: 150 Hz buzz with harmonics, on and off at 4 Hz, peaking at full scale as Piper's do."""
    t = np.arange(round(seconds * RATE)) / RATE
    rng = np.random.default_rng(seed)
    buzz = sum(np.sin(2 * np.pi * 150 * k * t + rng.uniform(0, 6)) / k for k in range(1, 8))
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2
    x = buzz * envelope
    return (x / np.abs(x).max() * 32767).astype(np.int16)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 9.0), st.integers(1, 3000)), min_size=1, max_size=5))
def test_each_line_starts_at_its_own_sample_and_the_track_is_exactly_as_long_as_the_video(tmp_path_factory, lines):
    folder = tmp_path_factory.mktemp("lay")
    lines = sorted(lines)
    placed, ends = [], 0.0
    for k, (start, n) in enumerate(lines):
        # the scene never lets two lines overlap, and starts them on a frame, so on a whole sample
        # (a start half a sample after a one-sample line rounded onto that line's sample)
        start = round(max(start, ends) * RATE) / RATE
        placed.append(Placed(start, write_wav(folder / f"{k}.wav", np.full(n, k + 1))))
        ends = start + n / RATE
    duration = ends + 0.5
    track.lay(placed, duration, folder / "out.wav")
    out, rate = read_wav(folder / "out.wav")
    assert rate == RATE and len(out) == round(duration * RATE)
    for k, (line, (_, n)) in enumerate(zip(placed, lines)):
        at = round(line.start * RATE)
        assert (out[at: at + n] == k + 1).all()
        assert at == 0 or out[at - 1] != k + 1
    assert (out[round(ends * RATE):] == 0).all()


def test_a_section_gets_exactly_its_slice_padded_with_silence_past_the_end(tmp_path):
    samples = np.arange(1, 1001, dtype=np.int16)
    src = write_wav(tmp_path / "all.wav", samples, rate=1000)
    track.cut(src, 0.25, 0.5, tmp_path / "a.wav")
    track.cut(src, 0.9, 0.3, tmp_path / "b.wav")
    a, _ = read_wav(tmp_path / "a.wav")
    b, _ = read_wav(tmp_path / "b.wav")
    assert list(a) == list(range(251, 751))
    assert list(b) == list(range(901, 1001)) + [0] * 200


@pytest.mark.parametrize("level", [0.05, 0.3, 1.0])
def test_any_speech_comes_out_at_minus_16_lufs_with_its_true_peak_under_minus_1_5(tmp_path, level):
    quiet_gaps = np.zeros(RATE // 2, dtype=np.int16)
    x = np.concatenate([(speechlike(3, s) * level).astype(np.int16) for s in range(4)] + [quiet_gaps])
    write_wav(tmp_path / "in.wav", x)
    got = track.normalise(tmp_path / "in.wav", tmp_path / "out.wav")
    again = track.measure(tmp_path / "out.wav")
    assert got == again
    assert abs(again.integrated - track.TARGET_LUFS) <= track.LUFS_TOLERANCE
    assert again.true_peak <= track.MAX_TRUE_PEAK
    assert read_wav(tmp_path / "out.wav")[1] == track.RATE
    for suffix, codec in ((".m4a", media.AAC), (".webm", media.OPUS)):    # and still once encoded
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(tmp_path / "out.wav"), *codec,
                        str(tmp_path / f"out{suffix}")], check=True)
        encoded = track.measure(tmp_path / f"out{suffix}")
        assert abs(encoded.integrated - track.TARGET_LUFS) <= 1.0 and encoded.true_peak <= track.MAX_TRUE_PEAK, \
            (suffix, encoded)


def test_silence_stays_silence(tmp_path):
    write_wav(tmp_path / "in.wav", np.zeros(RATE, dtype=np.int16))
    assert track.normalise(tmp_path / "in.wav", tmp_path / "out.wav").integrated <= track.SILENT
    assert not read_wav(tmp_path / "out.wav")[0].any()
