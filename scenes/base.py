"""NarratedScene: the scene machinery every video shares.

A beat is a named step: it opens a section (so `--save_sections` gives one clip per beat),
shows its caption on screen (unless the script asks for subtitles only), runs, waits until the
caption could be read, and writes the caption into the .srt for exactly the beat's span.
The scene also keeps a record of every number it put on screen and where its labels sat at
the end of each beat, so tests can check both without looking at pixels.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Callable

from manim import ManimColor, Scene
from manim.scene.section import DefaultSectionType
from manim.utils.exceptions import EndSceneEarlyException

from attnvid.problems import ScriptError
from attnvid.script import Script, load_script

from . import style
from .layout import CAPTION, Box
from .fading import FadeIn, FadeOut
from .pieces import Caption, NumberText, box_of

WORDS_PER_SECOND = 3.0   # a comfortable reading speed for captions

# Set by `attnvid render` (attnvid/worker.py) for the manim process it starts; unset, a scene
# renders every section and writes nothing extra.
SECTIONS_ENV = "ATTN_SECTIONS"    # "2,3,4": render only these sections (0-based), skip the rest
TIMELINE_ENV = "ATTN_TIMELINE"    # path: sections, beats and captions as JSON (progress as it goes)


def _wanted_sections() -> frozenset[int] | None:
    value = os.environ.get(SECTIONS_ENV, "").strip()
    return frozenset(int(i) for i in value.split(",")) if value else None


class NarratedScene(Scene):
    pace: float = 1.0
    captions_on_screen: bool = True

    def setup(self):
        # a ManimColor, as manim types it (manim-slides reads it back with .to_hex())
        self.camera.background_color = ManimColor(style.BACKGROUND)
        self.numbers_shown: list[str] = []
        self.section_numbers: dict[int, list[str]] = {}   # section index -> numbers it put up
        self.rest_boxes: dict[str, list[tuple[str, Box]]] = {}
        self.beats_played: list[tuple[str, float, float]] = []
        self.sections_opened: list[tuple[str, float]] = []
        self.cues: list[tuple[int, float, float, str]] = []   # (section, start, end, caption)
        self._caption = None
        self._render_only = _wanted_sections()
        self._timeline_path = os.environ.get(TIMELINE_ENV) or None

    def next_section(self, name: str = "unnamed", section_type: str = DefaultSectionType.NORMAL,
                     skip_animations: bool = False) -> None:
        """Every section opens here. Under `attnvid render` a process renders only some
        sections: the others still run (skipped, so the stage is right when a wanted one
        starts), and the scene ends early after the last wanted one."""
        index = len(self.sections_opened)
        if self._render_only is not None:
            if index > max(self._render_only):
                self._write_timeline()
                raise EndSceneEarlyException()
            skip_animations = skip_animations or index not in self._render_only
        self.sections_opened.append((name, self.time))
        self._write_timeline()
        super().next_section(name, section_type, skip_animations)

    def must_play(self, index: int) -> bool:
        """For scenes whose sections each clear the stage first (the explainer): section `index`
        has to run at all only if it is drawn or comes right before the first drawn one (its
        last picture and caption are what the next section fades out). Earlier ones are not
        even played, so a process rendering the end of the explainer does not rebuild its start."""
        return self._render_only is None or index >= min(self._render_only) - 1

    def tear_down(self):
        super().tear_down()
        self._write_timeline(finished=True)

    def _write_timeline(self, finished: bool = False):
        """Where each section starts and each caption sits, for joining separately rendered
        sections and writing their captions; rewritten whole at each section (its progress)."""
        if not self._timeline_path:
            return
        data = {"finished": finished,
                "sections": [{"name": n, "start": t} for n, t in self.sections_opened],
                "cues": [{"section": i, "start": a, "end": b, "text": c} for i, a, b, c in self.cues],
                "beats": [{"name": n, "start": a, "end": b} for n, a, b in self.beats_played]}
        tmp = self._timeline_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
        os.replace(tmp, self._timeline_path)

    # every NumberText that reaches the screen is recorded
    def add(self, *mobjects):
        for m in mobjects:
            for sub in m.get_family():
                if isinstance(sub, NumberText):
                    self.numbers_shown.append(sub.shown)
                    self.section_numbers.setdefault(len(self.sections_opened) - 1, []).append(sub.shown)
        return super().add(*mobjects)

    def t(self, seconds: float) -> float:
        """A run time scaled by the script's pace."""
        return seconds * self.pace

    def beat(self, name: str, caption: str, body: Callable[[], None], labels: Callable[[], list] = list,
             section: bool = True):
        """Play one beat. section=False keeps it inside the current section (the explainer
        opens one section per idea and plays several beats in it)."""
        if section:
            self.next_section(name)
        start = self.time
        if self.captions_on_screen:
            new = Caption(caption, CAPTION)
            anims = [FadeIn(new)] + ([FadeOut(self._caption)] if self._caption is not None else [])
            self.play(*anims, run_time=self.t(0.5))
            self._caption = new
        body()
        reading = self.t(max(2.5, len(caption.split()) / WORDS_PER_SECOND))
        if self.time - start < reading:
            self.wait(reading - (self.time - start))
        self.wait(self.t(0.5))
        duration = self.time - start
        self.add_subcaption(caption, duration=duration, offset=-duration)
        self.cues.append((len(self.sections_opened) - 1, start, self.time, caption))
        self.beats_played.append((name, start, self.time))
        self.update_mobjects(0)   # what the next frame shows (a skipped play leaves updaters unrun)
        self.rest_boxes[name] = [(name_, box_of(m)) for name_, m in labels()]


def load_or_exit(path) -> Script:
    """Load a script, or print its problems like `attnvid check` and stop before rendering."""
    try:
        script = load_script(path)
    except ScriptError as e:
        print(e, file=sys.stderr)
        raise SystemExit(2)
    if script.model.dimensions != 2:
        print(f"{path}:1: the scenes draw 2D vectors, but this model's vectors have "
              f"{script.model.dimensions} numbers; `attnvid numbers` shows any dimension", file=sys.stderr)
        raise SystemExit(2)
    return script


class ScriptScene(NarratedScene):
    """A NarratedScene driven by a script file: loaded and validated in setup, before any frame,
    and its pace and caption choice applied."""

    script_path: str = ""

    def setup(self):
        super().setup()
        self.script = load_or_exit(self.script_path)
        self.pace = self.script.pace
        self.captions_on_screen = self.script.captions == "screen"
