"""The full explainer's sections: every idea of the article, one section each, in the order
the script lists them (scenes/explainer.py renders them).

Each section is a function registered in SECTIONS under its name in the registry
(attnvid.story.EXPLAINER); most are one beat with the registry's caption (`@captioned`), the
rest play the beats of the learning scenes or the walkthrough. They are composed from the same
pieces as those scenes; the numbers come from attnvid.story.
"""
from __future__ import annotations

import functools
import itertools
from typing import Callable

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arc, Circle, DashedLine, Indicate, SurroundingRectangle, Create, LaggedStart, Line, MathTex,
                   Rectangle, ReplacementTransform, UpdateFromAlphaFunc, VGroup, Write)

from attnmath import format_number, format_vector, format_weights
from attnvid.script import Script
from attnvid.story import EXPLAINER, explainer_shots, replay_from
from attnvid.story import explainer as data
from attnvid.story import walkthrough as walk
from attnvid.story.heads import HeadsData
from attnvid.story.learning import CrampedData, LearningData
from attnvid.story.wording import listed

from . import style
from .base import Drawings, NarratedScene
from .beats import _row, grow, label_vectors, listening_arcs, panel_column, rings_around, table_rows
from .fading import FadeIn, FadeOut
from .heads import play_two_heads
from .layout import PANEL, PLANE, Box, fit_view
from .learning import play_cramped, play_learning
from .pieces import (Caption, ChipRow, LivePlane, NumberText, WeightBars, angle_mark, fit, matrix_pair,
                     place_arc, text, tick_labels, word)
from .walkthrough import play_alignment

__all__ = ["SECTIONS", "play_explainer"]

SECTIONS = Drawings(EXPLAINER)


def play_explainer(scene: NarratedScene, script: Script, traces) -> None:
    """One manim section per shot (the registry's explainer_shots: a section, or one beat of a
    phrase of `alignment`). A section's shot and a phrase's first clear the stage, so a process
    drawing later shots does not even play the earlier ones (registry.replay_from); a phrase's
    beats are played together, each opening its own shot."""
    shots = explainer_shots(script.sections, len(traces))
    start = replay_from(shots, scene.first_drawn())
    index = 0
    while index < len(shots):
        shot = shots[index]
        scene.next_section(shot.name)
        if shot.phrase is None:
            if index >= start:
                SECTIONS[shot.section](scene, script, traces)
            index += 1
            continue
        beats = list(itertools.takewhile(lambda s: not s.fresh, shots[index + 1:]))
        if index >= start:
            later = iter(beats)

            def open_beat(name: str) -> None:
                following = next(later)
                assert following.beats == (name,), (following, name)
                scene.next_section(following.name)
            EACH_PHRASE[shot.section](scene, script, traces[shot.phrase], first=shot.phrase == 0,
                                      open_beat=open_beat)
            assert next(later, None) is None, "a phrase's shots and the beats it played differ"
        else:
            for following in beats:
                scene.next_section(following.name)
        index += 1 + len(beats)


def captioned(name: str):
    """Register a section that is one beat: its drawing runs inside the beat, under the
    registry's caption (or the script's override)."""
    def register(draw):
        @SECTIONS.draws(name)
        @functools.wraps(draw)
        def in_its_beat(scene: NarratedScene, script: Script, traces) -> None:
            clear_stage(scene, caption_too=True)    # so the new caption arrives with its pictures
            with scene.beat(name, EXPLAINER[name].text(script, script.narration), section=False):
                draw(scene, script, traces)
        return in_its_beat
    return register


def clear_stage(scene: NarratedScene, run_time: float = 0.6, caption_too: bool = False) -> None:
    """Fade out what the last section left: a fade, not a cut. The caption stays unless
    caption_too (between sections: the old caption goes with its pictures)."""
    leaving = [m for m in scene.mobjects if caption_too or not isinstance(m, Caption)]
    if leaving:
        scene.play(*[FadeOut(m) for m in leaving], run_time=scene.t(run_time))
    if caption_too:
        scene.forget_caption()


def _board(points, region: Box = PLANE) -> tuple[LivePlane, VGroup]:
    """A plane fitted to `points`, and its axis numbers."""
    plane = LivePlane(fit_view(points, region=region), region=region)
    return plane, tick_labels(plane, clear_of=points)


# -- 1. embeddings --------------------------------------------------------------------------

@captioned("embeddings")
def embeddings(scene: NarratedScene, script: Script, traces) -> None:
    m = script.model
    words = list(m.embeddings)
    vecs = np.array([m.embeddings[w] for w in words])
    colours = [style.word_colour(w, m.embeddings) for w in words]

    clear_stage(scene)
    plane, ticks = _board(vecs)
    arrows = [plane.vector(v, colour=c, width=4) for v, c in zip(vecs, colours)]
    labels = label_vectors(scene, plane, arrows, words, colours, size=20)
    rows = table_rows([(word(w, size=24, colour=c), NumberText(format_vector(v), size=24)) for w, v, c in zip(words, vecs, colours)])
    half = (len(rows) + 1) // 2
    cols = VGroup(VGroup(*rows[:half]).arrange(DOWN, aligned_edge=LEFT, buff=0.14),
                  VGroup(*rows[half:]).arrange(DOWN, aligned_edge=LEFT, buff=0.14)).arrange(RIGHT, buff=0.5, aligned_edge=UP)
    fit(cols, Box(PANEL.cx, PANEL.cy, PANEL.w, PANEL.h - 0.4))
    scene.play(FadeIn(plane), FadeIn(ticks), run_time=scene.t(0.8))
    # the arrows while "one arrow per word" is read, the numbers while "numbers per word" is
    (grow_in,) = scene.stretched([1.5], this_phrase=True)
    scene.play(LaggedStart(*[FadeIn(a) for a in arrows], lag_ratio=0.1), *[FadeIn(l) for l in labels],
               run_time=scene.t(grow_in))
    scene.say_next()
    (listed,) = scene.stretched([1.2], this_phrase=True)
    scene.play(LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.1), run_time=scene.t(listed))
    keys = {w.casefold(): i for i, w in enumerate(words)}
    degrees = data.cat_typed_angle(script)
    if degrees is not None:         # then the angle between cat and typed, as the caption gives it
        scene.say_next()
        i, j = keys["cat"], keys["typed"]
        arc = angle_mark(plane, vecs[i], vecs[j], degrees, radius=0.9)
        mark, draw = scene.stretched([1.0, 1.0], after=0.5)
        scene.play(*[Indicate(arrows[k].label, color=style.HIGHLIGHT) for k in (i, j)], run_time=scene.t(mark))
        scene.say_next_if_read()
        scene.land_on(f"{degrees}°")           # narrated: the arc comes as its angle is said
        scene.play(Create(arc[0]), FadeIn(arc[1]), run_time=scene.t(draw))


# -- 2. the dot product -----------------------------------------------------------------------

# no chips in the explainer: the plane and the panel take the top band too
_DOT_PLANE = Box(-4.15, 0.4, 5.6, 6.5)
_DOT_PANEL = Box(2.9, 0.4, 7.6, 6.5)


@captioned("dot_product")
def dot_product(scene: NarratedScene, script: Script, traces) -> None:
    """a · b = |a| |b| cos θ: a fixed arrow a against b at 0°, 90° and 180° (same length, so only
    the angle changes), then b turning once round, then a short well-aligned b1 against a long
    worse-aligned b2 (the long one wins). Every equation is shown both ways and holds by hand."""
    examples, turning, (b1, b2) = data.dot_examples(), data.turning_dot(), data.length_matters()
    first = examples[0]
    panel = _DOT_PANEL

    clear_stage(scene)
    points = np.array([first.a] + [e.b for e in turning] + [b1.b, b2.b])
    plane, ticks = _board(points, _DOT_PLANE)
    a = plane.vector(first.a, colour=style.SEARCH, width=6)
    v = plane.vector(first.b, colour=style.OFFER, width=6)
    for vec, name, colour in ((a, "a", style.SEARCH), (v, "b", style.OFFER)):
        vec.label = word(name, size=30, colour=colour)
        _beside_tip(plane, vec)
    mark = angle_mark(plane, first.a, first.b, first.degrees)
    formula = MathTex(r"a \cdot b = |a|\,|b|\,\cos\theta", font_size=60, color=style.TEXT)
    formula.move_to([panel.cx, panel.top - 0.4, 0])
    a_line = NumberText(f"a = {format_vector(first.a)}, |a| = {first.a_length}", size=30, colour=style.SEARCH)
    a_line.next_to(formula, DOWN, buff=0.4)
    top = a_line.get_bottom()[1] - 0.35
    below = Box(panel.cx, (top + panel.bottom) / 2, panel.w - 0.2, top - panel.bottom)
    scene.play(FadeIn(plane), FadeIn(ticks), FadeIn(a), FadeIn(a.label), run_time=scene.t(0.8))

    # 1. the same length of b at 0°, 90° and 180°: only the angle changes. The formula is written
    # and b grows out along a while the first sentence is read
    names = ("same direction", "right angle", "opposed")
    blocks = VGroup(*[_dot_block(name, e) for name, e in zip(names, examples)]).arrange(DOWN, aligned_edge=LEFT,
                                                                                      buff=0.38)
    fit(blocks, below)
    write, grow_b = scene.stretched([1.0, 1.2], this_phrase=True)
    scene.play(Write(formula), FadeIn(a_line), run_time=scene.t(write))
    full = np.array(first.b, float)
    _set_end(plane, v, 0.05 * full)
    scene.play(UpdateFromAlphaFunc(v, lambda m, f: _set_end(plane, v, (0.05 + 0.95 * f) * full)),
               FadeIn(v.label), FadeIn(mark), Write(blocks[0]), run_time=scene.t(grow_b))
    scene.say_next()                    # zero at a right angle, negative when opposed
    for prev, e, block in zip(examples, examples[1:], blocks[1:]):
        mark = _turn_b(scene, plane, v, mark, prev, e, block, run_time=1.2)
        scene.wait(scene.t(0.8))

    # 2. b turns once round; the readout follows it (changed between short plays, never inside one)
    scene.play(*[FadeOut(b) for b in blocks], run_time=scene.t(0.5))     # one by one: each is on screen
    head = VGroup(text(f"b turns once round, |b| = {turning[0].b_length}", size=28, colour=style.TEXT),
                  text("light orange: b's shadow on a's line, |b| cos θ long", size=24, colour=style.OFFER_LIGHT),
                  text("a · b = |a| × that shadow (negative when it points back)", size=24, colour=style.MUTED))
    head.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
    fit(head, Box(panel.cx, top - 0.75, panel.w - 0.3, 1.5))
    readout_box = Box(panel.cx, head.get_bottom()[1] - 1.0, panel.w - 0.3, 1.3)
    readout = _readout(turning[0], readout_box)
    shadow = Line(plane.to_screen((0, 0)), plane.to_screen(_shadow(turning[0].a, turning[0].b)),
                  color=style.OFFER_LIGHT, stroke_width=10)
    _set_end(plane, v, turning[0].b)
    mark = _replace(scene, mark, angle_mark(plane, turning[0].a, turning[0].b, turning[0].degrees))
    scene.play(FadeIn(head), FadeIn(readout), FadeIn(shadow), run_time=scene.t(0.6))
    scene.bring_to_front(a, v, v.label)
    for prev, e in zip(turning, turning[1:]):
        # only b is animated; the plane's updater makes manim redraw the shadow and arc too
        scene.play(UpdateFromAlphaFunc(v, lambda m, f, p=prev, e=e: _between(plane, v, shadow, mark[0], p, e, f)),
                   run_time=scene.t(0.3))
        readout = _replace(scene, readout, _readout(e, readout_box))
        mark = _replace(scene, mark, angle_mark(plane, e.a, e.b, e.degrees))
    scene.wait(scene.t(0.5))

    # 3. length matters: a long arrow further off beats a short one close by
    scene.say_next()
    scene.play(FadeOut(head), FadeOut(readout), FadeOut(shadow), FadeOut(v), FadeOut(v.label), FadeOut(mark),
               run_time=scene.t(0.5))
    plane.forget(v)
    short = plane.vector(b1.b, colour=style.OFFER_LIGHT, width=6)
    long = plane.vector(b2.b, colour=style.OFFER, width=6)
    for vec, e, colour, side in ((short, b1, style.OFFER_LIGHT, -1), (long, b2, style.OFFER, 1)):
        vec.label = word(e.name, size=28, colour=colour)
        _beside_tip(plane, vec, side)
    marks = VGroup(angle_mark(plane, b1.a, b1.b, b1.degrees, radius=0.5),
                   angle_mark(plane, b2.a, b2.b, b2.degrees, radius=0.95))
    rows = VGroup(*[_dot_block(f"{e.name}: {kind}, |{e.name}| = {e.b_length}, {e.degrees}° from a", e, colour)
                    for e, kind, colour in ((b1, "short", style.OFFER_LIGHT), (b2, "long", style.OFFER))])
    winner, loser = (b2, b1) if b2.value > b1.value else (b1, b2)
    verdict = VGroup(text(f"the {'long' if winner is b2 else 'short'} arrow {winner.name} scores more:", size=28),
                     NumberText(f"{format_number(winner.value)} > {format_number(loser.value)}", size=30,
                                colour=style.OUTPUT)).arrange(RIGHT, buff=0.25)
    rows.add(verdict).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
    fit(rows, below)
    scene.play(FadeIn(short), FadeIn(short.label), FadeIn(marks[0]), FadeIn(rows[0]), run_time=scene.t(1.0))
    scene.wait(scene.t(0.6))
    scene.play(FadeIn(long), FadeIn(long.label), FadeIn(marks[1]), FadeIn(rows[1]), run_time=scene.t(1.0))
    scene.wait(scene.t(0.6))
    scene.play(FadeIn(verdict), Indicate(rows[[b1, b2].index(winner)][2], color=style.OUTPUT), run_time=scene.t(1.0))
    # why: each one's shadow on a's line (|b| cos θ, as while b turned); the longer shadow wins
    # each drawn just beside a's line, on its own arrow's side, so a does not hide it
    drops, shadows = VGroup(), VGroup()
    along = plane.to_screen(b1.a) - plane.to_screen((0, 0))
    normal = np.array([-along[1], along[0], 0.0]) / np.linalg.norm(along)
    for e, colour in ((b1, style.OFFER_LIGHT), (b2, style.OFFER)):
        side = 0.13 * np.sign(e.a[0] * e.b[1] - e.a[1] * e.b[0]) * normal
        foot = plane.to_screen(_shadow(e.a, e.b)) + side
        drops.add(DashedLine(plane.to_screen(e.b), foot, color=colour, stroke_width=2))
        shadows.add(Line(plane.to_screen((0, 0)) + side, foot, color=colour, stroke_width=8))
    (run_time,) = scene.stretched([1.5])
    scene.play(Create(drops), Create(shadows), run_time=scene.t(run_time))


def _dot_block(name: str, e, colour=style.MUTED) -> VGroup:
    """A name, then a · b component by component, then the same as |a| |b| cos θ."""
    return VGroup(text(name, size=26, colour=colour), NumberText(e.equation, size=26),
                  NumberText(e.formula, size=26)).arrange(DOWN, aligned_edge=LEFT, buff=0.14)


def _readout(e, box: Box) -> VGroup:
    return fit(VGroup(NumberText(e.equation, size=30), NumberText(e.formula, size=30))
               .arrange(DOWN, aligned_edge=LEFT, buff=0.2), box)


def _replace(scene: NarratedScene, old, new):
    """Swap a mobject for another between plays (scene.add records the numbers it shows)."""
    scene.remove(*old.get_family())     # all of it, even if a fade has split it up
    scene.add(new)
    return new


def _shadow(a, b) -> np.ndarray:
    """b's projection on a's line: |b| cos θ along a."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return (a @ b) / (a @ a) * a + 1e-6


def _between(plane: LivePlane, v, shadow, arc, p, e, f) -> None:
    """b a fraction f of the way from p.b to e.b (turning anticlockwise), its shadow and arc."""
    b = _turned(p.b, e.b, f)
    _set_end(plane, v, b)
    shadow.put_start_and_end_on(plane.to_screen((0, 0)), plane.to_screen(_shadow(p.a, b)))
    place_arc(plane, arc, p.a, b, 0.6)


def _turn_b(scene: NarratedScene, plane: LivePlane, v, mark, prev, e, block, run_time: float):
    """Turn b from one example to the next, bring in its block; returns the new angle mark."""
    def step(m, f):
        b = _turned(prev.b, e.b, f)
        _set_end(plane, v, b)
        place_arc(plane, mark[0], prev.a, b, 0.6)
    scene.play(UpdateFromAlphaFunc(v, step), FadeOut(mark[1]), FadeIn(block),
               run_time=scene.t(run_time))
    return _replace(scene, mark, angle_mark(plane, e.a, e.b, e.degrees))


def _turned(s, t, f):
    """The arrow a fraction f of the way from s to t: turning anticlockwise, stretching."""
    th0, th1 = np.arctan2(s[1], s[0]), np.arctan2(t[1], t[0])
    if th1 < th0:
        th1 += 2 * np.pi
    r = np.hypot(*s) + (np.hypot(*t) - np.hypot(*s)) * f
    th = th0 + (th1 - th0) * f
    return r * np.cos(th), r * np.sin(th)


def _beside_tip(plane: LivePlane, vec, side: int = 1) -> None:
    """Put vec's label just past its tip, to its anticlockwise side (side=-1: clockwise)."""
    d = plane.to_screen(vec.end) - plane.to_screen(vec.start)
    u = d / max(np.linalg.norm(d), 1e-6)
    n = side * np.array([-u[1], u[0], 0.0])
    vec.label_offset = 0.3 * u + 0.24 * n
    plane.redraw_vector(vec)


def _set_end(plane, vec, end):
    """Move vec's tip (its label, if any, rides beside the tip)."""
    vec.end = np.array(end, float)
    if vec.label is not None:
        _beside_tip(plane, vec)
    plane.redraw_vector(vec)


# -- 3. why positions are needed --------------------------------------------------------------

@captioned("positions_needed")
def positions_needed(scene: NarratedScene, script: Script, traces) -> None:
    one, two = data.order_blind(script)

    def table(t):
        head = text(" ".join(t.tokens), size=30)
        rows = table_rows([(word(tok, size=24, colour=style.word_colour(tok, script.model.embeddings)),
                            NumberText(format_vector(t.embeddings[i]), size=24),
                            text("→", size=24, colour=style.MUTED),
                            NumberText(format_vector(t.outputs[i]), size=24, colour=style.OUTPUT))
                           for i, tok in enumerate(t.tokens)])
        return VGroup(head, *rows).arrange(DOWN, aligned_edge=LEFT, buff=0.25)

    clear_stage(scene)
    note = text("no positions added", size=24, colour=style.MUTED)
    left, right = table(one), table(two)
    group = VGroup(left, right).arrange(RIGHT, buff=1.2)
    fit(group, Box(0, 0.3, 12.5, 4.5))
    note.next_to(group, UP, buff=0.4)
    # the first order's rows come in one after another while the caption tells of reading in
    # order; then the same rows slide into the other order: same vectors, same outputs
    (first,) = scene.stretched([1.0], this_phrase=True)
    scene.play(FadeIn(note), FadeIn(left[0]), LaggedStart(*[FadeIn(r, shift=0.15 * RIGHT) for r in left[1:]],
                                                         lag_ratio=0.6), run_time=scene.t(first))
    scene.say_next()
    slide, mark = scene.stretched([1.4, 1.2], after=0.5)
    scene.play(FadeIn(right[0]), *[ReplacementTransform(left[1 + i].copy(), right[1 + two.tokens.index(tok)])
                                   for i, tok in enumerate(one.tokens)], run_time=scene.t(slide))
    scene.say_next_if_read()
    # the same word gets the same output in both orders
    pairs = [(left[1 + i][3], right[1 + two.tokens.index(tok)][3]) for i, tok in enumerate(one.tokens)]
    scene.play(*[Indicate(a, color=style.HIGHLIGHT) for a, _ in pairs], *[Indicate(b, color=style.HIGHLIGHT) for _, b in pairs],
               run_time=scene.t(mark))


# -- 4. positional encodings ------------------------------------------------------------------

@captioned("positional_encodings")
def positional_encodings(scene: NarratedScene, script: Script, traces) -> None:
    m = script.model
    pos = np.array(m.positions)
    key = m.vocabulary_key("cat") or next(iter(m.embeddings))
    base = np.array(m.embeddings[key])
    colour = style.word_colour(key, m.embeddings)

    clear_stage(scene)
    plane, ticks = _board(np.vstack([pos, base, base + pos]))
    word_vec = plane.vector(base, colour=colour, width=5)
    word_vec.label = word(key, size=22, colour=colour)
    label_vectors(scene, plane, [word_vec], [key], [colour])
    raw = [plane.vector(p, colour=style.TEXT, width=3, tip=0.12) for p in pos]
    rows = table_rows([(text(f"position {i}", size=24, colour=style.MUTED), NumberText(format_vector(p), size=24),
                        NumberText(f"→ {key} {format_vector(base + p)}", size=24)) for i, p in enumerate(pos)])
    panel_column(rows, Box(PANEL.cx, PANEL.cy, PANEL.w, PANEL.h - 0.6))
    scene.play(FadeIn(plane), FadeIn(ticks), FadeIn(word_vec), FadeIn(word_vec.label), run_time=scene.t(0.8))
    scene.play(LaggedStart(*[FadeIn(r) for r in raw], lag_ratio=0.2),
               LaggedStart(*[FadeIn(r[0]) for r in rows], lag_ratio=0.2),
               LaggedStart(*[FadeIn(r[1]) for r in rows], lag_ratio=0.2), run_time=scene.t(1.5))
    # each position vector goes tip to tail onto the word: five different places for one word
    sums = []
    for i, (r, p) in enumerate(zip(raw, pos)):
        scene.play(UpdateFromAlphaFunc(r, lambda mob, f, r=r, p=p: _move(plane, r, base * f, base * f + p)),
                   run_time=scene.t(0.6))
        s = plane.vector(base + p, colour=colour, width=3, opacity=0.7)
        sums.append(s)
        scene.play(FadeIn(s), FadeIn(rows[i][2]), run_time=scene.t(0.4))
    # the sums' tips crowd round the word's tip: the plane closes in on them, so the viewer sees
    # one word in as many places as there are positions, each a small step from the word itself
    scene.play(FadeOut(ticks), FadeOut(word_vec.label), run_time=scene.t(0.3))
    scene.play(plane.zoom_to(fit_view(np.vstack([base, base + pos]), pad=0.3, with_origin=False)),
               run_time=scene.t(1.5))
    ticks = tick_labels(plane)
    labels = label_vectors(scene, plane, sums, [f"position {i}" for i in range(len(pos))], [colour] * len(pos), size=18)
    scene.play(FadeIn(ticks), *[FadeIn(l) for l in labels], run_time=scene.t(0.8))


def _move(plane, vec, start, end):
    vec.start, vec.end = np.asarray(start, float), np.asarray(end, float)
    plane.redraw_vector(vec)


# -- 5. the three phrases, fully positioned ---------------------------------------------------

@captioned("phrases_positioned")
def phrases_positioned(scene: NarratedScene, script: Script, traces) -> None:
    focus_word, cats = data.focus_word_across(traces)
    clear_stage(scene)
    plane, ticks = _board(np.array([t.positioned[i] for _, t, i in cats]))
    # one word, one colour: the arrows share it and their labels name the phrase they come from
    colour = style.word_colour(focus_word, script.model.embeddings)
    arrows = [plane.vector(t.positioned[i], colour=colour, width=5) for _, t, i in cats]
    names = [f"{focus_word}, phrase {k + 1}" for k, _, _ in cats]
    labels = label_vectors(scene, plane, arrows, names, [colour] * len(cats), size=20)
    blocks = []
    for k, t in enumerate(traces):
        lines = [text(f"{k + 1}. {t.text}", size=22, colour=style.TEXT)]
        lines += table_rows([(word(tok, size=20, colour=style.word_colour(tok, script.model.embeddings)),
                              NumberText(format_vector(t.positioned[i]), size=20))
                             for i, tok in enumerate(t.tokens)])
        blocks.append(VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.1))
    grid = VGroup(*blocks).arrange(RIGHT, buff=0.22, aligned_edge=UP)
    fit(grid, Box(PANEL.cx, PANEL.cy, PANEL.w + 0.25, PANEL.h - 0.4))
    first, *each = scene.stretched([1.5] + [1.2] * len(cats), after=0.5)
    scene.play(FadeIn(plane), FadeIn(ticks), LaggedStart(*[FadeIn(bl) for bl in blocks], lag_ratio=0.3),
               run_time=scene.t(first))
    # one arrow per phrase, as the caption reads its vector out, its row in the table lit with it
    for (k, _, i), arrow, label, run_time in zip(cats, arrows, labels, each):
        scene.play(grow(plane, arrow), FadeIn(label), Indicate(blocks[k][1 + i], color=colour),
                   run_time=scene.t(run_time))


# -- 6, 7, 10: composed from the learning scenes and the walkthrough ----------------------------

@SECTIONS.draws("relevance_learned")
def relevance_learned(scene: NarratedScene, script: Script, traces) -> None:
    clear_stage(scene)
    play_learning(scene, LearningData(script), section=False, overrides=script.narration)


@SECTIONS.draws("alignment")
def alignment(scene: NarratedScene, script: Script, traces) -> None:
    """The roadmap: the five steps, each with what it computes (each phrase then goes through
    them in a shot of its own: alignment_phrase)."""
    clear_stage(scene, caption_too=True)
    with scene.beat("alignment", EXPLAINER["alignment"].text(script, script.narration), section=False):
        card = steps_card(Box(0, 0.2, 11.5, 5.6))
        (run_time,) = scene.stretched([2.5], this_phrase=True)
        scene.play(LaggedStart(*[FadeIn(row, shift=0.2 * RIGHT) for row in card], lag_ratio=0.35),
                   run_time=scene.t(run_time))
        # the first phrase goes down the five steps slowly, each later one quickly
        scene.say_next()
        passes = scene.stretched([3.0] + [1.2] * (len(traces) - 1), after=0.5)
        for run_time in passes:
            scene.play(LaggedStart(*[Indicate(row[0], color=style.OUTPUT, scale_factor=1.25) for row in card],
                                   lag_ratio=0.8), run_time=scene.t(run_time))


def alignment_phrase(scene: NarratedScene, script: Script, trace, first: bool,
                     open_beat: Callable[[str], None]) -> None:
    """One phrase through the five steps (a shot each beat, opened by `open_beat`): the first
    in full, a later one saying only what is new."""
    clear_stage(scene)
    play_alignment(scene, script, trace, first=first, open_beat=open_beat)


# the sections whose phrases are shots of their own (registry.ALSO_PLAYS_BEATS_OF): each
# phrase's drawing, after the section's own
EACH_PHRASE = {"alignment": alignment_phrase}


def steps_card(box: Box, size: float = 30, rules: bool = True) -> VGroup:
    """The five steps as numbered rows, each with the rule it computes (rules=False: names only)."""
    rows = VGroup()
    for k, (name, rule) in enumerate(zip(walk.STEPS, walk.STEP_RULES), start=1):
        number = VGroup(Circle(radius=0.3, stroke_color=style.HIGHLIGHT, stroke_width=2),
                        text(str(k), size=size * 0.8))
        number[1].move_to(number[0])
        parts = [number, text(name, size=size)] + ([text(rule, size=size * 0.75, colour=style.MUTED)] if rules else [])
        rows.add(_row(*parts, buff=0.35))
    rows.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
    return fit(rows, box)


@SECTIONS.draws("cramped")
def cramped(scene: NarratedScene, script: Script, traces) -> None:
    clear_stage(scene)
    play_cramped(scene, CrampedData(script), section=False, overrides=script.narration)


@SECTIONS.draws("two_heads")
def two_heads(scene: NarratedScene, script: Script, traces) -> None:
    """After the 2D limits: several heads, each its own matrices, and what they cannot do either."""
    clear_stage(scene)
    play_two_heads(scene, HeadsData(script.heads_source), section=False, overrides=script.narration)


# -- 8. a weighted average over the past ------------------------------------------------------

@captioned("weighted_average")
def weighted_average(scene: NarratedScene, script: Script, traces) -> None:
    t, i = data.causal_example(traces)
    flat, sharp = data.flat_and_sharp(t, i)
    colours = [style.word_colour(tok, script.model.embeddings) for tok in t.tokens]
    hidden = [not t.visible[i, j] for j in range(t.n)]

    clear_stage(scene)
    formula = MathTex(r"\text{output}(t) = \sum_{i \le t} \text{weight}(t, i)\,\times\,\text{vector}(i)",
                      font_size=40, color=style.TEXT).move_to([0, 2.4, 0])
    # the plain average's weights exactly, 1/m each of the m words it may see (no rounded 0.34)
    left = WeightBars(t.tokens, colours, flat, _plain_shares(hidden), Box(-3.4, -0.9, 5.6, 3.2), hidden)
    right = WeightBars(t.tokens, colours, sharp, format_weights(sharp), Box(3.4, -0.9, 5.6, 3.2), hidden)
    titles = VGroup(text(f"plain average: {_plain_shares(hidden)[i]} each", size=26, colour=style.MUTED)
                    .next_to(left, UP, buff=0.25),
                    text(f"attention ({t.tokens[i]})", size=26).next_to(right, UP, buff=0.25))
    titles.add(text(f"{t.tokens[i]} sees {walk.sees(t)}", size=20, colour=style.MUTED)
               .next_to(titles, UP, buff=0.15).set_x(0))
    # the formula, the plain average, attention's weights: each while its phrase is read
    for k, shown in enumerate(([formula], [titles, left], [right])):
        if k:
            scene.say_next()
        (run_time,) = scene.stretched([1.0], this_phrase=True, after=0.5 if k == 2 else 0.0)
        scene.play(*[FadeIn(m) for m in shown], run_time=scene.t(run_time))


def _plain_shares(hidden) -> list[str]:
    """A plain average's weights as fractions: 1/m for each of the m visible words, 0 for the rest."""
    m = sum(not h for h in hidden)
    return ["0" if h else f"1/{m}" for h in hidden]


# -- 9. from bigrams to self-attention --------------------------------------------------------

@captioned("bigrams")
def bigrams(scene: NarratedScene, script: Script, traces) -> None:
    t, _ = data.causal_example(traces)
    windows = data.fixed_windows(t)

    def grid(name, W, box: Box):
        n = t.n
        cell = min(box.w / (n + 1.6), (box.h - 0.5) / n)
        cells = VGroup()
        for i in range(n):
            shown = format_weights(W[i])
            for j in range(n):
                r = Rectangle(width=cell, height=cell, stroke_width=1, stroke_color=style.GRID,
                              fill_color=style.OUTPUT, fill_opacity=0.05 + 0.8 * float(W[i, j]))
                r.move_to([box.left + (j + 2.1) * cell, box.top - 0.5 - (i + 0.5) * cell, 0])
                num = NumberText(shown[j], size=16, colour=style.BACKGROUND if W[i, j] > 0.5 else style.TEXT)
                num.scale(min(1.0, cell * 0.8 / num.width)).move_to(r)
                cells.add(VGroup(r, num))
        rows = VGroup(*[word(tok, size=16, colour=style.word_colour(tok, script.model.embeddings), max_width=cell * 1.45)
                        .move_to([box.left + 0.8 * cell, box.top - 0.5 - (k + 0.5) * cell, 0])
                        for k, tok in enumerate(t.tokens)])
        title = text(name, size=24).move_to([box.left + (n / 2 + 1.6) * cell, box.top - 0.2, 0])
        sees = text(f"each row sees {SEES[name] if name in SEES else walk.sees(t)}", size=15,
                    colour=style.MUTED).next_to(title, DOWN, buff=0.04)
        title = VGroup(title, sees)
        return VGroup(title, cells, rows)

    SEES = {"bigram": "the word before", "n-gram (last 2)": "the 2 words before"}
    clear_stage(scene)
    boxes = [Box(-4.6, 0.0, 4.3, 5.2), Box(0.0, 0.0, 4.3, 5.2), Box(4.6, 0.0, 4.3, 5.2)]
    grids = [grid(name, W, box) for (name, W), box in zip(windows.items(), boxes)]
    # bigram, n-gram, attention: each grid while its phrase is read
    for k, g in enumerate(grids):
        if k:
            scene.say_next()
        (run_time,) = scene.stretched([1.2], this_phrase=True)
        scene.play(FadeIn(g, shift=0.15 * UP), run_time=scene.t(run_time))


# -- 11. the usual names -----------------------------------------------------------------------

@captioned("names")
def names(scene: NarratedScene, script: Script, traces) -> None:
    clear_stage(scene)
    ws, wo = matrix_pair(script.model.W_search, script.model.W_offer, size=30)
    q = text("= the query matrix, W_Q", size=30, colour=style.SEARCH).next_to(ws, RIGHT, buff=0.4)
    k = text("= the key matrix, W_K", size=30, colour=style.OFFER).next_to(wo, RIGHT, buff=0.4)
    group = VGroup(VGroup(ws, q), VGroup(wo, k)).arrange(DOWN, buff=0.8, aligned_edge=LEFT)
    chain = VGroup(*[text(s, size=26, colour=c) for s, c in (
        ("vector", style.TEXT), ("× W_search, × W_offer", style.MUTED), ("search · offer", style.MUTED),
        ("softmax", style.MUTED), ("weights", style.TEXT))])
    chain = VGroup(*[m for k, part in enumerate(chain) for m in ([part] if k == 0 else
                     [text("→", size=26, colour=style.MUTED), part])]).arrange(RIGHT, buff=0.25)
    fit(group, Box(0, 0.9, 12.5, 3.8))
    fit(chain, Box(0, -1.9, 12.5, 0.6))
    one, two = scene.stretched([1.0, 1.0], this_phrase=True)
    scene.play(FadeIn(group[0]), run_time=scene.t(one))
    scene.play(FadeIn(group[1]), run_time=scene.t(two))
    scene.say_next()
    # fixed matrices, then plain arithmetic, step by step: nothing in it chooses
    for m, run_time in zip(chain, scene.stretched([0.45] * len(chain), after=0.5)):
        scene.play(FadeIn(m, shift=0.15 * RIGHT), run_time=scene.t(run_time))
        scene.say_next_if_read()


# -- 0. the hook --------------------------------------------------------------------------------

@captioned("hook")
def hook(scene: NarratedScene, script: Script, traces) -> None:
    """The phrases, big, each with the word it should lead to as a question; the word we follow
    is marked in each."""
    m = script.model
    rows, asks = VGroup(), VGroup()
    for t in traces:
        f = walk.focus_of(t)
        colours = [style.word_colour(tok, m.embeddings) for tok in t.tokens]
        chips = ChipRow(t.tokens, colours, f, Box(0, 0, 10.0, 1.0), size=40)
        ask = text(f"→ {t.predict} ?" if t.predict else "→ ?", size=36, colour=style.MUTED)
        rows.add(VGroup(chips, ask).arrange(RIGHT, buff=0.45))
    rows.arrange(DOWN, buff=0.7, aligned_edge=LEFT)
    fit(rows, Box(0, 0.25, 13.0, 6.0))
    for row in rows:
        scene.play(LaggedStart(*[FadeIn(c, shift=0.2 * UP) for c in row[0].chips], lag_ratio=0.12),
                   run_time=scene.t(1.2))
    focus = [row[0][walk.focus_of(t)] for row, t in zip(rows, traces)]
    scene.play(*[Indicate(c, color=style.HIGHLIGHT, scale_factor=1.15) for c in focus], run_time=scene.t(1.2))
    # the question: what comes next, and which words cat may listen to for it (thin arcs)
    scene.say_next()
    scene.play(*[FadeIn(row[1], shift=0.2 * LEFT) for row in rows], run_time=scene.t(0.8))
    arcs = []
    for row, t in zip(rows, traces):
        f = walk.focus_of(t)
        heard = [j for j in range(t.n) if t.visible[f, j] and j != f]
        arcs.append(listening_arcs(row[0], f, heard, style.word_colour(t.tokens[f], m.embeddings), height=0.25))
    for group, run_time in zip(arcs, scene.stretched([1.0] * len(arcs), after=0.5)):
        scene.play(LaggedStart(*[Create(a) for a in group], lag_ratio=0.3), run_time=scene.t(run_time))


# -- 7b. one word, three partners ---------------------------------------------------------------

@captioned("three_partners")
def three_partners(scene: NarratedScene, script: Script, traces) -> None:
    """Each phrase's search vector for the focus word, beside the offer of the word it should
    lean on, all on one plane: the same word asks for something different in each phrase."""
    found = data.partners(traces)
    if not found:
        return
    m = script.model
    colour_of = lambda tok: style.word_colour(tok, m.embeddings)
    points = np.array([p.trace.search[p.focus] for p in found] + [p.trace.offer[p.target] for p in found])
    plane, ticks = _board(points)
    scene.play(FadeIn(plane), FadeIn(ticks), run_time=scene.t(0.8))
    rows = []
    for p in found:
        t = p.trace
        focus, target = t.tokens[p.focus], t.tokens[p.target]
        rows.append(VGroup(
            text(f"{p.phrase}. {t.text}", size=24),
            _row(text(f"{focus}'s search", size=22, colour=colour_of(focus)),
                 NumberText(f"{format_vector(t.search[p.focus])}, length {p.search_length}", size=22)),
            _row(text(f"{target}'s offer", size=22, colour=colour_of(target)),
                 NumberText(format_vector(t.offer[p.target]), size=22)),
            _row(text(f"weight on {target}", size=22, colour=style.MUTED),
                 NumberText(p.weight, size=24, colour=style.HIGHLIGHT if p.wins else style.MUTED),
                 text("the most" if p.wins else "not the most", size=20, colour=style.MUTED)),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1))
    column = panel_column(rows, Box(PANEL.cx, PANEL.cy, PANEL.w, PANEL.h - 0.2), buff=0.35)
    # first each phrase's pair of arrows, while the first sentence is read; then the weights
    for p, row, run_time in zip(found, rows, scene.stretched([1.5] * len(found), this_phrase=True)):
        t = p.trace
        focus, target = t.tokens[p.focus], t.tokens[p.target]
        search = plane.vector(t.search[p.focus], colour=colour_of(focus), width=6)
        offer = plane.vector(t.offer[p.target], colour=colour_of(target), width=4)
        labels = label_vectors(scene, plane, [search, offer], [f"search, phrase {p.phrase}", f"{target}'s offer"],
                               [colour_of(focus), colour_of(target)], size=20)
        scene.play(FadeIn(row[:3]), grow(plane, search), grow(plane, offer), *[FadeIn(l) for l in labels],
                   run_time=scene.t(run_time))
    scene.say_next()                    # the weight each target gets
    for row, run_time in zip(rows, scene.stretched([1.2] * len(rows), after=0.5)):
        scene.play(FadeIn(row[3], shift=0.1 * RIGHT), run_time=scene.t(run_time / 2))
        scene.play(Indicate(row[3][1], color=style.HIGHLIGHT), run_time=scene.t(run_time / 2))
    scene.add(column)


# -- 7c. why the leaning matters ---------------------------------------------------------------

@SECTIONS.draws("why_it_matters")
def why_it_matters(scene: NarratedScene, script: Script, traces) -> None:
    """For each phrase with an `instead:`, the focus's real new vector beside the ones it would
    get had it leaned elsewhere (the article's counterfactuals), each sum written out to redo
    by hand, with what could come next."""
    clear_stage(scene, caption_too=True)
    found = data.leanings(script)
    m = script.model
    colour_of = lambda tok: style.word_colour(tok, m.embeddings)
    with scene.beat("why_it_matters", EXPLAINER["why_it_matters"].text(script, script.narration),
                    section=False) as cue:
        for k, lean in enumerate(found):
            if k:
                cue.next()                  # a later phrase's sentence comes with its words
                clear_stage(scene, run_time=0.5)
            _one_leaning(scene, lean, colour_of, cue, said=k > 0)


def _one_leaning(scene: NarratedScene, lean, colour_of, cue, said: bool) -> None:
    """One phrase: its words' own vectors, the real new vector, then each alternative; the
    caption moves on to each one's sentence as it appears (said: the phrase's first sentence
    is already up)."""
    t, f = lean.trace, lean.focus
    colours = [colour_of(tok) for tok in t.tokens]
    chips = ChipRow(t.tokens, colours, f, Box(0, 0, 9.0, 0.8), size=30)
    ask = text(f"→ {t.predict} ?" if t.predict else "→ ?", size=30, colour=style.MUTED)
    top = VGroup(chips, ask).arrange(RIGHT, buff=0.4)
    fit(top, Box(0, 3.3, 13.0, 0.8))
    visible = [j for j in range(t.n) if t.visible[f, j]]
    alternatives = lean.alternatives
    points = np.array([t.values[j] for j in visible] + [t.outputs[f]]
                      + [a.end for a in alternatives])
    plane, ticks = _board(points)
    board, own = scene.stretched([0.8, 0.8], this_phrase=True) if not said else (0.8, 0.8)
    scene.play(FadeIn(top), FadeIn(plane), FadeIn(ticks), run_time=scene.t(board))
    values = [plane.vector(t.values[j], colour=colours[j], width=3, opacity=0.6) for j in visible]
    labels = label_vectors(scene, plane, values, [t.tokens[j] for j in visible], [colours[j] for j in visible],
                           size=18, avoid=list(ticks))
    scene.play(*[grow(plane, v) for v in values], *[FadeIn(l) for l in labels], run_time=scene.t(own))
    # the real one
    names = [t.tokens[j] for j in lean.leaders]
    real = _row(text("leans most on", size=26, colour=style.MUTED),
                *[word(n, size=28, colour=colour_of(n)) for n in names],
                NumberText(lean.weight, size=28))
    cued = lean.cued                    # the caption says "the cue for" or "loses its cue"
    real_sum = _row(NumberText(f"new {t.tokens[f]} = {lean.output}", size=26, colour=style.OUTPUT),
                    text((f"→ {t.predict}" if cued else f"no cue for {t.predict}") if t.predict else "", size=26,
                         colour=style.TEXT if cued else style.MUTED))
    rows = [VGroup(real, real_sum).arrange(DOWN, aligned_edge=LEFT, buff=0.14)]
    for a in alternatives:
        head = _row(text("if only on", size=26, colour=style.MUTED),
                    *[word(w, size=28, colour=colour_of(w)) for w in a.words])
        work = NumberText(a.sum_text, size=22)
        result = _row(NumberText(f"= {a.result}", size=22, colour=style.OUTPUT),
                      text(f"→ {a.follows}", size=26, colour=style.MUTED))
        rows.append(VGroup(head, work, result).arrange(DOWN, aligned_edge=LEFT, buff=0.12))
    column = panel_column(rows, Box(PANEL.cx - 0.15, PANEL.cy, PANEL.w - 0.5, PANEL.h - 0.2), buff=0.45)
    output = plane.vector(t.outputs[f], colour=style.OUTPUT, width=6)
    label_vectors(scene, plane, [output], [f"new {t.tokens[f]}"], [style.OUTPUT], size=20, avoid=list(ticks))
    if not said:
        cue.next()                      # where it really leans
    # each part lasts as long as its sentence takes to read: the picture builds while it is read
    (real_time,) = scene.stretched([1.8], this_phrase=True)
    scene.play(FadeIn(rows[0]), grow(plane, output), FadeIn(output.label), run_time=scene.t(real_time))
    for a, row in zip(alternatives, rows[1:]):
        cue.next()                      # had it leaned there instead
        # a faint, wide arrow: over one word it is that word's own vector, seen through it
        alt = plane.vector(a.end, colour=style.OUTPUT, width=12 if len(a.words) == 1 else 5, opacity=0.4, tip=0.3)
        label_vectors(scene, plane, [alt], [f"if only {' + '.join(a.words)}"], [style.MUTED], size=18,
                      avoid=list(ticks))
        head, work, result = scene.stretched([0.5, 0.8, 1.3], this_phrase=True)
        scene.play(FadeIn(row[0]), run_time=scene.t(head))
        scene.play(FadeIn(row[1]), run_time=scene.t(work))
        scene.play(FadeIn(row[2]), grow(plane, alt), FadeIn(alt.label), run_time=scene.t(result))
    scene.add(column)


# -- 12. the recap ------------------------------------------------------------------------------

@SECTIONS.draws("recap")
def recap(scene: NarratedScene, script: Script, traces) -> None:
    """The five steps and where each phrase's attention went, then a fade to black: the video
    ends on an empty frame, not a frozen one."""
    clear_stage(scene, caption_too=True)
    m = script.model
    with scene.beat("recap", EXPLAINER["recap"].text(script, script.narration), section=False):
        card = steps_card(Box(-4.4, 0.2, 4.8, 5.6), size=32, rules=False)
        outcomes = VGroup()
        for t in traces:
            f = walk.focus_facts(t)
            colours = [style.word_colour(tok, m.embeddings) for tok in t.tokens]
            chips = ChipRow(t.tokens, colours, f.focus, Box(0, 0, 6.0, 0.8), size=28)
            ring = rings_around(chips, f.top)
            said = f"leans on {listed(t.tokens[j] for j in f.top)} ({f.winner_weight}{f.each})"
            if t.predict:
                said += f" → {t.predict}" if f.target is None or f.target_wins else f", not {t.tokens[f.target]}"
            outcomes.add(VGroup(VGroup(chips, ring), text(said, size=24, colour=style.MUTED))
                         .arrange(DOWN, aligned_edge=LEFT, buff=0.15))
        outcomes.arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        fit(outcomes, Box(2.6, 0.2, 7.6, 5.6))
        (steps,) = scene.stretched([2.0], this_phrase=True)
        scene.play(LaggedStart(*[FadeIn(row) for row in card], lag_ratio=0.2), run_time=scene.t(steps))
        scene.say_next()
        for o, run_time in zip(outcomes, scene.stretched([0.8] * len(outcomes), after=0.5)):
            scene.play(FadeIn(o, shift=0.15 * RIGHT), run_time=scene.t(run_time))
            scene.say_next_if_read()
    clear_stage(scene, run_time=0.8, caption_too=True)
