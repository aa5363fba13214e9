"""Rounding for display: the one place where numbers become the strings a viewer reads.

Two promises to a viewer with a calculator:
- a number is rounded the way a person rounds its decimal value (half away from zero), so
  0.125 shows as 0.13 and 0.1 + 0.2 shows as 0.30, never as float noise;
- a row of weights shows values that add up to exactly 1.00 (largest remainder), so a viewer
  never sees 0.33 + 0.33 + 0.33.
"""
from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Iterable, Sequence

import numpy as np


def _decimal(x: float) -> Decimal:
    # repr() is the shortest string that reads back as the same float: the number a person typed.
    return Decimal(repr(float(x)))


def round_number(x: float, decimals: int = 2) -> Decimal:
    """x rounded half away from zero to `decimals` places, as an exact Decimal."""
    if not np.isfinite(x):
        raise ValueError(f"cannot display {x!r}")
    q = _decimal(x).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return q + 0  # turns -0.00 into 0.00


def format_number(x: float, decimals: int = 2) -> str:
    """'0.40', '-1.25', never '-0.00'."""
    return f"{round_number(x, decimals):.{decimals}f}"


def format_vector(v: Iterable[float], decimals: int = 2) -> str:
    """'[0.40, 0.80]', the article's way of writing a vector."""
    return "[" + ", ".join(format_number(x, decimals) for x in v) + "]"


def round_weights(row: Sequence[float], decimals: int = 2) -> list[Decimal]:
    """Round a row of weights so the shown values add up exactly to the row's rounded total.

    Largest remainder: every weight is first rounded down to a whole number of units (0.01 for
    two decimals); the units still missing go one each to the weights that lost the most, the
    earlier position first on a tie. A weight of exactly 0 (a hidden position) stays 0.
    """
    unit = Decimal(1).scaleb(-decimals)
    exact = [_decimal(w) for w in row]
    if any(w < 0 for w in exact):
        raise ValueError("weights must not be negative")
    total_units = int((sum(exact) / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    floors = [int((w / unit).to_integral_value(rounding=ROUND_FLOOR)) for w in exact]
    missing = total_units - sum(floors)
    by_loss = sorted(range(len(exact)), key=lambda i: (-(exact[i] / unit - floors[i]), i))
    for i in by_loss[:max(missing, 0)]:
        floors[i] += 1
    return [units * unit for units in floors]


def format_weights(row: Sequence[float], decimals: int = 2) -> list[str]:
    """The row's weights as strings that add up to 1.00 (for a row that sums to 1)."""
    return [f"{w:.{decimals}f}" for w in round_weights(row, decimals)]


def angle_degrees(a, b) -> float:
    """The angle between two vectors in degrees (for captions such as "28° apart")."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    cos = float(a @ b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-300)
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
