"""Where things go, worked out with plain numbers (no Manim), so it can be tested directly.

The frame is 14.22 x 8 units. The chips of the phrase sit along the top (the step tracker left of
them), the caption along the bottom; the plane takes the left of the middle band and the panel (equations, grid, bars) the
right.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["FRAME_W", "FRAME_H", "Box", "CHIPS", "TRACKER", "CAPTION", "PLANE", "PANEL", "FRAME", "View", "nice_step", "fit_view",
           "place_labels", "segment_boxes"]

FRAME_W, FRAME_H = 14.222, 8.0


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in frame units: centre and size."""

    cx: float
    cy: float
    w: float
    h: float

    @property
    def left(self) -> float: return self.cx - self.w / 2

    @property
    def right(self) -> float: return self.cx + self.w / 2

    @property
    def top(self) -> float: return self.cy + self.h / 2

    @property
    def bottom(self) -> float: return self.cy - self.h / 2

    def overlaps(self, other: "Box", gap: float = 0.0) -> bool:
        return not (self.right + gap <= other.left or other.right + gap <= self.left or
                    self.top + gap <= other.bottom or other.top + gap <= self.bottom)

    def inside(self, other: "Box", tol: float = 1e-6) -> bool:
        return (self.left >= other.left - tol and self.right <= other.right + tol and
                self.bottom >= other.bottom - tol and self.top <= other.top + tol)


CHIPS = Box(1.45, 3.35, 10.9, 0.9)
TRACKER = Box(-5.6, 3.35, 2.6, 0.9)     # "step 3 of 5", left of the chips
CAPTION = Box(0, -3.45, 13.4, 0.85)
PLANE = Box(-3.75, -0.05, 6.3, 5.6)
PANEL = Box(3.35, -0.05, 7.1, 5.6)
FRAME = Box(0, 0, FRAME_W, FRAME_H)


@dataclass(frozen=True)
class View:
    """Which data rectangle the plane shows, and at what scale (equal in x and y)."""

    xmin: float
    xmax: float
    ymin: float
    ymax: float
    step: float     # spacing of grid lines, in data units

    def unit(self, region: Box) -> float:
        return min(region.w / (self.xmax - self.xmin), region.h / (self.ymax - self.ymin))

    def as_array(self) -> np.ndarray:
        return np.array([self.xmin, self.xmax, self.ymin, self.ymax, self.step], dtype=float)

    @staticmethod
    def from_array(a) -> "View":
        return View(*map(float, a))


def nice_step(span: float, target_lines: int = 6) -> float:
    """A grid spacing of 1, 2, 2.5 or 5 times a power of ten giving about `target_lines` lines."""
    raw = span / target_lines
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def fit_view(points, region: Box = PLANE, pad: float = 0.12, with_origin: bool = True) -> View:
    """The smallest view holding every point and the origin, padded, filling `region`'s shape
    (without the origin: a close-up of the points).

    The data rectangle is widened along one axis so its aspect matches the region: x and y
    keep the same scale, so angles and lengths on screen are honest.
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if with_origin:
        pts = np.vstack([np.zeros((1, 2)), pts])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1e-3)
    lo, hi = lo - pad * span.max(), hi + pad * span.max()
    w, h = hi - lo
    aspect = region.w / region.h
    if w / h < aspect:
        extra = h * aspect - w
        lo[0], hi[0] = lo[0] - extra / 2, hi[0] + extra / 2
    else:
        extra = w / aspect - h
        lo[1], hi[1] = lo[1] - extra / 2, hi[1] + extra / 2
    step = nice_step(max(hi - lo), target_lines=7)
    return View(lo[0], hi[0], lo[1], hi[1], step)


def place_labels(anchors, directions, sizes, obstacles=(), bounds: Box = PLANE, gap: float = 0.06) -> list[Box]:
    """Centres for labels near their anchors (arrow tips) such that no two overlap.

    Greedy: each label tries spots around its anchor, nearest and most outward first (along
    the arrow's direction), and takes the first that stays inside `bounds` and clear of the
    labels already placed and of `obstacles`. Returns a list of Box.
    """
    placed: list[Box] = []
    fixed = list(obstacles)
    for (ax, ay), (dx, dy), (w, h) in zip(anchors, directions, sizes):
        norm = math.hypot(dx, dy) or 1.0
        ux, uy = dx / norm, dy / norm
        candidates = []
        for radius in (0.25, 0.45, 0.7, 1.0, 1.4, 1.9, 2.5):
            for k in range(16):
                turn = (k + 1) // 2 * (1 if k % 2 == 0 else -1)   # 0, -1, +1, -2, +2, ...
                angle = math.atan2(uy, ux) + turn * math.pi / 8
                cx = ax + math.cos(angle) * (radius + w / 2)
                cy = ay + math.sin(angle) * (radius + h / 2)
                candidates.append(Box(cx, cy, w, h))
        others = placed + fixed

        def cost(c: Box) -> int:
            return (0 if c.inside(bounds) else 1000) + sum(c.overlaps(o, gap) for o in others)
        choice = next((c for c in candidates if cost(c) == 0), None) or min(candidates, key=cost)
        placed.append(choice)
    return placed


def segment_boxes(start, end, spacing: float = 0.2, size: float = 0.08) -> list[Box]:
    """Small boxes along a segment, so labels can keep off arrows as well as off each other."""
    start, end = np.asarray(start, float)[:2], np.asarray(end, float)[:2]
    count = max(2, int(np.linalg.norm(end - start) / spacing) + 1)
    return [Box(*(start + (end - start) * k / (count - 1)), size, size) for k in range(count)]
