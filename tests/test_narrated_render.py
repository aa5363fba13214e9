"""A narrated render, as a viewer hears it (measured, since no one here can listen): the audio in
every file as long as its video, without gaps, at -16 LUFS under -1.5 dBTP, each section's speech
where its section's timeline put it, the captions on the speech, the pages playing it with sound;
and `voice: none`, or a voice that is not installed, give a silent render."""
import json
import subprocess
import time
from functools import partial

import numpy as np
import pytest

from attnvid.narration import track
from attnvid.narration.synthesis import Narrator, find_voice
from attnvid.story.speech import speakable
from conftest import SCRIPTS
from conftest import attnvid as run_attnvid
from render_support import MANIFEST_KEYS, NARRATED_KEYS, browser_fixture, srt_cues, wait_for

pytestmark = pytest.mark.slow
attnvid = partial(run_attnvid, timeout=900)
browser = browser_fixture("--autoplay-policy=no-user-gesture-required")

SCRIPT = """\
model: {model}
phrase: the cat sat
{extra}"""
RATE = 48_000


def streams(path) -> list[dict]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,duration",
                          "-show_entries", "format=duration", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    return [{**s, "format_duration": float(data["format"]["duration"])} for s in data["streams"]]


def audio(path) -> np.ndarray:
    """The file's audio decoded at 48 kHz, as floats in [-1, 1]."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(RATE),
                          "-f", "f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, "<f4")


def where(speech: np.ndarray, rate: int, x: np.ndarray, near: float) -> float:
    """Where (seconds) the speech WAV's first second sounds in `x` (48 kHz), searched within
    0.2 s of `near`: the lag of greatest cross-correlation, which a limiter or an encoder
    changing the level cannot move."""
    head = np.interp(np.arange(RATE) / RATE, np.arange(len(speech)) / rate, speech)[: RATE]
    a = max(0, round((near - 0.2) * RATE))
    window = x[a: a + RATE + round(0.4 * RATE)]
    n = len(window) + len(head)
    corr = np.fft.irfft(np.fft.rfft(window, n) * np.conj(np.fft.rfft(head, n)), n)[: len(window) - len(head) + 1]
    return (a + int(np.argmax(corr))) / RATE


def script(folder, name, extra=""):
    path = folder / f"{name}.yaml"
    path.write_text(SCRIPT.format(model=SCRIPTS / "model.yaml", extra=extra), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def narrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("narrated")
    r = attnvid("render", script(folder, "spoken"), "--formats", "mp4,webm", "--out", folder / "site",
                "--jobs", "2", "--no-cache")
    assert r.returncode == 0, r.stderr
    bundle = folder / "site" / "spoken"
    return bundle, json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))


def test_every_video_file_carries_speech_as_long_as_its_video(narrated):
    bundle, m = narrated
    assert list(m) == [k for k in MANIFEST_KEYS if k != "gif_span"] + NARRATED_KEYS and m["voice"] == "joe"
    frame = 1 / m["fps"]
    files = [bundle / m["files"]["mp4"], bundle / m["files"]["webm"]] + [bundle / s["file"] for s in m["sections"]]
    for path in files:
        kinds = {s["codec_type"]: s for s in streams(path)}
        assert kinds["audio"]["codec_name"] == ("opus" if path.suffix == ".webm" else "aac"), path
        if path.suffix == ".mp4":
            assert abs(float(kinds["audio"]["duration"]) - float(kinds["video"]["duration"])) <= frame, path
        else:   # webm keeps no stream durations: the decoded samples against the container's length
            assert abs(len(audio(path)) / RATE - kinds["video"]["format_duration"]) <= frame
    assert abs(sum(s["duration"] for s in m["sections"]) - m["duration"]) <= frame


def test_the_audio_packets_run_without_a_gap(narrated):
    bundle, m = narrated
    for path in [bundle / m["files"]["mp4"]] + [bundle / s["file"] for s in m["sections"]]:
        out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                              "packet=pts_time,duration_time", "-of", "csv=p=0", str(path)],
                             capture_output=True, text=True, check=True).stdout
        packets = [tuple(map(float, line.split(",")[:2])) for line in out.split()]
        assert len(packets) > 10
        for (t, d), (next_t, _) in zip(packets, packets[1:]):
            assert abs(t + d - next_t) < 1e-4, (path.name, t, d, next_t)


def test_loudness_is_minus_16_lufs_and_true_peak_at_most_minus_1_5(narrated):
    bundle, m = narrated
    for kind in ("mp4", "webm"):
        got = track.measure(bundle / m["files"][kind])
        assert abs(got.integrated - track.TARGET_LUFS) <= 1.0, (kind, got)
        assert got.true_peak <= track.MAX_TRUE_PEAK, (kind, got)
    assert abs(m["loudness"][0] - track.TARGET_LUFS) <= track.LUFS_TOLERANCE


def test_each_sections_speech_starts_where_its_timeline_said_within_10_ms(narrated):
    """In the whole video and in its own clip: the first line of each section sounds at the
    section's start plus the line's start."""
    bundle, m = narrated
    whole = audio(bundle / m["files"]["mp4"])
    voice = find_voice("joe")
    with Narrator(voice) as narrator:
        for s in m["sections"]:
            if not s["cues"]:
                continue
            start, _, text = s["cues"][0]
            spoken = narrator.speak(speakable(text))
            raw = np.frombuffer(spoken.wav.read_bytes()[44:], "<i2").astype(float) / 32768
            clip = audio(bundle / s["file"])
            assert abs(where(raw, 22050, clip, start) - start) <= 0.010, s["name"]
            assert abs(where(raw, 22050, whole, s["start"] + start) - (s["start"] + start)) <= 0.010, s["name"]


def test_the_captions_are_the_speech_and_nothing_is_said_outside_them(narrated):
    bundle, m = narrated
    cues = srt_cues(bundle / m["files"]["srt"])
    assert [c[2] for c in cues] == [c[2] for c in m["cues"]]
    x = audio(bundle / m["files"]["mp4"])
    level = lambda a, b: float(np.abs(x[round(a * RATE): round(b * RATE)]).max(initial=0))  # noqa: E731
    quiet_from = 0.0
    for start, end, text in cues:
        assert level(start, end) > 0.1, text                      # each caption is heard
        if start - quiet_from > 0.06:
            assert level(quiet_from + 0.03, start - 0.03) < 0.003, text  # and between them, silence
        quiet_from = end
    assert level(quiet_from + 0.03, m["duration"]) < 0.003


def test_the_page_and_the_presenter_play_with_sound(narrated, browser):
    bundle, m = narrated
    browser.get((bundle / "index.html").as_uri())
    wait_for(browser, "return document.querySelector('video').readyState", lambda r: r >= 2)
    cues = wait_for(browser, "return Array.from(document.querySelector('video').textTracks)"
                    ".filter(t => t.mode !== 'disabled').map(t => t.cues ? t.cues.length : 0)",
                    lambda c: c and c[0] > 0)
    assert cues == [len(m["cues"])]                   # and its captions, timed to the speech
    browser.execute_script("const v = document.querySelector('video'); v.muted = false; v.play();")
    heard = wait_for(browser, "const v = document.querySelector('video'); "
                     "return [v.muted, v.currentTime, v.webkitAudioDecodedByteCount];",
                     lambda s: s[1] > 1.5 and s[2] > 0)
    assert heard[0] is False and heard[2] > 0
    browser.get((bundle / "presenter.html").as_uri())
    state = wait_for(browser, "const v = document.getElementById('clip'); "
                     "return [v.muted, v.currentTime, v.webkitAudioDecodedByteCount];",
                     lambda s: s[1] > 1.0 and s[2] > 0)
    assert state[0] is False and state[2] > 0


def no_audio(path) -> bool:
    return all(s["codec_type"] != "audio" for s in streams(path))


def test_voice_none_and_a_voice_not_installed_render_silent(tmp_path):
    silent = script(tmp_path, "silent", "voice: none\n")
    missing = script(tmp_path, "missing", "voice: nowhere/voice.onnx\n")
    r = attnvid("render", silent, missing, "--formats", "mp4,webm", "--out", tmp_path / "site")
    assert r.returncode == 0, r.stderr
    assert "missing.yaml" in r.stderr and "is missing" in r.stderr and "rendering it silent" in r.stderr
    for name in ("silent", "missing"):
        bundle = tmp_path / "site" / name
        m = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
        assert "voice" not in m
        for f in [m["files"]["mp4"], m["files"]["webm"]] + [s["file"] for s in m["sections"]]:
            assert no_audio(bundle / f), f
        assert 'id="clip" muted' in (bundle / "presenter.html").read_text(encoding="utf-8")


def test_say_writes_the_narration_alone_as_the_render_places_it(tmp_path, narrated):
    bundle, m = narrated
    out = tmp_path / "said.wav"
    t0 = time.monotonic()
    r = attnvid("say", script(tmp_path, "spoken"), "--out", out)
    assert r.returncode == 0, r.stderr
    said = srt_cues(out.with_suffix(".srt"))
    assert [c[2] for c in said] == [c[2] for c in m["cues"]]
    for (a, b, _), (c, d, _) in zip(said, m["cues"]):
        # the same speech, about where the video says it (a render rounds each play up to whole frames)
        assert abs((b - a) - (d - c)) < 0.002 and abs(a - c) < 0.1 + 0.02 * c
    got = track.measure(out)
    assert abs(got.integrated - track.TARGET_LUFS) <= track.LUFS_TOLERANCE and got.true_peak <= track.MAX_TRUE_PEAK
    assert time.monotonic() - t0 < m["duration"]          # quicker than watching it
    assert attnvid("say", script(tmp_path, "hush", "voice: none\n")).returncode == 2
