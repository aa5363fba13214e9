"""Learning W_search and W_offer, and why two dimensions are cramped: the beats of the Learning
and Cramped scenes (scenes/learning.py), also played as sections of the explainer.

Every number comes from attnvid.story.learning (the fit's history, the exact verdicts, the
dimension sweep); these functions only draw, one `with scene.beat(...)` block per beat.
"""
from __future__ import annotations

from typing import Mapping, Optional

import numpy as np
from manim import (DOWN, LEFT, RIGHT, BackgroundRectangle, Create, Dot, LaggedStart, Line, Polygon,
                   ReplacementTransform, SurroundingRectangle, UpdateFromAlphaFunc, VGroup, VMobject)

from attnmath import format_number, format_weights, hull_order
from attnvid.story import CRAMPED, LEARNING
from attnvid.story.learning import CrampedData, LearningData

from . import style
from .base import NarratedScene
from .beats import label_vectors
from .fading import FadeIn, FadeOut
from .layout import PANEL, Box, fit_view
from .pieces import LivePlane, NumberText, WeightBars, matrix_pair, text, word

__all__ = ["play_learning", "play_cramped"]

SEARCH_BOX = Box(-3.75, 1.3, 6.3, 2.5)
OFFER_BOX = Box(-3.75, -1.45, 6.3, 2.5)


def _matrices_beside_planes(W_search, W_offer) -> VGroup:
    """The two matrices, each at the top right of the plane it transforms."""
    ms, mo = matrix_pair(W_search, W_offer, size=20)
    ms.move_to([SEARCH_BOX.right - 1.5, SEARCH_BOX.top - 0.55, 0])
    mo.move_to([OFFER_BOX.right - 1.5, OFFER_BOX.top - 0.55, 0])
    return VGroup(ms, mo)


# -- Learning -------------------------------------------------------------------------------

def _bars(reqs, rows, k, box: Box, vocabulary):
    r = reqs[k]
    colours = [style.word_colour(tok, vocabulary) for tok in r.tokens]
    shown = format_weights(rows[k])
    return WeightBars(r.tokens, colours, rows[k], shown, box, [not v for v in r.visible])


def play_learning(scene: NarratedScene, data: LearningData, section: bool = True,
                  overrides: Optional[Mapping[str, str]] = None) -> None:
    """Random matrices, training step by step, what was learned: three beats (three sections
    unless section=False, as in the explainer)."""
    reqs, hist, rows = data.reqs, data.history, data.rows
    first = hist[0]
    targets = [r.tokens[r.target] for r in reqs]
    vocabulary = scene.script.model.embeddings

    winners_end = data.winners_at_end
    captions = {part.name: part.text(data, overrides) for part in LEARNING}

    # planes: the grid shows W^T acting (row vectors: x @ W); focus vectors ride on one,
    # target vectors on the other
    def view_for(vectors_by_step):
        return fit_view(np.vstack(vectors_by_step), region=SEARCH_BOX)
    fx = np.array([r.x[r.focus] for r in reqs])
    tx = np.array([r.x[r.target] for r in reqs])
    search_plane = LivePlane(view_for([fx] + [fx @ h.W_search for h in hist]), region=SEARCH_BOX)
    offer_plane = LivePlane(view_for([tx] + [tx @ h.W_offer for h in hist]), region=OFFER_BOX)
    s_vecs = [search_plane.vector(fx[k], colour=style.word_colour(r.tokens[r.focus], vocabulary)) for k, r in enumerate(reqs)]
    o_vecs = [offer_plane.vector(tx[k], colour=style.word_colour(targets[k], vocabulary)) for k in range(len(reqs))]
    for k, v in enumerate(o_vecs):
        v.label = word(targets[k], size=20, colour=style.word_colour(targets[k], vocabulary))
        v.label_offset = np.array([0.0, 0.25, 0.0])
    names = VGroup(text("W_search acting on each focus word", size=20, colour=style.SEARCH),
                   text("W_offer acting on each target", size=20, colour=style.OFFER))
    names[0].next_to([SEARCH_BOX.left, SEARCH_BOX.top, 0], DOWN + RIGHT, buff=0.12)
    names[1].next_to([OFFER_BOX.left, OFFER_BOX.top, 0], DOWN + RIGHT, buff=0.12)

    n = len(reqs)
    slot = PANEL.w / n
    boxes = [Box(PANEL.left + (k + 0.5) * slot, PANEL.top - 2.05, slot - 0.25, 3.3) for k in range(n)]
    labels = VGroup()
    for k, (r, b) in enumerate(zip(reqs, boxes)):
        lines = VGroup(text(r.phrase, size=18, colour=style.TEXT),
                       text(f"{r.tokens[r.focus]} → {r.tokens[r.target]}", size=18, colour=style.TEXT))
        lines.arrange(DOWN, buff=0.08)
        lines.scale(min(1.0, b.w * 0.95 / lines.width)).move_to([b.cx, b.top + 0.35, 0])
        labels.add(lines)
    loss_box = Box(PANEL.cx + 0.4, PANEL.bottom + 0.65, PANEL.w - 1.0, 1.0)
    loss_frame = VGroup(Line([loss_box.left, loss_box.bottom, 0], [loss_box.right, loss_box.bottom, 0], color=style.AXIS),
                        Line([loss_box.left, loss_box.bottom, 0], [loss_box.left, loss_box.top, 0], color=style.AXIS),
                        text("loss", size=18, colour=style.MUTED).next_to([loss_box.left, loss_box.cy, 0], LEFT, buff=0.15))
    losses = np.array([h.loss for h in hist])
    steps = np.array([h.step for h in hist])
    top = max(losses.max(), 1e-9)

    def loss_point(i):
        return [loss_box.left + loss_box.w * steps[i] / max(steps[-1], 1), loss_box.bottom + loss_box.h * losses[i] / top, 0]
    curve = VMobject(stroke_color=style.OUTPUT, stroke_width=3).set_points_as_corners([loss_point(0), loss_point(0)])

    counter_cache: dict[str, NumberText] = {}

    def counter_for(i):
        s = f"step {hist[i].step}  loss {format_number(hist[i].loss, 3)}"
        if s not in counter_cache:
            counter_cache[s] = NumberText(s, size=20, colour=style.MUTED).move_to([PANEL.cx, 3.55, 0])
        scene.numbers_shown.append(s)
        return counter_cache[s]

    title = text("Learning W_search and W_offer", size=30).move_to([-3.75, 3.55, 0])

    with scene.beat("random_start", captions["random_start"], section=section):
        bars = [_bars(reqs, rows[0], k, boxes[k], vocabulary) for k in range(n)]
        mats = _matrices_beside_planes(first.W_search, first.W_offer)
        counter = counter_for(0)
        scene.play(FadeIn(title), FadeIn(search_plane), FadeIn(offer_plane), FadeIn(names), run_time=scene.t(1.0))
        scene.play(*[FadeIn(v) for v in s_vecs + o_vecs], *[FadeIn(v.label) for v in o_vecs], run_time=scene.t(0.6))
        scene.play(search_plane.transform_by(first.W_search.T), offer_plane.transform_by(first.W_offer.T),
                   FadeIn(mats), run_time=scene.t(1.6))
        scene.play(*[FadeIn(b) for b in bars], FadeIn(labels), FadeIn(loss_frame), FadeIn(counter),
                   run_time=scene.t(1.2))

    # training: the recorded history, one short play per recorded step (the step counter
    # changes between plays, never inside one, so every frame shows the step it is at)
    with scene.beat("training", captions["training"], section=section):
        scene.play(*[FadeOut(b.values) for b in bars], FadeOut(mats), FadeIn(curve), run_time=scene.t(0.5))
        base = [b.baseline.get_y() for b in bars]
        max_h = [boxes[k].h - 0.95 for k in range(n)]
        moving = VGroup(curve, *[b.bars for b in bars])
        # time follows change: the steps where the loss moves most get the most screen time
        change = np.abs(np.diff(losses)) + 0.02 * (losses[0] - losses[-1] + 1e-9) / (len(hist) - 1)
        durations = np.maximum(scene.t(8) * change / change.sum(), 1 / 15)   # at least a frame each
        for i in range(len(hist) - 1):
            def update(mob, f, i=i):
                Ws = hist[i].W_search + (hist[i + 1].W_search - hist[i].W_search) * f
                Wo = hist[i].W_offer + (hist[i + 1].W_offer - hist[i].W_offer) * f
                search_plane.matrix, offer_plane.matrix = Ws.T, Wo.T
                search_plane.redraw()
                offer_plane.redraw()
                for k, b in enumerate(bars):
                    row = rows[i][k] + (rows[i + 1][k] - rows[i][k]) * f
                    for j, bar in enumerate(b.bars):
                        h = max(float(row[j]) * max_h[k], 0.02)
                        bar.stretch_to_fit_height(h)
                        bar.move_to([bar.get_x(), base[k] + h / 2, 0])
                curve.set_points_as_corners([loss_point(m) for m in range(i + 1)] + [loss_point(i) + (np.array(loss_point(i + 1)) - loss_point(i)) * f])
            scene.play(UpdateFromAlphaFunc(moving, update, rate_func=lambda t: t), run_time=durations[i])
            new = counter_for(i + 1)
            scene.remove(counter)
            scene.add(new)
            counter = new

    with scene.beat("learned", captions["learned"], section=section):
        final = [_bars(reqs, data.rows_end, k, boxes[k], vocabulary) for k in range(n)]
        mats = _matrices_beside_planes(data.W_search, data.W_offer)
        for m in mats:
            m.add_to_back(BackgroundRectangle(m, color=style.BACKGROUND, fill_opacity=0.85, buff=0.08))
        scene.play(*[ReplacementTransform(old, new) for old, new in zip(bars, final)], FadeIn(mats),
                   run_time=scene.t(1.0))
        marks = []
        for k, r in enumerate(reqs):
            marks.append(SurroundingRectangle(final[k].bars[r.target], buff=0.05,
                                              color=style.HIGHLIGHT if winners_end[k] else style.MUTED))
        scene.play(*[Create(m) for m in marks], run_time=scene.t(0.8))


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
    region = Box(-3.2, -0.1, 7.2, 6.2)
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

    with scene.beat("hull", captions["hull"], section=section):
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
        u.label = text("search direction", size=18, colour=style.SEARCH)
        level = Line(np.zeros(3), RIGHT, color=style.SEARCH_LIGHT, stroke_width=2)
        top_texts = {j: VGroup(text("top score:", size=22, colour=style.MUTED), word(tokens[j], size=26, colour=colours[j]))
                     .arrange(RIGHT, buff=0.15).move_to([PANEL.cx + 0.6, 2.6, 0]) for j in visible}
        shown = int(data.winners[0])
        top_slot = VGroup(top_texts[shown])
        scene.play(FadeIn(u), FadeIn(u.label), FadeIn(top_slot), run_time=scene.t(0.6))
        scene.add(level)
        moving = VGroup(u, level, *vecs.values())

        def at(idx):
            th = data.angles[idx]
            direction = np.array([np.cos(th), np.sin(th)])
            u.end = direction * length
            plane.redraw_vector(u)
            j = int(data.winners[idx])
            p = plane.to_screen(r.x[j])
            perp = np.array([-direction[1], direction[0], 0.0]) * 1.6
            level.put_start_and_end_on(p - perp, p + perp)
            for m, v in vecs.items():
                v.set_stroke(width=8 if m == j else 4)
        # one play per stretch of angles with the same winner; the "top score" word changes between plays
        changes = [0] + [i for i in range(1, len(data.angles)) if data.winners[i] != data.winners[i - 1]] + [len(data.angles) - 1]
        total = scene.t(8)
        for a, b in zip(changes, changes[1:]):
            if b <= a:
                continue
            j = int(data.winners[a])
            if j != shown:
                top_slot.submobjects = [top_texts[j]]
                shown = j
            scene.play(UpdateFromAlphaFunc(moving, lambda m, f, a=a, b=b: at(int(round(a + (b - a) * f))),
                                           rate_func=lambda t: t), run_time=total * (b - a) / (len(data.angles) - 1))
        hull_pieces = VGroup(outline, target_dot, u, u.label, level, top_slot)

    with scene.beat("sweep", captions["sweep"], section=section):
        scene.play(FadeOut(hull_pieces), *[FadeOut(v) for v in vecs.values()],
                   *[FadeOut(v.label) for v in vecs.values()], FadeOut(plane), run_time=scene.t(0.8))
        box = Box(0.0, 0.2, 10.0, 4.4)
        xs = {d: box.left + box.w * i / (len(data.DIMS) - 1) for i, d in enumerate(data.DIMS)}

        def yv(w):
            return box.bottom + box.h * float(w)
        axes = VGroup(Line([box.left, box.bottom, 0], [box.right, box.bottom, 0], color=style.AXIS),
                      Line([box.left, box.bottom, 0], [box.left, box.top, 0], color=style.AXIS))
        ticks = VGroup(*[text(str(d), size=22, colour=style.MUTED).move_to([x, box.bottom - 0.3, 0]) for d, x in xs.items()],
                       *[text(s, size=20, colour=style.MUTED).move_to([box.left - 0.4, yv(float(s)), 0]) for s in ("0", "0.5", "1")],
                       text("dimensions", size=22, colour=style.MUTED).move_to([box.cx, box.bottom - 0.7, 0]),
                       text("target's weight", size=22, colour=style.MUTED).rotate(np.pi / 2).move_to([box.left - 1.45, box.cy, 0]))
        scene.play(Create(axes), FadeIn(ticks), run_time=scene.t(0.8))
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
        scene.play(LaggedStart(*[Create(l[0]) for l in lines], lag_ratio=0.3),
                   *[FadeIn(VGroup(l[1], l[2], l[3])) for l in lines], run_time=scene.t(2.5))


def _spread(ys, gap):
    """Move label heights apart so consecutive ones are at least `gap` apart, keeping order."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for a, b in zip(order, order[1:]):
        if out[b] - out[a] < gap:
            out[b] = out[a] + gap
    return out
