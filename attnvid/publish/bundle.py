"""A video's clips become the folder `attnvid render` publishes, one named step at a time.

write_media (ffmpeg work; the renderer holds a process slot for it, and it runs up to `workers`
ffmpeg processes at once, the video's share of --jobs, idle once its frames are drawn): join
the clips into the master video, copy each section's clip (its shots joined, for the
explainer's alignment) as a faststart section clip with its own .vtt, write the captions (.srt,
.vtt), the poster and the web formats (webm, gif; for a transparent render an mp4 laid on the
background). Narrated, one narration track is laid for the whole video first
(attnvid.narration.track) and every video file but the gif carries it or its section's slice
(each an AAC encode: the master's and the sections' run side by side); the captions then
follow the voice: each cue spans its phrase's speech. write_pages: the presenter page, the
file sizes, the page and the manifest.
Every step writes into `folder`, a staging folder the renderer renames into place once whole.
"""
from __future__ import annotations

import dataclasses
import re
import tempfile
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from ..narration import track
from ..narration.synthesis import Voice
from ..story import gif_beats, poster_beat
from . import captions, media, pages
from .captions import Cue
from .plan import Video
from .records import Manifest, Section
from .worker import Clip

__all__ = ["FORMATS", "GIF_LONGEST", "Bundle", "poster_time", "gif_window", "slug"]

FORMATS = ("mp4", "webm", "gif")
GIF_LONGEST = 60.0

Beats = list[tuple[str, float, float]]     # (beat, start, end) on the whole video's clock


def slug(text: str) -> str:
    """A section's name as a safe file name part."""
    s = re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower()
    return s[:40] or "section"


def poster_time(beats: Beats, duration: float) -> float:
    """A frame that tells the story: the end of the first poster beat (registry: the weighted
    sum, the answer on screen), just before it fades; otherwise a third of the way in. Never
    the black first frame."""
    poster = poster_beat()
    for name, start, end in beats:
        if name == poster:
            return max(start, end - 0.4)
    return duration / 3


def gif_window(beats: Beats, duration: float) -> tuple[float, float]:
    """The stretch a README gif shows: from the first gif start beat to the first gif end beat
    after it (registry: a phrase's attention steps, projections to weighted sum; CatSat: 47 s
    of 77), so the gif stays a few MB and links to the whole video; with no such beats, the
    first GIF_LONGEST seconds."""
    first_name, last_name = gif_beats()
    names = [b[0] for b in beats]
    if first_name in names and last_name in names[names.index(first_name):]:
        first = names.index(first_name)
        last = names.index(last_name, first)
        return beats[first][1], beats[last][2]
    return 0.0, min(duration, GIF_LONGEST)


def _grouped(clips: list[Clip], lengths: list[float], shipped_as: tuple[str, ...]) \
        -> list[tuple[str, list[tuple[Clip, float]]]]:
    """The clips, in order, gathered by the section each is shipped as: (section, [(clip,
    length), ...]) for each run of clips of the same section."""
    groups: list[tuple[str, list[tuple[Clip, float]]]] = []
    for clip, length in zip(clips, lengths):
        section = shipped_as[clip.index]
        if groups and groups[-1][0] == section:
            groups[-1][1].append((clip, length))
        else:
            groups.append((section, [(clip, length)]))
    return groups


def _fraction(text: str) -> float:
    a, _, b = text.partition("/")
    return float(a) / float(b or 1)


def _rounded(cues: list[Cue]) -> list[tuple[float, float, str]]:
    return [(round(q.start, 3), round(q.end, 3), q.text) for q in cues]


class Bundle:
    """One video's bundle, written into `folder`. `status(text, advance)` reports each step."""

    def __init__(self, video: Video, folder: Path, quality: str = "l", formats: tuple[str, ...] = ("mp4", "webm"),
                 transparent: bool = False, status: Callable[[str, int], None] = lambda text, advance: None,
                 voice: Voice | None = None, workers: int = 1):
        self.video, self.folder = video, folder
        self.workers = max(1, workers)               # ffmpeg processes at once (the video's share of --jobs)
        self.quality, self.formats, self.transparent = quality, formats, transparent
        self.status = status
        self.voice = voice                           # None: a silent bundle
        self.ext = "mov" if transparent else "mp4"     # the master and the section clips
        self._track: Path | None = None              # the normalised narration, while writing media
        self.loudness: track.Loudness | None = None

    def path(self, file: str) -> Path:
        return self.folder / file

    # -- the media ----------------------------------------------------------------------
    def write_media(self, clips: list[Clip]) -> Manifest:
        """Everything ffmpeg makes; the manifest so far (no pages, no sizes)."""
        v = self.video
        self.status("joining sections", 0)
        master = f"{v.name}.{self.ext}"
        with tempfile.TemporaryDirectory(prefix="attnvid-narration-") as work, \
                ThreadPoolExecutor(self.workers) as pool:
            media.join([c.path for c in clips], self.path(master))
            self.status("captions and poster", 1)
            info = media.probe(self.path(master))
            duration = info["duration"]
            lengths = [probed["duration"] for probed in pool.map(media.probe, [c.path for c in clips])]
            narrated = None
            if self.voice is not None and any(c.spoken for c in clips):
                self._track = self.write_narration(clips, lengths, duration, Path(work))
                narrated = pool.submit(self._narrate_master, master)   # encoded while the sections are
            sections, cues, beats = self.write_sections(clips, lengths, pool)
            if narrated is not None:
                narrated.result()
            cues = [Cue(q.start, min(q.end, duration), q.text) for q in cues]
            files = {**self.write_captions(cues), **self.write_poster(master, beats, duration), self.ext: master}
            self.status("web formats", 1)
            formats, gif_span = self.write_web_formats(master, beats, duration)
            self._track = None
        return Manifest(v.name, v.title, str(v.script_path), self.quality, self.transparent, v.captions_on_screen,
                        int(info["width"]), int(info["height"]), _fraction(info["r_frame_rate"]),
                        round(duration, 3), {**files, **formats}, sections, _rounded(cues), gif_span,
                        voice=self.voice.name if self._narrated(clips) else None,
                        loudness=(self.loudness.integrated, self.loudness.true_peak) if self.loudness else None,
                        shots=tuple((c.name, round(n, 3)) for c, n in zip(clips, lengths))
                        if len(sections) < len(clips) else ())

    def _narrate_master(self, master: str) -> None:
        silent = self.path(master).with_name(f".silent-{master}")
        self.path(master).rename(silent)
        media.with_audio(silent, self._track, self.path(master))
        silent.unlink()

    def _narrated(self, clips: list[Clip]) -> bool:
        return self.voice is not None and any(c.spoken for c in clips)

    def write_narration(self, clips: list[Clip], lengths: list[float], duration: float, work: Path) -> Path:
        """The whole video's narration (track.py): each clip's spoken lines at their place on the
        video's clock, normalised; the WAV's path (in `work`)."""
        lines, offset = [], 0.0
        for clip, length in zip(clips, lengths):
            lines += [(offset + start, said) for start, _end, _text, said in clip.spoken]
            offset += length
        wav, self.loudness = track.build(self.voice, lines, duration, work)   # the speech is cached
        return wav

    def write_sections(self, clips: list[Clip], lengths: list[float], pool: Executor | None = None) \
            -> tuple[list[Section], list[Cue], Beats]:
        """Each section's clips (one, or a section's shots: the video's shipped_as) as one
        section clip, written by `pool` (each its own ffmpeg; in order without one); the
        sections, and the cues and beats moved onto the whole video's clock. Narrated, a cue is
        its phrase's speech (the voice and the subtitle agree)."""
        (self.folder / "sections").mkdir()
        writes, cues, beats, offset = [], [], [], 0.0
        for n, (name, members) in enumerate(_grouped(clips, lengths, self.video.shipped_as()), 1):
            section_cues, length = [], 0.0
            for clip, clip_length in members:
                timed = [(a, b, t) for a, b, t, _said in clip.spoken] if self._track is not None else clip.cues
                section_cues += [Cue(a, min(b, clip_length), t).shifted(length) for a, b, t in timed]
                beats += [(b, s + offset + length, e + offset + length) for b, s, e in clip.beats]
                length += clip_length
            writes.append((n, name, [c.path for c, _ in members], section_cues, offset, length))
            cues += [q.shifted(offset) for q in section_cues]
            offset += length
        sections = list((pool.map if pool is not None else map)(lambda args: self.write_section(*args), writes))
        return sections, cues, beats

    def write_section(self, n: int, name: str, paths: list[Path], cues: list[Cue], start: float,
                      length: float) -> Section:
        """sections/NN-name: the clip (its shots joined) moved to faststart, and its captions as
        .vtt beside it."""
        file = f"sections/{n:02d}-{slug(name)}.{self.ext}"
        joined = None
        if len(paths) > 1:
            joined = self.path(file).with_name(f".joined-{n:02d}.{self.ext}")
            media.join(paths, joined)
        source = joined or paths[0]
        if self._track is not None:
            part = self._track.with_name(f"section-{n}.wav")
            track.cut(self._track, start, length, part)
            media.with_audio(source, part, self.path(file))
            part.unlink()
        elif joined is not None:
            joined.rename(self.path(file))
            joined = None
        else:
            media.faststart(source, self.path(file))
        if joined is not None:
            joined.unlink()
        self.path(file).with_suffix(".vtt").write_text(captions.to_vtt(cues), encoding="utf-8")
        return Section(name, file, round(start, 3), round(length, 3), _rounded(cues))

    def write_captions(self, cues: list[Cue]) -> dict[str, str]:
        files = {"srt": f"{self.video.name}.srt", "vtt": f"{self.video.name}.vtt"}
        self.path(files["srt"]).write_text(captions.to_srt(cues), encoding="utf-8")
        self.path(files["vtt"]).write_text(captions.to_vtt(cues), encoding="utf-8")
        return files

    def write_poster(self, master: str, beats: Beats, duration: float) -> dict[str, str]:
        media.still(self.path(master), poster_time(beats, duration), self.path("poster.png"))
        return {"poster": "poster.png"}

    def write_web_formats(self, master: str, beats: Beats, duration: float) \
            -> tuple[dict[str, str], tuple[float, float] | None]:
        """The webm (always, with alpha, for a transparent render: it is the format that keeps
        it), the flattened mp4 of a transparent render and the gif, as asked; and the gif's span."""
        name, files = self.video.name, {}
        if self.transparent:
            if "mp4" in self.formats:
                files["mp4"] = f"{name}.mp4"
                media.flatten(self.path(master), self.path(files["mp4"]))
            files["webm"] = f"{name}.webm"
            media.webm(self.path(master), self.path(files["webm"]), alpha=True, audio=self._track)
        elif "webm" in self.formats:
            files["webm"] = f"{name}.webm"
            media.webm(self.path(master), self.path(files["webm"]), audio=self._track)
        if "gif" not in self.formats:
            return files, None
        span = gif_window(beats, duration)
        files["gif"] = f"{name}.gif"
        media.gif(self.path(files.get("mp4", master)), self.path(files["gif"]), *span)
        return files, (round(span[0], 3), round(span[1], 3))

    # -- the pages ----------------------------------------------------------------------
    def write_pages(self, m: Manifest) -> Manifest:
        """The presenter page (not for a transparent render), the sizes, the page, and last the
        manifest.json itself; the finished manifest."""
        files = dict(m.files)
        if not self.transparent:
            files["presenter"] = "presenter.html"
        files["page"] = "index.html"
        m = dataclasses.replace(m, files=files)
        if not self.transparent:
            self.path(files["presenter"]).write_text(pages.presenter_page(m.as_json()), encoding="utf-8")
        m = dataclasses.replace(m, sizes=self.sizes())
        self.path(files["page"]).write_text(pages.index_page(m.as_json()), encoding="utf-8")
        m.write(self.path("manifest.json"))
        return m

    def sizes(self) -> dict[str, int]:
        """Every file's bytes, but the page's and the manifest's (they list the sizes)."""
        return {str(p.relative_to(self.folder)): p.stat().st_size for p in sorted(self.folder.rglob("*"))
                if p.is_file() and p.name not in ("index.html", "manifest.json")}

