"""Learning W_search and W_offer, and why two dimensions are cramped: the beats of the Learning
and Cramped scenes (scenes/learning.py), also played as sections of the explainer.

Every number comes from attnvid.story.learning (the fit's history, the exact verdicts, the
dimension sweep); these functions only draw, one `with scene.beat(...)` block per beat.
"""
from __future__ import annotations

from typing import Mapping, Optional

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Arrow, BackgroundRectangle, Circle, Create, DashedLine, Dot, GrowArrow,
                   LaggedStart, Line, Polygon, SurroundingRectangle, UpdateFromAlphaFunc, VGroup, VMobject)

from attnmath import format_number, format_weights, hull_order, leaders
from attnvid.story import CRAMPED, LEARNING
from attnvid.story.captions import reading_seconds
from attnvid.story.learning import CrampedData, LearningData

from . import style
from .base import NarratedScene
from .beats import clip_line, grow, label_vectors
from .fading import FadeIn, FadeOut
from .layout import PANEL, PLANE, Box, fit_view
from .pieces import LivePlane, NumberText, fit, matrix_pair, text, tick_labels, word

__all__ = ["play_learning", "play_cramped"]

# The Learning beats: one plane (search and offer space, where alignment is seen) on the left,
# and on the right a strip (step and loss, or the matrices) over one row per phrase.
STRIP = Box(PANEL.cx, PANEL.top - 0.5, PANEL.w, 1.0)
ROWS = Box(PANEL.cx, (PANEL.top - 1.15 + PANEL.bottom) / 2, PANEL.w, PANEL.top - 1.15 - PANEL.bottom)
TRACK_W = 3.6            # a weight of 1.00 as a bar this long
LABEL_SIZE = 20          # every label of the rows, one size
NAME_W = 1.3             # the column of target names before the tracks


class TargetRow(VGroup):
    """One phrase: its words (the target boxed), and the target's weight as a horizontal bar
    on a track as long as 1.00, its value after the track; one label size, whatever the phrase."""

    def __init__(self, number: int, tokens, target: int, colours, box: Box):
        super().__init__()
        words = [word(tok, size=LABEL_SIZE, colour=colours[j]) for j, tok in enumerate(tokens)]
        self.head = VGroup(text(f"{number}.", size=LABEL_SIZE, colour=style.MUTED), *words).arrange(RIGHT, buff=0.14)
        self.ring = SurroundingRectangle(words[target], color=colours[target], buff=0.05, stroke_width=2)
        self.track = Line([0, 0, 0], [TRACK_W, 0, 0], color=style.GRID, stroke_width=10)
        self.bar = Line([0, 0, 0], [0.02, 0, 0], color=colours[target], stroke_width=10)
        self.name = word(f"{tokens[target]}", size=LABEL_SIZE, colour=colours[target], max_width=NAME_W - 0.15)
        # the track starts at the same x in every row, whatever the target's name, so bars compare
        self.name.move_to([self.name.width / 2, 0, 0])
        VGroup(self.track, self.bar).shift(NAME_W * RIGHT)
        line = VGroup(self.name, self.track, self.bar)
        block = VGroup(VGroup(self.head, self.ring), line).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        self.add(block)
        fit(self, box)
        self.move_to([box.left + self.width / 2, box.cy, 0])
        self.zero = self.track.get_start().copy()
        self.unit = (self.track.get_end() - self.track.get_start())[0]

    def set_weight(self, w: float) -> None:
        self.bar.put_start_and_end_on(self.zero, self.zero + np.array([max(float(w), 0.005) * self.unit, 0, 0]))

    def value(self, shown: str, on_top: bool) -> NumberText:
        """The shown weight at the bar's end; bright when the target has its row's top weight."""
        v = NumberText(shown, size=LABEL_SIZE, colour=style.TEXT if on_top else style.MUTED)
        return v.next_to(self.track, RIGHT, buff=0.2)


def play_learning(scene: NarratedScene, data: LearningData, section: bool = True,
                  overrides: Optional[Mapping[str, str]] = None) -> None:
    """Random matrices, training step by step, what was learned: three beats (three sections
    unless section=False, as in the explainer). One plane holds each phrase's focus search
    vector and its target's offer, so training is seen turning them into line; each phrase's
    row holds its target's weight."""
    reqs, hist, rows = data.reqs, data.history, data.rows
    vocabulary = scene.script.model.embeddings
    colour = lambda tok: style.word_colour(tok, vocabulary)
    captions = {part.name: part.text(data, overrides) for part in LEARNING}
    n = len(reqs)
    fx = np.array([r.x[r.focus] for r in reqs])
    tx = np.array([r.x[r.target] for r in reqs])

    def ends(Ws, Wo):
        return fx @ Ws, tx @ Wo                  # (n, k) searches, (n, k) offers

    def view_at(Ws, Wo):
        s, o = ends(Ws, Wo)
        return fit_view(np.vstack([s, o]), region=PLANE)

    plane = LivePlane(view_at(hist[0].W_search, hist[0].W_offer), region=PLANE)
    ticks = tick_labels(plane)
    searches = [plane.vector((0, 0), colour=colour(r.tokens[r.focus]), width=5, rides=False) for r in reqs]
    offers = [plane.vector((0, 0), colour=colour(r.tokens[r.target]), width=5, rides=False) for r in reqs]
    names = [f"search {k + 1}" for k in range(n)] + [f"{r.tokens[r.target]} offer" for r in reqs]
    name_colours = [colour(r.tokens[r.focus]) for r in reqs] + [colour(r.tokens[r.target]) for r in reqs]

    def place(Ws, Wo):
        s, o = ends(Ws, Wo)
        for k in range(n):
            searches[k].end, offers[k].end = s[k], o[k]

    def relabel():
        for v in searches + offers:
            if v.label is not None:
                scene.remove(v.label)
            v.label = None
        return label_vectors(scene, plane, searches + offers, names, name_colours, size=18, avoid=list(ticks))

    slot = ROWS.h / n
    boxes = [Box(ROWS.cx, ROWS.top - (k + 0.5) * slot, ROWS.w, slot - 0.2) for k in range(n)]
    target_rows = [TargetRow(k + 1, r.tokens, r.target, [colour(t) for t in r.tokens], boxes[k])
                   for k, r in enumerate(reqs)]
    target_weight = lambda k, row: float(row[k][reqs[k].target])

    loss_box = Box(STRIP.left + 4.6, STRIP.cy - 0.05, STRIP.w - 4.8, STRIP.h - 0.3)
    axes = VGroup(Line([loss_box.left, loss_box.bottom, 0], [loss_box.right, loss_box.bottom, 0], color=style.AXIS),
                  Line([loss_box.left, loss_box.bottom, 0], [loss_box.left, loss_box.top, 0], color=style.AXIS))
    losses = np.array([h.loss for h in hist])
    steps = np.array([h.step for h in hist])
    top = max(losses.max(), 1e-9)

    def loss_point(i):
        return [loss_box.left + loss_box.w * steps[i] / max(steps[-1], 1), loss_box.bottom + loss_box.h * losses[i] / top, 0]
    curve = VMobject(stroke_color=style.OUTPUT, stroke_width=3).set_points_as_corners([loss_point(0), loss_point(0)])
    counter_cache: dict[str, VGroup] = {}

    def counter_for(i):
        """'step 50' over 'loss 1.966', left of the loss curve."""
        lines = (f"step {hist[i].step}", f"loss {format_number(hist[i].loss, 3)}")
        key = "  ".join(lines)
        if key not in counter_cache:
            block = VGroup(*[NumberText(s, size=LABEL_SIZE, colour=style.MUTED) for s in lines])
            block.arrange(DOWN, aligned_edge=LEFT, buff=0.1).move_to([STRIP.left + 1.1, STRIP.cy, 0], aligned_edge=LEFT)
            block.align_to([STRIP.left + 0.3, 0, 0], LEFT)
            counter_cache[key] = block
        scene.numbers_shown.append(key)
        return counter_cache[key]

    def matrices(Ws, Wo):
        ms, mo = matrix_pair(Ws, Wo, size=LABEL_SIZE)
        return fit(VGroup(ms, mo).arrange(RIGHT, buff=0.5), STRIP)

    def values(row_set):
        lead = [reqs[k].target in leaders(row_set[k], reqs[k].visible) for k in range(n)]
        return [target_rows[k].value(format_weights(row_set[k])[reqs[k].target], lead[k]) for k in range(n)]

    def at_rest():
        """What must not overlap at a beat's end: the vector labels, each row, the strip."""
        on_screen = {id(m) for top in scene.mobjects for m in top.get_family()}
        found = [(v.label.original_text, v.label) for v in searches + offers
                 if v.label is not None and id(v.label) in on_screen]
        # a play that moves the bars takes them into a group of its own: ask for the row's words
        found += [(f"row {k + 1}", tr) for k, tr in enumerate(target_rows) if id(tr.head) in on_screen]
        found += [("strip", m) for m in strip if id(m) in on_screen]
        found += [("title", title)] if id(title) in on_screen else []
        return found

    strip = []                                   # what the strip holds now: matrices, or step and loss
    title = text("Learning W_search and W_offer", size=30).move_to([0, 3.45, 0])
    with scene.beat("random_start", captions["random_start"], section=section, labels=at_rest):
        first = hist[0]
        place(first.W_search, first.W_offer)
        for k, tr in enumerate(target_rows):
            tr.set_weight(target_weight(k, rows[0]))
        mats = matrices(first.W_search, first.W_offer)
        strip[:] = [mats]
        board, arrows, targets = scene.stretched([0.8, 1.0, 1.2], after=0.5)
        scene.play(FadeIn(title), FadeIn(plane), FadeIn(ticks), FadeIn(mats), run_time=scene.t(board))
        labels = relabel()
        scene.play(*[grow(plane, v) for v in searches + offers], *[FadeIn(l) for l in labels], run_time=scene.t(arrows))
        shown = values(rows[0])
        scene.play(LaggedStart(*[FadeIn(tr) for tr in target_rows], lag_ratio=0.25), *[FadeIn(v) for v in shown],
                   run_time=scene.t(targets))

    # training: the recorded history, one short play per recorded step (the step counter
    # changes between plays, never inside one, so every frame shows the step it is at); the
    # view follows the vectors as they grow, its axis numbers put back when it stops
    with scene.beat("training", captions["training"], section=section, labels=at_rest):
        counter = counter_for(0)
        scene.play(FadeOut(mats), *[FadeOut(v) for v in shown], *[FadeOut(v.label) for v in searches + offers],
                   FadeOut(ticks), run_time=scene.t(0.5))
        for v in searches + offers:
            v.label = None
        scene.play(FadeIn(axes), FadeIn(counter), FadeIn(curve), run_time=scene.t(0.5))
        strip[:] = [axes]
        views = [view_at(h.W_search, h.W_offer).as_array() for h in hist]
        moving = VGroup(curve, *[tr.bar for tr in target_rows])
        change = np.abs(np.diff(losses)) + 0.02 * (losses[0] - losses[-1] + 1e-9) / (len(hist) - 1)
        (total,) = scene.stretched([8.0], after=0.5)          # at least 8 s, as long as the caption is read
        durations = np.maximum(scene.t(total) * change / change.sum(), 1 / 15)   # at least a frame each
        for i in range(len(hist) - 1):
            def update(mob, f, i=i):
                Ws = hist[i].W_search + (hist[i + 1].W_search - hist[i].W_search) * f
                Wo = hist[i].W_offer + (hist[i + 1].W_offer - hist[i].W_offer) * f
                place(Ws, Wo)
                plane.view = views[i] + (views[i + 1] - views[i]) * f
                plane.view[4] = views[i + 1][4]
                plane.redraw()
                for k, tr in enumerate(target_rows):
                    tr.set_weight(target_weight(k, rows[i]) + (target_weight(k, rows[i + 1]) - target_weight(k, rows[i])) * f)
                curve.set_points_as_corners([loss_point(m) for m in range(i + 1)]
                                            + [loss_point(i) + (np.array(loss_point(i + 1)) - loss_point(i)) * f])
            scene.play(UpdateFromAlphaFunc(moving, update, rate_func=lambda t: t), run_time=durations[i])
            scene.say_next_if_read()            # the caption's sentences in turn while training runs
            new = counter_for(i + 1)
            scene.remove(counter)
            scene.add(new)
            counter = new
        strip.append(counter)

    with scene.beat("learned", captions["learned"], section=section, labels=at_rest):
        # the model file's rounded matrices and the rows computed on them: the walkthrough's digits
        place(data.W_search, data.W_offer)
        plane.view = view_at(data.W_search, data.W_offer).as_array()
        plane.redraw()
        for k, tr in enumerate(target_rows):
            tr.set_weight(target_weight(k, data.rows_end))
        ticks = tick_labels(plane)
        mats = matrices(data.W_search, data.W_offer)
        shown = values(data.rows_end)
        strip[:] = [mats]
        labels = relabel()
        scene.play(FadeOut(counter), FadeOut(curve), FadeOut(axes), FadeIn(mats), FadeIn(ticks),
                   *[FadeIn(l) for l in labels], *[FadeIn(v) for v in shown], run_time=scene.t(1.0))
        marks = [SurroundingRectangle(v, buff=0.06,
                                      color=style.HIGHLIGHT if won else style.MUTED)
                 for tr, v, won in zip(target_rows, shown, data.winners_at_end)]
        # one mark at a time, as the caption names each target's weight
        (run_time,) = scene.stretched([0.8 * len(marks)], after=0.5)
        scene.play(LaggedStart(*[Create(m) for m in marks], lag_ratio=1.0), run_time=scene.t(run_time))


# -- Cramped --------------------------------------------------------------------------------

def play_cramped(scene: NarratedScene, data: CrampedData, section: bool = True,
                 overrides: Optional[Mapping[str, str]] = None) -> None:
    """The convex hull of the target's rivals with a search direction swept round, then the
    targets' weights fitted again in more dimensions: two beats."""
    r = data.req
    tokens = r.tokens
    visible = [j for j in range(len(tokens)) if r.visible[j]]
    colours = [style.word_colour(tok, scene.script.model.embeddings) for tok in tokens]
    captions = {part.name: part.text(data, overrides) for part in CRAMPED}
    region = Box(-3.2, 0.05, 7.2, 5.9)     # its foot clears a two-line caption
    pts = r.x[visible]
    # centred on the origin, so the search direction can point anywhere and stay on the plane
    plane = LivePlane(fit_view(np.vstack([pts, -pts]), region=region, pad=0.05), region=region)
    vecs = {j: plane.vector(r.x[j], colour=colours[j], width=4) for j in visible}
    for j, v in vecs.items():
        v.label = word(tokens[j], size=24, colour=colours[j])
    label_vectors(scene, plane, list(vecs.values()), [tokens[j] for j in visible], [colours[j] for j in visible],
                  size=24)
    title = text(f'"{r.phrase}": can {tokens[r.focus]} lean most on {tokens[r.target]}?', size=26).move_to([0, 3.55, 0])
    title.scale(min(1.0, 13 / title.width))

    with scene.beat("hull", captions["hull"], section=section) as cue:
        scene.play(FadeIn(title), FadeIn(plane), run_time=scene.t(0.8))
        scene.play(*[FadeIn(v) for v in vecs.values()], *[FadeIn(v.label) for v in vecs.values()], run_time=scene.t(0.8))
        corners = [data.rivals[i] for i in hull_order(r.x[list(data.rivals)])]
        outline = Polygon(*[plane.to_screen(r.x[j]) for j in corners], color=style.MUTED, stroke_width=2,
                          fill_color=style.MUTED, fill_opacity=0.12)
        target_dot = Dot(plane.to_screen(r.x[r.target]), color=colours[r.target], radius=0.09)
        scene.play(Create(outline), FadeIn(target_dot), run_time=scene.t(1.2))
        # the search direction sweeps round; the word it scores highest lights up
        length = 0.45 * min(region.w, region.h) / plane.unit()
        u = plane.vector((length, 0.0), colour=style.SEARCH, width=6)
        # a key in the plane's corner, not a label on the turning arrow (it would cross it)
        key = VGroup(VGroup(Line(ORIGIN, 0.5 * RIGHT, color=style.SEARCH, stroke_width=6),
                            text("search direction", size=20, colour=style.SEARCH)).arrange(RIGHT, buff=0.15),
                     VGroup(Line(ORIGIN, 0.5 * RIGHT, color=style.SEARCH_LIGHT, stroke_width=2),
                            text("equal score", size=20, colour=style.SEARCH_LIGHT)).arrange(RIGHT, buff=0.15))
        key.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        key.move_to([region.left + 0.15 + key.width / 2, region.bottom + 0.15 + key.height / 2, 0])
        key.add_to_back(BackgroundRectangle(key, color=style.BACKGROUND, fill_opacity=0.85, buff=0.08))
        level = Line(np.zeros(3), RIGHT, color=style.SEARCH_LIGHT, stroke_width=2)
        top_texts = {j: VGroup(text("top score:", size=22, colour=style.MUTED), word(tokens[j], size=26, colour=colours[j]))
                     .arrange(RIGHT, buff=0.15).move_to([PANEL.cx + 0.6, 2.6, 0]) for j in visible}
        shown = int(data.winners[0])
        top_slot = VGroup(top_texts[shown])
        scene.play(FadeIn(u), FadeIn(key), FadeIn(top_slot), run_time=scene.t(0.6))
        scene.add(level)
        moving = VGroup(u, level, *vecs.values())

        def at(idx):
            th = data.angles[idx]
            direction = np.array([np.cos(th), np.sin(th)])
            u.end = direction * length
            plane.redraw_vector(u)
            j = int(data.winners[idx])
            p = plane.to_screen(r.x[j])
            # the level line: every point scoring as much as the top word, kept inside the plane
            a, b = clip_line(p, np.array([-direction[1], direction[0], 0.0]), region)
            level.put_start_and_end_on(a, b if np.linalg.norm(b - a) > 1e-6 else a + 1e-3 * RIGHT)
            for m, v in vecs.items():
                v.set_stroke(width=8 if m == j else 4)
        # the sweep lasts as long as the caption takes to read (at least 8 s), its phrases coming
        # in turn while it turns, so the picture moves for as long as the viewer reads; one play
        # per stretch of angles with the same winner and the same phrase
        last = len(data.angles) - 1
        now = cue.reading_left(this_phrase=True) / scene.pace        # before pace, as run times are
        later = [reading_seconds(p) for p in cue.phrases[cue.index + 1:]]
        total = max(8.0, now + sum(later))
        elapsed = np.cumsum([now] + later[:-1]) if later else np.array([])
        cues = {int(round(last * e / total)) for e in elapsed if 0 < e < total}
        changes = sorted({0, last} | cues | {i for i in range(1, last + 1) if data.winners[i] != data.winners[i - 1]})
        for a, b in zip(changes, changes[1:]):
            if a in cues:
                cue.next()
            j = int(data.winners[a])
            if j != shown:
                top_slot.submobjects = [top_texts[j]]
                shown = j
            scene.play(UpdateFromAlphaFunc(moving, lambda m, f, a=a, b=b: at(int(round(a + (b - a) * f))),
                                           rate_func=lambda t: t), run_time=scene.t(total * (b - a) / last))
        hull_pieces = VGroup(outline, target_dot, u, key, level, top_slot)

    with scene.beat("sweep", captions["sweep"], section=section):
        if data.inside:         # the picture of the room a third number gives, then the chart
            room = _Room([r.x[j] for j in visible], [tokens[j] for j in visible],
                         [colours[j] for j in visible], visible.index(r.target),
                         [visible.index(j) for j in corners], ROOM)
            scene.play(FadeOut(hull_pieces), *[FadeOut(v) for v in vecs.values()], *[FadeOut(v.label) for v in vecs.values()],
                       FadeOut(plane), FadeIn(room), run_time=scene.t(0.8))
            room.tilt(scene)
            scene.say_next()                    # with a third number, the target rises off the plane
            room.lift(scene)
            scene.say_next()
            scene.play(FadeOut(room), FadeOut(title), run_time=scene.t(0.8))
        else:
            scene.play(FadeOut(hull_pieces), *[FadeOut(v) for v in vecs.values()], FadeOut(title),
                       *[FadeOut(v.label) for v in vecs.values()], FadeOut(plane), run_time=scene.t(0.8))
        box = Box(0.0, 0.2, 10.0, 4.4)
        # dimensions double along the axis (2, 4, 8, 16, 32, 64 equally apart): a gap where a
        # count was not fitted shows as a gap, not as a neighbour
        low, high = np.log2(data.DIMS[0]), np.log2(data.DIMS[-1])
        xs = {d: box.left + box.w * (np.log2(d) - low) / (high - low) for d in data.DIMS}
        heading = text("each target's weight, fitted again with more dimensions", size=26)
        heading.move_to([0, 3.55, 0]).scale(min(1.0, 13 / heading.width))

        def yv(w):
            return box.bottom + box.h * float(w)
        axes = VGroup(Line([box.left, box.bottom, 0], [box.right, box.bottom, 0], color=style.AXIS),
                      Line([box.left, box.bottom, 0], [box.left, box.top, 0], color=style.AXIS))
        ticks = VGroup(*[text(str(d), size=22, colour=style.MUTED).move_to([x, box.bottom - 0.3, 0]) for d, x in xs.items()],
                       *[text(s, size=20, colour=style.MUTED).move_to([box.left - 0.4, yv(float(s)), 0]) for s in ("0", "0.5", "1")],
                       text("dimensions", size=22, colour=style.MUTED).move_to([box.cx, box.bottom - 0.7, 0]),
                       text("target's weight", size=22, colour=style.MUTED).rotate(np.pi / 2).move_to([box.left - 1.45, box.cy, 0]))
        scene.play(Create(axes), FadeIn(ticks), FadeIn(heading), run_time=scene.t(0.8))
        lines = []
        n = len(data.reqs)
        # end labels: "sat 1.00" right of the last point and the d=2 weight left of the first,
        # spread apart vertically when lines end close together
        right_y = _spread([yv(data.sweep[-1][1][k]) for k in range(n)], 0.32)
        left_y = _spread([yv(data.sweep[0][1][k]) for k in range(n)], 0.32)
        for k, req in enumerate(data.reqs):
            pts = [[xs[d], yv(w[k]), 0] for d, w in data.sweep]
            colour = style.word_colour(req.tokens[req.target], scene.script.model.embeddings)   # the target's
            line = VMobject(stroke_color=colour, stroke_width=4).set_points_as_corners(pts)
            dots = VGroup(*[Dot(p, color=colour, radius=0.06) for p in pts])
            end = VGroup(word(req.tokens[req.target], size=22, colour=colour),
                         NumberText(format_number(data.sweep[-1][1][k]), size=20, colour=colour))
            end.arrange(RIGHT, buff=0.12)
            end.move_to([box.right + 0.25 + end.width / 2, right_y[k], 0])
            start = NumberText(format_number(data.sweep[0][1][k]), size=20, colour=colour)
            start.move_to([box.left - 0.2 - start.width / 2 - 0.45, left_y[k], 0])
            lines.append(VGroup(line, dots, end, start))
        (run_time,) = scene.stretched([2.5], after=0.5)
        scene.play(LaggedStart(*[Create(l[0]) for l in lines], lag_ratio=0.3),
                   *[FadeIn(VGroup(l[1], l[2], l[3])) for l in lines], run_time=scene.t(run_time))


ROOM = Box(-1.0, -0.1, 10.5, 6.2)       # the picture of a third dimension: most of the frame


class _Room(VGroup):
    """The hull's plane seen from an angle, in a third dimension: the hull picture's points as
    dots on a floor (the plane they were on), the target among them; `tilt` turns the floor
    away from the viewer, `lift` raises the target off it and sends a search straight up, which
    scores the target above every word left on the floor (a score is search · x W_offer, the
    same as (search W_offerᵀ) · x, so a direction among these points is a search). A
    schematic: it shows no numbers, only what a third coordinate makes possible."""

    YAW, PITCH = -0.45, 1.0          # radians: how far the floor turns, and tips away, when tilted

    def __init__(self, points, tokens, colours, target: int, corners, region: Box):
        super().__init__()
        # the floor: the points and the origin (where the search starts), padded, as large as
        # the region allows once tipped away, low enough that the risen target stays in frame
        points = np.asarray(points, float)
        lo, hi = np.minimum(points.min(axis=0), 0.0), np.maximum(points.max(axis=0), 0.0)
        pad = 0.2 * (hi - lo).max()
        lo, hi = lo - pad, hi + pad
        scale = min((region.w - 0.6) / (hi - lo)[0], 0.75 * region.h / (hi - lo)[1])
        middle = (lo + hi) / 2
        self.middle, self.drop = np.array([region.cx, region.cy, 0.0]), 0.1 * region.h   # tipped, it sits lower
        flat = lambda p: np.array([*(np.asarray(p, float) - middle) * scale, 0.0])
        self.base = [flat(p) for p in points]
        self.origin = flat((0.0, 0.0))
        self.target, self.corners, self.tokens = target, corners, tokens
        self.rise_by = 0.45 * region.h                                        # how far the target rises
        half = np.array([*(hi - lo) * scale / 2, 0.0])
        self.floor_corners = [half * np.array(s) for s in ((-1, -1, 0), (1, -1, 0), (1, 1, 0), (-1, 1, 0))]
        self.angle, self.z = 0.0, 0.0
        self.floor = Polygon(*[self.at(c) for c in self.floor_corners], color=style.AXIS, stroke_width=2,
                             fill_color=style.AXIS, fill_opacity=0.08)
        self.outline = Polygon(*[self.at(self.base[k]) for k in corners], color=style.MUTED, stroke_width=2,
                               fill_color=style.MUTED, fill_opacity=0.12)
        self.dots = VGroup(*[Dot(self.at(b), color=c, radius=0.09) for b, c in zip(self.base, colours)])
        self.names = VGroup(*[word(tok, size=24, colour=c) for tok, c in zip(tokens, colours)])
        self.flat = VGroup(self.floor, self.outline, self.dots, self.names)
        self.add(self.flat)
        self._place()

    def at(self, p, z: float = 0.0) -> np.ndarray:
        """A point of the floor (p: its offset from the floor's middle, flat) raised z, as seen now."""
        yaw, pitch = self.YAW * self.angle, self.PITCH * self.angle
        x = p[0] * np.cos(yaw) - p[1] * np.sin(yaw)
        y = p[0] * np.sin(yaw) + p[1] * np.cos(yaw)
        centre = self.middle - self.drop * self.angle * UP
        return centre + np.array([x, y * np.cos(pitch) + z * np.sin(pitch), 0.0])

    def _place(self) -> None:
        self.floor.set_points_as_corners([self.at(c) for c in self.floor_corners + self.floor_corners[:1]])
        self.outline.set_points_as_corners([self.at(self.base[k]) for k in self.corners + self.corners[:1]])
        for k, (dot, name) in enumerate(zip(self.dots, self.names)):
            z = self.z if k == self.target else 0.0
            dot.move_to(self.at(self.base[k], z))
        for k, (dot, name) in enumerate(zip(self.dots, self.names)):
            # each name on the side away from the nearest other dot, so close words stay apart
            others = [d.get_center() for d in self.dots if d is not dot]
            nearest = min(others, key=lambda c: np.linalg.norm(c - dot.get_center()))
            name.next_to(dot, LEFT if nearest[0] > dot.get_center()[0] else RIGHT, buff=0.12)

    def tilt(self, scene: NarratedScene) -> None:
        """The floor turns away: the flat picture becomes a plane in space."""
        axis = Line(self.at(self.origin), self.at(self.origin) + 1e-4 * RIGHT, color=style.AXIS, stroke_width=3)

        def step(m, f):
            self.angle = f
            self._place()
            axis.put_start_and_end_on(self.at(self.origin), self.at(self.origin, 1.15 * self.rise_by * f) + 1e-4 * RIGHT)
        (run_time,) = scene.stretched([2.0], this_phrase=True)
        self.add(axis)
        scene.play(UpdateFromAlphaFunc(self, step), run_time=scene.t(run_time))

    def lift(self, scene: NarratedScene) -> None:
        """The target rises off the floor (a dashed line to where it was), then a search points
        straight up: every word left on the floor scores 0 against it, the target more."""
        start = self.at(self.base[self.target])
        colour = self.dots[self.target].get_color()
        drop = DashedLine(start, start + 1e-3 * RIGHT, color=colour, stroke_width=3)
        was = Circle(radius=0.09, color=colour, stroke_width=2).move_to(start)      # where it sat on the floor

        def rise(m, f):
            self.z = f * self.rise_by
            self._place()
            # drawn again each frame: stretching a dashed line would stretch its dashes too
            drop.become(DashedLine(start, self.at(self.base[self.target], self.z) + 1e-3 * UP, color=colour,
                                   stroke_width=3))
        search = Arrow(self.at(self.origin), self.at(self.origin, 0.8 * self.rise_by), buff=0, color=style.SEARCH,
                       stroke_width=6, max_tip_length_to_length_ratio=0.15)
        name = text("search", size=24, colour=style.SEARCH).next_to(search.get_end(), LEFT, buff=0.15)
        top = VGroup(text("top score:", size=24, colour=style.MUTED),
                     word(self.tokens[self.target], size=26, colour=self.dots[self.target].get_color()))
        top.arrange(RIGHT, buff=0.15).move_to([PANEL.cx + 0.6, 2.6, 0])
        up, point = scene.stretched([1.6, 1.4], this_phrase=True, after=0.5)
        self.add(was, drop)
        scene.play(UpdateFromAlphaFunc(self, rise), run_time=scene.t(up))
        scene.play(GrowArrow(search), FadeIn(name), FadeIn(top),
                   *[d.animate.set_opacity(0.4) for k, d in enumerate(self.dots) if k != self.target],
                   run_time=scene.t(point))
        scene.remove(search, name, top)         # from here on parts of the picture, leaving with it
        self.add(search, name, top)


def _spread(ys, gap):
    """Move label heights apart so consecutive ones are at least `gap` apart, keeping order."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for a, b in zip(order, order[1:]):
        if out[b] - out[a] < gap:
            out[b] = out[a] + gap
    return out
