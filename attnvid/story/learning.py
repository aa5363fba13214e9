"""The numbers the Learning and Cramped scenes show, and the facts their captions state.

Everything is computed before anything is drawn: the fit and its recorded history, each focus
row of weights along it, the exact 2D verdicts, a search direction swept all the way round,
and the fit again in more dimensions. The scenes only draw these.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from attnmath import format_number, format_weights, leaders, sweep_winners
from attnmath.feasibility import inside_convex_hull, rivals, verdict
from attnmath.fit import dimension_sweep
from attnmath.shown import shown_matrix, shown_row

from ..fitting import fit_requirements, focus_rows, requirements
from .wording import listed

if TYPE_CHECKING:
    from ..script import Script

__all__ = ["LearningData", "CrampedData", "LEARNING_PLACEHOLDERS", "CRAMPED_PLACEHOLDERS",
           "learning_facts", "cramped_facts"]

LEARNING_PLACEHOLDERS = ("start", "end", "steps", "outcome")
CRAMPED_PLACEHOLDERS = ("focus", "target", "rivals", "hull", "room", "dims_from", "dims_to", "rise",
                        "mean_from", "mean_to")


class LearningData:
    """The fit of a script's focus -> target pairs, step by step. Raises ScriptError when no
    phrase names both a focus and a target."""

    def __init__(self, script: "Script", steps: int = 3000):
        self.reqs = requirements(script)
        self.result = fit_requirements(self.reqs, steps=steps)      # the fit `attnvid fit` runs
        self.history = self.result.history
        self.rows = [focus_rows(self.reqs, h.W_search, h.W_offer) for h in self.history]
        self.steps = steps
        # where training ends on screen: the matrices rounded as the model file keeps them, and
        # each row computed on shown numbers, so the digits match the walkthrough's of a script
        # whose model is this fit (the shipped one is)
        self.W_search = shown_matrix(self.result.W_search)
        self.W_offer = shown_matrix(self.result.W_offer)
        self.rows_end = [shown_row(r.x, r.focus, r.visible, self.W_search, self.W_offer) for r in self.reqs]

    @property
    def targets(self) -> list[str]:
        return [r.tokens[r.target] for r in self.reqs]

    def shown_target_weights(self, step_index: int) -> list[str]:
        """Each target's weight as displayed, at one recorded step (-1: the rounded end)."""
        rows = self.rows_end if step_index == -1 else self.rows[step_index]
        return [format_weights(rows[k])[r.target] for k, r in enumerate(self.reqs)]

    @property
    def winners_at_end(self) -> list[bool]:
        """For each phrase, whether its target has the top weight after training (a tie at
        the top counts: float noise never decides who wins)."""
        return [r.target in leaders(self.rows_end[k], r.visible) for k, r in enumerate(self.reqs)]


class CrampedData:
    """The phrase whose target 2D cannot make win (the first infeasible one), and the sweep."""

    DIMS = (2, 4, 8, 16, 64)

    def __init__(self, script: "Script"):
        self.reqs = requirements(script)
        alone = [verdict([r]) for r in self.reqs]
        stuck = [k for k, v in enumerate(alone) if not v.feasible]
        self.k = stuck[0] if stuck else len(self.reqs) - 1
        self.req = self.reqs[self.k]
        self.verdict = alone[self.k]
        self.rivals = rivals(self.req)
        self.inside = inside_convex_hull(self.req.x[self.req.target], self.req.x[list(self.rivals)]) \
            if self.rivals else False
        self.angles = np.linspace(0, 2 * np.pi, 721)
        self.winners = sweep_winners(self.req.x, self.req.visible, self.angles)
        phrases = [(r.phrase, r.tokens, r.x, r.focus, r.target, "causal" if not r.visible.all() else "none")
                   for r in self.reqs]
        # every dimension fitted as `attnvid fit` fits; at d = 2 that is the shipped model's fit, so
        # the chart starts from the rounded matrices' shown weights, the walkthrough's digits
        rest = dimension_sweep(phrases, dims=self.DIMS[1:], fitter=fit_requirements)
        two = fit_requirements(self.reqs)
        W_search, W_offer = shown_matrix(two.W_search), shown_matrix(two.W_offer)
        at_two = tuple(float(shown_row(r.x, r.focus, r.visible, W_search, W_offer)[r.target]) for r in self.reqs)
        self.sweep = [(self.DIMS[0], at_two)] + rest

    @property
    def mean_weights(self) -> list[str]:
        """The targets' mean weight at each number of dimensions, as displayed."""
        return [format_number(float(np.mean(w))) for _, w in self.sweep]


def _pairs(words_weights) -> str:
    """'sat 0.83, typed 0.77 and Is 0.12'"""
    return listed(f"{w} {v}" for w, v in words_weights)


def learning_facts(data: LearningData) -> dict[str, str]:
    """Every claim of the Learning captions, read off the fit's history."""
    targets, wins = data.targets, data.winners_at_end
    won = [t for t, w in zip(targets, wins) if w]
    lost = [t for t, w in zip(targets, wins) if not w]
    outcome = (f"{' and '.join(won)} now win{'s' if len(won) == 1 else ''} their rows" if won else
               "no target wins its row yet")
    if lost:
        outcome += f"; {' and '.join(lost)} still do{'es' if len(lost) == 1 else ''} not"
    return {"start": _pairs(zip(targets, data.shown_target_weights(0))),
            "end": _pairs(zip(targets, data.shown_target_weights(-1))),
            "steps": str(data.steps), "outcome": outcome}


def cramped_facts(data: CrampedData) -> dict[str, str]:
    """The convex-hull argument and the dimension sweep, in words computed from the numbers."""
    r = data.req
    focus, target = r.tokens[r.focus], r.tokens[r.target]
    rival_words = [r.tokens[j] for j in data.rivals]
    if data.inside:
        hull = (f"Seen from {focus}, {target} sits inside the outline around {listed(rival_words)}. "
                f"Whichever way {focus}'s search points, one of them scores higher than {target}: the light "
                f"line through the top word marks every point that would score as much. W_offer cannot get "
                f"{target} out: a matrix keeps a point inside the outline of the others, offers included.")
    else:
        hull = (f"Seen from {focus}, {target} is a corner of the outline around the words, so some "
                f"search direction does make it win.")
    # what a third number does, said only where the picture shows it: the trapped point lifted
    # off the plane the others keep to, and the search that then finds it
    room = (f"With a third, {target} can rise off the plane of the others, and a search pointing up "
            f"scores it above them all. " if data.inside else "")
    means = data.mean_weights
    return {"focus": focus, "target": target, "rivals": listed(rival_words) if rival_words else "",
            "hull": hull, "room": room, "dims_from": str(data.DIMS[0]), "dims_to": str(data.DIMS[-1]),
            "rise": "rise" if float(means[-1]) > float(means[0]) else "do not rise",
            "mean_from": means[0], "mean_to": means[-1]}
