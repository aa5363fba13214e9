"""Two heads side by side: the TwoHeads scene's beats, also the explainer's two_heads section.

Each head is a plane of its own with the same words: the focus's search under that head's
W_search, every visible word's offer under its W_offer, and beside it the focus's scores and
weights. Then each head's weighted sum, the two joined end to end; then both heads' weights for
every word as grids side by side (the attention-pattern view of BertViz); then what more heads
cannot do (a target inside the outline of the others stays behind in every head). Every number
is a NumberText of attnvid.story.heads, computed from the heads' shown traces.
"""
from __future__ import annotations

from typing import Mapping, Optional

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Brace, Create, Dot, Indicate, LaggedStart, Line, Polygon, Rectangle,
                   SurroundingRectangle, Transform, VGroup)

from attnmath import format_vector, format_weights, hull_order
from attnvid.story import TWO_HEADS
from attnvid.story.heads import HeadsData, HeadView

from . import style
from .base import NarratedScene
from .beats import place_vector_labels
from .fading import FadeIn, FadeOut
from .layout import Box, fit_view
from .pieces import LivePlane, NumberText, box_of, fit, text, tick_labels, word

__all__ = ["play_two_heads"]

COLUMNS = (Box(-3.58, 0.0, 6.9, 7.0), Box(3.58, 0.0, 6.9, 7.0))   # one per head, the caption below
TITLE_Y = 3.6
HEADER_Y = 3.08
PLANE_H = 3.3
ROW = 0.4               # one line of the score list


def play_two_heads(scene: NarratedScene, data: HeadsData, section: bool = True,
                   overrides: Optional[Mapping[str, str]] = None) -> None:
    """Four beats: the heads, their joined output, their patterns, their limits."""
    captions = {part.name: part.text(data, overrides) for part in TWO_HEADS}
    vocabulary = data.script.model.embeddings
    colour = lambda tok: style.word_colour(tok, vocabulary)
    p = data.phrase
    focus = p.tokens[p.focus]
    title = text(f'"{p.text}": {focus} should lean on ' + " and ".join(p.tokens[j] for j in p.targets), size=26)
    title.move_to([0, TITLE_Y, 0]).scale(min(1.0, 13.4 / title.width))
    headers = VGroup(*[text(f"head {h + 1}", size=26, colour=style.MUTED).move_to([c.cx, HEADER_Y, 0])
                       for h, c in enumerate(COLUMNS)])
    heads = [_HeadColumn(view, box, colour) for view, box in zip(data.views, COLUMNS)]

    def heads_labels():
        out = [("title", title)] + [(f"head {k + 1}", m) for k, m in enumerate(headers)]
        for k, h in enumerate(heads):
            out += [(f"head {k + 1} {a.label.text}", a.label) for a in h.arrows]
            out.append((f"head {k + 1} rows", h.rows))
        return out

    with scene.beat("heads", captions["heads"], section=section, labels=heads_labels):
        (first,) = scene.stretched([1.2], this_phrase=True)
        scene.play(FadeIn(title), FadeIn(headers), *[FadeIn(h.plane) for h in heads], run_time=scene.t(first))
        scene.say_next()
        # the same words in both planes, each head's own search and offers
        grow_in, rows_in = scene.stretched([1.4, 1.2], this_phrase=True)
        scene.play(*[FadeIn(m) for h in heads for m in h.arrows + h.labels], run_time=scene.t(grow_in))
        scene.play(*[FadeIn(h.rows, shift=0.1 * UP) for h in heads], run_time=scene.t(rows_in))
        scene.say_next()
        # each head's top word lights up as it is named; the second takes the rest of the phrase
        for h, head_top in zip(heads, (data.views[0].top, data.views[1].top)):
            scene.land_on(p.tokens[head_top], after="weight to" if h is heads[0] else "head 2 to")
            (run_time,) = [0.8] if h is heads[0] else scene.stretched([0.8], this_phrase=True)
            scene.play(FadeIn(h.mark(head_top)), Indicate(h.arrows_by_word[head_top], color=style.HIGHLIGHT),
                       run_time=scene.t(run_time))

    with scene.beat("joined", captions["joined"], section=section,
                    labels=lambda: [("title", title), *[(f"sum {k + 1}", m) for k, m in enumerate(sums)],
                                    ("joined", line), ("braces", braces)]):
        sums = [h.weighted_sum() for h in heads]
        for s in sums:
            s.shift(2.3 * UP)          # where the plane was: the sums take the heads' columns
        scene.play(*[FadeOut(h.rows) for h in heads], *[FadeOut(h.marks) for h in heads],
                   *[FadeOut(h.plane) for h in heads], *[FadeOut(m) for h in heads for m in h.arrows + h.labels],
                   run_time=scene.t(0.6))
        scene.play(*[FadeIn(s, shift=0.1 * UP) for s in sums], run_time=scene.t(1.0))
        results = [s.result for s in sums]
        joined = NumberText(data.joined, size=30, colour=style.OUTPUT)
        name = text(f"{focus}'s new vector", size=24, colour=style.MUTED)
        line = VGroup(name, joined).arrange(RIGHT, buff=0.3).move_to([0, -1.45, 0])
        halves = _halves(joined, [r.shown for r in results])
        braces = VGroup(*[VGroup(b := Brace(half, DOWN, buff=0.08, color=style.MUTED),
                                 text(f"head {k + 1}", size=22, colour=style.MUTED).next_to(b, DOWN, buff=0.08))
                          for k, half in enumerate(halves)])
        (move,) = scene.stretched([1.6], after=0.8)
        copies = [r.copy() for r in results]
        scene.play(*[Transform(c, half) for c, half in zip(copies, halves)], FadeIn(name),
                   run_time=scene.t(move))
        scene.remove(*copies)
        scene.add(joined)
        scene.play(FadeIn(braces), run_time=scene.t(0.8))
        joined_group = VGroup(line, braces)

    grids = [_WeightGrid(view, box, colour, f"head {k + 1}") for k, (view, box) in
             enumerate(zip(data.views, (Box(-3.58, 0.35, 6.6, 5.3), Box(3.58, 0.35, 6.6, 5.3))))]
    with scene.beat("patterns", captions["patterns"], section=section,
                    labels=lambda: [("title", title), *[(f"grid {k + 1}", g) for k, g in enumerate(grids)]]):
        scene.play(FadeOut(headers), *[FadeOut(s) for s in sums], FadeOut(joined_group), run_time=scene.t(0.6))
        # the grids row by row while the first phrase is read, the focus's row outlined with the second
        (show,) = scene.stretched([1.6], this_phrase=True)
        appear = [anim for g in grids for anim in (
            FadeIn(g.frame_parts), LaggedStart(*[FadeIn(r, shift=0.05 * RIGHT) for r in g.rows], lag_ratio=0.3))]
        scene.play(*appear, run_time=scene.t(show))
        scene.say_next()
        (outline,) = scene.stretched([1.0], this_phrase=True)
        scene.play(*[Create(g.focus_outline) for g in grids], run_time=scene.t(outline))

    shown: list = []
    with scene.beat("limits", captions["limits"], section=section, labels=lambda: shown):
        scene.play(FadeOut(title), *[FadeOut(g) for g in grids], *[FadeOut(g.focus_outline) for g in grids],
                   run_time=scene.t(0.6))
        if data.stuck is not None:
            shown += _play_stuck(scene, data, colour)
        else:
            (hold,) = scene.stretched([1.0])
            scene.wait(scene.t(hold))


class _HeadColumn:
    """One head: its plane (the focus's search and the visible words' offers) and its list of the
    focus's scores and weights, one line per word it sees."""

    def __init__(self, view: HeadView, box: Box, colour):
        t, f = view.trace, view.trace.focus
        self.view, self.box, self.colour = view, box, colour
        seen = view.visible
        points = np.vstack([t.search[f], t.offer[seen]])
        region = Box(box.cx, HEADER_Y - 0.3 - PLANE_H / 2, box.w - 0.3, PLANE_H)
        self.plane = LivePlane(fit_view(points, region=region, pad=0.14), region=region)
        self.search = self.plane.vector(t.search[f], colour=style.SEARCH, width=5)
        self.offers = [self.plane.vector(t.offer[j], colour=style.OFFER, width=4) for j in seen]
        self.arrows = [self.search] + self.offers
        self.arrows_by_word = dict(zip(seen, self.offers))
        names = [f"{t.tokens[f]}'s search"] + [t.tokens[j] for j in seen]
        colours = [style.SEARCH] + [colour(t.tokens[j]) for j in seen]
        for arrow, name, c in zip(self.arrows, names, colours):
            arrow.label = word(name, size=20, colour=c, max_width=2.2)
        self.ticks = tick_labels(self.plane, clear_of=points)
        place_vector_labels(self.plane, self.arrows, region, obstacles=[box_of(m) for m in self.ticks])
        self.labels = [a.label for a in self.arrows] + [self.ticks]
        # the focus's row: word, search · offer = score, weight (shown; adds up by hand)
        lines = []
        for j in seen:
            lines.append(VGroup(word(t.tokens[j], size=20, colour=colour(t.tokens[j])),
                                NumberText(view.score_line(j), size=18),
                                NumberText(view.weights[j], size=20)))
        heads = VGroup(text("word", size=16, colour=style.MUTED), text("search · offer = score", size=16, colour=style.MUTED),
                       text("weight", size=16, colour=style.MUTED))
        grid = VGroup(heads, *lines)
        cells = [m for line in grid for m in line]
        table = VGroup(*cells).arrange_in_grid(rows=len(grid), cols=3, buff=(0.3, 0.12), col_alignments="lrr")
        self.lines = lines
        parts = [table]
        top = view.top
        if t.scores[f, top] < 0:      # said where it is true: softmax compares, the sign does not matter
            parts.append(text(f"every score is below 0; the largest, {t.scores[f, top]:.2f}, still gets the most",
                              size=17, colour=style.MUTED))
        rows_box = Box(box.cx, region.bottom - 0.2 - 1.05, box.w - 0.4, 2.0)
        # hung from the box's top, so the two heads' tables start on one line even when only
        # one of them has a note under it
        self.rows = fit(VGroup(*parts).arrange(DOWN, buff=0.12), rows_box).align_to([0, rows_box.top, 0], UP)
        self.marks = VGroup()

    def mark(self, j: int):
        """The focus's top word in this head: its line boxed."""
        k = self.view.visible.index(j)
        m = SurroundingRectangle(self.lines[k], color=style.HIGHLIGHT, buff=0.06, stroke_width=2)
        self.marks.add(m)
        return m

    def weighted_sum(self) -> VGroup:
        """The focus's new vector from this head: weight × vector, one line per word it sees,
        then their sum (the rows redo by hand: tests/scene_support.redo_equations)."""
        t, view = self.view.trace, self.view
        rows = VGroup()
        for j in view.visible:
            rows.add(VGroup(word(t.tokens[j], size=24, colour=self.colour(t.tokens[j])),
                            NumberText(view.weights[j], size=26), text("×", size=26, colour=style.MUTED),
                            NumberText(format_vector(t.values[j]), size=26)).arrange(RIGHT, buff=0.18))
        rows.arrange(DOWN, aligned_edge=RIGHT, buff=0.16)
        rule = Line(ORIGIN, rows[0][1:].width * RIGHT, stroke_width=1.5, color=style.MUTED)
        rule.next_to(rows, DOWN, buff=0.12).align_to(rows, RIGHT)
        result = NumberText(view.output, size=28, colour=style.OUTPUT).next_to(rule, DOWN, buff=0.14).align_to(rows, RIGHT)
        label = text("Σ weight × vector (word + position)", size=20, colour=style.MUTED).next_to(rows, UP, buff=0.2)
        group = VGroup(label, rows, rule, result)
        fit(group, Box(self.box.cx, -1.0, self.box.w - 0.8, 3.0))
        group.result = result
        return group


def _halves(joined: NumberText, parts: list[str]) -> list[VGroup]:
    """The glyphs of the joined vector that came from each head: '[a, b' and 'c, d]'."""
    glyphs = [g for g in joined.submobjects]
    chars = [c for c in joined.shown if not c.isspace()]
    assert len(chars) == len(glyphs), (joined.shown, len(glyphs))
    first = len([c for c in parts[0].rstrip("]") if not c.isspace()])       # '[a, b' then ', ' then 'c, d]'
    return [VGroup(*glyphs[:first]), VGroup(*glyphs[first + 1:])]


class _WeightGrid(VGroup):
    """A head's weights for every word of the phrase: row i the word looking, column j the word
    looked at, each cell lit in proportion to its weight and holding it; the focus's row outlined."""

    def __init__(self, view: HeadView, box: Box, colour, name: str):
        super().__init__()
        t = view.trace
        n = t.n
        label_w = 1.3
        cell = min((box.w - label_w) / n, (box.h - 0.95) / n)
        left = box.cx - (label_w + n * cell) / 2 + label_w
        top = box.top - 0.95
        self.rows = VGroup()
        for i in range(n):
            shown = format_weights(t.weights[i])
            cells = VGroup()
            self.rows.add(cells)
            for j in range(n):
                hidden = not t.visible[i, j]
                w = float(t.weights[i, j])
                r = Rectangle(width=cell, height=cell, stroke_width=1, stroke_color=style.MASKED_EDGE if hidden else style.GRID,
                              fill_color=style.MASKED if hidden else style.OUTPUT,
                              fill_opacity=1.0 if hidden else 0.06 + 0.8 * w)
                r.move_to([left + (j + 0.5) * cell, top - (i + 0.5) * cell, 0])
                cells.add(r)
                if not hidden:
                    num = NumberText(shown[j], size=18, colour=style.BACKGROUND if w > 0.5 else style.TEXT)
                    cells.add(num.scale(min(1.0, cell * 0.8 / num.width)).move_to(r))
        names = VGroup(*[word(tok, size=18, colour=colour(tok), max_width=label_w - 0.15)
                         .move_to([left - label_w / 2, top - (k + 0.5) * cell, 0]) for k, tok in enumerate(t.tokens)])
        columns = VGroup(*[word(tok, size=16, colour=colour(tok), max_width=cell * 0.95)
                           .move_to([left + (k + 0.5) * cell, top + 0.22, 0]) for k, tok in enumerate(t.tokens)])
        heading = text(f"{name}: {t.tokens[t.focus]} → {t.tokens[view.top]}", size=24).move_to([box.cx, box.top - 0.25, 0])
        self.frame_parts = VGroup(heading, columns, names)      # what frames the rows of cells
        self.add(self.frame_parts, self.rows)
        f = t.focus
        self.focus_outline = Rectangle(width=n * cell + label_w, height=cell, stroke_width=2.5, color=style.HIGHLIGHT)
        self.focus_outline.move_to([left + (n * cell - label_w) / 2, top - (f + 0.5) * cell, 0])


def _play_stuck(scene: NarratedScene, data: HeadsData, colour) -> list:
    """The target no 2D head puts on top: the phrase's vectors, the outline of the other words the
    focus sees, the target inside it; each head's top beside it."""
    s = data.stuck
    x, seen = s.positioned, list(s.seen)
    region = Box(-3.4, 0.15, 6.6, 5.6)
    plane = LivePlane(fit_view(x[seen], region=region, pad=0.15), region=region)
    arrows = {j: plane.vector(x[j], colour=colour(s.tokens[j]), width=4) for j in seen}
    for j, a in arrows.items():
        a.label = word(s.tokens[j], size=22, colour=colour(s.tokens[j]))
    ticks = tick_labels(plane, clear_of=x[seen])
    place_vector_labels(plane, list(arrows.values()), region, obstacles=[box_of(m) for m in ticks])
    corners = [s.rivals[i] for i in hull_order(x[list(s.rivals)])]
    outline = Polygon(*[plane.to_screen(x[j]) for j in corners], color=style.MUTED, stroke_width=2,
                      fill_color=style.MUTED, fill_opacity=0.12)
    dot = Dot(plane.to_screen(x[s.target]), color=colour(s.tokens[s.target]), radius=0.09)
    heading = text(f'"{s.phrase}"', size=26).move_to([0, TITLE_Y, 0])
    target = s.tokens[s.target]
    cells = [text("", size=22), text("top word", size=22, colour=style.MUTED), text("", size=22),
             text(f"{target} gets", size=22, colour=colour(target))]
    for h, view in enumerate(data.stuck_views):
        top = view.top
        cells += [text(f"head {h + 1}", size=24, colour=style.MUTED),
                  word(s.tokens[top], size=26, colour=colour(s.tokens[top])),
                  NumberText(view.weights[top], size=26), NumberText(view.weights[s.target], size=26)]
    tops = VGroup(*cells).arrange_in_grid(rows=len(cells) // 4, cols=4, buff=(0.4, 0.25), col_alignments="llrr")
    more = text(f"with {s.dimensions} numbers per word,\none head can put {target} on top" if s.dimensions else
                f"not even 8 numbers per word\nlet a head put {target} on top", size=26, colour=style.TEXT)
    panel = VGroup(tops, more).arrange(DOWN, aligned_edge=LEFT, buff=0.7)
    fit(panel, Box(3.75, 0.3, 6.4, 4.6))
    (show,) = scene.stretched([1.2], this_phrase=True)
    scene.play(FadeIn(heading), FadeIn(plane), FadeIn(ticks), *[FadeIn(a) for a in arrows.values()],
               *[FadeIn(a.label) for a in arrows.values()], run_time=scene.t(show))
    scene.say_next()
    (draw,) = scene.stretched([1.4], this_phrase=True)
    scene.play(Create(outline), FadeIn(dot), run_time=scene.t(draw))
    scene.say_next()
    (lines,) = scene.stretched([1.2], this_phrase=True)
    scene.play(FadeIn(tops, shift=0.1 * UP), run_time=scene.t(lines))
    scene.say_next()
    (last,) = scene.stretched([1.0])
    scene.play(FadeIn(more, shift=0.1 * UP), run_time=scene.t(last))
    return [("heading", heading), ("panel", panel)] + [(a.label.text, a.label) for a in arrows.values()]
