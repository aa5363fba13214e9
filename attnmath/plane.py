"""Plane geometry: convex hull corners, and a search direction swept all the way round.

In 2D a focus's search vector u scores position j by u . x_j, so the position that wins for a
direction is a corner of the hull of the visible vectors; a target inside that hull never wins
(feasibility proves it by a linear program, these show it).
"""
from __future__ import annotations

import numpy as np

from .ranking import winners


def _cross(o, a, b) -> float:
    """> 0 when o -> a -> b turns counter-clockwise, 0 when the three are in a line."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def hull_order(points) -> list[int]:
    """Indices of the convex hull's corners, counter-clockwise (Andrew's monotone chain).

    Points on an edge, between two corners, are not corners; neither is a repeated point.
    """
    pts = np.asarray(points, float)                                   # (m, 2)
    order = sorted(range(len(pts)), key=lambda i: (pts[i][0], pts[i][1]))

    def chain(indices):
        out = []
        for i in indices:
            while len(out) >= 2 and _cross(pts[out[-2]], pts[out[-1]], pts[i]) <= 1e-12:
                out.pop()
            out.append(i)
        return out[:-1]                       # its last point starts the other chain
    return chain(order) + chain(reversed(order))


def sweep_winners(x, visible, angles) -> np.ndarray:
    """For a search direction at each angle, the visible position with the highest score
    (u . x_j, u the unit vector at that angle; ties to the earliest). (len(angles),) ints."""
    u = np.stack([np.cos(angles), np.sin(angles)], axis=1)           # (a, 2)
    scores = u @ np.asarray(x, float).T                               # (a, n)
    return winners(scores, visible)
