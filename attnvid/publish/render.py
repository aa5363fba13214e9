"""`attnvid render`: scripts in, publishable bundles out. This module orchestrates.

For each script: plan the video (plan.py), look its sections up in the section cache
(cache.py), cut the missing ones into runs and render each run in its own manim process
(worker.py), threads and a semaphore keeping --jobs processes busy; then assemble the bundle
(bundle.py) in a hidden staging folder that is renamed into place only when complete. A failed
video does not stop the others; Ctrl-C stops every child process (process.py) and removes
staging and work folders, so DIR only ever holds whole bundles.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..narration.synthesis import Voice, VoiceMissing, find_voice
from ..problems import ScriptError
from ..story import WALKTHROUGH
from ..story.length import estimated_beat_seconds, estimated_shot_seconds
from . import guard, media, pages, process
from .bundle import Bundle
from .cache import SectionCache, code_version, section_keys, voice_key
from .plan import Video, plan_video, processes_per_video, split_video
from .records import STAGING, Manifest, write_atomic
from .worker import Clip, RenderError, render_sections


@dataclass(frozen=True)
class Options:
    out: Path
    quality: str = "l"
    formats: tuple[str, ...] = ("mp4", "webm")
    transparent: bool = False
    jobs: int = 1
    cache: "SectionCache | None" = None     # None: render every section
    voice: str | None = None    # --voice: overrides every script's `voice:` ("joe", "none", a .onnx path)


@dataclass
class Outcome:
    script: str
    bundle: Path | None = None
    manifest: Manifest | None = None
    error: str | None = None
    script_problem: bool = False


@dataclass
class _Job:
    video: Video
    keys: list[str]
    cached: dict[int, Clip]
    voice: Voice | None = None
    runs: list[list[int]] = field(default_factory=list)
    processes: int = 1          # its share of --jobs: render processes, then ffmpeg processes at once
    task: object = None


class Renderer:
    """Renders a list of scripts; `progress` is a rich Progress (or anything with add_task/update)."""

    POST_STEPS = 4   # join, captions and poster, formats, pages

    def __init__(self, options: Options, progress, note: Callable[[str], None] = lambda text: None):
        self.o = options
        self.progress = progress
        self.note = note          # a line for the user, shown above the progress bars
        self.slots = threading.BoundedSemaphore(max(1, options.jobs))   # processes at once
        self._code = code_version() if options.cache is not None else ""

    # -- the whole run ------------------------------------------------------------------
    def run(self, paths: list[str]) -> list[Outcome]:
        outcomes, videos = self._plan(paths)
        self.o.out.mkdir(parents=True, exist_ok=True)
        waiting = lambda holder: self.note(f"{self.o.out} is being written by {holder}; waiting for it to finish")  # noqa: E731
        with guard.output_lock(self.o.out, waiting):
            guard.sweep_dead_work_folders()
            _remove_stale_staging(self.o.out)       # only a dead run can have left any: we hold the lock
            jobs = [self._job(v) for v in videos]
            self._share_out(jobs)
            outcomes.update(self._drive(jobs))
            self._write_folder_index()
        if self.o.cache is not None:
            self.o.cache.prune()
        return [outcomes[p] if p in outcomes else outcomes[str(Path(p))] for p in paths]

    def _plan(self, paths: list[str]) -> tuple[dict[str, Outcome], list[Video]]:
        """The videos to render, and an outcome already for each script that cannot be one."""
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
        return outcomes, videos

    def _share_out(self, jobs: list[_Job]) -> None:
        """Cut each video's missing sections into runs, one per process, and show its bar."""
        per_video = processes_per_video(sum(1 for j in jobs if len(j.cached) < len(j.video.sections)), self.o.jobs)
        for j in jobs:
            missing = [i for i in range(len(j.video.sections)) if i not in j.cached]
            weights = self._weights(j.video)
            j.runs = split_video(j.video, weights, missing, per_video) if missing else []
            j.processes = per_video
            j.task = self.progress.add_task(j.video.name, total=len(j.video.sections) + self.POST_STEPS,
                                            completed=len(j.cached), status="waiting")

    def _drive(self, jobs: list[_Job]) -> dict[str, Outcome]:
        """One thread a video; on Ctrl-C, stop every child process and let the threads clean up."""
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
        return results

    def _job(self, v: Video) -> _Job:
        """The video's voice, its section keys, and which sections the cache already holds."""
        voice = self._voice(v)
        if self.o.cache is None:
            return _Job(v, [], {}, voice)
        keys = section_keys(v, v.script, self.o.quality, self.o.transparent, self._code,
                            voice_key(voice))
        cached = {i: c for i, (k, name) in enumerate(zip(keys, v.sections))
                  if (c := self.o.cache.get(k, i, name)) is not None}
        return _Job(v, keys, cached, voice)

    def _voice(self, v: Video) -> Voice | None:
        """--voice, else the script's `voice:`; a voice that is not installed is said, and the
        video rendered silent (a lecturer can speak over it) rather than not at all."""
        choice = self.o.voice or (v.script.voice if v.script is not None else None)
        try:
            return find_voice(choice)
        except VoiceMissing as e:
            self.note(f"{v.script_path}: {e}; rendering it silent")
            return None

    def _weights(self, v: Video) -> list[float]:
        """Section (shot) durations from the last bundle of this video, when it had the same
        ones (a good guess of their render cost); otherwise, for the explainer, the durations
        its captions' reading time estimates (a phrase walked through is 5 to 20 times a short
        section), and a walkthrough's beats likewise."""
        last = Manifest.read(self.o.out / v.name / "manifest.json")
        if last is not None:
            durations = last.shots or tuple((s.name, s.duration) for s in last.sections)
            if [name for name, _ in durations] == list(v.sections):
                return [max(0.1, d) for _, d in durations]
        if v.shots and v.script is not None:
            return estimated_shot_seconds(v.shots, v.script.narration)
        if v.script is not None and v.sections == WALKTHROUGH.names:
            return estimated_beat_seconds(v.script.narration)
        return [1.0] * len(v.sections)

    # -- one video ----------------------------------------------------------------------
    def _video(self, job: _Job) -> Outcome:
        v = job.video
        work = guard.work_folder(v.name)
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
                                                 self.o.transparent, progressed,
                                                 str(job.voice.model) if job.voice is not None else None))
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

    def _assemble(self, job: _Job, clips: list[Clip], folder: Path) -> Manifest:
        o = self.o
        bundle = Bundle(job.video, folder, o.quality, o.formats, o.transparent,
                        status=lambda text, advance: self._status(job, text, advance), voice=job.voice,
                        workers=job.processes)
        with self.slots:
            manifest = bundle.write_media(clips)
        self._status(job, "pages", advance=1)
        return bundle.write_pages(manifest)

    def _write_folder_index(self):
        manifests = [m for path in sorted(self.o.out.glob("*/manifest.json"))
                     if (m := Manifest.read(path)) is not None]
        if manifests:
            write_atomic(self.o.out / "index.html", pages.folder_index([m.as_json() for m in manifests]))


def _swap_in(staging: Path, target: Path) -> None:
    """Replace the old bundle with the new one, each step a rename (never a half bundle)."""
    old = None
    if target.exists():
        old = target.with_name(f"{STAGING}old-{target.name}-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_stale_staging(out: Path) -> None:
    """Left only if a run was killed outright (SIGKILL); hidden, and swept here."""
    for p in out.glob(f"{STAGING}*"):
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
