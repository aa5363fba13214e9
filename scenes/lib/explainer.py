"""The full explainer's sections: every idea of the article, one section each, in the order
the script lists them (scenes/explainer.py renders them).

Each section is a function registered in SECTIONS under its name in the registry
(attnvid.story.EXPLAINER); most are one beat with the registry's caption (`@captioned`), the
rest play the beats of the learning scenes or the walkthrough. They are composed from the same
pieces as those scenes; the numbers come from attnvid.story.
"""
from __future__ import annotations

import functools

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Indicate, LaggedStart, Line, MathTex, Rectangle, UpdateFromAlphaFunc, VGroup

from attnmath import format_vector, format_weights
from attnvid.script import Script
from attnvid.story import EXPLAINER
from attnvid.story import explainer as data
from attnvid.story.learning import CrampedData, LearningData

from . import style
from .base import Drawings, NarratedScene
from .beats import _row, label_vectors, panel_column
from .fading import FadeIn, FadeOut
from .layout import PANEL, PLANE, Box, fit_view
from .learning import play_cramped, play_learning
from .pieces import LivePlane, NumberText, WeightBars, fit, matrix_pair, text, tick_labels, word
from .walkthrough import play_alignment

__all__ = ["SECTIONS", "play_explainer"]

SECTIONS = Drawings(EXPLAINER)


def play_explainer(scene: NarratedScene, script: Script, traces) -> None:
    """Each section starts by clearing the stage, so it depends only on the one before it:
    a process drawing later sections skips the earlier ones outright (scene.must_play)."""
    for index, name in enumerate(script.sections):
        scene.next_section(name)
        if scene.must_play(index):
            SECTIONS[name](scene, script, traces)


def captioned(name: str):
    """Register a section that is one beat: its drawing runs inside the beat, under the
    registry's caption (or the script's override)."""
    def register(draw):
        @SECTIONS.draws(name)
        @functools.wraps(draw)
        def in_its_beat(scene: NarratedScene, script: Script, traces) -> None:
            with scene.beat(name, EXPLAINER[name].text(script, script.narration), section=False):
                draw(scene, script, traces)
        return in_its_beat
    return register


def clear_stage(scene: NarratedScene, run_time: float = 0.6) -> None:
    """Fade out what the last section left (never the caption): a cross-fade, not a cut."""
    leaving = [m for m in scene.mobjects if m is not scene._caption]
    if leaving:
        scene.play(*[FadeOut(m) for m in leaving], run_time=scene.t(run_time))


def _board(points, region: Box = PLANE) -> tuple[LivePlane, VGroup]:
    """A plane fitted to `points`, and its axis numbers."""
    plane = LivePlane(fit_view(points, region=region), region=region)
    return plane, tick_labels(plane)


# -- 1. embeddings --------------------------------------------------------------------------

@captioned("embeddings")
def embeddings(scene: NarratedScene, script: Script, traces) -> None:
    m = script.model
    words = list(m.embeddings)
    vecs = np.array([m.embeddings[w] for w in words])
    colours = [style.token_colour(i) for i in range(len(words))]

    clear_stage(scene)
    plane, ticks = _board(vecs)
    arrows = [plane.vector(v, colour=c, width=4) for v, c in zip(vecs, colours)]
    labels = label_vectors(scene, plane, arrows, words, colours, size=20)
    rows = [_row(word(w, size=24, colour=c), NumberText(format_vector(v), size=24)) for w, v, c in zip(words, vecs, colours)]
    half = (len(rows) + 1) // 2
    cols = VGroup(VGroup(*rows[:half]).arrange(DOWN, aligned_edge=LEFT, buff=0.14),
                  VGroup(*rows[half:]).arrange(DOWN, aligned_edge=LEFT, buff=0.14)).arrange(RIGHT, buff=0.5, aligned_edge=UP)
    fit(cols, Box(PANEL.cx, PANEL.cy, PANEL.w, PANEL.h - 0.4))
    scene.play(FadeIn(plane), FadeIn(ticks), run_time=scene.t(0.8))
    scene.play(LaggedStart(*[FadeIn(a) for a in arrows], lag_ratio=0.1), *[FadeIn(l) for l in labels],
               LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.1), run_time=scene.t(2.5))
    keys = {w.casefold(): i for i, w in enumerate(words)}
    pair = [keys[k] for k in ("cat", "typed") if k in keys]
    if pair:
        scene.play(*[Indicate(arrows[i].label, color=style.HIGHLIGHT) for i in pair], run_time=scene.t(1.2))


# -- 2. the dot product -----------------------------------------------------------------------

@captioned("dot_product")
def dot_product(scene: NarratedScene, script: Script, traces) -> None:
    examples, turning = data.dot_examples(), data.turning_dot()

    clear_stage(scene)
    region = Box(PLANE.cx, PLANE.cy, PLANE.w, PLANE.h)
    plane, ticks = _board(np.array([[1.3, 1.3], [-1.3, -1.3]]), region)
    a = plane.vector(examples[0].a, colour=style.SEARCH, width=6)
    v = plane.vector(examples[0].b, colour=style.OFFER, width=6)
    scene.play(FadeIn(plane), FadeIn(ticks), FadeIn(a), FadeIn(v), run_time=scene.t(0.8))
    eqs = VGroup(*[NumberText(e.equation, size=28) for e in examples]).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
    fit(eqs, Box(PANEL.cx, PANEL.top - 1.3, PANEL.w, 2.0))
    for e, eq in zip(examples, eqs):
        start, end = v.end.copy(), np.array(e.b)
        scene.play(UpdateFromAlphaFunc(v, lambda m, f, s=start, t=end: _set_end(plane, v, _arc(s, t, f))),
                   FadeIn(eq), run_time=scene.t(1.2))
        scene.wait(scene.t(0.5))
    # one arrow turns; the value follows it (changed between short plays, never inside one)
    readout_box = Box(PANEL.cx, PANEL.bottom + 1.2, PANEL.w - 0.4, 0.6)
    readout = VGroup(fit(NumberText(turning[0].equation, size=30), readout_box))
    shadow = Line(plane.to_screen((0, 0)), plane.to_screen((turning[0].value, 0)), color=style.OFFER_LIGHT,
                  stroke_width=8)
    scene.play(FadeIn(readout), FadeIn(shadow), run_time=scene.t(0.5))
    for prev, e in zip(turning, turning[1:]):
        def step(m, f, p=prev, e=e):
            th0, th1 = np.arctan2(p.b[1], p.b[0]), np.arctan2(e.b[1], e.b[0])
            if th1 < th0:
                th1 += 2 * np.pi
            th = th0 + (th1 - th0) * f
            _set_end(plane, v, (np.cos(th), np.sin(th)))
            shadow.put_start_and_end_on(plane.to_screen((0, 0)), plane.to_screen((np.cos(th) + 1e-6, 0)))
        scene.play(UpdateFromAlphaFunc(VGroup(v, shadow), step), run_time=scene.t(0.2))
        readout.submobjects = [fit(NumberText(e.equation, size=30), readout_box)]
        scene.numbers_shown.append(e.equation)


def _arc(s, t, f):
    th0, th1 = np.arctan2(s[1], s[0]), np.arctan2(t[1], t[0])
    th = th0 + (th1 - th0) * f
    return np.cos(th), np.sin(th)


def _set_end(plane, vec, end):
    vec.end = np.array(end, float)
    plane.redraw_vector(vec)


# -- 3. why positions are needed --------------------------------------------------------------

@captioned("positions_needed")
def positions_needed(scene: NarratedScene, script: Script, traces) -> None:
    one, two = data.order_blind(script)

    def table(t):
        head = text(" ".join(t.tokens), size=30)
        rows = [_row(word(tok, size=24, colour=style.token_colour(["cat", "sat"].index(tok) if tok in ("cat", "sat") else 0)),
                     NumberText(format_vector(t.embeddings[i]), size=24),
                     text("→", size=24, colour=style.MUTED),
                     NumberText(format_vector(t.outputs[i]), size=24, colour=style.OUTPUT)) for i, tok in enumerate(t.tokens)]
        return VGroup(head, *rows).arrange(DOWN, aligned_edge=LEFT, buff=0.25)

    clear_stage(scene)
    note = text("no positions added", size=24, colour=style.MUTED)
    left, right = table(one), table(two)
    group = VGroup(left, right).arrange(RIGHT, buff=1.2)
    fit(group, Box(0, 0.3, 12.5, 4.5))
    note.next_to(group, UP, buff=0.4)
    scene.play(FadeIn(note), FadeIn(left), run_time=scene.t(1.0))
    scene.play(FadeIn(right), run_time=scene.t(1.0))
    # the same word gets the same output in both orders
    pairs = [(left[1 + i][3], right[1 + two.tokens.index(tok)][3]) for i, tok in enumerate(one.tokens)]
    scene.play(*[Indicate(a, color=style.HIGHLIGHT) for a, _ in pairs], *[Indicate(b, color=style.HIGHLIGHT) for _, b in pairs],
               run_time=scene.t(1.2))


# -- 4. positional encodings ------------------------------------------------------------------

@captioned("positional_encodings")
def positional_encodings(scene: NarratedScene, script: Script, traces) -> None:
    m = script.model
    pos = np.array(m.positions)
    key = m.vocabulary_key("cat") or next(iter(m.embeddings))
    base = np.array(m.embeddings[key])

    clear_stage(scene)
    plane, ticks = _board(np.vstack([pos, base, base + pos]))
    word_vec = plane.vector(base, colour=style.token_colour(1), width=5)
    word_vec.label = word(key, size=22, colour=style.token_colour(1))
    label_vectors(scene, plane, [word_vec], [key], [style.token_colour(1)])
    raw = [plane.vector(p, colour=style.TEXT, width=3, tip=0.12) for p in pos]
    rows = [_row(text(f"position {i}", size=24, colour=style.MUTED), NumberText(format_vector(p), size=24),
                 NumberText(f"→ {key} {format_vector(base + p)}", size=24)) for i, p in enumerate(pos)]
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
        s = plane.vector(base + p, colour=style.token_colour(1), width=3, opacity=0.7)
        sums.append(s)
        scene.play(FadeIn(s), FadeIn(rows[i][2]), run_time=scene.t(0.4))


def _move(plane, vec, start, end):
    vec.start, vec.end = np.asarray(start, float), np.asarray(end, float)
    plane.redraw_vector(vec)


# -- 5. the three phrases, fully positioned ---------------------------------------------------

@captioned("phrases_positioned")
def phrases_positioned(scene: NarratedScene, script: Script, traces) -> None:
    focus_word, cats = data.focus_word_across(traces)
    clear_stage(scene)
    plane, ticks = _board(np.array([t.positioned[i] for _, t, i in cats]))
    arrows = [plane.vector(t.positioned[i], colour=style.phrase_colour(k), width=5) for k, t, i in cats]
    names = [f"{focus_word} ({k + 1})" for k, _, _ in cats]
    labels = label_vectors(scene, plane, arrows, names, [style.phrase_colour(k) for k, _, _ in cats], size=20)
    blocks = []
    for k, t in enumerate(traces):
        lines = [text(f"{k + 1}. {t.text}", size=22, colour=style.phrase_colour(k))]
        lines += [_row(word(tok, size=20, colour=style.MUTED), NumberText(format_vector(t.positioned[i]), size=20))
                  for i, tok in enumerate(t.tokens)]
        blocks.append(VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.1))
    grid = VGroup(*blocks).arrange(RIGHT, buff=0.35, aligned_edge=UP)
    fit(grid, Box(PANEL.cx, PANEL.cy, PANEL.w, PANEL.h - 0.4))
    scene.play(FadeIn(plane), FadeIn(ticks), LaggedStart(*[FadeIn(bl) for bl in blocks], lag_ratio=0.3),
               run_time=scene.t(1.5))
    scene.play(LaggedStart(*[FadeIn(a) for a in arrows], lag_ratio=0.3), *[FadeIn(l) for l in labels],
               run_time=scene.t(1.5))


# -- 6, 7, 10: composed from the learning scenes and the walkthrough ----------------------------

@SECTIONS.draws("relevance_learned")
def relevance_learned(scene: NarratedScene, script: Script, traces) -> None:
    clear_stage(scene)
    play_learning(scene, LearningData(script), section=False, overrides=script.narration)


@SECTIONS.draws("alignment")
def alignment(scene: NarratedScene, script: Script, traces) -> None:
    with scene.beat("alignment", EXPLAINER["alignment"].text(script, script.narration), section=False):
        clear_stage(scene)
    for trace in traces:
        clear_stage(scene)
        play_alignment(scene, script, trace)


@SECTIONS.draws("cramped")
def cramped(scene: NarratedScene, script: Script, traces) -> None:
    clear_stage(scene)
    play_cramped(scene, CrampedData(script), section=False, overrides=script.narration)


# -- 8. a weighted average over the past ------------------------------------------------------

@captioned("weighted_average")
def weighted_average(scene: NarratedScene, script: Script, traces) -> None:
    t, i = data.causal_example(traces)
    flat, sharp = data.flat_and_sharp(t, i)
    colours = [style.token_colour(j) for j in range(t.n)]
    hidden = [not t.visible[i, j] for j in range(t.n)]

    clear_stage(scene)
    formula = MathTex(r"\text{output}(t) = \sum_{i \le t} \text{weight}(t, i)\,\times\,\text{vector}(i)",
                      font_size=40, color=style.TEXT).move_to([0, 2.4, 0])
    left = WeightBars(t.tokens, colours, flat, format_weights(flat), Box(-3.4, -0.9, 5.6, 3.2), hidden)
    right = WeightBars(t.tokens, colours, sharp, format_weights(sharp), Box(3.4, -0.9, 5.6, 3.2), hidden)
    titles = VGroup(text("plain average", size=26, colour=style.MUTED).next_to(left, UP, buff=0.25),
                    text(f"attention ({t.tokens[i]})", size=26).next_to(right, UP, buff=0.25))
    scene.play(FadeIn(formula), run_time=scene.t(1.0))
    scene.play(FadeIn(titles), FadeIn(left), run_time=scene.t(1.0))
    scene.play(FadeIn(right), run_time=scene.t(1.0))


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
        rows = VGroup(*[word(tok, size=16, colour=style.token_colour(k), max_width=cell * 1.45)
                        .move_to([box.left + 0.8 * cell, box.top - 0.5 - (k + 0.5) * cell, 0])
                        for k, tok in enumerate(t.tokens)])
        title = text(name, size=24).move_to([box.left + (n / 2 + 1.6) * cell, box.top - 0.2, 0])
        return VGroup(title, cells, rows)

    clear_stage(scene)
    boxes = [Box(-4.6, 0.0, 4.3, 5.2), Box(0.0, 0.0, 4.3, 5.2), Box(4.6, 0.0, 4.3, 5.2)]
    grids = [grid(name, W, box) for (name, W), box in zip(windows.items(), boxes)]
    scene.play(LaggedStart(*[FadeIn(g) for g in grids], lag_ratio=0.5), run_time=scene.t(3.0))


# -- 11. the usual names -----------------------------------------------------------------------

@captioned("names")
def names(scene: NarratedScene, script: Script, traces) -> None:
    clear_stage(scene)
    ws, wo = matrix_pair(script.model.W_search, script.model.W_offer, size=30)
    q = text("= the query matrix, W_Q", size=30, colour=style.SEARCH).next_to(ws, RIGHT, buff=0.4)
    k = text("= the key matrix, W_K", size=30, colour=style.OFFER).next_to(wo, RIGHT, buff=0.4)
    group = VGroup(VGroup(ws, q), VGroup(wo, k)).arrange(DOWN, buff=0.8, aligned_edge=LEFT)
    fit(group, Box(0, 0.4, 12.5, 4.5))
    scene.play(FadeIn(group[0]), run_time=scene.t(1.0))
    scene.play(FadeIn(group[1]), run_time=scene.t(1.0))
