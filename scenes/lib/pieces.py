"""Small reusable mobjects. Each takes numbers and strings it is given; none computes attention.

The centre piece is LivePlane: a coordinate plane whose grid, axes and vectors are redrawn every
frame from data coordinates, a View (which rectangle of the plane is shown) and a 2x2 matrix.
Animating the view zooms the plane; animating the matrix from the identity to W transforms
the plane with its vectors riding along, as in 3Blue1Brown's linear-algebra videos, while the
grid stays clipped to its own region so it never runs over the panel beside it.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np
from manim import (Arc, Circle, DOWN, LEFT, ORIGIN, RIGHT, UP, Animation, Line, ManimColor, Mobject, Rectangle, RoundedRectangle,
                   UpdateFromAlphaFunc, VGroup, VMobject, interpolate_color)

from attnmath import format_number
from attnvid.story.captions import wrap

from . import style
from .glyph_cache import Text
from .layout import PLANE, Box, View
from .still_background import look

__all__ = ["text", "word", "readable_word", "keep_words_readable", "NumberText", "fit", "box_of", "PlaneVector", "LivePlane", "tick_labels", "ChipRow",
           "MatrixMob", "matrix_pair", "ScoreGrid", "WeightBars", "Caption"]

GRID_POOL = 64


def text(s: str, size: float = 24, colour=style.TEXT, **kw) -> Text:
    """Words (tokens, titles, captions): always Text, never markup or LaTeX."""
    return Text(s, font=style.FONT, font_size=size, color=colour, **kw)


def title_block(s: str, width: float, size: float = 40, line_chars: int = 40) -> VGroup:
    """A script's title: at most two lines (wrapped between words, a longer title's last line
    keeps the rest), shrunk only if still wider than `width`. An 80-character title, the most
    a script may give, had run off the frame on one line."""
    lines = wrap(s, line_chars)
    if any(len(line) > line_chars for line in lines):      # a word longer than a line: cut it
        flat = " ".join(lines)
        lines = [flat[i:i + line_chars] for i in range(0, len(flat), line_chars)]
    lines = lines[:1] + [" ".join(lines[1:])] if len(lines) > 2 else lines
    block = VGroup(*[text(line, size=size) for line in lines]).arrange(DOWN, buff=0.15)
    if block.width > width:
        block.scale_to_fit_width(width)
    return block


def word(s: str, size: float = 24, colour=style.TEXT, max_width: float = 1.6) -> Text:
    """A token: Text, shrunk when it is long so a long word never crowds its neighbours (and
    shortened, past the smallest readable size: see readable_word)."""
    return readable_word(s, colour, max_width, np.inf, size=size)


def readable_word(s: str, colour, w: float, h: float, size: float = 22) -> Text:
    """A word shrunk to fit a w x h box, but never below the legibility bar: a word too long
    for its box at the smallest readable size loses letters from its end to an ellipsis
    ("extraordinarilyl…"), since a header nobody can read says less than a shortened one."""
    from .legibility import MIN_SHARE, cap_share
    t = text(s, size=size, colour=colour)
    smallest = MIN_SHARE / cap_share(t)
    scale = min(1.0, w / t.width, h / t.height)
    if scale >= smallest or len(s) <= 2:
        return t.scale(max(scale, min(1.0, smallest)))
    keep = len(s) - 1
    while keep > 1 and Text(s[:keep] + "…", font=style.FONT, font_size=size).width * smallest > w:   # measured, not drawn
        keep -= 1
    t = text(s[:keep] + "…", size=size, colour=colour)
    return t.scale(max(smallest, min(1.0, w / t.width, h / t.height)))


def one_size(labels: Sequence[Text]) -> list[Text]:
    """Labels that name things of one kind (a grid's headers) at one size, that of the smallest,
    so no word looks more important for being short."""
    smallest = min(label.font_size for label in labels)
    return [label.scale(smallest / label.font_size) for label in labels]


def keep_words_readable(root: Mobject, words: Sequence[Text], edge=LEFT) -> list[Text]:
    """After a layout is fitted to its box: each of `words` the fit shrank below the
    legibility bar is swapped, in its parent inside `root`, for the same word at the bar,
    shortened to the width it had (aligned at `edge`, so its row keeps its shape); the other
    words then shrink to the same size, one size for one column. Returns the words as they now
    are, for callers that keep references to them."""
    from .legibility import MIN_SHARE, cap_share
    parents = {id(sub): m for m in root.get_family() for sub in m.submobjects}
    out = []
    for old in words:
        if cap_share(old) >= MIN_SHARE - 1e-9:
            out.append(old)
            continue
        new = readable_word(old.original_text, old.get_color(), old.width, np.inf, size=old.font_size)
        new.move_to(old, aligned_edge=edge)
        parent = parents[id(old)]
        parent.submobjects[parent.submobjects.index(old)] = new
        out.append(new)
    smallest = min((m.font_size for m in out), default=0)
    if any(new is not old for new, old in zip(out, words)):
        for m in out:
            m.scale(smallest / m.font_size, about_edge=edge)
    return out


class NumberText(Text):
    """Numbers on screen. Monospaced digits; `shown` keeps the string so tests can check it."""

    def __init__(self, s: str, size: float = 24, colour=style.TEXT, **kw):
        super().__init__(s, font=style.MONO, font_size=size, color=colour, **kw)
        self.shown = s


def fit(mob: Mobject, box: Box) -> Mobject:
    """Shrink mob to fit inside box if it is larger (keeping its aspect) and centre it there."""
    factor = min(box.w / max(mob.width, 1e-6), box.h / max(mob.height, 1e-6))
    if factor < 1:
        mob.scale(factor)
    return mob.move_to([box.cx, box.cy, 0])


def box_of(mob) -> Box:
    return Box(mob.get_center()[0], mob.get_center()[1], mob.width, mob.height)


# -- the plane -------------------------------------------------------------------------------

def _clip(p0, p1, rect):
    """Liang-Barsky: the part of segment p0-p1 inside rect (xmin, xmax, ymin, ymax), or None."""
    xmin, xmax, ymin, ymax = rect
    d = p1 - p0
    t0, t1 = 0.0, 1.0
    for p, q in ((-d[0], p0[0] - xmin), (d[0], xmax - p0[0]), (-d[1], p0[1] - ymin), (d[1], ymax - p0[1])):
        if abs(p) < 1e-12:
            if q < 0:
                return None
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return None
    return p0 + t0 * d, p0 + t1 * d


class PlaneVector(VGroup):
    """An arrow in the plane, defined by data coordinates; a shaft and a tip that never distorts."""

    def __init__(self, end, start=(0.0, 0.0), colour=style.TEXT, width: float = 5,
                 rides: bool = True, tip: float = 0.2, opacity: float = 1.0):
        self.shaft = Line(ORIGIN, RIGHT, stroke_width=width, color=colour, stroke_opacity=opacity)
        self.head = VMobject(stroke_width=0, fill_color=colour, fill_opacity=opacity)
        super().__init__(self.shaft, self.head)
        self.start = np.array(start, dtype=float)
        self.end = np.array(end, dtype=float)
        self.rides = rides
        self.tip_length = tip
        self.label: Optional[Text] = None
        self.label_offset = np.zeros(3)

    def draw(self, s: np.ndarray, e: np.ndarray) -> None:
        """Put the arrow between screen points s and e."""
        d = e - s
        length = float(np.linalg.norm(d[:2]))
        if length < 1e-4:
            u, n, tip = np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), 0.0
        else:
            u = d / length
            n = np.array([-u[1], u[0], 0.0])
            tip = min(self.tip_length, 0.45 * length)
        base = e - tip * u
        self.shaft.set_points_as_corners([s, base if tip else e])
        half = 0.42 * tip
        self.head.set_points_as_corners([e, base + half * n, base - half * n, e])
        if self.label is not None:
            self.label.move_to(e + self.label_offset)


def _centre(m: Mobject) -> np.ndarray:
    """The centre of m's bounding box, as get_center() finds it, with one walk of the family
    (get_center walks it once per axis: a fifth of the time LivePlane spent checking)."""
    points = [sm.points for sm in m.get_family() if len(sm.points)]
    if not points:
        return np.zeros(3)
    allp = np.concatenate(points)
    return (allp.min(axis=0) + allp.max(axis=0)) / 2


class LivePlane(VGroup):
    """A plane drawn from data. `to_screen` maps data to frame coordinates for the current view."""

    def __init__(self, view: View, region: Box = PLANE):
        super().__init__()
        self.region = region
        self.view = view.as_array()
        self.matrix = np.eye(2)          # riding vectors and the grid show matrix @ data
        self.grid = VGroup(*[Line(ORIGIN, RIGHT, stroke_width=1.2, color=style.GRID) for _ in range(GRID_POOL)])
        self.axes = VGroup(*[Line(ORIGIN, RIGHT, stroke_width=2.2, color=style.AXIS) for _ in range(2)])
        self.frame = Rectangle(width=region.w, height=region.h, stroke_width=1, color=style.GRID,
                               stroke_opacity=0.6).move_to([region.cx, region.cy, 0])
        self.vectors: list[PlaneVector] = []
        self.add(self.grid, self.axes, self.frame)
        self._drawn: tuple | None = None     # the grid's state when it was last drawn
        self._vectors_drawn: dict[int, tuple] = {}   # each vector's state when it was last drawn
        self.redraw()
        self.add_updater(lambda m: m.redraw())

    # data <-> screen
    @property
    def current_view(self) -> View:
        return View.from_array(self.view)

    def unit(self) -> float:
        return self.current_view.unit(self.region)

    def to_screen(self, p) -> np.ndarray:
        v = self.current_view
        u = self.unit()
        cx, cy = (v.xmin + v.xmax) / 2, (v.ymin + v.ymax) / 2
        return np.array([self.region.cx + u * (p[0] - cx), self.region.cy + u * (p[1] - cy), 0.0])

    def visible_rect(self) -> tuple[float, float, float, float]:
        """The data rectangle that fills the region exactly (the view, widened to its aspect)."""
        v, u = self.current_view, self.unit()
        cx, cy = (v.xmin + v.xmax) / 2, (v.ymin + v.ymax) / 2
        hw, hh = self.region.w / u / 2, self.region.h / u / 2
        return cx - hw, cx + hw, cy - hh, cy + hh

    def shown(self, p, rides=True) -> np.ndarray:
        return self.matrix @ np.asarray(p, float) if rides else np.asarray(p, float)

    # drawing
    def _grid_state(self) -> tuple:
        """Everything the grid and axes are drawn from (region, view, matrix) and what they look
        like (points, colours: a fade changes them)."""
        return (self.region, self.view.tobytes(), self.matrix.tobytes(),
                tuple(look(line) for line in (*self.grid, *self.axes)))

    @staticmethod
    def _vector_state(v: PlaneVector) -> tuple:
        """Everything one vector is drawn from (its data) and what drawing it writes (its shaft
        and head, where its label sits)."""
        return (v.start.tobytes(), v.end.tobytes(), v.rides, v.tip_length, v.label_offset.tobytes(),
                id(v.label), None if v.label is None else _centre(v.label).tobytes(), look(v.shaft), look(v.head))

    def redraw(self) -> "LivePlane":
        """Draw the grid, axes and vectors from the data. The updater calls it every frame. What
        has not changed since it was last drawn (nothing it reads or writes) would be written
        with the same values, so it is skipped: the grid when only a vector moves, every vector
        but the one that grows, and all of it on most frames (the plane holds still while
        something else moves)."""
        if self._drawn is None or self._grid_state() != self._drawn:
            self._draw_grid()
            self._drawn = self._grid_state()
            self._vectors_drawn = {}             # every vector is placed by the view: draw them all
        drawn = self._vectors_drawn
        for vec in self.vectors:
            if drawn.get(id(vec)) != self._vector_state(vec):
                self.redraw_vector(vec)
                drawn[id(vec)] = self._vector_state(vec)
        return self

    def _draw_grid(self) -> None:
        rect = self.visible_rect()
        step = float(self.view[4])
        m = self.matrix
        corners = np.array([[rect[0], rect[2]], [rect[1], rect[2]], [rect[0], rect[3]], [rect[1], rect[3]]])
        if abs(np.linalg.det(m)) > 1e-3:
            pre = corners @ np.linalg.inv(m).T
            lo = np.minimum(pre.min(axis=0), corners.min(axis=0))
            hi = np.maximum(pre.max(axis=0), corners.max(axis=0))
        else:
            lo, hi = corners.min(axis=0) * 4, corners.max(axis=0) * 4
        ks = [np.arange(np.ceil(lo[a] / step), np.floor(hi[a] / step) + 1) for a in (0, 1)]
        stride = 1
        while sum(len(k[::stride]) for k in ks) > GRID_POOL:
            stride += 1
        segments = []
        for k in ks[0][::stride]:
            segments.append((np.array([k * step, lo[1]]), np.array([k * step, hi[1]])))
        for k in ks[1][::stride]:
            segments.append((np.array([lo[0], k * step]), np.array([hi[0], k * step])))
        for line, seg in zip(self.grid, segments + [None] * (GRID_POOL - len(segments))):
            self._place(line, seg, rect)
        self._place(self.axes[0], (np.array([lo[0], 0.0]), np.array([hi[0], 0.0])), rect)
        self._place(self.axes[1], (np.array([0.0, lo[1]]), np.array([0.0, hi[1]])), rect)

    def redraw_vector(self, vec: PlaneVector) -> None:
        vec.draw(self.to_screen(self.shown(vec.start, vec.rides)), self.to_screen(self.shown(vec.end, vec.rides)))

    def _place(self, line, seg, rect):
        clipped = None if seg is None else _clip(self.matrix @ seg[0], self.matrix @ seg[1], rect)
        if clipped is None:
            line.set_points_as_corners([self.to_screen((rect[0], rect[2]))] * 2)
            line.set_stroke(opacity=0)
        else:
            line.set_points_as_corners([self.to_screen(clipped[0]), self.to_screen(clipped[1])])
            line.set_stroke(opacity=1)

    def vector(self, end, start=(0.0, 0.0), **kw) -> PlaneVector:
        """A vector the plane keeps drawn. It is a mobject of its own (not a submobject, so
        fading it out never splits the plane): add it to the scene, e.g. with FadeIn or grow."""
        vec = PlaneVector(end, start, **kw)
        self.vectors.append(vec)
        self.redraw_vector(vec)
        return vec

    def forget(self, *vecs: PlaneVector) -> None:
        for v in vecs:
            if v in self.vectors:
                self.vectors.remove(v)
                self._vectors_drawn.pop(id(v), None)

    # animations
    def zoom_to(self, view: View, **kw) -> Animation:
        old, new = self.view.copy(), view.as_array()
        step_new = new[4]

        def update(m, a):
            m.view = old + (new - old) * a
            m.view[4] = step_new if a > 0.5 else old[4]
            m.redraw()
        return UpdateFromAlphaFunc(self, update, **kw)

    def transform_by(self, matrix_columns, **kw) -> Animation:
        """Animate the plane (grid and riding vectors) from the identity to `matrix_columns`
        (column convention: a point p goes to matrix @ p)."""
        target = np.asarray(matrix_columns, float)

        def update(m, a):
            m.matrix = np.eye(2) + (target - np.eye(2)) * a
            m.redraw()
        return UpdateFromAlphaFunc(self, update, **kw)

    def relax(self, **kw) -> Animation:
        """Animate the grid back to the identity while baked vectors stay where they are."""
        start = self.matrix.copy()
        riding = [v for v in self.vectors if v.rides]
        for v in riding:
            v.start, v.end = start @ v.start, start @ v.end

        def update(m, a):
            m.matrix = start + (np.eye(2) - start) * a
            for v in riding:
                v.rides = False
            m.redraw()

        def done(m):
            for v in riding:
                v.rides = True
        anim = UpdateFromAlphaFunc(self, update, **kw)
        anim.finish_callbacks = [done]
        return anim


TICK_CLEARANCE = 0.35      # screen units between an axis number and an arrow's tip


def tick_labels(plane: LivePlane, size: float = 14, clear_of=()) -> VGroup:
    """Coordinates along the axes, every other grid line, as Text (no LaTeX). A number that
    would sit under an arrow's tip (`clear_of`: the tips, in the plane's coordinates) is left
    out: the grid line still shows where it is, and the tip stays readable."""
    rect = plane.visible_rect()
    tips = [plane.to_screen(p) for p in clear_of]
    step = float(plane.view[4]) * 2
    decimals = 0 if step >= 1 else (1 if step * 10 == int(step * 10) else 2)
    labels = VGroup()
    margin = 0.35 / plane.unit()
    for axis in (0, 1):
        lo, hi = (rect[0], rect[1]) if axis == 0 else (rect[2], rect[3])
        for k in np.arange(np.ceil((lo + margin) / step), np.floor((hi - margin) / step) + 1):
            value = k * step
            if abs(value) < 1e-9:
                continue
            p = (value, 0.0) if axis == 0 else (0.0, value)
            lab = text(format_number(value, decimals), size=size, colour=style.MUTED)  # a coordinate, not a trace number
            lab.move_to(plane.to_screen(p) + (DOWN * 0.2 if axis == 0 else LEFT * 0.3))
            if any(np.linalg.norm(lab.get_center() - tip) < TICK_CLEARANCE for tip in tips):
                continue
            labels.add(lab)
    return labels


# -- angles ------------------------------------------------------------------------------------

def angle_mark(plane: LivePlane, a, b, degrees: int, radius: float = 0.6, narrow: float = 25,
               past: str = "b", others=()) -> VGroup:
    """The arc from a to b (the smaller way round) and θ in whole degrees beside it: between the
    arrows, or, for an angle under `narrow` degrees, just past b (past="a": just before a). With
    `others` (the other arrows drawn), a narrow angle's label goes to the side with more room
    before the next arrow, halfway to it, so it never reads as that arrow's label."""
    arc = Arc(radius=radius, stroke_width=4, color=style.TEXT)
    place_arc(plane, arc, a, b, radius)
    label = NumberText(f"{degrees}°", size=22)
    th0, sweep = arc_angles(a, b)
    mid = th0 + sweep / 2
    if abs(sweep) < np.radians(narrow):   # too narrow to sit between the arrows
        outward = np.sign(sweep or 1)
        room = {"b": _room_beyond(th0 + sweep, outward, others, (a, b)), "a": _room_beyond(th0, -outward, others, (a, b))}
        if others:
            past = max(room, key=room.get)
        turn = outward * min(np.radians(22), room[past] / 2)
        mid = th0 + sweep + turn if past == "b" else th0 - turn
    label.move_to(plane.to_screen((0, 0)) + (radius + 0.32) * np.array([np.cos(mid), np.sin(mid), 0]))
    return VGroup(arc, label)


def _room_beyond(start: float, direction: float, others, arms) -> float:
    """The angle from `start` turning `direction` (+1 anticlockwise) to the first of `others`
    (arrows drawn along an arm itself do not count); a full turn if there is none."""
    arm_angles = [np.arctan2(v[1], v[0]) for v in arms]
    gaps = []
    for v in others:
        th = float(np.arctan2(v[1], v[0]))
        if min(abs(np.angle(np.exp(1j * (th - arm)))) for arm in arm_angles) < np.radians(0.5):
            continue
        gaps.append((direction * (th - start)) % (2 * np.pi))
    return min(gaps, default=2 * np.pi)


def arc_angles(a, b) -> tuple[float, float]:
    th0 = float(np.arctan2(a[1], a[0]))
    sweep = float(np.arctan2(a[0] * b[1] - a[1] * b[0], a[0] * b[0] + a[1] * b[1]))
    return th0, sweep


def place_arc(plane: LivePlane, arc, a, b, radius: float) -> None:
    th0, sweep = arc_angles(a, b)
    arc.set_points(Arc(radius=radius, start_angle=th0, angle=sweep if abs(sweep) > 1e-3 else 1e-3,
                       arc_center=plane.to_screen((0, 0))).points)



# -- chips, matrices, grids, bars ---------------------------------------------------------------

class ChipRow(VGroup):
    """The phrase as a row of coloured word chips; the focus chip gets a white outline."""

    def __init__(self, tokens: Sequence[str], colours, focus: Optional[int], box: Box, size=30):
        super().__init__()
        self.chips = VGroup()
        for i, (tok, col) in enumerate(zip(tokens, colours)):
            word = text(tok, size=size, colour=col)
            frame = RoundedRectangle(corner_radius=0.12, width=word.width + 0.3, height=0.62,
                                     stroke_width=3 if i == focus else 1.2,
                                     stroke_color=style.HIGHLIGHT if i == focus else col,
                                     fill_color=col, fill_opacity=0.12)
            self.chips.add(VGroup(frame, word.move_to(frame)))
        self.chips.arrange(RIGHT, buff=0.18)
        self.add(self.chips)
        fit(self, box)

    def __getitem__(self, i: int) -> VGroup:
        return self.chips[i]


class StepTracker(VGroup):
    """Where the viewer is among the five steps: "step 3 of 5", five dots (done, this one, to
    come) and this step's name. `shown` keeps what it says, for the tests."""

    def __init__(self, step: int, names: Sequence[str], box: Box):
        super().__init__()
        self.step = step
        self.shown = f"step {step} of {len(names)}: {names[step - 1]}"
        head = text(f"step {step} of {len(names)}", size=20, colour=style.MUTED)
        dots = VGroup(*[Circle(radius=0.07, stroke_width=1.5, stroke_color=style.MUTED,
                               fill_color=style.HIGHLIGHT if k == step else style.MUTED,
                               fill_opacity=1.0 if k == step else (0.6 if k < step else 0.0))
                        for k in range(1, len(names) + 1)]).arrange(RIGHT, buff=0.1)
        name = text(names[step - 1], size=24, colour=style.HIGHLIGHT)
        self.add(VGroup(VGroup(head, dots).arrange(RIGHT, buff=0.2), name).arrange(DOWN, buff=0.1,
                                                                                     aligned_edge=LEFT))
        fit(self, box)
        self.align_to([box.left, 0, 0], LEFT)


class MatrixMob(VGroup):
    """A matrix of number strings between bracket lines, with a name beside it."""

    def __init__(self, rows: Sequence[Sequence[str]], name: str = "", colour=style.TEXT, size=24):
        super().__init__()
        cells = VGroup(*[NumberText(s, size=size, colour=colour) for row in rows for s in row])
        cells.arrange_in_grid(rows=len(rows), cols=len(rows[0]), buff=(0.35, 0.18))
        h = cells.height + 0.2
        lb = VMobject(stroke_color=style.TEXT, stroke_width=2).set_points_as_corners(
            [[0.1, h / 2, 0], [0, h / 2, 0], [0, -h / 2, 0], [0.1, -h / 2, 0]])
        rb = lb.copy().rotate(np.pi)
        lb.next_to(cells, LEFT, buff=0.1)
        rb.next_to(cells, RIGHT, buff=0.1)
        self.cells = cells
        self.add(cells, lb, rb)
        if name:
            self.name = text(name + " =", size=size, colour=colour).next_to(self, LEFT, buff=0.2)
            self.add(self.name)


def matrix_pair(W_search, W_offer, size: float = 24) -> tuple[MatrixMob, MatrixMob]:
    """W_search and W_offer as the viewer always sees them: named, in search blue and offer
    orange, every entry through attnmath's display rounding."""
    def entries(W):
        return [[format_number(x) for x in row] for row in W]
    return (MatrixMob(entries(W_search), "W_search", colour=style.SEARCH, size=size),
            MatrixMob(entries(W_offer), "W_offer", colour=style.OFFER, size=size))


class ScoreGrid(VGroup):
    """An n x n grid: row i is the word that looks, column j the word looked at.

    Cells a mask hides are darker than the background, visible cells a shade lighter, so what
    is hidden recedes. Column headers that would not fit side by side at a readable size stand
    in two staggered rows, so neighbours never run together ("yourwarmblack").

    When the grid is too small for its numbers to be read at 480p (ten words in the panel) and
    a focus row is given, the grid is magnified around that row: the focus row runs across the
    whole panel under the column headers, large enough for its numbers, and the full grid sits
    below it as a heat map without numbers (`magnified`), its focus row outlined and joined to
    the strip by the two lines of a magnifier, so the viewer sees which row is being read."""

    HEADER = 0.45           # height of one row of column headers
    STRIP = 0.72            # height of the magnified focus row
    GAP = 0.5               # between the strip and the heat map, room for the magnifier's lines

    def __init__(self, tokens, colours, box: Box, hidden=None, focus: Optional[int] = None):
        super().__init__()
        n = len(tokens)
        self.n, self.hidden, self.focus = n, hidden, focus
        label_w = min(1.3, box.w * 0.22)
        stagger = self._needs_stagger(tokens, (box.w - label_w) / n)
        band = self.HEADER * (2 if stagger else 1)
        cell = min((box.w - label_w) / n, (box.h - band) / n, 1.0)
        self.magnified = focus is not None and not self._numbers_readable(cell)
        self.cells = [[None] * n for _ in range(n)]
        if self.magnified:
            self._magnified_layout(tokens, colours, box)
        else:
            self._square_layout(tokens, colours, box, label_w, stagger, band, cell)

    def _cell(self, i, j, w, h, centre) -> Rectangle:
        masked = self.hidden is not None and self.hidden[i][j]
        return Rectangle(width=w, height=h, stroke_width=1, stroke_color=style.MASKED_EDGE if masked else style.GRID,
                         fill_color=style.MASKED if masked else style.CELL, fill_opacity=1).move_to(centre)

    def _headers(self, tokens, colours, left, top, cell, stagger) -> VGroup:
        header_w = cell * (1.6 if stagger else 0.78)      # a space's width between neighbours
        labels = one_size([self._label(tokens[j], colours[j], header_w, 0.4) for j in range(len(tokens))])
        return VGroup(*[lab.move_to([left + (j + 0.5) * cell, top - self.HEADER / 2 - (self.HEADER if stagger and j % 2 else 0), 0])
                        for j, lab in enumerate(labels)])

    def _square_layout(self, tokens, colours, box, label_w, stagger, band, cell) -> None:
        n = len(tokens)
        self.cell_size = self.number_width = cell
        top_left = np.array([box.left + label_w, box.top - band, 0])
        grid = VGroup()
        for i in range(n):
            for j in range(n):
                self.cells[i][j] = self._cell(i, j, cell, cell, top_left + np.array([(j + 0.5) * cell, -(i + 0.5) * cell, 0]))
                grid.add(self.cells[i][j])
        labels = one_size([self._label(tok, colour, label_w - 0.1, cell) for tok, colour in zip(tokens, colours)])
        rows = VGroup(*[label.move_to([box.left + label_w / 2, top_left[1] - (i + 0.5) * cell, 0])
                        for i, label in enumerate(labels)])
        cols = self._headers(tokens, colours, top_left[0], box.top, cell, stagger)
        self.grid, self.row_labels, self.col_labels = grid, rows, cols
        self.add(grid, rows, cols)

    def _magnified_layout(self, tokens, colours, box) -> None:
        n, f = len(tokens), self.focus
        wide = min(box.w / n, 1.0)                          # a strip cell: room for "-00.00"
        stagger = self._needs_stagger(tokens, wide)
        band = self.HEADER * (2 if stagger else 1)
        left = box.cx - wide * n / 2
        strip_y = box.top - band - self.STRIP / 2
        self.cell_size, self.number_width = min(wide, self.STRIP), wide
        strip = VGroup(*[self._cell(f, j, wide, self.STRIP, [left + (j + 0.5) * wide, strip_y, 0]) for j in range(n)])
        self.cells[f] = list(strip)
        cols = self._headers(tokens, colours, left, box.top, wide, stagger)
        # the heat map: square cells under the strip, row labels at a readable size on its left
        heat_top = strip_y - self.STRIP / 2 - self.GAP
        small = (heat_top - box.bottom) / n
        labels = one_size([self._label(tokens[i], colours[i], 1.3, small) for i in range(n)])
        label_w = max(lab.width for lab in labels) + 0.12
        heat_left = box.cx - (label_w + small * n) / 2 + label_w
        self.heat = [[self._cell(i, j, small, small, [heat_left + (j + 0.5) * small, heat_top - (i + 0.5) * small, 0])
                      for j in range(n)] for i in range(n)]
        rows = VGroup(*[lab.move_to([heat_left - label_w / 2, heat_top - (i + 0.5) * small, 0]) for i, lab in enumerate(labels)])
        heat = VGroup(*[c for row in self.heat for c in row])
        # the outline takes in the focus row's label too, so the magnifier's left line runs left
        # of every row label instead of across them
        outline = Rectangle(width=label_w + small * n, height=small, stroke_width=2.5, stroke_color=style.HIGHLIGHT)
        outline.move_to([heat_left - label_w + (label_w + small * n) / 2, heat_top - (f + 0.5) * small, 0])
        lens = VGroup(*[Line(outline.get_corner(UP + side), strip.get_corner(DOWN + side), stroke_width=1.5,
                             color=style.MUTED) for side in (LEFT, RIGHT)])
        self.grid, self.row_labels, self.col_labels = VGroup(strip, heat, outline, lens), rows, cols
        self.add(self.grid, rows, cols)

    @staticmethod
    def _numbers_readable(cell: float) -> bool:
        from .legibility import MIN_SHARE, cap_share
        widest = NumberText("-00.00", size=22)
        scale = min(1.0, cell * 0.86 / widest.width, cell * 0.5 / widest.height)
        return cap_share(widest) * scale >= MIN_SHARE

    @classmethod
    def _needs_stagger(cls, tokens, cell: float) -> bool:
        """Would a header have to shrink below 80 % of its size to fit its own column?"""
        # measured with Text itself, not `text`: nothing here is drawn, and the colour test
        # records every label `text` makes
        return any(Text(tok, font=style.FONT, font_size=22).width * 0.8 > cell * 0.78 for tok in tokens)

    @staticmethod
    def _label(tok, colour, w, h):
        return readable_word(tok, colour, w, h * 0.8, size=22)

    def number(self, i, j, s: str, colour=style.TEXT) -> NumberText:
        """A number in cell (i, j), at one size for the whole grid (that of the widest number a
        cell usually holds, "-00.00"), so 7.14 and 10.53 read as the same kind of thing; a
        longer number shrinks further rather than leave its cell."""
        n = NumberText(s, size=22, colour=colour)
        return n.scale(min(self._number_scale(), self.number_width * 0.86 / n.width)).move_to(self.cells[i][j])

    def _number_scale(self) -> float:
        if not hasattr(self, "_scale"):
            widest = NumberText("-00.00", size=22)
            self._scale = min(1.0, self.number_width * 0.86 / widest.width, self.cell_size * 0.5 / widest.height)
        return self._scale

    def shade(self, i, j, level: float) -> Rectangle:
        """A heat-map cell of a magnified grid, lit in proportion to `level` (0 to 1): how a
        row's scores compare, without numbers too small to read."""
        cell = self.heat[i][j].copy()
        return cell.set_fill(interpolate_color(ManimColor(style.CELL), ManimColor(style.TEXT), 0.12 + 0.7 * level))

    def row(self, i) -> VGroup:
        return VGroup(*self.cells[i])


class SoftmaxTable(VGroup):
    """A row's softmax as a table, one line per word: its score, the score minus the largest,
    e to that, and the weight (that over the sum), with a bar as long as the weight. A word the
    mask hides says so and gets 0. Under the exponentials, their sum; under the weights, 1.00.
    Every entry is a NumberText of attnmath.shown.SoftmaxSteps, so the screen is the chain."""

    COLUMNS = ("score", "shifted", "exp", "weight")

    def __init__(self, tokens, colours, steps, box: Box, size: float = 28):
        super().__init__()
        top = f"{steps.top:.2f}"
        titles = {"score": "score s", "shifted": f"s − {top}", "exp": f"e^(s − {top})", "weight": "weight"}
        self.heads = VGroup(text("word", size=size * 0.85, colour=style.MUTED),
                            *[text(titles[c], size=size * 0.85, colour=style.MUTED) for c in self.COLUMNS])
        self.words = VGroup(*[text(tok, size=size, colour=col) for tok, col in zip(tokens, colours)])
        hidden = [d is None for d in steps.shifted]
        muted = lambda j: style.MUTED if hidden[j] else style.TEXT
        cells = {
            "score": [NumberText(f"{x:.2f}", size=size, colour=muted(j)) if not hidden[j]
                      else text("hidden", size=size * 0.8, colour=style.MUTED) for j, x in enumerate(steps.scores)],
            "shifted": [NumberText(f"{d:.2f}", size=size) if d is not None else VGroup() for d in steps.shifted],
            "exp": [NumberText(f"{e}", size=size) if e is not None else VGroup() for e in steps.exps],
            "weight": [NumberText(f"{x:.2f}", size=size, colour=muted(j)) for j, x in enumerate(steps.weights)],
        }
        grid = [list(self.heads)] + [[self.words[j]] + [cells[c][j] for c in self.COLUMNS] for j in range(len(tokens))]
        body = VGroup(*[m for line in grid for m in line])
        body.arrange_in_grid(rows=len(grid), cols=len(grid[0]), buff=(0.3, 0.2),
                             col_alignments="l" + "r" * len(self.COLUMNS))
        self._cells = cells
        self.sum_line = NumberText(f"sum {steps.total}", size=size, colour=style.HIGHLIGHT)
        self.sum_line.next_to(body, DOWN, buff=0.22).align_to(VGroup(*[c for c in cells["exp"] if len(c)]), RIGHT)
        self.total_line = NumberText(f"total {sum(steps.weights):.2f}", size=size, colour=style.MUTED)
        self.total_line.next_to(self.sum_line, DOWN, buff=0.14).align_to(VGroup(*cells["weight"]), RIGHT)
        # bars to the right of the weights, as long as the weight (1.00 = the longest they can be)
        left = body.get_right()[0] + 0.3
        full = 1.3
        self.bars = VGroup()
        for j, x in enumerate(steps.weights):
            bar = Rectangle(width=max(full * float(x), 0.02), height=cells["weight"][j].height * 1.1, stroke_width=0,
                            fill_color=colours[j], fill_opacity=0.25 if hidden[j] else 0.9)
            bar.move_to([left + bar.width / 2, cells["weight"][j].get_center()[1], 0])
            self.bars.add(bar)
        note = text("rounded so the weights add to 1.00", size=size * 0.75, colour=style.MUTED)
        note.next_to(self.total_line, DOWN, buff=0.12).align_to(self.total_line, RIGHT)
        self.add(body, self.sum_line, self.total_line, self.bars, note)
        self.note = note
        fit(self, box)

    def column(self, name: str) -> VGroup:
        return VGroup(*self._cells[name])

    def head(self, name: str):
        return self.heads[1 + self.COLUMNS.index(name)]

    def record(self) -> dict:
        """What the table puts on screen, as strings, for the tests that redo it by hand."""
        grab = lambda m: m.shown if isinstance(m, NumberText) else None
        return {**{c: [grab(m) for m in self._cells[c]] for c in self.COLUMNS},
                "sum": self.sum_line.shown, "total": self.total_line.shown}


class WeightBars(VGroup):
    """One bar per word: its height is the weight; the shown values add up to 1.00."""

    def __init__(self, tokens, colours, weights: Sequence[float], shown: Sequence[str], box: Box,
                 hidden: Sequence[bool]):
        super().__init__()
        n = len(tokens)
        slot = box.w / n
        bar_w = min(0.7, slot * 0.62)
        # labels keep their size: when one would not fit its slot they stand in two staggered rows
        stagger = any(Text(tok, font=style.FONT, font_size=20).width > slot * 0.85 for tok in tokens)   # measured, not drawn
        base_y = box.bottom + (0.7 if stagger else 0.42)
        max_h = box.h - (1.23 if stagger else 0.95)
        self.bars, self.values, self.labels = VGroup(), VGroup(), VGroup()
        for j in range(n):
            x = box.left + (j + 0.5) * slot
            h = max(weights[j] * max_h, 0.02)
            colour = style.HIDDEN if hidden[j] else colours[j]
            bar = Rectangle(width=bar_w, height=h, stroke_width=0, fill_color=colour, fill_opacity=0.85)
            bar.move_to([x, base_y + h / 2, 0])
            value = NumberText(shown[j], size=20,
                               colour=style.MUTED if hidden[j] else style.TEXT)
            value.scale(min(1.0, slot * 0.92 / value.width)).next_to(bar, UP, buff=0.08)
            label = text(tokens[j], size=20, colour=style.MUTED if hidden[j] else colours[j])
            room = slot * (1.7 if stagger else 0.85)
            low = stagger and j % 2 == 1
            label.scale(min(1.0, room / label.width)).move_to([x, box.bottom + (0.2 if not stagger or low else 0.48), 0])
            self.bars.add(bar)
            self.values.add(value)
            self.labels.add(label)
        self.baseline = Line([box.left, base_y, 0], [box.right, base_y, 0], stroke_width=1.5, color=style.AXIS)
        self.add(self.baseline, self.bars, self.values, self.labels)


class Caption(VGroup):
    """One phrase of the narration at the bottom of the frame, always at one size: phrases are
    cut to at most two lines (attnvid.story.captions), which CAPTION holds at full size."""

    def __init__(self, s: str, box: Box, size=22):
        super().__init__()
        body = VGroup(*[text(line, size=size, colour=style.TEXT) for line in wrap(s)]).arrange(DOWN, buff=0.1)
        self.shrunk = min(1.0, box.w / body.width, box.h / body.height)   # a guard: phrases fit, so 1
        body.scale(self.shrunk)
        self.add(body.move_to([box.cx, box.cy, 0]))
