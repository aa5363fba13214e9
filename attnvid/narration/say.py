"""`attnvid say SCRIPT`: the narration alone, a fast way to hear the words before rendering.

The scene is played without drawing (worker.timeline_only), so every line is said where the
video will say it; the lines are laid into one track and normalised (track.py), exactly as a
render does, and written as a WAV with its subtitles (.srt) beside it.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from ..publish import captions, guard
from ..publish.plan import plan_video
from ..publish.records import write_atomic
from ..publish.worker import timeline_only
from . import track
from .synthesis import Voice

__all__ = ["Said", "say"]


@dataclass(frozen=True)
class Said:
    wav: Path
    srt: Path
    seconds: float
    lines: int
    loudness: track.Loudness


def say(script: str | Path, voice: Voice, out: Path) -> Said:
    """Write `out` (a WAV) and `out` with .srt: the script's narration as its video will have it."""
    video = plan_video(script)
    work = guard.work_folder(f"say-{video.name}")
    try:
        played = timeline_only(video, str(voice.model), work)
        end = max([b for _, _, b in played.beats] + [b for _, _, b, _, _ in played.spoken] + [0.0])
        wav, loudness = track.build(voice, [(a, said) for _, a, _, _, said in played.spoken], end, work)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(wav, out.with_name(f".{out.name}.part"))
        (out.with_name(f".{out.name}.part")).replace(out)
        srt = out.with_suffix(".srt")
        write_atomic(srt, captions.to_srt([captions.Cue(a, b, text) for _, a, b, text, _ in played.spoken]))
        return Said(out, srt, end, len(played.spoken), loudness)
    finally:
        shutil.rmtree(work, ignore_errors=True)
