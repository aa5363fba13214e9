"""What `attnvid render` will render: which scene a script becomes, its sections, and how the
sections are shared out between processes.

A script with one phrase is a phrase walkthrough (scenes/phrase.py, eight sections, one per
beat); a script with several phrases is the full explainer (scenes/explainer.py, the sections
its `sections:` list names, as shots: the alignment's phrases are sections of their own).
Sections are cut into contiguous runs, one per process: a process that renders a later run
must still play earlier sections (skipped, no frames) to set the stage (a walkthrough's every
beat before it; the explainer's back to the last shot that clears the stage, registry.replay_from),
so later runs are made shorter to even out the work.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem, ScriptError, Where
from ..script import ModelFile, Script, check_drawable, load
from ..story import WALKTHROUGH, Shot, explainer_shots, replay_from

# Playing a section without drawing frames (to reach a later one) costs about this share of
# rendering it: CatSat's skipped build takes 6 s of its 23 s render at -ql (docs/performance.md).
SKIP_COST = 0.3


@dataclass(frozen=True)
class Video:
    script_path: Path
    name: str                  # the bundle's folder and file names
    title: str
    scene_file: Path
    scene_class: str
    sections: tuple[str, ...]         # manim's sections, in order: each rendered, cached and timed as one clip
    captions_on_screen: bool = True   # burned into the frames: the player's own captions start off
    # the explainer's sections each clear the stage (what a process replays before one is the
    # shots' business, replay_from); a walkthrough's beats build up, so each depends on all before
    independent_sections: bool = False
    script: Script | None = field(default=None, compare=False, repr=False)   # as loaded and checked
    # the explainer's: what each of `sections` draws (registry.explainer_shots); a walkthrough's
    # sections are its beats, one bundle section each
    shots: tuple[Shot, ...] = ()

    def shipped_as(self) -> tuple[str, ...]:
        """For each of `sections`, the bundle section its clip is joined into: the script's
        section (alignment's phrases join its own shot), or itself."""
        return tuple(s.section for s in self.shots) if self.shots else self.sections

    def replay_from(self, index: int) -> int:
        """The first section a process drawing sections from `index` on must play (without
        frames up to `index`): a walkthrough's first (its beats build up), the explainer's last
        shot that clears the stage before the picture `index` starts from."""
        return replay_from(self.shots, index) if self.shots else 0


def _scene_file(module: str) -> Path:
    spec = importlib.util.find_spec("scenes")
    return Path(spec.origin).parent / f"{module}.py"


def plan_video(path) -> Video:
    """Raises ScriptError (FILE:LINE messages) when the script cannot become a video."""
    path = Path(path)
    loaded = load(path)
    if isinstance(loaded, ModelFile):
        raise ScriptError([Problem(Where(str(path), 1), "a model file has no phrase to animate; render a "
                                   f"script that uses it (`model: {path.name}`)")])
    script = loaded
    check_drawable(script)
    name = path.stem
    if len(script.phrases) == 1:
        return Video(path, name, script.title or script.phrases[0].text, _scene_file("phrase"), "Phrase",
                     WALKTHROUGH.names, script.captions == "screen", script=script)
    shots = explainer_shots(tuple(script.sections), len(script.phrases))
    return Video(path, name, script.title or "Self-attention, step by step", _scene_file("explainer"),
                 "Explainer", tuple(s.name for s in shots), script.captions == "screen", independent_sections=True,
                 script=script, shots=shots)


def split(weights: list[float], parts: int, skip_cost: float = SKIP_COST,
          replayed: list[float] | None = None) -> list[range]:
    """Cut sections (with estimated render costs `weights`) into at most `parts` contiguous
    runs minimising the slowest process, where a run starting at section a also pays
    skip_cost x replayed[a], the cost of what it must play before a: by default every section
    before a (a walkthrough's beats build up; split_video passes the explainer's). Exact
    (dynamic programming over cut points)."""
    n = len(weights)
    parts = max(1, min(parts, n))
    prefix = [0.0]
    for w in weights:
        prefix.append(prefix[-1] + w)
    if replayed is None:
        replayed = prefix[:n]

    def cost(a, b):
        return skip_cost * replayed[a] + prefix[b] - prefix[a]

    # best[k][b]: the smallest possible slowest run covering sections [0, b) with k runs
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(parts + 1)]
    cut = [[0] * (n + 1) for _ in range(parts + 1)]
    best[0][0] = 0.0
    for k in range(1, parts + 1):
        for b in range(1, n + 1):
            for a in range(k - 1, b):
                value = max(best[k - 1][a], cost(a, b))
                if value < best[k][b] - 1e-12:
                    best[k][b], cut[k][b] = value, a
    k = min(range(1, parts + 1), key=lambda k: (best[k][n], k))
    runs, b = [], n
    while k:
        a = cut[k][b]
        runs.append(range(a, b))
        b, k = a, k - 1
    return runs[::-1]


def split_video(video: Video, weights: list[float], missing: list[int], parts: int) -> list[list[int]]:
    """Cut a video's missing sections (indices; `weights` are every section's) into runs, one
    per process, each paying for what it replays (Video.replay_from, cached sections too)."""
    replayed = [sum(weights[video.replay_from(i):i]) for i in missing]
    runs = split([weights[i] for i in missing], parts, replayed=replayed)
    return [[missing[k] for k in run] for run in runs]


def processes_per_video(videos: int, jobs: int) -> int:
    """Split videos only when there are more processes than videos."""
    return max(1, jobs // max(1, videos))
