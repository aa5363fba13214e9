"""The beats of a phrase walkthrough, one function each, in the order they play.

Every beat takes a Walk (the scene, the trace and what is on screen so far) and leaves the
screen in a state the next beat expects. Numbers come from the trace through attnmath's
display functions; no beat computes attention. Each is registered in BEATS under the name the
registry (attnvid.story.WALKTHROUGH) gives its beat.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Animation, Circle, Circumscribe, Create, CurvedArrow, DashedLine,
                   Indicate, Line, MathTex, ReplacementTransform, SurroundingRectangle, Text, UpdateFromAlphaFunc,
                   Mobject, VGroup, VMobject, AnimationGroup, LaggedStart, GrowFromEdge, FadeTransform)
from manim.utils.rate_functions import there_and_back

from attnmath import PhraseTrace, format_number, format_vector, format_weights, geometry
from attnmath.shown import softmax_shown
from attnvid.script import Model
from attnvid.story import WALKTHROUGH
from attnvid.story.walkthrough import STEPS, focus_facts, own, pull, sees, shared_vectors
from attnvid.story.wording import listed

from . import style
from .base import CAPTION_CHANGE, Drawings
from .fading import FadeIn, FadeOut
from .layout import CHIPS, PANEL, PLANE, TRACKER, Box, View, fit_view, place_labels, segment_boxes
from .pieces import (ChipRow, LivePlane, NumberText, PlaneVector, ScoreGrid, SoftmaxTable, StepTracker, WeightBars,
                     angle_mark, box_of, fit, keep_words_readable,
                     matrix_pair, text, tick_labels, title_block, word)

__all__ = ["BEATS", "Walk", "track", "tracker_arrives", "rings_around", "quick_setup", "PositionedTable", "fade_panel", "table_rows", "label_vectors", "labels_on_screen", "vectors_on_screen", "grow",
           "move_vector", "clear_panel", "panel_column", "zoom"]

BEATS = Drawings(WALKTHROUGH)


@dataclass
class Walk:
    """What the beats share: the scene, the trace, and the mobjects on screen."""

    scene: object
    trace: PhraseTrace
    model: Model
    title: Optional[str] = None
    colours: list = field(default_factory=list)
    chips: Optional[ChipRow] = None
    plane: Optional[LivePlane] = None
    ticks: Optional[VGroup] = None
    panel: VGroup = field(default_factory=VGroup)
    positioned: list = field(default_factory=list)   # PlaneVector per position
    search: list = field(default_factory=list)
    offer: list = field(default_factory=list)
    grid: Optional[ScoreGrid] = None
    bars: Optional[WeightBars] = None
    output: Optional[PlaneVector] = None
    title_card: Optional[tuple] = None
    tracker: Optional[StepTracker] = None

    def __post_init__(self):
        self.colours = [style.word_colour(tok, self.model.embeddings) for tok in self.trace.tokens]
        self.facts = focus_facts(self.trace)

    @property
    def focus(self) -> int:
        return self.facts.focus

    def t(self, s: float) -> float:
        return self.scene.t(s)

    def play(self, *anims, run_time: float = 1.0, **kw) -> None:
        self.scene.play(*anims, run_time=self.t(run_time), **kw)

    def labels(self) -> list:
        return labels_on_screen(self.scene, self.plane)

    @property
    def cue(self):
        """The beat's caption phrases (base.Cue) being played, advanced as animations land."""
        return self.scene.cue

    def say_next(self) -> None:
        """NarratedScene.say_next: the animation has reached what the next phrase says."""
        self.scene.say_next()

    def stretched(self, durations, after: float = 0.0, this_phrase: bool = False) -> list[float]:
        """NarratedScene.stretched, for this beat."""
        return self.scene.stretched(durations, after, this_phrase)

    def say_next_if_read(self) -> None:
        """NarratedScene.say_next_if_read."""
        self.scene.say_next_if_read()

    def land_on(self, word: str, after: str = "") -> None:
        """NarratedScene.land_on: what plays next starts as the voice says `word`."""
        self.scene.land_on(word, after)

    def until_said(self, word: str, after: str = "") -> float:
        """NarratedScene.until_said, in seconds of the scene's clock (not paced)."""
        return self.scene.until_said(word, after)

    def rest_labels(self) -> list:
        """What the layout tests check at a beat's end: the vector labels and the panel."""
        return self.labels() + ([("panel", self.panel)] if len(self.panel) else [])


def track(w: Walk, step: Optional[int]) -> None:
    """Show which of the five attention steps this beat is (None: put the tracker away). The
    old tracker goes before the new one comes, so the two never overlap."""
    arrival = tracker_arrives(w, step)
    if arrival:
        w.play(*arrival, run_time=0.3)


def tracker_arrives(w: Walk, step: Optional[int]) -> list[Animation]:
    """The old tracker put away (played now), and the new one's FadeIn, to play with whatever
    comes next; nothing when the tracker already shows `step`."""
    if step == (w.tracker.step if w.tracker is not None else None):
        return []
    if w.tracker is not None:
        w.play(FadeOut(w.tracker), run_time=0.2)
        w.tracker = None
    if step is None:
        return []
    w.tracker = StepTracker(step, STEPS, TRACKER)
    return [FadeIn(w.tracker)]


def rings_around(chips, positions) -> VMobject:
    """The highlight ring around each chip at `positions` (one ring alone when there is one,
    drawn as it always was; a group when words tie)."""
    rings = [SurroundingRectangle(chips[j], color=style.HIGHLIGHT, buff=0.06) for j in positions]
    return rings[0] if len(rings) == 1 else VGroup(*rings)


def labels_on_screen(scene, plane) -> list:
    """(name, mobject) of every vector label on screen, for placement and layout tests."""
    on_screen = {id(sub) for m in scene.mobjects for sub in m.get_family()}
    vectors = plane.vectors if plane else []
    return [(v.label.original_text, v.label) for v in vectors
            if v.label is not None and id(v.label) in on_screen and id(v) in on_screen]


def vectors_on_screen(scene, plane) -> list:
    on_screen = {id(m) for m in scene.mobjects}
    return [v for v in (plane.vectors if plane else []) if id(v) in on_screen]


def label_vectors(scene, plane: LivePlane, vectors, names, colours, size=22, avoid=()) -> list:
    """Give each vector a text label near its tip, placed so that no two labels overlap, nor
    overlap a label or an arrow already on screen, nor anything in `avoid` (the axis numbers)."""
    others = [box_of(m) for _, m in labels_on_screen(scene, plane) if not any(m is v.label for v in vectors)]
    others += [box_of(m) for m in avoid]
    for v in vectors_on_screen(scene, plane):
        others += segment_boxes(plane.to_screen(plane.shown(v.start, v.rides)),
                                plane.to_screen(plane.shown(v.end, v.rides)))
    for v, name, col in zip(vectors, names, colours):
        if v.label is None:
            v.label = word(name, size=size, colour=col, max_width=1.8)
    place_vector_labels(plane, vectors, PLANE, obstacles=others)
    return [v.label for v in vectors]


def place_vector_labels(plane: LivePlane, vectors, region: Box, obstacles=()) -> None:
    """Set each labelled vector's label beside its tip, inside `region`: clear of the other
    labels, of every one of these vectors' arrows and of the `obstacles` (screen boxes)."""
    obstacles = list(obstacles)
    for v in vectors:
        obstacles += segment_boxes(plane.to_screen(plane.shown(v.start, v.rides)),
                                   plane.to_screen(plane.shown(v.end, v.rides)))
    anchors = [plane.to_screen(plane.shown(v.end, v.rides))[:2] for v in vectors]
    dirs = [(plane.shown(v.end, v.rides) - plane.shown(v.start, v.rides)) for v in vectors]
    boxes = place_labels(anchors, dirs, [(v.label.width, v.label.height) for v in vectors],
                         obstacles=obstacles, bounds=region)
    for v, b, a in zip(vectors, boxes, anchors):
        v.label_offset = np.array([b.cx - a[0], b.cy - a[1], 0.0])
    plane.redraw()


def grow(plane: LivePlane, vec: PlaneVector, **kw) -> Animation:
    """Animate a vector growing from its start to its end (adding it to the scene)."""
    end = vec.end.copy()

    def update(m, a):
        vec.end = vec.start + (end - vec.start) * max(a, 1e-3)
        plane.redraw_vector(vec)
    update(vec, 0)
    return UpdateFromAlphaFunc(vec, update, **kw)


def move_vector(plane: LivePlane, vec: PlaneVector, start, end, **kw) -> Animation:
    """Animate a vector sliding and shrinking to a new start and end."""
    s0, e0 = vec.start.copy(), vec.end.copy()
    s1, e1 = np.asarray(start, float), np.asarray(end, float)

    def update(m, a):
        vec.start, vec.end = s0 + (s1 - s0) * a, e0 + (e1 - e0) * a
        plane.redraw_vector(vec)
    return UpdateFromAlphaFunc(vec, update, **kw)


def clear_panel(w: Walk, run_time: float = 0.6) -> None:
    if len(w.panel):
        w.play(*fade_panel(w), run_time=run_time)


def fade_panel(w: Walk) -> list[Animation]:
    """The panel's FadeOut, to play with other animations (none when the panel is empty); the
    Walk holds an empty panel from here on. FadeOut removes it from the scene when it ends."""
    panel, w.panel = w.panel, VGroup()
    return [FadeOut(panel)] if len(panel) else []


def panel_column(rows, box: Box, buff: float = 0.16) -> VGroup:
    """Stack rows (each a VGroup laid out left to right) in box, shrunk to fit."""
    col = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)
    return fit(col, box)


def _row(*parts, buff: float = 0.22) -> VGroup:
    return VGroup(*parts).arrange(RIGHT, buff=buff)


def table_rows(cells: Sequence[Sequence[Mobject]], buff: float = 0.22) -> list[VGroup]:
    """Rows of cells laid out as a table: each column's cells share one left edge, its width
    the widest cell's, so a column of numbers reads straight down (rows laid out one by one
    leave it ragged after words of different widths). Stack the rows with their left edges
    aligned (panel_column) and the columns stay aligned."""
    rows = [_row(*r, buff=buff) for r in cells]
    widths = [max(r[k].width for r in rows) for k in range(len(rows[0]))]
    lefts = np.cumsum([0.0] + [w + buff for w in widths[:-1]])
    for r in rows:
        x0 = r[0].get_left()[0]
        for cell, left in zip(r, lefts):
            cell.shift((x0 + left - cell.get_left()[0]) * RIGHT)
    return rows


def projection_points(t: PhraseTrace) -> np.ndarray:
    """What the projection and score beats draw: positioned, search and offer vectors."""
    return np.vstack([t.positioned, t.search, t.offer])


def sum_points(t: PhraseTrace, f: int) -> np.ndarray:
    """What the weighted-sum beat draws: the values, every partial tip-to-tail sum, the output."""
    partial = np.cumsum(t.weights[f][:, None] * t.values, axis=0)
    return np.vstack([t.values, partial, t.outputs[f:f + 1], t.positioned[f:f + 1]])


def zoom(w: Walk, points, run_time: float = 1.2) -> None:
    """Move the plane to a view fitting `points`, swapping the axis numbers around the move."""
    w.play(FadeOut(w.ticks), run_time=0.3)
    w.play(w.plane.zoom_to(fit_view(points)), run_time=run_time)
    w.ticks = tick_labels(w.plane, clear_of=points)
    w.play(FadeIn(w.ticks), run_time=0.3)


# -- 1. title ---------------------------------------------------------------------------------

@BEATS.draws("title")
def title(w: Walk) -> None:
    """The phrase as chips, the word it should lead to, and the word we follow."""
    t = w.trace
    big = ChipRow(t.tokens, w.colours, w.focus, Box(0, 0.9, 12.5, 1.3), size=48)
    (chips_in,) = w.stretched([1.6], this_phrase=True, after=0.8 if t.predict else 0.0)   # while the phrase is read
    parts = [big]
    heading = title_block(w.title, width=12.5).next_to(big, UP, buff=0.95) if w.title else None   # clear of the arcs
    if heading is not None:
        parts.append(heading)
    predict = text(f"→ {t.predict}?", size=36, colour=style.MUTED) if t.predict else None
    follow = _row(text("following", size=28, colour=style.MUTED),
                  text(t.tokens[w.focus], size=34, colour=w.colours[w.focus]))
    follow.next_to(big, DOWN, buff=0.7)
    anims = [LaggedStart(*[FadeIn(c, shift=0.2 * UP) for c in big.chips], lag_ratio=0.15)]
    if heading is not None:
        anims.insert(0, FadeIn(heading))
    w.play(*anims, run_time=chips_in)
    if predict is not None:
        predict.next_to(big, DOWN, buff=0.2).align_to(big, RIGHT)
        follow.next_to(predict, DOWN, buff=0.5).set_x(0)
        w.play(FadeIn(predict, shift=0.2 * LEFT), run_time=0.8)
    w.say_next()                    # "we follow one word ... where its attention goes"
    w.play(FadeIn(follow), Indicate(big.chips[w.focus], color=style.HIGHLIGHT), run_time=1.2)
    arcs = listen(w, big)
    w.title_card = (big, [m for m in (heading, predict, follow, arcs) if m is not None])


def listen(w: Walk, chips: ChipRow, below: bool = False, lit: Optional[list[int]] = None,
           lit_too: Sequence[Mobject] = ()) -> VGroup:
    """Arcs from the focus chip to the words it may listen to: first the earlier words, then
    (no mask) the later ones, with the caption's phrase that says so. With only earlier words
    and a note to follow, the note comes with the chips it is about lit (`lit`, else all), and
    `lit_too` with them (the table rows the note is about)."""
    t, f = w.trace, w.focus
    seen = [j for j in range(t.n) if t.visible[f, j] and j != f]
    height = 0.22 if below else 0.4
    back = listening_arcs(chips, f, [j for j in seen if j < f], w.colours[f], height, below)
    ahead = listening_arcs(chips, f, [j for j in seen if j > f], w.colours[f], height, below)
    if len(back) and len(ahead):
        (run_time,) = w.stretched([0.6 + 0.35 * len(back)], this_phrase=True)
        w.play(LaggedStart(*[Create(a) for a in back], lag_ratio=0.35), run_time=run_time)
    elif len(back):                 # one arc at a time while the phrase is read
        for arc, run_time in zip(back, w.stretched([0.45] * len(back), this_phrase=True)):
            w.play(Create(arc), run_time=run_time)
        if w.cue is not None and w.cue.has_next:     # a note follows: the whole phrase lit
            w.say_next()
            (run_time,) = w.stretched([1.0], this_phrase=True, after=0.5)
            chosen = chips.chips if lit is None else [chips[j] for j in lit]
            w.play(*[Indicate(c, color=style.HIGHLIGHT, scale_factor=1.06) for c in [*chosen, *lit_too]],
                   run_time=run_time)
    if len(ahead):                  # no mask: the words after it too, as the caption says so
        w.say_next()
        (run_time,) = w.stretched([0.6 + 0.35 * len(ahead)], after=0.5, this_phrase=True)
        w.play(LaggedStart(*[Create(a) for a in ahead], lag_ratio=0.35), run_time=run_time)
    return VGroup(back, ahead)


def listening_arcs(chips: ChipRow, focus: int, others, colour, height: float = 0.4, below: bool = False) -> VGroup:
    """Thin arrows from the focus chip over (or under) to each word it may listen to: the
    question the whole video answers, drawn before any number. Each arc rises `height` from
    the chips whatever the distance, so a long reach never runs into what is above or below."""
    arcs = VGroup()
    side = DOWN if below else UP
    start = chips[focus].get_edge_center(side) + 0.05 * side
    for j in others:
        end = chips[j].get_edge_center(side) + 0.05 * side
        d = float(np.linalg.norm(end - start))
        angle = 4 * np.arctan(2 * height / max(d, 1e-6)) * (1 if (j < focus) != below else -1)
        arcs.add(CurvedArrow(start, end, angle=angle, color=colour, stroke_width=3, tip_length=0.16))
    return arcs


def _title_to_top(w: Walk) -> None:
    """The big title shrinks into the row of chips that stays at the top from here on."""
    big, extra = w.title_card
    w.chips = ChipRow(w.trace.tokens, w.colours, w.focus, CHIPS)
    w.play(ReplacementTransform(big, w.chips), *[FadeOut(m) for m in extra], run_time=1.0)


def quick_setup(w: Walk, step: Optional[int] = None) -> PositionedTable:
    """The phrase's chips and positioned vectors, straight away (for the explainer, which has
    shown embeddings and positions already), with the step tracker at `step` arriving with
    them: a phrase's stage is never the tracker alone. Beside the plane, step 1 written out
    for this phrase (PositionedTable): the sums a viewer can redo, and which words share a
    vector, while the opening caption says so."""
    t = w.trace
    tracker = tracker_arrives(w, step)
    w.chips = ChipRow(t.tokens, w.colours, w.focus, CHIPS)
    w.plane = LivePlane(fit_view(t.positioned))
    w.ticks = tick_labels(w.plane, clear_of=t.positioned)
    w.positioned = [w.plane.vector(t.positioned[i], colour=w.colours[i]) for i in range(t.n)]
    labels = label_vectors(w.scene, w.plane, w.positioned, t.tokens, w.colours)
    table = PositionedTable(w)
    w.panel = table.column
    w.play(*tracker, FadeIn(w.chips), FadeIn(w.plane), FadeIn(w.ticks), *[FadeIn(v) for v in w.positioned],
           *[FadeIn(l) for l in labels], FadeIn(w.panel), run_time=1.0)
    return table


# -- 2. embeddings ----------------------------------------------------------------------------

@BEATS.draws("embeddings")
def embeddings(w: Walk) -> None:
    """The chips move up; each word's embedding grows from the origin with its label."""
    t = w.trace
    _title_to_top(w)
    view = fit_view(np.vstack([t.embeddings, t.positioned]))
    w.plane = LivePlane(view)
    w.ticks = tick_labels(w.plane, clear_of=np.vstack([t.embeddings, t.positioned]))
    w.play(Create(w.plane.grid), FadeIn(w.plane.axes), FadeIn(w.plane.frame), FadeIn(w.ticks), run_time=1.2)
    w.scene.remove(w.plane.grid, w.plane.axes, w.plane.frame)
    w.scene.add(w.plane)
    vecs = [w.plane.vector(t.embeddings[i], colour=w.colours[i]) for i in range(t.n)]
    labels = label_vectors(w.scene, w.plane, vecs, t.tokens, w.colours)
    w.positioned = vecs
    rows = table_rows([(word(tok, size=26, colour=w.colours[i]), NumberText(format_vector(t.embeddings[i]), size=26))
                       for i, tok in enumerate(t.tokens)])
    heading = text("embedding of each word", size=24, colour=style.MUTED)
    w.panel = panel_column([heading] + rows, Box(PANEL.cx, PANEL.cy + 0.6, PANEL.w, PANEL.h - 1.2))
    keep_words_readable(w.panel, [r[0] for r in rows])
    w.play(LaggedStart(*[AnimationGroup(grow(w.plane, v), FadeIn(l), FadeIn(r))
                         for v, l, r in zip(vecs, labels, rows)], lag_ratio=0.35),
           FadeIn(heading), run_time=0.8 + 0.45 * t.n)
    # read straight off the grid: dashed lines from the focus word's tip down to each axis, its
    # row of the table lit, for as long as the caption needs
    w.say_next()
    f = w.focus
    x, y = t.embeddings[f]
    tip = w.plane.to_screen((x, y))
    feet = [DashedLine(tip, w.plane.to_screen(p), color=w.colours[f], stroke_width=2.5) for p in ((x, 0.0), (0.0, y))
            if np.linalg.norm(w.plane.to_screen(p) - tip) > 0.05]
    (reading,) = w.stretched([1.6], after=0.4 + 0.5)
    w.play(*[Create(d) for d in feet], Indicate(rows[f], color=style.HIGHLIGHT, scale_factor=1.1), run_time=reading)
    w.play(*[FadeOut(d) for d in feet], run_time=0.4)


# -- 3. positions -----------------------------------------------------------------------------

class PositionedTable:
    """Each word's embedding + its position = the vector attention works on, one row a word,
    with a note under them for positions that land on one vector (from there on attention
    cannot tell those words apart). The positions beat builds it row by row; a phrase's quick
    set-up shows it whole, since step 1 is what it writes out."""

    def __init__(self, w: Walk):
        t = w.trace
        self.heading = text("embedding + position = positioned", size=24, colour=style.MUTED)
        words = [word(tok, size=26, colour=w.colours[i]) for i, tok in enumerate(t.tokens)]
        self.embs = [NumberText(format_vector(t.embeddings[i]), size=26) for i in range(t.n)]
        self.sums = [NumberText(f"+ {format_vector(t.positions[i])} = {format_vector(t.positioned[i])}", size=26)
                     for i in range(t.n)]
        self.shared = [text(" = ".join(t.tokens[i] for i in g) + ": one vector", size=24, colour=style.MUTED)
                       for g in shared_vectors(t)]
        rows = table_rows(list(zip(words, self.embs, self.sums)), buff=0.2)
        self.column = panel_column([self.heading] + rows + self.shared, Box(PANEL.cx, PANEL.cy + 0.6, PANEL.w, PANEL.h - 1.2))
        self.words = keep_words_readable(self.column, words)


@BEATS.draws("positions")
def positions(w: Walk) -> None:
    """Each position vector goes tip to tail onto its word's arrow; the sum is what follows."""
    t = w.trace
    plane = w.plane
    table = PositionedTable(w)
    heading, words, embs, sums, shared = table.heading, table.words, table.embs, table.sums, table.shared
    old_heading, *old_rows = list(w.panel)
    # the old rows slide into the new layout first, so every row keeps one size
    w.play(ReplacementTransform(old_heading, heading),
           *[ReplacementTransform(old[0], words[i]) for i, old in enumerate(old_rows)],
           *[ReplacementTransform(old[1], embs[i]) for i, old in enumerate(old_rows)], run_time=0.8)
    steps = []
    # slowed to the caption's length: the sums build while the viewer reads why they are needed
    times = w.stretched([2.0 if i < 2 else 0.9 for i in range(t.n)],
                        after=CAPTION_CHANGE + (0.6 if shared else 0.0) + 0.6 + 0.5)   # a caption change, the rest, the close
    for i in range(t.n):
        emb = w.positioned[i]
        pos = plane.vector(t.positioned[i], start=t.embeddings[i], colour=style.TEXT, width=3, tip=0.14)
        total = plane.vector(t.positioned[i], colour=w.colours[i])
        steps.append((emb, pos, total))
        w.play(grow(plane, pos), FadeIn(sums[i], shift=0.1 * LEFT), run_time=times[i] / 2)
        w.play(grow(plane, total), emb.animate.set_opacity(0.3), run_time=times[i] / 2)
        w.say_next_if_read()
    if shared:
        w.play(*[FadeIn(m) for m in shared], run_time=0.6)
    # the sums replace the embeddings; the small position arrows go
    for emb, pos, total in steps:
        total.label, emb.label = emb.label, None
    w.play(*[FadeOut(emb) for emb, _, _ in steps], *[FadeOut(pos) for _, pos, _ in steps], run_time=0.6)
    plane.forget(*[s[0] for s in steps], *[s[1] for s in steps])
    w.positioned = [s[2] for s in steps]
    label_vectors(w.scene, w.plane, w.positioned, t.tokens, w.colours)
    w.panel = table.column
    w.scene.add(table.column)


# -- 4. W_search and W_offer ------------------------------------------------------------------

@BEATS.draws("projections")
def projections(w: Walk, quick: bool = False) -> None:
    """The plane transformed by W_search, then by W_offer. The focus word goes first and slowly,
    its row times the matrix worked out one column at a time beside it; then the rest. Every
    arrow keeps its word's colour while it moves and takes its family's colour (search blue,
    offer orange) when it lands, labelled with its word and which of the two it is. A table
    gathers the results row by row and stays up to be read. quick: for a phrase after the
    first, each vector just moves to its search (then offer) vector."""
    t, f = w.trace, w.focus
    plane = w.plane
    W_search, W_offer = w.model.W_search, w.model.W_offer
    if not quick:                       # quick: the panel goes with the labels, below
        clear_panel(w)
    # one fixed view from here on, holding every vector the rest of the video draws; the first
    # time, the view widens while the plane transforms, so the focus is never a speck
    ms, mo = matrix_pair(W_search, W_offer, size=24)
    mats = VGroup(ms, mo).arrange(RIGHT, buff=0.6)
    fit(mats, PROJECTION_MATRICES)
    table = ProjectionTable(t, w.colours)
    if quick:           # the matrix and the table's header come in while the view widens, so the
        points = projection_points(t)       # phrase's small arrows are not left alone on the plane
        w.play(*[FadeOut(v.label) for v in w.positioned], FadeOut(w.ticks), *fade_panel(w), run_time=0.5)
        w.play(plane.zoom_to(fit_view(points)), FadeIn(ms), FadeIn(table.header), run_time=1.2)
        w.ticks = tick_labels(plane, clear_of=points)
        w.play(FadeIn(w.ticks), run_time=0.3)
    else:
        w.play(FadeIn(ms), run_time=0.8)
    for v in w.positioned:
        v.rides = False
    if not quick:       # "reshape the plane": the grid alone takes W_search's shape and back, once, as a preview
        there, back = w.stretched([1.6, 1.2], this_phrase=True, after=0.6)
        home = plane.current_view
        named = [v.label for v in w.positioned if v.label is not None]
        w.play(FadeOut(w.ticks), *[FadeOut(n) for n in named], *[v.animate.set_opacity(0.25) for v in w.positioned],
               run_time=0.3)
        # the view widens with it, as in the real transform below, so the grid lines stay apart
        w.play(plane.transform_by(np.asarray(W_search, float).T), plane.zoom_to(fit_view(projection_points(t))),
               run_time=there)
        w.play(plane.relax(), plane.zoom_to(home), run_time=back)
        w.play(FadeIn(w.ticks), *[FadeIn(n) for n in named], *[v.animate.set_opacity(1.0) for v in w.positioned],
               run_time=0.3)
    if quick:
        w.search.extend(_project_all(w, "search", table, quick=True))
    else:
        w.search.extend(_project_focus_first(w, ms, table))
    # the others' searches are in the table; only the focus's is used next
    rest = [r for i, r in enumerate(w.search) if i != f]
    if rest:
        w.play(*[FadeOut(r) for r in rest], *[FadeOut(r.label) for r in rest], run_time=0.5)
    plane.forget(*rest)
    for r in rest:
        r.label = None
    w.play(FadeIn(mo), run_time=0.6)
    if not quick:
        w.say_next()                            # W_offer, every word at once
    w.offer.extend(_project_all(w, "offer", table, quick))
    if not quick:
        w.say_next()                            # which arrow is which; the table to read
    for v in w.positioned:
        v.set_opacity(0.25)
    if not quick:           # the table stays up to be read: each row swells in turn, a guide down it
        guide, ring = w.stretched([2.0, 1.0], after=0.5)
        w.play(LaggedStart(*[VGroup(table.words[i], table.cell(i, "search"), table.cell(i, "offer"))
                             .animate(rate_func=there_and_back).scale(1.12) for i in range(t.n)], lag_ratio=0.5),
               run_time=guide)
    else:
        ring = 1.0
    w.play(Circumscribe(table.cell(f, "search"), color=style.HIGHLIGHT, buff=0.04), run_time=ring)
    w.panel = VGroup(mats, table)


# the matrices on top, the table under them (it stays), the focus's worked row at the bottom
PROJECTION_MATRICES = Box(PANEL.cx, PANEL.top - 0.6, PANEL.w, 1.1)
PROJECTION_TABLE = Box(PANEL.cx, PANEL.top - 1.3 - 3.0 / 2, PANEL.w, 3.0)
PROJECTION_WORK = Box(PANEL.cx, PANEL.bottom + 0.65, PANEL.w, 1.2)


class ProjectionTable(VGroup):
    """Each word's search and offer, a row per word, filled in as the arrows land."""

    FAMILIES = ("search", "offer")

    def __init__(self, t: PhraseTrace, colours):
        super().__init__()
        self.header = VGroup(text("word", size=22, colour=style.MUTED),
                             text("search = x × W_search", size=22, colour=style.SEARCH),
                             text("offer = x × W_offer", size=22, colour=style.OFFER))
        self.words = [word(tok, size=22, colour=colours[i]) for i, tok in enumerate(t.tokens)]
        self.cells = {(i, family): NumberText(format_vector(getattr(t, family)[i]), size=22, colour=colours[i])
                      for i in range(t.n) for family in self.FAMILIES}
        grid = [*self.header] + [m for i in range(t.n) for m in (self.words[i], self.cells[i, "search"],
                                                                  self.cells[i, "offer"])]
        VGroup(*grid).arrange_in_grid(rows=t.n + 1, cols=3, buff=(0.45, 0.14))
        self.add(*grid)
        fit(self, PROJECTION_TABLE)
        self.align_to([0, PROJECTION_TABLE.top, 0], UP)
        self.words = keep_words_readable(self, self.words, edge=ORIGIN)

    def cell(self, i: int, family: str) -> NumberText:
        return self.cells[i, family]

    def row_parts(self, i: int, family: str) -> list:
        """What appears when word i's `family` vector lands: its cell, and its word the first time."""
        return [self.cells[i, family]] + ([self.words[i]] if family == "search" else [])


def _product_line(x, column, result) -> str:
    """One coordinate of row × matrix, written out: '1.02 × 0.80 + 0.60 × (-0.40) = 0.58'. The
    result is the trace's shown number; tests redo it from this text."""
    factor = lambda v: format_number(v) if format_number(v)[0] != "-" else f"({format_number(v)})"
    return " + ".join(f"{format_number(a)} × {factor(b)}" for a, b in zip(x, column)) + f" = {format_number(result)}"


def _row_times_matrix(w: Walk, family: str, W, colour, matrix) -> VGroup:
    """The focus's row times the matrix, one column (one coordinate of the result) at a time,
    each column of the matrix lit as its line appears."""
    t, f = w.trace, w.focus
    W = np.asarray(W, float)
    result = getattr(t, family)[f]
    head = _row(word(t.tokens[f], size=24, colour=w.colours[f]),
                NumberText(format_vector(t.positioned[f]), size=24, colour=w.colours[f]),
                text(f"× W_{family}", size=24, colour=colour))
    lines = [NumberText(_product_line(t.positioned[f], W[:, k], result[k]), size=22) for k in range(W.shape[1])]
    work = VGroup(head, *lines).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
    fit(work, PROJECTION_WORK)
    w.play(FadeIn(head), w.positioned[f].animate.set_opacity(1.0),
           *[v.animate.set_opacity(0.25) for i, v in enumerate(w.positioned) if i != f], run_time=0.8)
    columns = W.shape[1]
    for k, line in enumerate(lines):
        column = VGroup(*[matrix.cells[r * columns + k] for r in range(W.shape[0])])
        w.play(Indicate(column, color=style.HIGHLIGHT, scale_factor=1.15), FadeIn(line, shift=0.1 * RIGHT),
               run_time=1.0)
    return work


def _project_with_plane(w: Walk, which, W, result, widen_to: Optional[View] = None) -> dict:
    """Copies of the chosen positioned vectors, in their words' colours, ride the plane's
    transformation by W; the grid then eases back, the copies staying where W took them.
    widen_to: a view the plane widens to while it transforms (the results are much longer than
    the inputs; widening first would shrink the inputs to specks)."""
    plane = w.plane
    riders = {i: plane.vector(w.trace.positioned[i], colour=w.colours[i], width=5) for i in which}
    w.play(*[FadeIn(r) for r in riders.values()], *[v.animate.set_opacity(0.25) for v in w.positioned],
           run_time=0.5)
    slow = len(riders) == 1
    moves = [plane.transform_by(np.asarray(W, float).T)]
    if widen_to is not None:
        w.play(FadeOut(w.ticks), *[FadeOut(v.label) for v in w.positioned if v.label in w.scene.mobjects],
               run_time=0.4)
        moves.append(plane.zoom_to(widen_to))
    w.play(*moves, run_time=3.0 if slow else 2.2)
    if widen_to is not None:
        w.ticks = tick_labels(plane, clear_of=projection_points(w.trace))
        w.play(plane.relax(), FadeIn(w.ticks), run_time=1.0)
    else:
        w.play(plane.relax(), run_time=1.0)
    for i, r in riders.items():
        r.end = np.array(result[i], float)    # the trace's numbers, exactly
        r.rides = False
    plane.redraw()
    return riders


def _project_quickly(w: Walk, which, result) -> dict:
    """Copies of the chosen positioned vectors, in their words' colours, slide to their results."""
    plane = w.plane
    riders = {i: plane.vector(w.trace.positioned[i], colour=w.colours[i], width=4, rides=False) for i in which}
    if riders:
        w.play(*[FadeIn(r) for r in riders.values()], run_time=0.4)
        w.play(*[move_vector(plane, r, (0, 0), result[i]) for i, r in riders.items()], run_time=1.4)
    return riders


FAMILY_COLOUR = {"search": style.SEARCH, "offer": style.OFFER}


def _project_focus_first(w: Walk, matrix, table: ProjectionTable) -> list:
    """The search vectors, the focus's first and slowly (its row times W_search worked out
    beside the plane's transformation), then the others at once, each in its colour."""
    t, f = w.trace, w.focus
    w.say_next()                        # the focus first, its row times the matrix
    work = _row_times_matrix(w, "search", w.model.W_search, style.SEARCH, matrix)
    riders = _project_with_plane(w, [f], w.model.W_search, t.search, widen_to=fit_view(projection_points(t)))
    w.play(FadeIn(table.header), run_time=0.4)
    _land(w, riders, "search", table)
    w.say_next()                        # then the others, each in its colour
    w.play(FadeOut(work), run_time=0.4)
    others = _project_quickly(w, [i for i in range(t.n) if i != f], t.search)
    _land(w, others, "search", table)
    riders.update(others)
    return [riders[i] for i in range(t.n)]


def _project_all(w: Walk, family: str, table: ProjectionTable, quick: bool) -> list:
    """Every word's `family` vector at once: sliding straight there (quick) or riding the
    plane's transformation by the family's matrix."""
    t = w.trace
    result = getattr(t, family)
    if quick:
        riders = _project_quickly(w, range(t.n), result)
    else:
        riders = _project_with_plane(w, list(range(t.n)), getattr(w.model, f"W_{family}"), result)
    _land(w, riders, family, table)
    return [riders[i] for i in range(t.n)]


def _land(w: Walk, riders: dict, family: str, table: ProjectionTable) -> None:
    """Landed arrows take their family's colour; each is labelled '<word> search' or '<word>
    offer' in its word's colour, and its row of the table fills in."""
    if not riders:
        return
    colour = FAMILY_COLOUR[family]
    t = w.trace
    order = list(riders)
    labels = label_vectors(w.scene, w.plane, [riders[i] for i in order], [f"{t.tokens[i]} {family}" for i in order],
                           [w.colours[i] for i in order], size=18, avoid=list(w.ticks or []))
    w.play(*[r.animate.set_color(colour) for r in riders.values()], *[FadeIn(l) for l in labels],
           *[FadeIn(m) for i in order for m in table.row_parts(i, family)], run_time=0.8)


# -- 5. dot products --------------------------------------------------------------------------

GRID_BIG = Box(PANEL.cx, PANEL.cy + 0.45, PANEL.w, PANEL.h - 1.0)
SOFTMAX_FORMULA = Box(PANEL.cx, PANEL.top - 0.5, PANEL.w, 1.0)
SOFTMAX_TABLE = Box(PANEL.cx, (PANEL.top - 1.1 + PANEL.bottom) / 2, PANEL.w, PANEL.top - 1.1 - PANEL.bottom)


@BEATS.draws("scores")
def scores(w: Walk) -> None:
    """The focus word's search vector against each offer vector it can see, one at a time:
    the offer's shadow on the search direction is drawn and the dot product fills its cell."""
    t, f = w.trace, w.focus
    plane = w.plane
    q = w.search[f]
    keep = [q] + w.offer
    others = [v for v in plane.vectors if v not in keep]
    fade = [FadeOut(v) for v in others] + [FadeOut(v.label) for v in others if v.label is not None]
    fade += [FadeOut(v.label) for v in w.search if v is not q and v.label is not None]
    clear_panel(w, run_time=0.5)
    w.play(*fade, run_time=0.6)
    plane.forget(*others)
    w.grid = ScoreGrid(t.tokens, w.colours, GRID_BIG, hidden=~t.visible, focus=f)
    w.grid.add(sees_label(w.grid, f"each row sees {sees(t)}"))
    unseen = [w.offer[j] for j in range(t.n) if not t.visible[f, j]]   # hidden by the mask
    w.play(FadeIn(w.grid), *[v.animate.set_opacity(0.15) for v in unseen],
           *[v.label.animate.set_opacity(0.3) for v in unseen if v.label is not None], run_time=0.8)
    visible = [j for j in range(t.n) if t.visible[f, j]]
    qv = np.array(t.search[f], float)
    shadow_lengths = geometry(t.search[f], t.offer).shadows          # from the shown vectors
    scaled = "" if t.scale == 1.0 else f" / √{round(1 / t.scale ** 2)}"     # scale: sqrt, said in full
    lanes = ShadowLanes(plane, qv, [t.offer[j] for j in visible])
    feet = {j: (np.array(t.offer[j], float) @ qv) / max(qv @ qv, 1e-12) * qv for j in visible}
    lengths = {j: NumberText(format_number(shadow_lengths[j]), size=18, colour=w.colours[j]) for j in visible}
    spots = place_labels([lanes.point(k, feet[j])[:2] for k, j in enumerate(visible)],
                         [lanes.outward(feet[j])[:2] for j in visible],
                         [(lengths[j].width, lengths[j].height) for j in visible],
                         obstacles=[box_of(m) for _, m in w.labels()] + lanes.obstacles(feet, visible, keep),
                         bounds=PLANE)
    for j, spot in zip(visible, spots):
        lengths[j].move_to([spot.cx, spot.cy, 0])
    search_line = lanes.search_line()
    w.play(Create(search_line), run_time=0.5)
    eq_box = Box(PANEL.cx, PANEL.bottom + 0.3, PANEL.w, 0.55)
    kept = []           # each shadow stays on its own lane, labelled with its length: the longest wins
    for k, j in enumerate(visible):
        slow = k < 2
        o = w.offer[j]
        ov = np.array(t.offer[j], float)
        foot = feet[j]
        drop = DashedLine(plane.to_screen(ov), lanes.point(k, foot), color=style.OFFER_LIGHT, stroke_width=2.5)
        shadow = Line(lanes.point(k, (0, 0)), lanes.point(k, foot), color=w.colours[j], stroke_width=7)
        eq = NumberText(f"{format_vector(t.search[f])} · {format_vector(t.offer[j])}{scaled} = "
                        f"{format_number(t.scores[f, j])}", size=26)
        fit(eq, eq_box)
        score = w.grid.number(f, j, format_number(t.scores[f, j]))
        cell = SurroundingRectangle(w.grid.cells[f][j], color=style.HIGHLIGHT, buff=0.02, stroke_width=3)
        w.play(o.animate.set_color(style.OFFER_LIGHT), q.animate.set_color(style.SEARCH_LIGHT),
               Create(drop), Create(shadow), FadeIn(eq), Create(cell), run_time=1.0 if slow else 0.45)
        w.play(FadeTransform(eq.copy(), score), run_time=0.9 if slow else 0.45)
        w.scene.remove(score)
        w.grid.add(score)
        length = lengths[j]
        w.play(FadeOut(drop), FadeOut(eq), FadeOut(cell), shadow.animate.set_stroke(opacity=0.55), FadeIn(length),
               o.animate.set_color(style.OFFER), q.animate.set_color(style.SEARCH), run_time=0.5 if slow else 0.3)
        kept.append((j, shadow, length))
    best = max(kept, key=lambda item: shadow_lengths[item[0]])
    w.say_next()                     # which shadow is longest, and why, as it is marked
    mark, fill_in = w.stretched([1.0, 1.5], after=0.4 + 0.5)    # slowed to the caption's length
    w.play(best[1].animate.set_stroke(opacity=1.0), Indicate(best[2], color=style.HIGHLIGHT),
           Circumscribe(w.grid.cells[f][best[0]], color=style.HIGHLIGHT, buff=0.02), run_time=mark)
    w.play(*[FadeOut(m) for _, sh, ln in kept for m in (sh, ln)], FadeOut(search_line), run_time=0.4)
    rest = _other_rows(w.grid, t, f)
    w.play(LaggedStart(*[FadeIn(r) for r in rest], lag_ratio=0.04), run_time=fill_in)
    w.scene.remove(*rest)
    w.grid.add(*rest)
    w.panel = VGroup(w.grid)


def _other_rows(grid: ScoreGrid, t, f: int) -> list:
    """What the rest of the grid shows once the focus row is done: every other row's scores,
    muted; or, in a magnified grid, every row as shades (its scores from least to most), the
    focus row first, since its numbers are already on the strip above."""
    if not grid.magnified:
        return [grid.number(i, j, format_number(t.scores[i, j]), colour=style.MUTED)
                for i in range(t.n) for j in range(t.n) if t.visible[i, j] and i != f]
    out = []
    for i in [f] + [i for i in range(t.n) if i != f]:
        seen = [j for j in range(t.n) if t.visible[i, j]]
        low, high = min(t.scores[i, j] for j in seen), max(t.scores[i, j] for j in seen)
        out += [grid.shade(i, j, (t.scores[i, j] - low) / (high - low) if high > low else 1.0) for j in seen]
    return out


def sees_label(anchor, s: str) -> Text:
    """What a grid's rows can see, in small muted words over it."""
    return text(s, size=16, colour=style.MUTED).next_to(anchor, UP, buff=0.06)


def clip_line(point, direction, box: Box) -> tuple[np.ndarray, np.ndarray]:
    """Where the line through `point` along unit `direction` enters and leaves `box`."""
    lo, hi = -np.inf, np.inf
    for axis, (low, high) in enumerate(((box.left, box.right), (box.bottom, box.top))):
        if abs(direction[axis]) < 1e-12:
            continue
        t1, t2 = (low - point[axis]) / direction[axis], (high - point[axis]) / direction[axis]
        lo, hi = max(lo, min(t1, t2)), min(hi, max(t1, t2))
    if lo > hi:                                     # the line misses the box: nothing to draw
        lo = hi = 0.0
    return point + direction * lo, point + direction * hi


class ShadowLanes:
    """Where each offer's shadow on the search line is drawn: side by side, on parallel lanes
    beside the line (on the side with fewer offer tips), so shadows of similar length never
    hide each other and read as a bar chart laid along the search direction."""

    def __init__(self, plane: LivePlane, search, offers):
        self.plane = plane
        a, b = plane.to_screen((0, 0)), plane.to_screen(search)
        self.along = (b - a) / max(np.linalg.norm(b - a), 1e-9)               # screen unit vector
        normal = np.array([-self.along[1], self.along[0], 0.0])
        sides = [np.sign((plane.to_screen(o) - a) @ normal) for o in offers]
        self.across = normal * (-1.0 if sum(sides) > 0 else 1.0)
        self.gap = min(0.2, 1.4 / max(len(offers), 1))

    def point(self, lane: int, p) -> np.ndarray:
        """A plane point (on the search line) moved onto lane `lane`."""
        return self.plane.to_screen(p) + self.across * self.gap * (lane + 1)

    def search_line(self) -> DashedLine:
        """The whole line the search vector lies on, across the plane: where the shadows fall."""
        ends = clip_line(self.plane.to_screen((0, 0)), self.along, self.plane.region)
        return DashedLine(*ends, color=style.SEARCH_LIGHT, stroke_width=1.5, stroke_opacity=0.6)

    def obstacles(self, feet, visible, vectors) -> list:
        """What a shadow's label must keep off: the lanes and the vectors on the plane."""
        out = []
        for k, j in enumerate(visible):
            out += segment_boxes(self.point(k, (0, 0)), self.point(k, feet[j]))
        for v in vectors:
            out += segment_boxes(self.plane.to_screen(v.start), self.plane.to_screen(v.end))
        return out

    def outward(self, foot) -> np.ndarray:
        """Past the end of a shadow: along the search direction, or back for a negative one."""
        screen = self.plane.to_screen(foot) - self.plane.to_screen((0, 0))
        return self.along if screen @ self.along >= 0 else -self.along


# -- 6. softmax -------------------------------------------------------------------------------

@BEATS.draws("softmax")
def softmax(w: Walk) -> None:
    """The focus row of scores becomes weights, one column at a time, every number a step a
    calculator can redo (attnmath.shown.softmax_shown): the scores leave the grid for a table,
    the largest is subtracted, e is raised to each difference, the exponentials are added up,
    each is divided by the sum, and the weights grow as bars in the words' colours."""
    t, f = w.trace, w.focus
    steps = softmax_shown(t.scores[f], t.visible[f])
    shown = [f"{x:.2f}" for x in steps.weights]
    assert shown == format_weights(t.weights[f])       # the chain's weights, whichever way they are made
    table = SoftmaxTable(t.tokens, w.colours, steps, SOFTMAX_TABLE)
    formula = MathTex(r"w_j = \frac{e^{s_j - \max}}{\sum_k e^{s_k - \max}}", font_size=40, color=style.TEXT)
    fit(formula, SOFTMAX_FORMULA)
    w.scene.softmax_tables.append(table.record())
    row = w.grid.row(f).copy()
    w.play(FadeOut(w.grid), FadeTransform(row, table.column("score")), FadeIn(table.words), FadeIn(table.heads[:2]),
           run_time=0.9)
    w.scene.remove(w.grid)
    w.play(FadeIn(formula), run_time=0.6)
    # each step's columns come in at the pace its phrase is read: the picture never waits
    shifted, exp, total, weights = w.stretched([1.0, 1.0, 0.6, 1.0], this_phrase=True)
    for name, run_time in (("shifted", shifted), ("exp", exp)):
        w.play(FadeIn(table.head(name)), LaggedStart(*[FadeIn(c, shift=0.15 * RIGHT) for c in table.column(name)],
                                                     lag_ratio=0.1), run_time=run_time)
    w.play(FadeIn(table.sum_line, shift=0.15 * DOWN), run_time=total)
    w.play(FadeIn(table.head("weight")), LaggedStart(*[FadeIn(c, shift=0.15 * RIGHT) for c in table.column("weight")],
                                                     lag_ratio=0.1), run_time=weights)
    win, facts = w.facts.winner, w.facts
    named = f"{listed(t.tokens[j] for j in facts.top)}: {facts.winner_weight}"

    def names_winner(phrase: str | None) -> bool:        # "…goes to sat: 0.84." (first time or again)
        return phrase is not None and named in phrase

    if not names_winner(w.cue.upcoming):
        w.say_next()                 # between 0 and 1, adding up to 1: the bars show it (the first time)
    (bars,) = w.stretched([1.2], this_phrase=True)
    w.play(LaggedStart(*[GrowFromEdge(b, LEFT) for b in table.bars], lag_ratio=0.1), FadeIn(table.total_line),
           FadeIn(table.note), run_time=bars)
    if not names_winner(w.cue.on_screen):
        w.say_next()                 # the winner is said once the bars have landed
    w.land_on(t.tokens[win], after="goes to")                   # and lights up as it is named
    (mark,) = w.stretched([1.0], this_phrase=True)
    w.play(*[m for j in facts.top for m in (Indicate(table.bars[j], color=style.HIGHLIGHT, scale_factor=1.1),
                                            Indicate(w.chips[j], color=style.HIGHLIGHT))], run_time=mark)
    # the notes, each with what it points at: the words the mask hides, each target that lost (for a
    # set, with the bars of the words that outweigh it)
    notes = [([w.chips[j] for j in facts.hidden], [])] if facts.hidden else []
    if facts.several:               # each target another word outweighs, with the words above it
        notes += [([table.bars[k], w.chips[k]], [table.bars[j] for j in above]) for k, above in facts.outweighed]
    elif facts.target is not None and not facts.target_wins:
        notes.append(([table.bars[facts.target], w.chips[facts.target]], []))
    for marked, above in notes:
        w.say_next()
        (run_time,) = w.stretched([1.0], this_phrase=True)
        w.play(*[Indicate(m, color=style.HIGHLIGHT, scale_factor=1.08) for m in marked],
               *[Indicate(b, color=b.get_fill_color(), scale_factor=1.08) for b in above], run_time=run_time)
    w.panel.add(formula, table)


# -- 7. weighted sum --------------------------------------------------------------------------

@BEATS.draws("weighted_sum")
def weighted_sum(w: Walk) -> None:
    """Back from searches and offers to the words' own vectors: each visible word's vector shrunk
    by its weight and laid tip to tail is the new vector. The weights travel from the softmax
    table into the sum's rows and stay there while they are used; a piece too short to see is
    ringed as it lands; then the new vector is compared with the word it leans on most (the
    angle to that word's vector, before and after)."""
    t, f = w.trace, w.focus
    plane = w.plane
    weights = t.weights[f]
    shown = format_weights(weights)
    visible = [j for j in range(t.n) if t.visible[f, j]]
    rows = [_row(NumberText(shown[j], size=24), text("×", size=24, colour=style.MUTED),
                 NumberText(format_vector(t.values[j]), size=24, colour=w.colours[j]),
                 word(t.tokens[j], size=22, colour=w.colours[j])) for j in visible]
    result = _row(text("=", size=26), NumberText(format_vector(t.outputs[f]), size=26, colour=style.OUTPUT),
                  text(f"new {t.tokens[f]}", size=24, colour=style.OUTPUT))
    heading = text(f"the words' {own(t)}, each × its weight", size=22, colour=style.MUTED)
    column = panel_column([heading] + rows + [result], Box(PANEL.cx, PANEL.cy, PANEL.w, PANEL.h - 0.4))
    # the weights fly from the table to their rows; everything else of the last beats goes
    table = next((m for m in w.panel if isinstance(m, SoftmaxTable)), None)
    flying = [table.column("weight")[j] for j in visible] if table is not None else []
    drop = list(plane.vectors)
    leaving = [m for m in w.panel if m is not table] + ([m for m in table if m is not table.column("weight")]
                                                        if table is not None else [])
    w.play(*[FadeOut(v) for v in drop], *[FadeOut(v.label) for v in drop if v.label is not None],
           *[FadeOut(m) for m in leaving], *[FadeOut(c) for j, c in enumerate(table.column("weight"))
                                            if table is not None and j not in visible],
           *[c.animate.move_to(r[0]) for c, r in zip(flying, rows)], run_time=0.9)
    w.scene.remove(w.panel)
    w.scene.add(*flying)              # the weights stay on screen, now in their rows
    plane.forget(*drop)
    zoom(w, sum_points(t, f))
    values = [plane.vector(t.values[j], colour=w.colours[j], width=3, opacity=0.35) for j in range(t.n)]
    for v in values:
        v.label = None
    labels = label_vectors(w.scene, w.plane, [values[j] for j in visible], [t.tokens[j] for j in visible],
                           [w.colours[j] for j in visible], size=18)
    w.play(*[FadeIn(values[j]) for j in visible], *[FadeIn(l) for l in labels], FadeIn(heading), run_time=0.8)
    cursor = np.zeros(t.values.shape[1])
    for k, j in enumerate(visible):
        piece = plane.vector(t.values[j], colour=w.colours[j], width=5)
        step = weights[j] * np.array(t.values[j], float)
        w.scene.remove(*flying[k:k + 1])
        w.play(FadeIn(rows[k]), run_time=0.5 if k < 2 else 0.3)     # its weight was already there
        w.play(move_vector(plane, piece, cursor, cursor + step), run_time=1.0 if k < 2 else 0.5)
        on_screen = np.linalg.norm(plane.to_screen(cursor + step) - plane.to_screen(cursor))
        if 0 < on_screen < 0.3:                                    # hard to see: ring the short piece
            ring = Circle(radius=0.28, color=w.colours[j], stroke_width=3).move_to(plane.to_screen(cursor + step / 2))
            w.play(Create(ring), Indicate(rows[k], color=w.colours[j], scale_factor=1.05), run_time=0.5)
            w.play(FadeOut(ring), run_time=0.2)
        cursor = cursor + step
    w.output = plane.vector(t.outputs[f], colour=style.OUTPUT, width=7)
    w.output.label = text(f"new {t.tokens[f]}", size=22, colour=style.OUTPUT)
    label_vectors(w.scene, w.plane, [w.output], [f"new {t.tokens[f]}"], [style.OUTPUT])
    w.play(grow(plane, w.output), FadeIn(result), FadeIn(w.output.label), run_time=1.2)
    # compared with the word it leans on: how close the new vector points, and the old one did
    p = pull(t)
    w.say_next()
    if p is not None:
        j, new, old = p
        lean = values[j]
        # the new angle's label on the side with room before the next arrow; the old one's in its wedge
        marks = VGroup(angle_mark(plane, t.outputs[f], t.values[j], new, radius=1.8, others=list(t.values)),
                       angle_mark(plane, t.values[f], t.values[j], old, radius=1.1, narrow=12))
        marks[0][0].set_color(style.OUTPUT)
        marks[1][0].set_color(w.colours[f])
        new_arc, old_arc = w.stretched([0.8, 0.8], after=0.5)             # drawn as the caption is read
        w.land_on(f"{new}°", after="points")                            # each arc as its angle is said
        until_old = w.until_said(f"{old}°", after="pointed")     # at its own speed, done before the next
        w.scene.play(lean.animate.set_opacity(1.0), values[f].animate.set_opacity(1.0), Create(marks[0][0]),
                     FadeIn(marks[0][1]), run_time=min(until_old, w.t(1.2)) if until_old > 0 else w.t(new_arc))
        w.land_on(f"{old}°", after="pointed")
        w.play(Create(marks[1][0]), FadeIn(marks[1][1]), run_time=old_arc)     # the arcs stay on the plane
    else:
        w.play(values[f].animate.set_opacity(1.0), run_time=0.8)
    w.panel = column
    w.scene.add(column)


# -- 8. takeaway ------------------------------------------------------------------------------

@BEATS.draws("takeaway")
def takeaway(w: Walk) -> None:
    """Where the focus word's weight went, stated from the numbers."""
    t = w.trace
    facts = w.facts
    clear_panel(w)
    if facts.several:
        return _takeaway_set(w)
    win, top = facts.winner, facts.top
    focus_leans = [text(t.tokens[facts.focus], size=40, colour=w.colours[facts.focus]),
                   text("leans most on", size=30, colour=style.MUTED)]
    names = [text(t.tokens[j], size=40, colour=w.colours[j]) for j in top]
    if len(top) == 1:
        line1 = _row(*focus_leans, *names)
        weight = NumberText(facts.winner_weight, size=44, colour=style.TEXT)
    else:               # a tie names every word that shares the top weight, and says "each"
        tied = [names[0]]
        for k, name in enumerate(names[1:], start=2):    # "typed and the", "a, b, and c"
            join = "and" if len(names) == 2 else ("," if k < len(names) else ", and")
            tied += [text(join, size=30, colour=style.MUTED), name]
        line1 = VGroup(_line(*focus_leans), _line(*tied)).arrange(DOWN, buff=0.25)
        weight = _line(NumberText(facts.winner_weight, size=44, colour=style.TEXT),
                       text("each", size=30, colour=style.MUTED))
    parts = [line1, weight]
    if facts.target is not None and not facts.target_wins:
        parts.append(_row(text(f"target {t.tokens[facts.target]}:", size=26, colour=style.MUTED),
                          NumberText(facts.target_weight, size=26, colour=w.colours[facts.target])))
    if t.predict:
        parts.append(_row(text("next word:", size=26, colour=style.MUTED), text(t.predict, size=30)))
    column = VGroup(*parts).arrange(DOWN, buff=0.4)
    fit(column, Box(PANEL.cx, PANEL.cy, PANEL.w - 0.3, PANEL.h - 0.6))
    ring = rings_around(w.chips, top)
    # who it leans on while the first phrase is read, then the target and the next word with the rest;
    # narrated, the sentence comes in as it is said and the ring lands on the winner's name
    lead = w.until_said(t.tokens[win], after="leans most on")
    if lead > 0:
        w.scene.play(FadeIn(parts[0], shift=0.2 * UP), run_time=lead)
        w.land_on(t.tokens[win], after="leans most on")
        (first,) = w.stretched([0.8], this_phrase=True)
        w.play(FadeIn(parts[1], shift=0.2 * UP), Create(ring), run_time=first)
    else:
        (first,) = w.stretched([1.2], this_phrase=True)
        w.play(LaggedStart(*[FadeIn(p, shift=0.2 * UP) for p in parts[:2]], lag_ratio=0.3), Create(ring),
               run_time=first)
    if parts[2:]:
        w.say_next()
        (rest,) = w.stretched([0.6 * len(parts[2:])], after=0.5)
        w.play(LaggedStart(*[FadeIn(p, shift=0.2 * UP) for p in parts[2:]], lag_ratio=0.5), run_time=rest)
    w.panel = column


_DESCENDERS = frozenset("gjpqyQ,;()[]")


def _baseline(m) -> float:
    """Where a line of text sits: the median bottom of its letters that have no descender
    (a Text has one glyph per non-space letter); anything else, its bottom."""
    chars = [c for c in getattr(m, "original_text", "") if not c.isspace()]
    if isinstance(m, Text) and len(chars) == len(m.submobjects):
        bottoms = [g.get_bottom()[1] for c, g in zip(chars, m.submobjects) if c not in _DESCENDERS]
        if bottoms:
            return float(np.median(bottoms))
    return float(m.get_bottom()[1])


def _line(*parts, buff: float = 0.22) -> VGroup:
    """Words and numbers of different sizes left to right on one baseline ('your' does not ride
    above '0.19' as it does when centres are aligned)."""
    row = _row(*parts, buff=buff)
    base = _baseline(parts[0])
    for p in parts[1:]:
        p.shift((base - _baseline(p)) * UP)
    return row


def _takeaway_set(w: Walk) -> None:
    """The takeaway for several targets: each target's weight in its word's colour, its chip
    ringed in that colour, the words that outweigh it (or match it) beside it, and the set's
    total. Every number is one of focus_facts' strings."""
    t, facts = w.trace, w.facts
    shown = facts.row_weights
    above, level = dict(facts.outweighed), dict(facts.level)
    header = _line(text(t.tokens[facts.focus], size=40, colour=w.colours[facts.focus]),
                   text("leans on", size=30, colour=style.MUTED))
    rows = []
    for k, weight in zip(facts.targets, facts.target_weights):
        lines = [_line(word(t.tokens[k], size=34, colour=w.colours[k]), NumberText(weight, size=34, colour=w.colours[k]))]
        for note, others in (("below", above.get(k, ())), ("level with", level.get(k, ()))):
            if others:      # under the target, indented: the words that outweigh it, or match it
                lines.append(_line(text(note, size=24, colour=style.MUTED),
                                   *[m for j in others for m in (word(t.tokens[j], size=26, colour=w.colours[j]),
                                                                 NumberText(shown[j], size=26, colour=style.MUTED))]))
        row = VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        for line in lines[1:]:
            line.shift(0.45 * RIGHT)
        rows.append(row)
    targets = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
    total = _line(text("together", size=30, colour=style.MUTED), NumberText(facts.targets_total, size=44))
    parts = [header, targets, total]
    if facts.shares is not None:
        parts.append(_line(text("asked", size=24, colour=style.MUTED),
                           *[m for k, share in zip(facts.targets, facts.shares)
                             for m in (word(t.tokens[k], size=24, colour=w.colours[k]), NumberText(share, size=24))]))
    if t.predict:
        parts.append(_line(text("next word:", size=26, colour=style.MUTED), text(t.predict, size=30)))
    column = VGroup(*parts).arrange(DOWN, buff=0.4)
    fit(column, Box(PANEL.cx, PANEL.cy, PANEL.w - 0.3, PANEL.h - 0.6))
    rings = [SurroundingRectangle(w.chips[k], color=w.colours[k], buff=0.04) for k in facts.targets]
    # the targets and their rings as the first phrase names them, the total with it; the rest after
    first = t.tokens[facts.targets[0]]
    lead = w.until_said(first, after="leans on")
    if lead > 0:
        w.scene.play(FadeIn(header, shift=0.2 * UP), run_time=lead)
        w.land_on(first, after="leans on")
        (run_time,) = w.stretched([1.4], this_phrase=True)
        w.play(LaggedStart(*[AnimationGroup(FadeIn(r, shift=0.2 * UP), Create(ring)) for r, ring in zip(rows, rings)],
                           lag_ratio=0.4), run_time=run_time)
    else:
        (run_time,) = w.stretched([1.6], this_phrase=True, after=0.8)
        w.play(FadeIn(header, shift=0.2 * UP),
               LaggedStart(*[AnimationGroup(FadeIn(r, shift=0.2 * UP), Create(ring)) for r, ring in zip(rows, rings)],
                           lag_ratio=0.4), run_time=run_time)
    (together,) = w.stretched([0.8], this_phrase=True)
    w.play(FadeIn(total, shift=0.2 * UP), run_time=together)
    if parts[3:]:
        w.say_next()
        (rest,) = w.stretched([0.6 * len(parts[3:])], after=0.5)
        w.play(LaggedStart(*[FadeIn(p, shift=0.2 * UP) for p in parts[3:]], lag_ratio=0.5), run_time=rest)
    w.panel = column
