"""`attnvid render`: scripts in, publishable bundles out.

For each script: plan the video (attnvid/plan.py), render its sections in one or more manim
processes (attnvid/worker.py), join them without re-encoding, then write the web formats,
captions and pages (attnvid/media.py, captions.py, pages.py) into a hidden staging folder
that is renamed into place only when complete. A failed video does not stop the others;
Ctrl-C stops every child process and removes staging and work folders, so DIR only ever
holds whole bundles.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import captions, media, pages, process
from .captions import Cue
from .cache import SectionCache, code_version, section_keys
from .plan import Video, plan_video, processes_per_video, split
from .problems import ScriptError
from .worker import Clip, RenderError, render_sections

FORMATS = ("mp4", "webm", "gif")
QUALITIES = ("l", "m", "h", "k")
STAGING = ".attnvid-staging-"


@dataclass(frozen=True)
class Options:
    out: Path
    quality: str = "l"
    formats: tuple[str, ...] = ("mp4", "webm")
    transparent: bool = False
    jobs: int = 1
    cache: "SectionCache | None" = None     # None: render every section


@dataclass
class Outcome:
    script: str
    bundle: Path | None = None
    manifest: dict | None = None
    error: str | None = None
    script_problem: bool = False


@dataclass
class _Job:
    video: Video
    keys: list[str]
    cached: dict[int, Clip]
    runs: list[list[int]] = field(default_factory=list)
    task: object = None


def slug(text: str) -> str:
    s = re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower()
    return s[:40] or "section"


class Renderer:
    """Renders a list of scripts; `progress` is a rich Progress (or anything with add_task/update)."""

    POST_STEPS = 4   # join, captions and poster, formats, pages

    def __init__(self, options: Options, progress):
        self.o = options
        self.progress = progress
        self.slots = threading.BoundedSemaphore(max(1, options.jobs))   # processes at once
        self._code = code_version() if options.cache is not None else ""

    # -- the whole run ------------------------------------------------------------------
    def run(self, paths: list[str]) -> list[Outcome]:
        outcomes: dict[str, Outcome] = {}
        videos: list[Video] = []
        names: set[str] = set()
        for p in paths:
            try:
                v = plan_video(p)
            except ScriptError as e:
                outcomes[p] = Outcome(p, error=str(e), script_problem=True)
                continue
            if v.name in names:
                outcomes[p] = Outcome(p, error=f"{p}: another script already writes {self.o.out / v.name}; "
                                               "rename one", script_problem=True)
                continue
            names.add(v.name)
            videos.append(v)
        self.o.out.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(self.o.out)
        jobs = [self._job(v) for v in videos]
        per_video = processes_per_video(sum(1 for j in jobs if len(j.cached) < len(j.video.sections)), self.o.jobs)
        for j in jobs:
            missing = [i for i in range(len(j.video.sections)) if i not in j.cached]
            weights = self._weights(j.video)
            j.runs = [[missing[k] for k in run] for run in split([weights[i] for i in missing], per_video,
                                                                 independent=j.video.independent_sections)] \
                if missing else []
            j.task = self.progress.add_task(j.video.name, total=len(j.video.sections) + self.POST_STEPS,
                                            completed=len(j.cached), status="waiting")
        results: dict[str, Outcome] = {}
        finished: list[threading.Event] = []
        for j in jobs:
            done = threading.Event()
            finished.append(done)

            def drive(j=j, done=done):
                try:
                    results[str(j.video.script_path)] = self._video(j)
                finally:
                    done.set()
            threading.Thread(target=drive, daemon=True).start()
        try:
            for done in finished:
                while not done.wait(0.2):
                    pass
        except KeyboardInterrupt:
            # Events, not Thread.join: a join interrupted by Ctrl-C can afterwards return at once
            # while the thread still runs (CPython), and its clean-up would be cut short.
            process.stop_all()
            deadline = time.monotonic() + 30
            for done in finished:
                while not done.wait(0.2) and time.monotonic() < deadline:
                    pass
            raise
        outcomes.update(results)
        self._write_folder_index()
        if self.o.cache is not None:
            self.o.cache.prune()
        return [outcomes[p] if p in outcomes else outcomes[str(Path(p))] for p in paths]

    def _job(self, v: Video) -> _Job:
        """The video's section keys, and which sections the cache already holds."""
        if self.o.cache is None:
            return _Job(v, [], {})
        keys = section_keys(v, v.script, self.o.quality, self.o.transparent, self._code)
        cached = {i: c for i, (k, name) in enumerate(zip(keys, v.sections))
                  if (c := self.o.cache.get(k, i, name)) is not None}
        return _Job(v, keys, cached)

    def _weights(self, v: Video) -> list[float]:
        """Section durations from the last bundle of this video, when it had the same sections
        (a good guess of their render cost); otherwise all equal."""
        try:
            last = json.loads((self.o.out / v.name / "manifest.json").read_text(encoding="utf-8"))
            if [s["name"] for s in last["sections"]] == list(v.sections):
                return [max(0.1, s["duration"]) for s in last["sections"]]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return [1.0] * len(v.sections)

    # -- one video ----------------------------------------------------------------------
    def _video(self, job: _Job) -> Outcome:
        v = job.video
        work = Path(tempfile.mkdtemp(prefix=f"attnvid-{v.name}-"))
        staging = self.o.out / f"{STAGING}{v.name}-{os.getpid()}"
        try:
            clips = self._render(job, work)
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            manifest = self._assemble(job, clips, staging)
            target = self.o.out / v.name
            _swap_in(staging, target)
            self._status(job, "done", advance=1)
            return Outcome(str(v.script_path), bundle=target, manifest=manifest)
        except process.Stopped:
            return Outcome(str(v.script_path), error="stopped")
        except (RenderError, media.MediaError, OSError) as e:
            self._status(job, "[red]failed")
            return Outcome(str(v.script_path), error=str(e))
        finally:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(staging, ignore_errors=True)

    def _status(self, job, text, advance=0):
        self.progress.update(job.task, status=text, advance=advance)

    def _render(self, job: _Job, work: Path) -> list[Clip]:
        clips: list[Clip] = list(job.cached.values())
        errors: list[str] = []
        done = [0] * len(job.runs)

        def one(k, run):
            def progressed(n):
                done[k] = n
                self.progress.update(job.task, completed=len(job.cached) + sum(done))
            with self.slots:
                try:
                    clips.extend(render_sections(job.video, run, self.o.quality, work / f"part{k}",
                                                 self.o.transparent, progressed))
                except (RenderError, OSError) as e:
                    errors.append(str(e))
                except process.Stopped:
                    pass            # _render notices and stops the video

        todo = sum(len(r) for r in job.runs)
        self._status(job, f"rendering {todo} of {len(job.video.sections)} sections"
                          + (f" in {len(job.runs)} processes" if len(job.runs) > 1 else "")
                          + (f" ({len(job.cached)} cached)" if job.cached else ""))
        threads = [threading.Thread(target=one, args=(k, r), daemon=True) for k, r in enumerate(job.runs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if process.stopping():
            raise process.Stopped()
        if errors:
            raise RenderError(errors[0])
        if self.o.cache is not None:
            for c in clips:
                if c.index not in job.cached:
                    self.o.cache.put(job.keys[c.index], c)
        return sorted(clips, key=lambda c: c.index)

    def _assemble(self, job: _Job, clips: list[Clip], d: Path) -> dict:
        v, o = job.video, self.o
        ext = "mov" if o.transparent else "mp4"
        with self.slots:
            self._status(job, "joining sections")
            master = d / f"{v.name}.{ext}"
            media.join([c.path for c in clips], master)
            self._status(job, "captions and poster", advance=1)
            info = media.probe(master)
            fps = _fraction(info["r_frame_rate"])
            sections, cues, offset, beats = [], [], 0.0, []
            (d / "sections").mkdir()
            for n, c in enumerate(clips, 1):
                length = media.probe(c.path)["duration"]
                name = f"sections/{n:02d}-{slug(c.name)}.{ext}"
                media.faststart(c.path, d / name)
                section_cues = [Cue(a, min(b, length), t) for a, b, t in c.cues]
                (d / name).with_suffix(".vtt").write_text(captions.to_vtt(section_cues), encoding="utf-8")
                sections.append({"name": c.name, "file": name, "start": round(offset, 3), "duration": round(length, 3),
                                 "cues": [[round(q.start, 3), round(q.end, 3), q.text] for q in section_cues]})
                cues += [q.shifted(offset) for q in section_cues]
                beats += [(b, s + offset, e + offset) for b, s, e in c.beats]
                offset += length
            cues = [Cue(q.start, min(q.end, info["duration"]), q.text) for q in cues]
            files = {"srt": f"{v.name}.srt", "vtt": f"{v.name}.vtt", "poster": "poster.png", ext: master.name}
            (d / files["srt"]).write_text(captions.to_srt(cues), encoding="utf-8")
            (d / files["vtt"]).write_text(captions.to_vtt(cues), encoding="utf-8")
            media.still(master, poster_time(beats, info["duration"]), d / files["poster"])
            self._status(job, "web formats", advance=1)
            if o.transparent:
                if "mp4" in o.formats:
                    media.flatten(master, d / f"{v.name}.mp4")
                    files["mp4"] = f"{v.name}.mp4"
                media.webm(master, d / f"{v.name}.webm", alpha=True)
                files["webm"] = f"{v.name}.webm"
            elif "webm" in o.formats:
                media.webm(master, d / f"{v.name}.webm")
                files["webm"] = f"{v.name}.webm"
            if "gif" in o.formats:
                media.gif(d / files.get("mp4", master.name), d / f"{v.name}.gif", *gif_window(beats, info["duration"]))
                files["gif"] = f"{v.name}.gif"
                gif_span = [round(t, 3) for t in gif_window(beats, info["duration"])]
        self._status(job, "pages", advance=1)
        if not o.transparent:
            files["presenter"] = "presenter.html"
        extra = {"gif_span": gif_span} if "gif" in files else {}
        files["page"] = "index.html"
        manifest = {"name": v.name, "title": v.title, "script": str(v.script_path), "quality": o.quality,
                    "transparent": o.transparent,
                    "captions_on_screen": v.captions_on_screen, "width": int(info["width"]), "height": int(info["height"]),
                    "fps": fps, "duration": round(info["duration"], 3), "files": files, "sections": sections,
                    "cues": [[round(q.start, 3), round(q.end, 3), q.text] for q in cues], **extra}
        if not o.transparent:
            (d / "presenter.html").write_text(pages.presenter_page(manifest), encoding="utf-8")
        manifest["sizes"] = {str(p.relative_to(d)): p.stat().st_size for p in sorted(d.rglob("*"))
                             if p.is_file() and p.name not in ("index.html", "manifest.json")}
        (d / "index.html").write_text(pages.index_page(manifest), encoding="utf-8")
        (d / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        return manifest

    def _write_folder_index(self):
        manifests = []
        for m in sorted(self.o.out.glob("*/manifest.json")):
            try:
                manifests.append(json.loads(m.read_text(encoding="utf-8")))
            except ValueError:
                continue
        if manifests:
            _write_atomic(self.o.out / "index.html", pages.folder_index(manifests))


def poster_time(beats: list[tuple[str, float, float]], duration: float) -> float:
    """A frame that tells the story: the end of the first weighted sum (the answer on screen),
    just before it fades; otherwise a third of the way in. Never the black first frame."""
    for name, start, end in beats:
        if name == "weighted_sum":
            return max(start, end - 0.4)
    return duration / 3


GIF_LONGEST = 60.0


def gif_window(beats: list[tuple[str, float, float]], duration: float) -> tuple[float, float]:
    """The stretch a README gif shows: the first phrase's attention steps, from its projections
    to its weighted sum (CatSat: 47 s of 77), so the gif stays a few MB and links to the whole
    video; with no such beats, the first GIF_LONGEST seconds."""
    names = [b[0] for b in beats]
    if "projections" in names and "weighted_sum" in names[names.index("projections"):]:
        first = names.index("projections")
        last = names.index("weighted_sum", first)
        return beats[first][1], beats[last][2]
    return 0.0, min(duration, GIF_LONGEST)


def _fraction(text: str) -> float:
    a, _, b = text.partition("/")
    return float(a) / float(b or 1)


def _swap_in(staging: Path, target: Path) -> None:
    """Replace the old bundle with the new one, each step a rename (never a half bundle)."""
    old = None
    if target.exists():
        old = target.with_name(f"{STAGING}old-{target.name}-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f"{STAGING}{path.name}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _remove_stale_staging(out: Path) -> None:
    """Left only if a run was killed outright (SIGKILL); hidden, and swept here."""
    for p in out.glob(f"{STAGING}*"):
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
