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

A requirement may name a set of targets: then every target must beat every other visible
position (their order among themselves is free), which is possible iff the targets' convex hull
and the rivals' convex hull do not meet; a target inside the rivals' hull can never be in such a
set. `heads_verdict` asks the multi-head question instead: with H heads (each its own M), can every
target be the strict top of some head, each head serving all phrases with one M?

A failed verdict says why as `Reason`s, facts rather than sentences: attnvid puts them into words.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
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
    """One relevance pattern: in this phrase, `focus` should give its largest weight to `target`;
    or, with several `targets`, more weight to each of them than to any other visible position.

    `shares` is the part of the focus's weight each target should get (the fit's aim; they add up
    to at most 1, evenly split by default). The verdicts ask only that the targets lead.
    """

    phrase: str                       # the phrase text as written (for reports)
    x: np.ndarray                     # (n, d) positioned vectors
    focus: int
    target: int                       # the first target (the only one, usually)
    visible: np.ndarray               # (n,) bool: which positions the focus may see
    tokens: tuple[str, ...] = ()      # words, for reports (without them, positions are named)
    targets: tuple[int, ...] = ()     # every target, `target` first; () means (target,)
    shares: tuple[float, ...] = ()    # one per target; () means evenly

    def __post_init__(self):
        x = np.array(self.x, dtype=float)                         # (n, d), our own read-only copy
        visible = np.array(self.visible, dtype=bool)              # (n,)
        if x.ndim != 2 or visible.shape != (len(x),):
            raise ValueError(f"need x (n, d) and visible (n,), got {x.shape} and {visible.shape}")
        if not (0 <= self.focus < len(x) and 0 <= self.target < len(x)):
            raise ValueError(f"focus {self.focus} and target {self.target} must be positions 0..{len(x) - 1}")
        targets = tuple(int(t) for t in self.targets) or (int(self.target),)
        if targets[0] != self.target or len(set(targets)) != len(targets):
            raise ValueError(f"targets {targets} must start with target {self.target} and name each position once")
        for t in targets:
            if not 0 <= t < len(x):
                raise ValueError(f"target {t} must be a position 0..{len(x) - 1}")
            if not visible[t]:
                raise ValueError(f"position {self.focus} cannot see its target {t}")
        shares = tuple(float(s) for s in self.shares) or (1.0 / len(targets),) * len(targets)
        if len(targets) == 1 and not self.shares:
            shares = (1.0,)
        if len(shares) != len(targets) or not all(0 < s <= 1 for s in shares) or sum(shares) > 1 + 1e-9:
            raise ValueError(f"shares {shares} need one number in (0, 1] per target, adding up to at most 1")
        if self.tokens and len(self.tokens) != len(x):
            raise ValueError(f"{len(self.tokens)} tokens for {len(x)} vectors")
        x.setflags(write=False)
        visible.setflags(write=False)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "visible", visible)
        object.__setattr__(self, "tokens", tuple(self.tokens))
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "shares", shares)

    @property
    def several(self) -> bool:
        """Does it name a set of targets (rather than one word to win)?"""
        return len(self.targets) > 1

    def alone(self, target: int) -> "Requirement":
        """The single-target requirement of one of its targets: that word the strict top, the
        other targets now among its rivals (what one head must do to give it that word)."""
        return replace(self, target=target, targets=(target,), shares=())


def requirement(phrase: str, x, focus: int, target: int, mask: str,
                tokens: Sequence[str] = (), targets: Sequence[int] = (),
                shares: Sequence[float] = ()) -> Requirement:
    """A Requirement whose `visible` is the focus's row of visibility(n, mask)."""
    n = len(x)
    if not 0 <= focus < n:
        raise ValueError(f"focus {focus} must be a position 0..{n - 1}")
    return Requirement(phrase, x, int(focus), int(target), visibility(n, mask)[focus], tuple(tokens),
                       tuple(int(t) for t in targets), tuple(shares))


def _same_as_target(req: Requirement) -> np.ndarray:
    """(n,) bool: positions whose vector equals some target's (to TIE), the targets included."""
    x, t = req.x, req.x[list(req.targets)]                                  # (n, d), (T, d)
    return np.any(np.all(np.abs(x[:, None, :] - t[None, :, :]) <= TIE, axis=2), axis=1)


def ties(req: Requirement) -> tuple[int, ...]:
    """Visible positions whose vector equals a target's (to TIE): they always score the same
    as that target, whatever the matrices, so no one can beat them; reported, never rivals."""
    same = _same_as_target(req) & req.visible
    return tuple(int(j) for j in np.flatnonzero(same) if j not in req.targets)


def rivals(req: Requirement) -> tuple[int, ...]:
    """Visible positions every target has to outscore: all but the targets and their ties."""
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


def hulls_meet(points_a, points_b) -> bool:
    """Do the convex hulls of two point sets share a point? sum(l_i a_i) = sum(m_j b_j) with
    l, m >= 0 each adding up to 1: a feasibility LP. Two sets can be told apart by one direction
    (every a above every b) iff their hulls do not meet."""
    if len(points_a) == 0 or len(points_b) == 0:
        return False
    a = np.asarray(points_a, dtype=float)                              # (p, d)
    b = np.asarray(points_b, dtype=float).reshape(-1, a.shape[1])      # (q, d)
    p, q = len(a), len(b)
    a_eq = np.vstack([np.hstack([a.T, -b.T]),                          # (d, p + q): the two mixes agree
                      np.r_[np.ones(p), np.zeros(q)], np.r_[np.zeros(p), np.ones(q)]])
    b_eq = np.r_[np.zeros(a.shape[1]), 1.0, 1.0]
    res = _linprog(np.zeros(p + q), A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * (p + q))
    return res.status == 0


@dataclass(frozen=True)
class Reason:
    """One fact that makes a verdict infeasible.

    zero_focus:   req's focus is the zero vector, so every score it gives is 0.
    inside_hull:  req's target lies inside the convex hull of `rivals`: any search direction scores
                  one of them at least as high.
    on_hull_edge: not inside, yet no M wins by more than TIE (the target sits on the hull's edge,
                  to float precision).
    hulls_meet:   several targets, none inside the rivals' hull, but the targets' hull and the
                  rivals' hull meet: whatever lifts them all lifts some rival as high. `rivals`
                  are the ones lying inside the targets' hull (between them), if any.
    conflict:     every requirement can be met alone, but no one M meets them all (req is None).
    too_few_heads: (heads_verdict) req names more targets than there are heads, and a head has one
                  top word per phrase.
    """

    kind: Literal["zero_focus", "inside_hull", "on_hull_edge", "hulls_meet", "conflict", "too_few_heads"]
    req: Optional[Requirement] = None     # the requirement that cannot be met alone
    rivals: tuple[int, ...] = ()          # its rivals: the positions the target cannot outscore
    target: Optional[int] = None          # which of several targets the reason is about


@dataclass(frozen=True, eq=False)
class Verdict:
    """Whether one M can make every target the strict top score, and by how much at best."""

    feasible: bool             # some (d x d) matrices make each target beat all its rivals
    margin: float              # best min over rivals of score_target - score_rival, |M_ab| <= 1
    M: Optional[np.ndarray]    # (d, d) achieving it: W_search = M, W_offer = I (None if infeasible)
    reasons: tuple[Reason, ...] = ()   # why not (empty when feasible)


def _margins(reqs: Sequence[Requirement], M: np.ndarray) -> np.ndarray:
    """score_target - score_rival for every target and rival of every requirement, under M."""
    out = [req.x[req.focus] @ M @ (req.x[t] - req.x[j]) for req in reqs for t in req.targets for j in rivals(req)]
    return np.array(out)


def _best_M(reqs: Sequence[Requirement]) -> np.ndarray:
    """The LP: variables vec(M) (d*d) and delta; maximise delta subject to, for every target and
    rival, outer(x_f, x_t - x_j) . vec(M) >= delta, -1 <= M_ab <= 1, delta <= 1."""
    d = reqs[0].x.shape[1]
    rows = [np.outer(req.x[req.focus], req.x[t] - req.x[j]).ravel()
            for req in reqs for t in req.targets for j in rivals(req)]   # each (d*d,)
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
    which = (lambda t: t) if req.several else (lambda t: None)
    for t in req.targets:
        if inside_convex_hull(req.x[t], req.x[list(rs)]):
            return Reason("inside_hull", req, rs, which(t))
    if req.several and hulls_meet(req.x[list(req.targets)], req.x[list(rs)]):
        between = tuple(j for j in rs if inside_convex_hull(req.x[j], req.x[list(req.targets)]))
        return Reason("hulls_meet", req, between)
    return Reason("on_hull_edge", req, rs)


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


@dataclass(frozen=True, eq=False)
class HeadsVerdict:
    """Whether `heads` heads, each with its own M serving every phrase, can put every target on
    top of some head: in each phrase, each target the strict top of a head of its own.

    `assignment[r][i]` is the head whose top is requirement r's i-th target (in `targets` order);
    `verdicts[h]` is head h's joint verdict over the single-target requirements it was given (a
    head given nothing is free: margin 1.0). Among the assignments that work, the one with the
    largest smallest margin is kept (ties: the first in a fixed order), so the answer is the same
    on every run. Empty assignment and verdicts when infeasible.
    """

    heads: int
    feasible: bool
    reqs: tuple[Requirement, ...]
    assignment: tuple[tuple[int, ...], ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    reasons: tuple[Reason, ...] = ()

    @property
    def margin(self) -> float:
        return min(v.margin for v in self.verdicts) if self.feasible else 0.0

    def carried_by(self, head: int) -> tuple[Requirement, ...]:
        """The single-target requirements head `head` was given."""
        return tuple(req.alone(t) for req, heads in zip(self.reqs, self.assignment)
                     for t, h in zip(req.targets, heads) if h == head)


MAX_ASSIGNMENTS = 5000   # ways to hand targets to heads tried at most (3 phrases x 3 targets x 3 heads: 216)


def heads_verdict(reqs: Sequence[Requirement], heads: int) -> HeadsVerdict:
    """Can `heads` heads give every target of every requirement a head whose top it is? Exact.

    Each target first alone (`Requirement.alone`: the other targets are now its rivals): a target
    no M can put on top of its row (inside its rivals' hull, a zero focus) is on top of no head,
    however many there are. A requirement with more targets than heads cannot be met (a row has
    one top). Otherwise every way of handing each phrase's targets to distinct heads is tried,
    each head's share decided jointly by `verdict`; none working is a "conflict".
    """
    reqs = list(reqs)
    if heads < 1:
        raise ValueError("need at least one head")
    if not reqs:
        raise ValueError("need at least one requirement")
    singles = [[req.alone(t) for t in req.targets] for req in reqs]
    reasons = [Reason("too_few_heads", req) for req in reqs if len(req.targets) > heads]
    reasons += [r for row in singles for single in row for r in verdict([single]).reasons]
    if reasons:
        return HeadsVerdict(heads, False, tuple(reqs), reasons=tuple(reasons))
    choices = [list(itertools.permutations(range(heads), len(req.targets))) for req in reqs]
    count = int(np.prod([len(c) for c in choices], dtype=float))
    if count > MAX_ASSIGNMENTS:
        raise ValueError(f"{count} ways to hand the targets to {heads} heads; at most {MAX_ASSIGNMENTS} are tried")
    decided: dict[tuple, Verdict] = {}

    def head_verdict(given: tuple) -> Verdict:
        if given not in decided:
            chosen = [singles[r][i] for r, i in given]
            d = reqs[0].x.shape[1]
            decided[given] = verdict(chosen) if chosen else Verdict(True, 1.0, np.zeros((d, d)))
        return decided[given]

    best = None
    for assignment in itertools.product(*choices):
        order = [h for row in assignment for h in row]
        if [h for k, h in enumerate(order) if h not in order[:k]] != list(range(len(set(order)))):
            continue                          # the same split with the heads renumbered: tried already
        per_head = [tuple((r, i) for r, row in enumerate(assignment) for i, h in enumerate(row) if h == head)
                    for head in range(heads)]
        verdicts = [head_verdict(g) for g in per_head]
        if all(v.feasible for v in verdicts):
            margin = min(v.margin for v in verdicts)
            if best is None or margin > best[0] + TIE:
                best = (margin, assignment, verdicts)
    if best is None:
        return HeadsVerdict(heads, False, tuple(reqs), reasons=(Reason("conflict"),))
    return HeadsVerdict(heads, True, tuple(reqs), tuple(best[1]), tuple(best[2]))
