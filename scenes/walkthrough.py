"""The phrase walkthrough: one phrase of a script, from word vectors to a weighted sum.

`walkthrough_class(path)` makes a Manim Scene class for a script file; the class loads and
validates the script when it is constructed, before anything renders, and stops with the same
FILE:LINE message as `attnvid check` when the script has problems.
"""
from __future__ import annotations

import re
from pathlib import Path

from attnvid import narration
from attnvid.problems import ScriptError
from attnvid.script import ModelFile, Script, load

from . import beats
from .base import NarratedScene, ScriptScene


class PhraseWalkthrough(ScriptScene):
    """Plays the eight beats for one phrase. Subclasses set `script_path`."""

    phrase_index: int = 0

    def setup(self):
        super().setup()
        self.trace = self.script.trace(self.script.phrases[self.phrase_index])

    def construct(self):
        play_walkthrough(self, self.script, self.trace)


def play_walkthrough(scene: NarratedScene, script: Script, trace):
    """The eight beats in order, on any NarratedScene (the explainer composes them too)."""
    w = beats.Walk(scene, trace, title=script.title)
    m = script.model
    steps = [
        ("title", lambda: beats.title(w)),
        ("embeddings", lambda: beats.embeddings(w)),
        ("positions", lambda: beats.positions(w)),
        ("projections", lambda: beats.projections(w, m.W_search, m.W_offer)),
        ("scores", lambda: beats.scores(w)),
        ("softmax", lambda: beats.softmax(w)),
        ("weighted_sum", lambda: beats.weighted_sum(w)),
        ("takeaway", lambda: beats.takeaway(w)),
    ]
    assert [name for name, _ in steps] == list(narration.BEATS)
    for name, body in steps:
        scene.beat(name, narration.caption(name, trace, script.narration), body,
                   labels=lambda: w.labels() + w.panel_pieces())
    return w


def play_alignment(scene: NarratedScene, script: Script, trace):
    """Steps 1-5 for one phrase, inside the current section: the walkthrough's beats from the
    projections on, after a quick set-up of the phrase's chips and positioned vectors."""
    w = beats.Walk(scene, trace)
    m = script.model
    scene.beat(f"phrase: {trace.text}", narration.caption("title", trace, script.narration),
               lambda: beats.quick_setup(w), labels=lambda: w.labels(), section=False)
    for name, body in (("projections", lambda: beats.projections(w, m.W_search, m.W_offer)),
                       ("scores", lambda: beats.scores(w)), ("softmax", lambda: beats.softmax(w)),
                       ("weighted_sum", lambda: beats.weighted_sum(w))):
        scene.beat(name, narration.caption(name, trace, script.narration), body,
                   labels=lambda: w.labels() + w.panel_pieces(), section=False)
    return w


def class_name(stem: str) -> str:
    """cat_sat -> CatSat, dog-ran -> DogRan, 2cats -> S2cats: a valid, readable class name."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", stem) if part)
    return name if name and not name[0].isdigit() else "S" + name


def walkthrough_class(path, name: str | None = None, module: str = __name__,
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
