"""The phrase walkthrough: one phrase of a script, from word vectors to a weighted sum.

`walkthrough_class(path)` makes a Manim Scene class for a script file; the class loads and
validates the script when it is constructed, before anything renders, and stops with the same
FILE:LINE message as `attnvid check` when the script has problems. The beats are the
registry's (attnvid.story.WALKTHROUGH), each drawn by the function of the same name in beats.py.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from attnmath import PhraseTrace
from attnvid.problems import ScriptError
from attnvid.script import ModelFile, Script, load
from attnvid.story import WALKTHROUGH
from attnvid.story.registry import phrase_beats
from attnvid.story.walkthrough import shared_note, shared_vectors

from .base import NarratedScene, ScriptScene
from .beats import BEATS, Walk, listen, quick_setup, track
from .fading import FadeOut

__all__ = ["PhraseWalkthrough", "play_walkthrough", "play_alignment", "class_name", "walkthrough_class",
           "single_phrase_scripts"]


class PhraseWalkthrough(ScriptScene):
    """Plays the eight beats for one phrase. Subclasses set `script_path`."""

    phrase_index: int = 0

    def setup(self):
        super().setup()
        self.trace = self.script.shown_trace(self.script.phrases[self.phrase_index])

    def construct(self):
        play_walkthrough(self, self.script, self.trace)


def play_walkthrough(scene: NarratedScene, script: Script, trace: PhraseTrace) -> Walk:
    """The eight beats in order, one section each, on any NarratedScene."""
    w = Walk(scene, trace, script.model, title=script.title)
    for part in WALKTHROUGH:
        with scene.beat(part.name, part.text(trace, script.narration), labels=w.rest_labels):
            track(w, part.step)
            BEATS[part.name](w)
    return w


def play_alignment(scene: NarratedScene, script: Script, trace: PhraseTrace, first: bool = True,
                   open_beat: Callable[[str], None] = lambda name: None) -> Walk:
    """Steps 1-5 for one phrase, inside the current section, then its takeaway: the
    walkthrough's beats from the projections on, after a quick set-up of the phrase's chips
    and positioned vectors. A later phrase (first=False) says only what is new: its search and
    offer vectors come without the plane's transformation and without a caption of their own,
    and its beats take their shorter `again` captions, so no sentence is said twice. Each beat
    after the title is a shot of the explainer's own: `open_beat(name)` opens it."""
    w = Walk(scene, trace, script.model)
    # the positions beat, which says which positions share a vector, is not played here: the
    # phrase's opening caption says it instead
    opening = WALKTHROUGH["title"].text(trace, script.narration, again=not first) + shared_note(trace)
    with scene.beat(f"phrase: {trace.text}", opening, section=False, labels=w.rest_labels):
        table = quick_setup(w, step=1)
        if first:
            w.say_next()                    # the word we follow, and where it may look
        # a later phrase asks where its attention goes while the arcs draw; its note on words
        # sharing a vector comes with those words lit, their sums and the table's note too
        shared = [i for group in shared_vectors(trace) for i in group]
        arcs = listen(w, w.chips, below=True, lit=shared or None,
                      lit_too=[table.sums[i] for i in shared] + table.shared)
        if len(arcs.family_members_with_points()):
            w.play(FadeOut(arcs), run_time=0.4)
        if not first:
            track(w, 2)
            BEATS["projections"](w, quick=True)
    for name in phrase_beats(first)[1:]:         # the beats after the title, as the registry lists them
        part = WALKTHROUGH[name]
        open_beat(name)
        with scene.beat(name, part.text(trace, script.narration, again=not first), section=False,
                        labels=w.rest_labels):
            track(w, part.step)
            BEATS[name](w)
    return w


def class_name(stem: str) -> str:
    """cat_sat -> CatSat, dog-ran -> DogRan, 2cats -> S2cats: a valid, readable class name."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", stem) if part)
    return name if name and not name[0].isdigit() else "S" + name


def walkthrough_class(path: str | Path, name: str | None = None, module: str = __name__,
                      base: type = PhraseWalkthrough) -> type:
    """A `base` subclass (PhraseWalkthrough or a subclass of it) for one script. `module` must be
    the module manim imports (manim only lists scene classes whose __module__ is that module)."""
    return type(name or class_name(Path(path).stem), (base,),
                {"script_path": str(path), "__module__": module})


def single_phrase_scripts(folder: Path) -> list[Path]:
    """The scripts in `folder` that get a walkthrough class of their own: those with one phrase.
    Scene files pass the scripts/ beside them, so a copied scene file finds the copied scripts."""
    return [path for path in sorted(folder.glob("*.yaml")) if _phrase_count(path) == 1]


def _phrase_count(path: Path) -> int:
    """How many phrases a script has (0 for a model file), read cheaply; broken files count 1
    so their scene exists and reports the problem when rendered."""
    try:
        loaded = load(path)
    except ScriptError:
        return 1
    return 0 if isinstance(loaded, ModelFile) else len(loaded.phrases)
