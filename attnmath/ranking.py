"""Who wins a row: the one rule every "which position comes out on top" question uses.

Values within TIE of a row's largest visible value count as tied for the top, and a tie goes to
the earliest position. 0.7 + 0.1 and 0.8 differ in the last bit of a float; a viewer must not be
told that one of two equal weights "wins", and a caption must not flip with rounding noise.
"""
from __future__ import annotations

import numpy as np

TIE = 1e-9  # far below display precision, far above float rounding noise


def _leading(values, visible=None) -> np.ndarray:
    """(..., n) bools: the visible entries within TIE of their row's largest visible entry."""
    values = np.asarray(values, dtype=float)                          # (..., n)
    visible = np.ones(values.shape, bool) if visible is None else np.asarray(visible, bool)
    if not visible.any(axis=-1).all():
        raise ValueError("every row must see at least one position")
    shown = np.where(visible, values, -np.inf)                        # (..., n) hidden never lead
    return shown >= shown.max(axis=-1, keepdims=True) - TIE


def leaders(values, visible=None) -> tuple[int, ...]:
    """Every visible position tied for the top of one row, earliest first. (n,) -> positions.

    "Does the target win?" is `target in leaders(row)`: a target tied with another for the top
    is not beaten, whichever of the two `winner` names.
    """
    return tuple(int(j) for j in np.flatnonzero(_leading(values, visible)))


def winner(values, visible=None) -> int:
    """The one position to name as the top of a row: the earliest of its leaders. (n,) -> int."""
    return int(np.argmax(_leading(values, visible)))                   # first True


def winners(rows, visible=None) -> np.ndarray:
    """`winner` of every row at once. (r, n) -> (r,) ints; `visible` is (n,) or (r, n)."""
    return np.argmax(_leading(rows, visible), axis=-1)
