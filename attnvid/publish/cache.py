"""A section cache keyed by content, so re-rendering after an edit redoes only what changed.

A section's key hashes what its frames can depend on, and nothing slow to compute:
- the drawing code (code_version: attnmath, scenes and attnvid but its publishing side) and
  manim's version;
- how it is rendered (quality, transparency, the narrating voice) and the script's presentation
  (pace, captions, title);
- the `narration:` overrides it can show or speak (the registry's narration_read_by: its own
  and those of the beats it plays) and those of the section before it, whose last caption it
  replaces; a walkthrough beat, those of every beat up to it;
- the inputs the section reads (the registry's `reads`, attnvid/story/registry.py: the model,
  the phrases, how many there are, or none); a shot of one phrase (the alignment's), the
  model and that phrase;
- the sections before it: for the explainer, whose sections each clear the stage, the previous
  section's name and inputs (a section opens by fading out what the previous one left on the
  stage and by replacing its caption); for a walkthrough, whose beats build on each other,
  every beat before it.
Manim's own cache hashes every mobject of every animation instead (13-16 s a run on previews).

An entry is a folder holding the clip and its CacheEntry (clip.json: captions and beat times);
it is written to a temporary name and renamed, so a half-written entry never exists. Old
entries are pruned, least recently used first, beyond a size budget.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import time
import uuid
from pathlib import Path

from ..kept import cache_home
from ..script import Script
from ..story import EXPLAINER, WALKTHROUGH, narration_read_by
from . import media
from .plan import Video
from .records import CacheEntry
from .worker import Clip

DEFAULT_BUDGET = 2 * 1024 ** 3


def default_root() -> Path:
    return cache_home() / "sections"


# Under attnvid, what only publishes finished frames (the bundle, its pages, the command line,
# the narration track): editing it cannot change a frame, so it must not empty the cache.
NOT_DRAWING = ("attnvid/publish", "attnvid/cli.py",
               # the narration track is laid after the frames; only the speech (synthesis.py) sets timing
               "attnvid/narration/track.py", "attnvid/narration/say.py")


def code_version(root: Path | None = None) -> str:
    """Every source file that can change a frame, and the manim that draws it: the .py files of
    attnmath (the numbers), scenes (the drawing) and attnvid (the script, the captions' story,
    the fits the learning scenes show), except NOT_DRAWING. `root` holds those three folders
    (default: where this package is installed from)."""
    from importlib.metadata import version
    h = hashlib.sha256(version("manim").encode())
    root = Path(root) if root is not None else Path(__file__).resolve().parent.parent.parent
    for package in ("attnmath", "attnvid", "scenes"):
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if any(relative == skip or relative.startswith(skip + "/") for skip in NOT_DRAWING):
                continue
            h.update(relative.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _canonical(value):
    """JSON-able and stable: dataclasses field by field (without source line numbers), mappings
    sorted, floats exact (repr)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in ("where", "path")}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if hasattr(value, "tolist"):
        return _canonical(value.tolist())
    if isinstance(value, float):
        return repr(value)
    return value


def _reads(video: Video, index: int) -> tuple[str, ...]:
    """What section `index` of the video reads of the script, as the registry declares it (an
    explainer shot: its section's)."""
    if video.shots:
        return EXPLAINER[video.shots[index].section].reads
    kind = EXPLAINER if video.independent_sections else WALKTHROUGH
    return kind[video.sections[index]].reads


def voice_key(voice) -> str:
    """What of the voice sets a section's timing: the voice (its identity), and whether its
    words can be timed (without the onnx package pictures land on their phrase, not their word,
    so installing it must redraw). "" when silent."""
    if voice is None:
        return ""
    from ..narration.timing import clock_available
    return voice.identity + (":words" if clock_available() else ":phrases")


def section_keys(video: Video, script: Script, quality: str, transparent: bool, code: str,
                 voice: str = "") -> list[str]:
    """`voice`: the narrating voice's identity (synthesis.Voice.identity), "" when silent; its
    speech sets how long every beat lasts."""
    common = {"code": code, "scene": video.scene_class, "quality": quality, "transparent": transparent,
              "voice": voice,
              "pace": repr(script.pace), "captions": script.captions, "title": script.title}
    inputs = {"model": _canonical(script.model), "phrases": _canonical(script.phrases),
              "phrase_count": len(script.phrases),
              "two_heads": _canonical(script.heads_source) if script.heads_source is not None else None}

    def reads(index: int) -> dict:
        shot = video.shots[index] if video.shots else None
        if shot is not None and shot.phrase is not None:
            # one phrase of the alignment: that phrase alone, and whether it comes first
            return {"model": inputs["model"], "phrase": _canonical(script.phrases[shot.phrase]),
                    "first": shot.phrase == 0}
        return {n: inputs[n] for n in _reads(video, index)}

    def says(index: int) -> dict:
        """The narration overrides section `index` can show or speak (an explainer shot's, as
        the registry declares them; a walkthrough beat, its own)."""
        if index < 0:
            return {}
        names = narration_read_by(video.shots[index]) if video.shots else (video.sections[index],)
        return {k: v for k, v in script.narration.items() if k in names}

    keys = []
    for i, name in enumerate(video.sections):
        if video.independent_sections:
            before, position = (video.sections[i - 1] if i else None), None
            # its own words, and those of every shot it goes on from (Video.replay_from): the
            # section before (whose last caption it replaces), or its phrase's earlier beats
            said = {k: v for j in range(video.replay_from(i), i + 1) for k, v in says(j).items()}
        else:
            # a walkthrough beat depends on every beat before it, so on all of them
            before, position = list(video.sections[:i]), i
            said = {k: v for j in range(i + 1) for k, v in says(j).items()}
        content = {**common, "section": name, "index_in_walkthrough": position,
                   "reads": reads(i), "before": before, "before_reads": reads(i - 1) if i else None,
                   "narration": said}
        keys.append(hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32])
    return keys


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class SectionCache:
    """Clips by section key. Each entry records what its clip was when stored (SHA-256, bytes,
    duration, measured by ffprobe then); `get` serves only a clip that still matches, and drops
    any other entry, saying so in `dropped`, so a damaged clip costs one re-render, not a bad
    video now and failed renders after."""

    def __init__(self, root: Path | None = None, budget: int = DEFAULT_BUDGET):
        self.root = Path(root) if root else default_root()
        self.budget = budget
        self.dropped: list[str] = []        # why each damaged entry was dropped, for the user

    def get(self, key: str, index: int, name: str) -> Clip | None:
        entry = self.root / key
        if not entry.exists():
            return None
        meta = CacheEntry.read(entry / "clip.json")
        if meta is None:
            return self._drop(entry, name, "its record is missing or malformed")
        if meta.name != name:
            return None
        clip = entry / meta.file
        try:
            size = clip.stat().st_size
            if size != meta.size:
                return self._drop(entry, name, f"its clip is {size} bytes, not the {meta.size} stored")
            if _sha256(clip) != meta.sha256:
                return self._drop(entry, name, "its clip's checksum differs from the one stored")
            os.utime(entry)        # recently used: pruned last
        except OSError as e:
            return self._drop(entry, name, f"its clip cannot be read ({e.strerror or e})")
        return Clip(index, name, clip, meta.cues, meta.beats, meta.spoken)

    def _drop(self, entry: Path, name: str, why: str) -> None:
        self.dropped.append(f"the cached clip of section '{name}' was damaged ({why}); dropped it, rendering again")
        shutil.rmtree(entry, ignore_errors=True)
        return None

    def put(self, key: str, clip: Clip) -> None:
        """Store a clip ffprobe can read, with its checksum and duration; a clip it cannot read
        is not stored (the render that made it fails on it anyway)."""
        try:
            duration = media.probe(clip.path)["duration"]
        except (media.MediaError, ValueError, KeyError, IndexError):
            return
        self.root.mkdir(parents=True, exist_ok=True)
        entry = self.root / key
        tmp = self.root / f".tmp-{key}-{uuid.uuid4().hex[:8]}"
        try:
            tmp.mkdir()
            file = f"clip{clip.path.suffix}"
            shutil.copyfile(clip.path, tmp / file)
            CacheEntry(clip.name, file, clip.cues, clip.beats, _sha256(tmp / file), (tmp / file).stat().st_size,
                       duration, clip.spoken).write(tmp / "clip.json")
            if entry.exists():
                shutil.rmtree(entry, ignore_errors=True)
            os.replace(tmp, entry)
        except OSError:
            pass               # a cache that cannot be written only costs time
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def prune(self) -> None:
        """Drop the least recently used entries beyond the budget (and stale temporaries)."""
        if not self.root.exists():
            return
        entries = []
        for e in self.root.iterdir():
            if e.name.startswith(".tmp-"):
                if time.time() - e.stat().st_mtime > 3600:     # left by a run that was killed
                    shutil.rmtree(e, ignore_errors=True)
                continue
            size = sum(f.stat().st_size for f in e.rglob("*") if f.is_file())
            entries.append((e.stat().st_mtime, size, e))
        total = sum(s for _, s, _ in entries)
        for _, size, e in sorted(entries):
            if total <= self.budget:
                break
            shutil.rmtree(e, ignore_errors=True)
            total -= size
