"""Can any W_search, W_offer make a target win? Decided exactly, by a linear program.

A score is bilinear: score[f, j] = x_f @ W_search @ W_offer.T @ x_j = x_f M x_j with
M = W_search @ W_offer.T (d, d), and any M arises this way (W_search = M, W_offer = I). So
"the target beats rival j by at least delta" is x_f M (x_t - x_j) >= delta, linear in the d*d
entries of M. Maximise delta with every entry of M in [-1, 1] (scores grow with M, so only a
bounded M makes the best margin a number) and delta <= 1: the target can win iff delta* > 0.

Why it can fail: for x_f != 0, u = x_f M is any vector of R^d, and u scores the target above
every rival iff u separates x_t from them, which is possible iff x_t is outside the convex hull
of the rivals' vectors. Several requirements share one M, so they can fail together even when
each alone succeeds.

A failed verdict says why as `Reason`s, facts rather than sentences: attnvid puts them into words.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, Sequence

import numpy as np

from .attention import visibility
from .ranking import TIE


def _linprog(*args, **kwargs):
    # Imported here, not at the top: scipy.optimize takes ~0.5 s to import, and every
    # `attnvid numbers` imports attnmath without ever needing it.
    from scipy.optimize import linprog
    return linprog(*args, method="highs", **kwargs)


@dataclass(frozen=True, eq=False)
class Requirement:
    """One relevance pattern: in this phrase, `focus` should give its largest weight to `target`."""

    phrase: str                       # the phrase text as written (for reports)
    x: np.ndarray                     # (n, d) positioned vectors
    focus: int
    target: int
    visible: np.ndarray               # (n,) bool: which positions the focus may see
    tokens: tuple[str, ...] = ()      # words, for reports (without them, positions are named)

    def __post_init__(self):
        x = np.array(self.x, dtype=float)                         # (n, d), our own read-only copy
        visible = np.array(self.visible, dtype=bool)              # (n,)
        if x.ndim != 2 or visible.shape != (len(x),):
            raise ValueError(f"need x (n, d) and visible (n,), got {x.shape} and {visible.shape}")
        if not (0 <= self.focus < len(x) and 0 <= self.target < len(x)):
            raise ValueError(f"focus {self.focus} and target {self.target} must be positions 0..{len(x) - 1}")
        if not visible[self.target]:
            raise ValueError(f"position {self.focus} cannot see its target {self.target}")
        if self.tokens and len(self.tokens) != len(x):
            raise ValueError(f"{len(self.tokens)} tokens for {len(x)} vectors")
        x.setflags(write=False)
        visible.setflags(write=False)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "visible", visible)
        object.__setattr__(self, "tokens", tuple(self.tokens))


def requirement(phrase: str, x, focus: int, target: int, mask: str,
                tokens: Sequence[str] = ()) -> Requirement:
    """A Requirement whose `visible` is the focus's row of visibility(n, mask)."""
    n = len(x)
    if not 0 <= focus < n:
        raise ValueError(f"focus {focus} must be a position 0..{n - 1}")
    return Requirement(phrase, x, int(focus), int(target), visibility(n, mask)[focus], tuple(tokens))


def _same_as_target(req: Requirement) -> np.ndarray:
    return np.all(np.abs(req.x - req.x[req.target]) <= TIE, axis=1)   # (n,) bool


def ties(req: Requirement) -> tuple[int, ...]:
    """Visible positions whose vector equals the target's (to TIE): they always score the same
    as the target, whatever the matrices, so no one can beat them; reported, never rivals."""
    same = _same_as_target(req) & req.visible
    return tuple(int(j) for j in np.flatnonzero(same) if j != req.target)


def rivals(req: Requirement) -> tuple[int, ...]:
    """Visible positions the target has to outscore: all but itself and its ties."""
    return tuple(int(j) for j in np.flatnonzero(req.visible & ~_same_as_target(req)))


def inside_convex_hull(point, points) -> bool:
    """Is point = sum(l_j points_j) with l_j >= 0, sum(l_j) = 1? A feasibility LP; the hull of
    no points is empty."""
    points = np.asarray(points, dtype=float).reshape(-1, np.size(point))   # (m, d)
    m = len(points)
    if m == 0:
        return False
    a_eq = np.vstack([points.T, np.ones(m)])                      # (d + 1, m)
    b_eq = np.append(np.asarray(point, dtype=float), 1.0)         # (d + 1,)
    res = _linprog(np.zeros(m), A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * m)
    return res.status == 0


@dataclass(frozen=True)
class Reason:
    """One fact that makes a verdict infeasible.

    zero_focus:   req's focus is the zero vector, so every score it gives is 0.
    inside_hull:  req's target lies inside the convex hull of `rivals`: any search direction scores
                  one of them at least as high.
    on_hull_edge: not inside, yet no M wins by more than TIE (the target sits on the hull's edge,
                  to float precision).
    conflict:     every requirement can be met alone, but no one M meets them all (req is None).
    """

    kind: Literal["zero_focus", "inside_hull", "on_hull_edge", "conflict"]
    req: Optional[Requirement] = None     # the requirement that cannot be met alone
    rivals: tuple[int, ...] = ()          # its rivals: the positions the target cannot outscore


@dataclass(frozen=True, eq=False)
class Verdict:
    """Whether one M can make every target the strict top score, and by how much at best."""

    feasible: bool             # some (d x d) matrices make each target beat all its rivals
    margin: float              # best min over rivals of score_target - score_rival, |M_ab| <= 1
    M: Optional[np.ndarray]    # (d, d) achieving it: W_search = M, W_offer = I (None if infeasible)
    reasons: tuple[Reason, ...] = ()   # why not (empty when feasible)


def _margins(reqs: Sequence[Requirement], M: np.ndarray) -> np.ndarray:
    """score_target - score_rival for every rival of every requirement, under M."""
    out = [req.x[req.focus] @ M @ (req.x[req.target] - req.x[j]) for req in reqs for j in rivals(req)]
    return np.array(out)


def _best_M(reqs: Sequence[Requirement]) -> np.ndarray:
    """The LP: variables vec(M) (d*d) and delta; maximise delta subject to, for every rival,
    outer(x_f, x_t - x_j) . vec(M) >= delta, -1 <= M_ab <= 1, delta <= 1."""
    d = reqs[0].x.shape[1]
    rows = [np.outer(req.x[req.focus], req.x[req.target] - req.x[j]).ravel()
            for req in reqs for j in rivals(req)]                 # each (d*d,)
    a_ub = np.hstack([-np.array(rows), np.ones((len(rows), 1))])  # delta - row . vec(M) <= 0
    c = np.zeros(d * d + 1)
    c[-1] = -1.0                                                   # maximise delta
    res = _linprog(c, A_ub=a_ub, b_ub=np.zeros(len(rows)),
                   bounds=[(-1.0, 1.0)] * (d * d) + [(None, 1.0)])
    if res.status != 0:                                            # M = 0, delta = 0 is always feasible
        raise RuntimeError(f"linprog failed: {res.message}")
    return np.clip(res.x[:-1].reshape(d, d), -1.0, 1.0)            # (d, d), solver noise removed


def _why_not_alone(req: Requirement) -> Reason:
    rs = rivals(req)
    if np.all(np.abs(req.x[req.focus]) <= TIE):
        return Reason("zero_focus", req, rs)
    inside = inside_convex_hull(req.x[req.target], req.x[list(rs)])
    return Reason("inside_hull" if inside else "on_hull_edge", req, rs)


def verdict(reqs: Sequence[Requirement]) -> Verdict:
    """Can one M make every requirement's target beat each of its rivals? Exact, by an LP.

    Call it with one requirement to ask "alone", with several to ask "jointly". The margin is
    recomputed from the returned M (not taken from the solver), so a feasible verdict is a
    checked one. A requirement with no rivals is met by any M: margin 1.0 (the cap). Jointly
    infeasible: the reasons of the requirements that fail alone, or else one "conflict".
    """
    reqs = list(reqs)
    if not reqs:
        raise ValueError("need at least one requirement")
    d = reqs[0].x.shape[1]
    if any(req.x.shape[1] != d for req in reqs):
        raise ValueError("all requirements need vectors of the same dimension")
    if not any(rivals(req) for req in reqs):
        return Verdict(True, 1.0, np.zeros((d, d)))
    M = _best_M(reqs)
    margin = float(min(_margins(reqs, M).min(), 1.0))
    if margin > TIE:
        M.setflags(write=False)
        return Verdict(True, margin, M)
    if len(reqs) == 1:
        return Verdict(False, 0.0, None, (_why_not_alone(reqs[0]),))
    alone = tuple(reason for r in reqs for reason in verdict([r]).reasons)
    return Verdict(False, 0.0, None, alone or (Reason("conflict"),))
