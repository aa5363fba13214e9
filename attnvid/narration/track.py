"""The spoken lines a render placed on its clock become one narration track.

Manim renders no sound, and section clips joined with `-c copy` would leave a gap at every
join (each clip's audio ends before its video). So the track is built once, for the whole
video: silence of exactly the video's length, each line's speech laid in at the sample where
the scene started saying it (`Timeline.spoken`), then loudness-normalised to TARGET_LUFS with
true peak at or under MAX_TRUE_PEAK (Piper speaks every sentence at full scale, so a limiter
keeps the headroom AAC needs), at RATE. Section clips get their exact slice of it.
"""
from __future__ import annotations

import re
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

__all__ = ["RATE", "TARGET_LUFS", "LUFS_TOLERANCE", "MAX_TRUE_PEAK", "Placed", "Loudness", "lay", "normalise", "build",
           "measure", "cut", "TrackError"]

RATE = 48_000            # what AAC and Opus carry
TARGET_LUFS = -16.0      # spoken word for the web and podcasts
LUFS_TOLERANCE = 0.3     # normalise() gets this close (the published bar is +-1 LU)
MAX_TRUE_PEAK = -1.5     # dBTP, after encoding
SILENT = -70.0           # LUFS: ebur128's floor, what it says of silence
_LIMIT_DB = -3.5         # the limiter's ceiling on samples: room for inter-sample peaks and AAC


class TrackError(RuntimeError):
    pass


@dataclass(frozen=True)
class Placed:
    """One line of speech: its WAV and where on the video's clock it starts (seconds)."""
    start: float
    wav: Path


@dataclass(frozen=True)
class Loudness:
    integrated: float   # LUFS
    true_peak: float    # dBTP


def _read(wav: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(wav), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise TrackError(f"{wav}: expected 16-bit mono speech")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getframerate()


def _write(wav: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())


def lay(lines: list[Placed], duration: float, out: Path) -> int:
    """Write `out`: `duration` seconds of silence with each line's speech laid in at its start,
    at the speech's own rate (returned). Lines never overlap (a scene holds each phrase until its
    speech is over); one that would run past the end is cut there."""
    rate = None
    clips = []
    for line in lines:
        samples, r = _read(line.wav)
        if rate not in (None, r):
            raise TrackError("the lines were spoken at different sample rates")
        rate = r
        clips.append((line.start, samples))
    rate = rate or RATE
    track = np.zeros(max(0, round(duration * rate)), dtype=np.int32)
    for start, samples in clips:
        at = max(0, round(start * rate))
        piece = samples[: max(0, len(track) - at)]
        track[at: at + len(piece)] += piece
    _write(out, np.clip(track, -32768, 32767), rate)
    return rate


_SUMMARY_I = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_SUMMARY_TP = re.compile(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", re.S)


def measure(path: Path, stream: str = "a:0", peak: bool = True) -> Loudness:
    """Integrated loudness and true peak of a file's audio (ffmpeg's ebur128, EBU R 128).
    peak=False skips the true peak (its 4x oversampling is most of the cost): true_peak is nan."""
    result = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-i", str(path), "-map", f"0:{stream}",
                             "-af", f"ebur128=peak={'true' if peak else 'none'}", "-f", "null", "-"],
                            capture_output=True, text=True)
    summary = result.stderr[result.stderr.rfind("Summary:"):]
    i, tp = _SUMMARY_I.search(summary), _SUMMARY_TP.search(summary)
    if result.returncode != 0 or not i or (peak and not tp):
        raise TrackError(f"cannot measure the loudness of {path}: {result.stderr.strip()[-300:]}")
    return Loudness(float(i.group(1)), float(tp.group(1)) if peak else float("nan"))


def _gain(src: Path, out: Path, gain_db: float) -> None:
    graph = (f"aresample={RATE}:resampler=soxr,volume={gain_db:.3f}dB,"
             f"alimiter=limit={10 ** (_LIMIT_DB / 20):.4f}:attack=5:release=60:level=0")
    result = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(src), "-af", graph,
                             "-c:a", "pcm_s16le", str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        raise TrackError(f"ffmpeg could not normalise the narration: {result.stderr.strip()[-300:]}")


def normalise(src: Path, out: Path, target: float = TARGET_LUFS) -> Loudness:
    """`out`: `src` at RATE, its integrated loudness within LUFS_TOLERANCE of `target` and its
    peaks limited. The limiter takes a little loudness off, so the gain is corrected from what
    was measured, a few times at most; returns the final measurement."""
    first = measure(src, peak=False)
    if first.integrated <= SILENT:
        _gain(src, out, 0.0)          # silence stays silence
        return measure(out)
    previous: tuple[float, float] | None = None
    gain, slope = target - first.integrated, 1.0     # LU gained per dB of gain (< 1 once it limits)
    for _ in range(8):
        _gain(src, out, gain)
        got = measure(out, peak=False)
        if abs(got.integrated - target) <= LUFS_TOLERANCE:
            break
        step = (target - got.integrated) / slope
        if previous is not None and abs(gain - previous[0]) > 1e-6:
            slope = max(0.1, (got.integrated - previous[1]) / (gain - previous[0]))
            step = (target - got.integrated) / slope
        previous = (gain, got.integrated)
        gain += step
    return measure(out)


def build(voice, lines: Iterable[tuple[float, str]], duration: float, work: Path) -> tuple[Path, Loudness]:
    """A video's narration track, as `attnvid render` and `attnvid say` both make it: each
    (start, said) line's speech (from the speech cache; synthesised only if missing) laid at its
    start on `duration` seconds of silence, then normalised. Returns work/narration.wav and its
    loudness."""
    from .synthesis import Narrator
    with Narrator(voice) as narrator:
        placed = [Placed(start, narrator.speak(said).wav) for start, said in lines]
    lay(placed, duration, work / "laid.wav")
    loudness = normalise(work / "laid.wav", work / "narration.wav")
    return work / "narration.wav", loudness


def cut(src: Path, start: float, duration: float, out: Path) -> None:
    """`out`: the samples of `src` from `start` for `duration` seconds, exactly (silence past
    its end), so a section clip's audio is its slice of the whole video's track."""
    samples, rate = _read(src)
    a = round(start * rate)
    n = round(duration * rate)
    piece = samples[a: a + n]
    _write(out, np.concatenate([piece, np.zeros(n - len(piece), dtype=np.int16)]) if len(piece) < n else piece, rate)
