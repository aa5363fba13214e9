"""Direction or length: what made the top score the top score.

A score is a dot product, search · offer = |search| |offer| cos θ. Every score in one row shares
|search|, so the row is ranked by each offer's shadow on the search direction, |offer| cos θ: an
offer wins either because it points closest to the search vector (direction) or because it is
long enough to outweigh a better-aligned one (length). The article's story is the first; a toy
whose longest offer always wins tells the second. These functions say which happened.
"""
from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from .ranking import TIE, leaders, winner

__all__ = ["Geometry", "Decision", "geometry", "decide", "same_direction"]


class Geometry(NamedTuple):
    """One search vector against a row of offers."""

    cosines: np.ndarray      # (n,) cos θ between the search vector and each offer (0 for a zero vector)
    lengths: np.ndarray      # (n,) |offer|
    shadows: np.ndarray      # (n,) offer · search / |search|: each offer's shadow on the search line
    search_length: float     # |search|; score_j = search_length * shadows[j]


def geometry(search, offers) -> Geometry:
    """Cosines, lengths and shadows of `offers` (n, k) seen from `search` (k,)."""
    q = np.asarray(search, dtype=float)                           # (k,)
    K = np.asarray(offers, dtype=float)                           # (n, k)
    lengths = np.linalg.norm(K, axis=1)                           # (n,)
    q_len = float(np.linalg.norm(q))
    shadows = K @ q / q_len if q_len > 0 else np.zeros(len(K))    # (n,)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosines = np.where(lengths > 0, shadows / np.where(lengths > 0, lengths, 1.0), 0.0)
    return Geometry(np.clip(cosines, -1.0, 1.0), lengths, shadows, q_len)


class Decision(NamedTuple):
    """Who won a row and why."""

    winner: int                  # the top score (ties to the earliest: attnmath.winner)
    best_aligned: int            # the offer pointing closest to the search vector
    longest: int                 # the longest visible offer
    by: Literal["direction", "length"]   # direction: the winner is (tied for) best aligned


def decide(search, offers, visible=None) -> Decision:
    """What decided one row: "direction" when the top score goes to the best-aligned offer, else
    "length" (a longer offer outscored one that points closer)."""
    g = geometry(search, offers)
    top = winner(g.shadows, visible)
    by = "direction" if top in leaders(g.cosines, visible) else "length"
    return Decision(top, winner(g.cosines, visible), winner(g.lengths, visible), by)


def same_direction(x, target: int, visible=None) -> tuple[int, ...]:
    """Visible positions whose vector points exactly the target's way (a positive multiple of it,
    to TIE). Any linear map keeps them pointing one way, so no matrices make the target strictly
    the best aligned against them. A zero vector has no direction: it is never listed, and a zero
    target is listed against every visible position."""
    x = np.asarray(x, dtype=float)                                # (n, d)
    visible = np.ones(len(x), bool) if visible is None else np.asarray(visible, bool)
    t = x[target]
    t_len = np.linalg.norm(t)
    out = []
    for j in np.flatnonzero(visible):
        if j == target:
            continue
        j_len = np.linalg.norm(x[j])
        if t_len <= TIE or (j_len > TIE and x[j] @ t >= t_len * j_len * (1 - TIE)):
            out.append(int(j))
    return tuple(out)
