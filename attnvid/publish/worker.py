"""One manim process renders a run of a video's sections into its own work folder.

The scene (scenes/lib/base.py) reads three variables (records.py): the script, which sections
to draw (the others are played without frames, to set the stage) and where to write its
Timeline (section starts and caption times, rewritten at every section, so it doubles as
progress). Manim's own cache is off: its hashing costs more than it saves for previews
(docs/performance.md).
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .plan import Video
from .process import run
from .records import ATTN_SCRIPT, ATTN_SECTIONS, ATTN_TIMELINE, ATTN_VOICE, Timeline

# manim's qualities, and "p" for publishing: 1080p at 30 fps (text sharp at full screen; manim's
# own 1080p is 60 fps, twice the frames to draw for motion that 30 fps already carries smoothly)
QUALITY_FLAGS = {"l": ("-ql",), "m": ("-qm",), "h": ("-qh",), "k": ("-qk",), "p": ("-qh", "--frame_rate", "30")}
# The publishing encode: x264's veryfast preset at CRF 20 instead of manim's medium at CRF 23.
# Measured on the explainer's dot_product section at 1080p30 against a lossless render
# (docs/performance.md): less encoding time, slightly better SSIM and PSNR, files ~15 % larger.
PUBLISHING_ENCODER = ("--encoder-option", "preset=veryfast", "--encoder-option", "crf=20")
# Encode a finished play's clip while the next play is drawn (manim waits for each by default).
OVERLAPPED_ENCODING = ("--max-inflight-encoders", "2")
# ... but not at the publishing quality: there the second encoder in flight (a 1080p x264
# encoder, its lookahead and its frame queue) holds ~290 MiB, and with `--jobs 2` on two cores
# the other process draws while this one waits (docs/performance.md, "One encoder at 1080p").
PUBLISHING_ENCODING = ("--max-inflight-encoders", "1")


def manim_flags(quality: str, transparent: bool = False) -> list[str]:
    """The flags `attnvid render` gives manim for a quality: the resolution and frame rate, the
    encoders in flight, and for publishing (H.264, not the transparent .mov) the faster preset."""
    flags = [*QUALITY_FLAGS[quality], *(PUBLISHING_ENCODING if quality == "p" else OVERLAPPED_ENCODING)]
    if transparent:
        flags.append("--transparent")
    elif quality == "p":
        flags += PUBLISHING_ENCODER
    return flags


class RenderError(RuntimeError):
    pass


@dataclass(frozen=True)
class Clip:
    index: int
    name: str
    path: Path
    cues: tuple[tuple[float, float, str], ...]      # relative to the clip's start
    beats: tuple[tuple[str, float, float], ...]     # (beat, start, end) relative to the clip's start
    # (start, end, caption phrase, what is said) of each spoken line, relative to the clip's start
    spoken: tuple[tuple[float, float, str, str], ...] = ()


def render_sections(video: Video, sections: list[int], quality: str, workdir: Path, transparent: bool = False,
                    on_progress: Callable[[int], None] = lambda done: None, voice: str | None = None) -> list[Clip]:
    """Render these sections of the video (indices, any set); returns one clip each, in order.
    `voice` (a find_voice choice) paces the beats to that voice's speech and records it."""
    sections = sorted(sections)
    workdir.mkdir(parents=True, exist_ok=True)
    timeline = workdir / "timeline.json"
    env = _scene_env(video, ",".join(map(str, sections)), timeline, voice or "none")
    argv = _manim(video, workdir, [*manim_flags(quality, transparent), "--save_sections"], "WARNING")

    def poll():
        opened = len(Timeline.read(timeline).sections)
        on_progress(sum(1 for i in sections if i < opened - 1))

    result = run(argv, env=env, cwd=workdir, poll=poll)
    if result.returncode != 0:
        raise RenderError(_reason(result.stderr) or f"manim exited with {result.returncode}")
    on_progress(len(sections))
    return _clips(video, sections, workdir, Timeline.read(timeline))


def timeline_only(video: Video, voice: str, workdir: Path) -> Timeline:
    """Play the whole scene without drawing a frame (ATTN_SECTIONS=none), narrated by `voice`:
    its Timeline, with every spoken line where a -ql render puts it. What `attnvid say` hears,
    in seconds rather than minutes (CatSat: 24 s)."""
    workdir.mkdir(parents=True, exist_ok=True)
    timeline = workdir / "timeline.json"
    env = _scene_env(video, "none", timeline, voice)
    argv = _manim(video, workdir, ["-ql"], "ERROR")
    result = run(argv, env=env, cwd=workdir)
    played = Timeline.read(timeline)
    if result.returncode != 0 or not played.finished:
        raise RenderError(_reason(result.stderr) or f"manim exited with {result.returncode}")
    return played


def _scene_env(video: Video, sections: str, timeline: Path, voice: str) -> dict[str, str]:
    """What our scenes read from the environment (records.py): the script, which sections to
    draw, where to write the timeline, the voice."""
    return {**os.environ, ATTN_SCRIPT: str(video.script_path.resolve()), ATTN_SECTIONS: sections,
            ATTN_TIMELINE: str(timeline), ATTN_VOICE: voice, "PYTHONUNBUFFERED": "1"}


def _manim(video: Video, workdir: Path, flags: list[str], verbosity: str) -> list[str]:
    """The manim command for the video's scene class, with its own media folder in `workdir`
    and manim's cache off (ours decides what is drawn again)."""
    return [sys.executable, "-m", "manim", "render", *flags, "--disable_caching", "--progress_bar", "none",
            "--verbosity", verbosity, "--media_dir", str(workdir / "media"), str(video.scene_file),
            video.scene_class]


def _reason(stderr: str) -> str:
    """The last six non-empty lines of manim's error output: where a traceback names the
    exception, or where our scenes print a script's FILE:LINE problems before exiting."""
    lines = [line.rstrip() for line in stderr.splitlines() if line.strip()]
    return "\n".join(lines[-6:])


def _clips(video: Video, sections: list[int], workdir: Path, timeline: Timeline) -> list[Clip]:
    opened = [name for name, _ in timeline.sections]
    expected = list(video.sections[: sections[-1] + 1])
    if opened[: len(expected)] != expected:
        raise RenderError(f"the scene played sections {opened}, but the plan expected {expected}")
    found = list((workdir / "media").rglob(f"sections/{video.scene_class}.json"))
    if len(found) != 1:
        raise RenderError(f"manim wrote {len(found)} sections indexes, expected one")
    index_file = found[0]
    entries = json.loads(index_file.read_text(encoding="utf-8"))   # the drawn sections, in order
    drawn = [video.sections[i] for i in sections]
    if [e["name"] for e in entries] != drawn:
        raise RenderError(f"manim drew sections {[e['name'] for e in entries]}, expected {drawn}")
    clips = []
    for i, entry in zip(sections, entries):
        name, start = timeline.sections[i]
        end = timeline.sections[i + 1][1] if i + 1 < len(timeline.sections) else float("inf")
        path = index_file.parent / entry["video"]
        if not path.exists():
            raise RenderError(f"section {name!r} produced no clip")
        cues = tuple((a - start, b - start, text) for section, a, b, text in timeline.cues if section == i)
        beats = tuple((beat, a - start, b - start) for beat, a, b in timeline.beats if start <= a < end)
        spoken = tuple((a - start, b - start, text, said) for section, a, b, text, said in timeline.spoken
                       if section == i)
        clips.append(Clip(i, name, path, cues, beats, spoken))
    return clips
