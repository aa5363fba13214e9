"""The files that pass between a manim process, the pipeline and the tools that read a bundle:
one typed record each, written and read by the same class.

- Timeline: written by the scene (scenes/lib/base.py) at every section and at the end, read by the
  worker for progress and to cut the clips' captions and beats;
- CacheEntry: `clip.json` beside a cached clip (cache.py);
- Manifest: a bundle's `manifest.json`, a published contract (README, "Publishing").

Each `write(path)` goes through a temporary file and os.replace, so a reader never sees half a
file; each `read(path)` returns None (an empty Timeline) for a missing or unreadable file,
because every reader has a fallback. The JSON on disk keeps exactly the keys, their order and
their formatting that the scenes and attnvid render have always written.

The environment `attnvid render` gives the manim process it starts is named here too.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

__all__ = ["ATTN_SCRIPT", "ATTN_SECTIONS", "ATTN_TIMELINE", "ATTN_VOICE", "STAGING", "write_atomic",
           "Timeline", "CacheEntry", "Section", "Manifest"]

# Set by `attnvid render` (worker.py) for each manim process; unset, a scene renders its default
# script, every section, and writes no timeline.
ATTN_SCRIPT = "ATTN_SCRIPT"       # path of the script the scene file renders
ATTN_SECTIONS = "ATTN_SECTIONS"   # "2,3,4": draw only these sections (0-based), play the rest without frames
ATTN_TIMELINE = "ATTN_TIMELINE"   # path the scene writes its Timeline to
ATTN_VOICE = "ATTN_VOICE"         # the narrating voice ("joe", a .onnx path); unset or "none": silent

# The hidden prefix of anything half-written: staging bundles and temporary files. A run that
# was killed outright leaves them behind; the next run sweeps them from its output folder.
STAGING = ".attnvid-staging-"

_UNREADABLE = (OSError, ValueError, KeyError, TypeError, IndexError)


def write_atomic(path, text: str) -> None:
    """Write `text` to a hidden temporary file beside `path`, then rename it over `path`."""
    path = Path(path)
    tmp = path.with_name(f"{STAGING}{path.name}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _tuples(rows) -> tuple[tuple, ...]:
    return tuple(tuple(row) for row in rows)


@dataclass(frozen=True)
class Timeline:
    """What a scene has played so far, on its own clock (seconds from its start).

    sections: (name, start) of every section opened, drawn or not; cues: (section index, start,
    end, caption); beats: (name, start, end); spoken, when narrated: (section index, start, end,
    caption phrase, what the voice says for it), the span its speech fills. `finished` once the
    scene tore down. From a scene: `Timeline(finished, sections=..., cues=..., beats=...).write(path)`.
    """

    finished: bool = False
    sections: tuple[tuple[str, float], ...] = ()
    cues: tuple[tuple[int, float, float, str], ...] = ()
    beats: tuple[tuple[str, float, float], ...] = ()
    spoken: tuple[tuple[int, float, float, str, str], ...] = ()

    def __post_init__(self):
        for name in ("sections", "cues", "beats", "spoken"):   # lists in, tuples kept: equal when read back
            object.__setattr__(self, name, _tuples(getattr(self, name)))

    def as_json(self) -> dict:
        data = {"finished": self.finished,
                "sections": [{"name": n, "start": t} for n, t in self.sections],
                "cues": [{"section": i, "start": a, "end": b, "text": c} for i, a, b, c in self.cues],
                "beats": [{"name": n, "start": a, "end": b} for n, a, b in self.beats]}
        if self.spoken:
            data["spoken"] = [{"section": i, "start": a, "end": b, "text": c, "said": d}
                              for i, a, b, c, d in self.spoken]
        return data

    def write(self, path) -> None:
        write_atomic(path, json.dumps(self.as_json(), ensure_ascii=False))

    @classmethod
    def read(cls, path) -> "Timeline":
        """The timeline at `path`; an empty one while the scene has written none (or for junk)."""
        try:
            data = _read_json(path)
            return cls(bool(data["finished"]),
                       [(s["name"], s["start"]) for s in data["sections"]],
                       [(c["section"], c["start"], c["end"], c["text"]) for c in data["cues"]],
                       [(b["name"], b["start"], b["end"]) for b in data["beats"]],
                       [(w["section"], w["start"], w["end"], w["text"], w["said"]) for w in data.get("spoken", [])])
        except _UNREADABLE:
            return cls()


@dataclass(frozen=True)
class CacheEntry:
    """A cached section clip: the clip's file name in the entry folder, its captions, beats and
    spoken lines relative to the clip's start (as in worker.Clip), and what the clip was when
    stored (its SHA-256, bytes and duration), so a damaged clip is caught before it is served."""

    name: str
    file: str
    cues: tuple[tuple[float, float, str], ...] = ()
    beats: tuple[tuple[str, float, float], ...] = ()
    sha256: str = ""
    size: int = 0
    duration: float = 0.0
    spoken: tuple[tuple[float, float, str, str], ...] = ()

    def __post_init__(self):
        for name in ("cues", "beats", "spoken"):
            object.__setattr__(self, name, _tuples(getattr(self, name)))

    def as_json(self) -> dict:
        data = {"name": self.name, "file": self.file, "cues": self.cues, "beats": self.beats,
                "sha256": self.sha256, "size": self.size, "duration": self.duration}
        if self.spoken:
            data["spoken"] = self.spoken
        return data

    def write(self, path) -> None:
        write_atomic(path, json.dumps(self.as_json(), ensure_ascii=False))

    @classmethod
    def read(cls, path) -> Optional["CacheEntry"]:
        """The record at `path`, or None unless every field has its type and sense: a record
        someone edited or truncated is a miss, never an error in a worker thread."""
        try:
            data = _read_json(path)
            entry = cls(data["name"], data["file"], data["cues"], data["beats"], data["sha256"],
                        data["size"], data["duration"], data.get("spoken", ()))
        except _UNREADABLE:
            return None
        return entry if entry._sound() else None

    def _sound(self) -> bool:
        def seconds(x) -> bool:
            return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x >= 0
        return (isinstance(self.name, str) and isinstance(self.file, str)
                and re.fullmatch(r"clip\.(mp4|mov)", self.file) is not None
                and isinstance(self.sha256, str) and re.fullmatch(r"[0-9a-f]{64}", self.sha256) is not None
                and isinstance(self.size, int) and self.size > 0
                and seconds(self.duration) and self.duration > 0
                and all(len(c) == 3 and seconds(c[0]) and seconds(c[1]) and c[0] <= c[1] <= self.duration + 1
                        and isinstance(c[2], str) for c in self.cues)
                and all(len(b) == 3 and isinstance(b[0], str) and seconds(b[1]) and seconds(b[2])
                        and b[1] <= b[2] <= self.duration + 1 for b in self.beats)
                and all(len(w) == 4 and seconds(w[0]) and seconds(w[1]) and w[0] <= w[1] <= self.duration + 1
                        and isinstance(w[2], str) and isinstance(w[3], str) for w in self.spoken))


@dataclass(frozen=True)
class Section:
    """One section clip of a bundle: its file, where it starts in the whole video, how long it
    is, and its captions (start, end, text) relative to its own start."""

    name: str
    file: str
    start: float
    duration: float
    cues: tuple[tuple[float, float, str], ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "cues", _tuples(self.cues))

    def as_json(self) -> dict:
        return {"name": self.name, "file": self.file, "start": self.start, "duration": self.duration,
                "cues": [list(c) for c in self.cues]}


@dataclass(frozen=True)
class Manifest:
    """A bundle's manifest.json: what the bundle holds, for pages.py, the next run (its section
    lengths guide the split) and anyone's tools.

    files maps a kind (srt, vtt, poster, mp4 or mov, webm, gif, presenter, page) to a file name,
    in the order the files were made; sizes maps every file but index.html and manifest.json
    to its bytes; gif_span is (start, end) of the gif in the video, when there is one; voice and
    loudness (LUFS, dBTP), only in a narrated bundle, say who speaks and how loud; shots, only
    when a section clip joins several rendered clips, each clip's name and duration.
    """

    name: str
    title: str
    script: str
    quality: str
    transparent: bool
    captions_on_screen: bool
    width: int
    height: int
    fps: float
    duration: float
    files: dict[str, str] = field(default_factory=dict)
    sections: tuple[Section, ...] = ()
    cues: tuple[tuple[float, float, str], ...] = ()
    gif_span: Optional[tuple[float, float]] = None
    sizes: dict[str, int] = field(default_factory=dict)
    voice: Optional[str] = None          # who narrates; None: silent
    loudness: Optional[tuple[float, float]] = None   # the narration's (LUFS, dBTP) as normalised
    # (name, duration) of each clip rendered, when a section joins several (the explainer's
    # alignment: one per phrase); the next run's split reads them
    shots: tuple[tuple[str, float], ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "sections", tuple(self.sections))
        object.__setattr__(self, "cues", _tuples(self.cues))
        object.__setattr__(self, "shots", _tuples(self.shots))
        if self.gif_span is not None:
            object.__setattr__(self, "gif_span", tuple(self.gif_span))

    def as_json(self) -> dict:
        data = {"name": self.name, "title": self.title, "script": self.script, "quality": self.quality,
                "transparent": self.transparent, "captions_on_screen": self.captions_on_screen,
                "width": self.width, "height": self.height, "fps": self.fps, "duration": self.duration,
                "files": dict(self.files), "sections": [s.as_json() for s in self.sections],
                "cues": [list(c) for c in self.cues]}
        if self.gif_span is not None:
            data["gif_span"] = list(self.gif_span)
        data["sizes"] = dict(self.sizes)
        if self.voice is not None:
            data["voice"] = self.voice
            data["loudness"] = list(self.loudness) if self.loudness else None
        if self.shots:
            data["shots"] = [{"name": n, "duration": d} for n, d in self.shots]
        return data

    def write(self, path) -> None:
        write_atomic(path, json.dumps(self.as_json(), indent=1, ensure_ascii=False))

    @classmethod
    def from_json(cls, data: dict) -> "Manifest":
        return cls(data["name"], data["title"], data["script"], data["quality"], data["transparent"],
                   data["captions_on_screen"], data["width"], data["height"], data["fps"], data["duration"],
                   dict(data["files"]),
                   tuple(Section(s["name"], s["file"], s["start"], s["duration"], s["cues"])
                         for s in data["sections"]),
                   data["cues"], data.get("gif_span"), dict(data["sizes"]), data.get("voice"),
                   tuple(data["loudness"]) if data.get("loudness") else None,
                   tuple((s["name"], s["duration"]) for s in data.get("shots", ())))

    @classmethod
    def read(cls, path) -> Optional["Manifest"]:
        """The manifest at `path`, or None if there is none or it is not one we can read."""
        try:
            return cls.from_json(_read_json(path))
        except _UNREADABLE:
            return None
