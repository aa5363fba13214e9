"""NarratedScene: the scene machinery every video shares.

A beat is a named step, played as a block (the shape manim-voiceover gives narration):

    with scene.beat("scores", caption):
        ...animations...

It opens a section (so `--save_sections` gives one clip per beat), shows its caption on screen
(unless the script asks for subtitles only), runs the block, waits until the caption could be
read, and writes the caption into the .srt for exactly the beat's span. The scene also keeps a
record of every number it put on screen and where its labels sat at the end of each beat, so
tests can check both without looking at pixels.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from manim import ManimColor, Scene
from manim.scene.section import DefaultSectionType
from manim.utils.exceptions import EndSceneEarlyException

from attnvid.problems import exit_on_problems
from attnvid.publish.records import ATTN_SCRIPT, ATTN_SECTIONS, ATTN_TIMELINE, Timeline
from attnvid.script import Script, check_drawable, load_script

from . import style
from .layout import CAPTION, Box
from .fading import FadeIn, FadeOut
from .pieces import Caption, NumberText, box_of

__all__ = ["NarratedScene", "ScriptScene", "ComputedScene", "Drawings", "load_or_exit", "default_script"]

WORDS_PER_SECOND = 3.0   # a comfortable reading speed for captions



def _wanted_sections() -> frozenset[int] | None:
    value = os.environ.get(ATTN_SECTIONS, "").strip()
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
        self._timeline_path = os.environ.get(ATTN_TIMELINE) or None

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
        if self._timeline_path:
            Timeline(finished, sections=self.sections_opened, cues=self.cues,
                     beats=self.beats_played).write(self._timeline_path)

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

    @contextmanager
    def beat(self, name: str, caption: str, *, section: bool = True,
             labels: Callable[[], list] = list) -> Iterator[None]:
        """Play the block as one beat. section=False keeps it inside the current section (the
        explainer opens one section per idea and plays several beats in it); `labels` lists the
        (name, mobject) labels on screen at its end, for the layout tests."""
        if section:
            self.next_section(name)
        start = self.time
        if self.captions_on_screen:
            new = Caption(caption, CAPTION)
            anims = [FadeIn(new)] + ([FadeOut(self._caption)] if self._caption is not None else [])
            self.play(*anims, run_time=self.t(0.5))
            self._caption = new
        yield
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
    with exit_on_problems():
        script = load_script(path)
        check_drawable(script)
    return script


def default_script() -> str:
    """The script the explainer and the learning scenes read: ATTN_SCRIPT, else the shipped
    scripts/explainer.yaml."""
    return os.environ.get(ATTN_SCRIPT) or str(Path(__file__).resolve().parents[2] / "scripts" / "explainer.yaml")


class Drawings(dict):
    """Drawing functions by the name of the registry part they draw (a beat or a section), so
    the scene side declares nothing the registry (attnvid/story) already declares."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def draws(self, name: str):
        """Decorator: the function draws `name`, which must be a part of this kind."""
        self.kind[name]            # KeyError, naming the parts, for a name the registry lacks

        def register(function):
            self[name] = function
            return function
        return register

    def __missing__(self, name: str):
        raise KeyError(f"no drawing function for the {self.kind.name} part {name!r}")


class ScriptScene(NarratedScene):
    """A NarratedScene driven by a script file: loaded and validated in setup, before any frame,
    and its pace and caption choice applied."""

    script_path: str = ""

    def setup(self):
        super().setup()
        self.script = load_or_exit(self.script_path)
        self.pace = self.script.pace
        self.captions_on_screen = self.script.captions == "screen"


class ComputedScene(ScriptScene):
    """A ScriptScene that draws numbers computed from its script before any frame: `compute`
    turns the script into them (a ScriptError stops the render as a bad script does) and
    `draw(scene, data)` plays them."""

    compute: Callable = None
    draw: Callable = None

    def setup(self):
        super().setup()
        with exit_on_problems():
            self.data = type(self).compute(self.script)

    def construct(self):
        type(self).draw(self, self.data)
