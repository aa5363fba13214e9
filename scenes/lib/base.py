"""NarratedScene: the scene machinery every video shares.

A beat is a named step, played as a block (the shape manim-voiceover gives narration):

    with scene.beat("scores", caption):
        ...animations...

It opens a section (so `--save_sections` gives one clip per beat), shows its caption on screen
(unless the script asks for subtitles only), runs the block, waits until the caption could be
read, and writes the caption into the .srt for exactly the beat's span. Narrated (ATTN_VOICE, set
by `attnvid render`), each phrase is also spoken as its caption appears and stays up until its
speech is over and a breath after (the speech comes from attnvid.narration, in its own
process); the spoken spans go into the Timeline, for the narration track. The scene also keeps a
record of every number it put on screen and where its labels sat at the end of each beat, so
tests can check both without looking at pixels.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

from manim import ManimColor, Wait, config
from manim.scene.section import DefaultSectionType
from manim.utils.exceptions import EndSceneEarlyException

from attnvid.problems import exit_on_problems
from attnvid.narration.synthesis import NO_VOICE, Narrator, VoiceMissing, find_voice
from attnvid.narration.timing import WordFinder
from attnvid.publish.records import ATTN_SCRIPT, ATTN_SECTIONS, ATTN_TIMELINE, ATTN_VOICE, Timeline
from attnvid.script import Script, check_drawable, load_script
from attnvid.story.captions import phrases, reading_seconds
from attnvid.story.speech import speakable

from . import style
from .layout import CAPTION, Box
from .fading import FadeIn, FadeOut
from .legibility import text_off_frame, too_small, under_caption
from .pieces import Caption, NumberText, StepTracker, box_of
from .still_background import StillBackground

__all__ = ["NarratedScene", "Cue", "CAPTION_CHANGE", "ScriptScene", "ComputedScene", "Drawings", "load_or_exit", "default_script"]

CAPTION_OUT, CAPTION_IN = 0.25, 0.3          # seconds (before pace) of a caption's fades
CAPTION_CHANGE = CAPTION_OUT + CAPTION_IN    # what one change of caption takes
BREATH = 0.4     # seconds of quiet after each spoken phrase before the next can start


def _narrator() -> Narrator | None:
    """The narrator ATTN_VOICE asks for; None (silent, the reading pace) when it is unset or
    "none". A voice that cannot be used stops the render with the reason (attnvid render checks
    the voice before it starts manim, so only a hand-set variable gets here)."""
    choice = os.environ.get(ATTN_VOICE, "").strip()
    if not choice or choice == NO_VOICE:
        return None
    try:
        voice = find_voice(choice)
    except VoiceMissing as e:
        raise SystemExit(f"{ATTN_VOICE}={choice}: {e}")
    return Narrator(voice) if voice is not None else None


def _wanted_sections() -> frozenset[int] | None:
    """ATTN_SECTIONS: None (draw all), or the sections to draw; "none" draws none (the whole
    scene is played without frames: its timeline alone, for `attnvid say`)."""
    value = os.environ.get(ATTN_SECTIONS, "").strip()
    if value == "none":
        return frozenset()
    return frozenset(int(i) for i in value.split(",")) if value else None


class NarratedScene(StillBackground):
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
        self.cues: list[tuple[int, float, float, str]] = []   # (section, start, end, caption phrase)
        self.stage_log: list[tuple[float, float, bool]] = []  # (start, end, only a caption on stage)
        self.run_times: list[tuple[int, float]] = []          # (section, run time) of every play
        self.still_log: list[tuple[float, float]] = []        # plays where nothing but a caption moves
        self.steps_at_end: list[tuple[str, str | None]] = []  # (beat, what the step tracker says)
        self.small_text: dict[str, list[tuple[str, float]]] = {}  # beat -> texts below the legibility bar
        self.caption_clashes: dict[str, list[str]] = {}   # beat -> what reaches into its last caption
        self.off_frame: dict[str, list[str]] = {}         # beat -> texts past the frame's edge at its end
        self.softmax_tables: list[dict] = []   # each softmax table's entries as shown (SoftmaxTable.record)
        self._caption = None
        self.cue: Optional["Cue"] = None     # the caption phrases of the beat being played
        self._render_only = _wanted_sections()
        self._timeline_path = os.environ.get(ATTN_TIMELINE) or None
        self.narrator = _narrator()
        self.spoken: list[tuple[int, float, float, str, str]] = []   # (section, start, end, phrase, said)
        self.speech_ends = 0.0          # when the phrase being spoken falls silent
        self.landings: list[tuple[str, str, float | None, float]] = []   # (phrase, word, said at, drawn at)
        self._words: WordFinder | None = None

    def next_section(self, name: str = "unnamed", section_type: str = DefaultSectionType.NORMAL,
                     skip_animations: bool = False) -> None:
        """Every section opens here. Under `attnvid render` a process renders only some
        sections: the others still run (skipped, so the stage is right when a wanted one
        starts), and the scene ends early after the last wanted one."""
        index = len(self.sections_opened)
        if self._render_only is not None:
            if self._render_only and index > max(self._render_only):
                self._write_timeline()
                raise EndSceneEarlyException()
            skip_animations = skip_animations or index not in self._render_only
        self.sections_opened.append((name, self.time))
        self._write_timeline()
        super().next_section(name, section_type, skip_animations)

    def first_drawn(self) -> int:
        """The first section this process draws (0 when it draws all, or none: `attnvid say`
        plays the whole scene without frames). A scene whose sections clear the stage (the
        explainer) need not play what comes long before it (registry.replay_from)."""
        return min(self._render_only) if self._render_only else 0

    def tear_down(self):
        super().tear_down()
        if self.narrator is not None:
            self.narrator.close()
        self._write_timeline(finished=True)

    def _write_timeline(self, finished: bool = False):
        """Where each section starts and each caption sits, for joining separately rendered
        sections and writing their captions; rewritten whole at each section (its progress)."""
        if self._timeline_path:
            Timeline(finished, sections=self.sections_opened, cues=self.cues,
                     beats=self.beats_played, spoken=self.spoken).write(self._timeline_path)

    # every NumberText that reaches the screen is recorded
    def add(self, *mobjects):
        for m in mobjects:
            for sub in m.get_family():
                if isinstance(sub, NumberText):
                    self.numbers_shown.append(sub.shown)
                    self.section_numbers.setdefault(len(self.sections_opened) - 1, []).append(sub.shown)
        return super().add(*mobjects)

    def get_run_time(self, animations) -> float:
        """A play's run time, rounded to a millionth of a frame. Run times are worked out on the
        scene's clock (until a caption is read, until a word is said), and a process drawing a
        later section of the explainer reached it by another path (the sections before it not
        played, or played without frames), so the same run time could come out a few 1e-15 s
        apart: one frame more or less where it fell on a frame's edge, and every frame after it
        moved. Rounded on the frame grid, a section's frames are the same whichever process
        draws it, and a run time of whole frames (0.6 s at 15 fps) is left exactly as it was."""
        fps = config.frame_rate
        return round(super().get_run_time(animations) * fps, 6) / fps

    def t(self, seconds: float) -> float:
        """A run time scaled by the script's pace."""
        return seconds * self.pace

    def play(self, *args, **kwargs):
        """Every play and wait, logged with whether the stage held anything but a caption."""
        start, bare = self.time, self._bare()
        super().play(*args, **kwargs)
        self.run_times.append((len(self.sections_opened) - 1, self.duration))
        self.stage_log.append((start, self.time, bare and self._bare()))
        if all(isinstance(a, Wait) or isinstance(getattr(a, "mobject", None), Caption) for a in args):
            self.still_log.append((start, self.time))

    def still_stretches(self) -> list[tuple[float, float]]:
        """The stretches (start, end) in which the picture holds still: consecutive plays that
        only wait or change the caption. What a viewer watches while reading."""
        out: list[list[float]] = []
        for start, end in self.still_log:
            if out and abs(out[-1][1] - start) < 1e-6:
                out[-1][1] = end
            else:
                out.append([start, end])
        return [(a, b) for a, b in out]

    def _bare(self) -> bool:
        return all(isinstance(m, Caption) for m in self.mobjects)

    @contextmanager
    def beat(self, name: str, caption: str, *, section: bool = True,
             labels: Callable[[], list] = list) -> Iterator["Cue"]:
        """Play the block as one beat, its caption shown phrase by phrase (Cue). section=False
        keeps it inside the current section (the explainer opens one section per idea and plays
        several beats in it); `labels` lists the (name, mobject) labels on screen at its end,
        for the layout tests."""
        if section:
            self.next_section(name)
        start = self.time
        cue = self.cue = Cue(self, phrases(caption))
        yield cue
        cue.finish()
        caption = next((m for m in self.mobjects if isinstance(m, Caption)), None)
        if caption is not None:
            self.caption_clashes.setdefault(name, []).extend(under_caption(self.mobjects, caption))
        self.cue = None
        self.wait(self.t(0.5))
        cue.close()
        self.beats_played.append((name, start, self.time))
        tracker = next((m.shown for m in self.mobjects if isinstance(m, StepTracker)), None)
        self.steps_at_end.append((name, tracker))
        self.small_text.setdefault(name, []).extend(too_small(self.mobjects))
        self.off_frame.setdefault(name, []).extend(text_off_frame(self.mobjects))
        self.update_mobjects(0)   # what the next frame shows (a skipped play leaves updaters unrun)
        self.rest_boxes[name] = [(name_, box_of(m)) for name_, m in labels()]

    def stretched(self, durations, after: float = 0.0, this_phrase: bool = False) -> list[float]:
        """`durations` (before pace) slowed, never sped up, so that with `after` seconds still to
        come they last as long as the beat's caption (or only the phrase on screen) still needs
        to be read: the picture keeps moving while the viewer reads instead of freezing."""
        left = (self.cue.reading_left(this_phrase) if self.cue is not None else 0.0) - self.t(after)
        return [d * max(1.0, left / max(self.t(sum(durations)), 1e-9)) for d in durations]

    def say_next(self) -> None:
        """The beat's caption moves to its next phrase: the animation has reached what it says."""
        if self.cue is not None:
            self.cue.next()

    def say_next_if_read(self) -> None:
        """The caption's next phrase, once the one on screen has been read (never a hold)."""
        if self.cue is not None:
            self.cue.next_if_read()

    def forget_caption(self) -> None:
        """The caption on screen was faded out with everything else (a section's clearing)."""
        self._caption = None

    def show_caption(self, phrase: str | None) -> None:
        """Fade the caption on screen out, then the new one in (never one over the other); the
        voice starts on it as it fades in."""
        if self.captions_on_screen and self._caption is not None:
            self.play(FadeOut(self._caption), run_time=self.t(CAPTION_OUT))
            self._caption = None
        if phrase:
            self._speak(phrase)
            if self.captions_on_screen:
                self._caption = Caption(phrase, CAPTION)
                self.play(FadeIn(self._caption), run_time=self.t(CAPTION_IN))

    def _speak(self, phrase: str) -> None:
        """Start saying the phrase now: its speech's span goes into the Timeline."""
        said = speakable(phrase)
        if self.narrator is None or not said:
            return
        seconds = self.narrator.speak(said).seconds
        self.spoken.append((len(self.sections_opened) - 1, self.time, self.time + seconds, phrase, said))
        self.speech_ends = self.time + seconds

    def said_at(self, word: str, after: str = "") -> float | None:
        """When the phrase on screen says `word` (as written; after the words `after`, when
        given, to tell it from an earlier saying), on the scene's clock; None when silent, when
        the phrase does not say it, or when the voice has no word clock (timing.py)."""
        cue = self.cue
        if self.narrator is None or cue is None or not cue.speaks or not self.spoken:
            return None
        if self._words is None:
            self._words = WordFinder(self.narrator)
        _, start, _, _, said = self.spoken[-1]
        offset = self._words.start(said, speakable(word), speakable(after))
        return None if offset is None else start + offset

    def until_said(self, word: str, after: str = "") -> float:
        """Seconds from now until the voice says `word` (NarratedScene.said_at); 0 when silent
        or already said: how long the animation before it can take."""
        at = self.said_at(word, after)
        return 0.0 if at is None else max(at - self.time, 0.0)

    def land_on(self, word: str, after: str = "") -> None:
        """Hold until the voice says `word`, so what plays next starts on it (the winner lights
        up as it is named). Silent, nothing. Each landing is recorded for the tests, with None
        as its time when the phrase on screen does not say the word."""
        if self.narrator is None or self.cue is None or not self.cue.speaks:
            return
        at = self.said_at(word, after)
        if at is not None and at - self.time >= 1 / config.frame_rate:     # within a frame is on it
            self.wait(at - self.time)
        self.landings.append((self.spoken[-1][3], word, at, self.time))

    def phrase_seconds(self, phrase: str) -> float:
        """How long a phrase stays up: its reading time at the script's pace, and narrated at
        least until its speech (which starts once the last caption has faded out) and a breath
        are over. Speech is not paced: a voice has its own speed."""
        reading = self.t(reading_seconds(phrase))
        said = speakable(phrase) if self.narrator is not None else ""
        if not said:
            return reading
        lead = self.t(CAPTION_OUT) if self.captions_on_screen else 0.0
        return max(reading, lead + self.narrator.speak(said).seconds + BREATH)


class Cue:
    """A beat's caption phrases (attnvid.story.captions), advanced by the beat's drawing code
    with `next()` when its animation reaches what the next phrase says. Each phrase stays up
    at least its reading time; each becomes one subtitle, timed to when it was on screen."""

    def __init__(self, scene: NarratedScene, said: list[str]):
        self.scene, self.phrases, self.index = scene, said, -1
        self.since = scene.time
        self._advance()

    def _advance(self) -> None:
        self.close()
        self.index += 1
        self.since = self.scene.time
        spoken = len(self.scene.spoken)
        self.scene.show_caption(self.phrases[self.index] if self.index < len(self.phrases) else None)
        self.speaks = len(self.scene.spoken) > spoken      # this phrase is being said

    def _hold(self) -> None:
        """Wait until the phrase on screen could be read."""
        left = self.reading_left(this_phrase=True)
        if left > 1e-6:
            self.scene.wait(left)

    @property
    def on_screen(self) -> str | None:
        """The phrase on screen (None before the first and after the last)."""
        return self.phrases[self.index] if 0 <= self.index < len(self.phrases) else None

    @property
    def upcoming(self) -> str | None:
        """The phrase after the one on screen, if any."""
        return self.phrases[self.index + 1] if self.has_next else None

    @property
    def has_next(self) -> bool:
        """Whether a phrase is still to come after the one on screen."""
        return self.index + 1 < len(self.phrases)

    def reading_left(self, this_phrase: bool = False) -> float:
        """Seconds of reading the phrases still need: what is left of the one on screen, and
        (unless this_phrase) all the ones after it. A beat can stretch its animation over that,
        rather than hold a still picture while the viewer reads."""
        if not 0 <= self.index < len(self.phrases):
            return 0.0
        scene = self.scene
        until = self.since + scene.t(reading_seconds(self.phrases[self.index]))
        if scene.narrator is not None and self.speaks:
            until = max(until, scene.speech_ends + BREATH)
        now = max(until - scene.time, 0.0)
        later = [] if this_phrase else self.phrases[self.index + 1:]
        return now + sum(scene.phrase_seconds(p) for p in later)

    def next_if_read(self) -> None:
        """The next phrase, if the one on screen has been up its reading time (never a hold).
        Narrated, the next phrase always comes here, once the voice has finished the line it is
        on: the picture waits that moment for the voice, rather than the voice saying the line
        after the picture it names has finished (and over a still one)."""
        if self.index < 0 or not self.has_next:
            return
        if self.scene.narrator is not None and self.speaks:
            self.next()
        elif self.reading_left(this_phrase=True) <= 1e-6:
            self._advance()

    def next(self) -> None:
        """Show the next phrase, once the current one has been read; nothing if none is left."""
        if self.has_next:
            self._hold()
            self._advance()

    def finish(self) -> None:
        """The phrases the drawing code did not reach, each in turn, each read."""
        while self.has_next:
            self.next()
        self._hold()

    def close(self) -> None:
        """Write the phrase on screen into the subtitles, for exactly the time it was up."""
        scene = self.scene
        if 0 <= self.index < len(self.phrases) and scene.time > self.since:
            phrase, duration = self.phrases[self.index], scene.time - self.since
            scene.add_subcaption(phrase, duration=duration, offset=-duration)
            scene.cues.append((len(scene.sections_opened) - 1, self.since, scene.time, phrase))
            self.since = scene.time


def load_or_exit(path) -> Script:
    """Load a script, or print its problems like `attnvid check` and stop before rendering."""
    with exit_on_problems():
        script = load_script(path)
        check_drawable(script)
    return script


def default_script(shipped: str = "explainer.yaml") -> str:
    """The script a scene reads: ATTN_SCRIPT, else the shipped scripts/<shipped> (the explainer
    and the learning scenes read scripts/explainer.yaml)."""
    return os.environ.get(ATTN_SCRIPT) or str(Path(__file__).resolve().parents[2] / "scripts" / shipped)


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
