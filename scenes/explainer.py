"""The full explainer: every idea of the article, one section each, in the order
scripts/explainer.yaml lists them.

    manim -pql scenes/explainer.py Explainer                 # the whole video
    manim -pql --save_sections scenes/explainer.py Explainer # plus one clip per section

Sections are small functions composed from the same beats and pieces as the phrase
walkthrough and the learning scenes; the script decides which run and in what order.
"""
from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Indicate, LaggedStart,
                   Line, MathTex, Rectangle, UpdateFromAlphaFunc, VGroup)

from attnmath import format_number, format_vector, format_weights
from attnvid import explainer_data as data
from attnvid import narration

from scenes import style
from scenes.fading import FadeIn, FadeOut
from scenes.base import ScriptScene
from scenes.beats import label_vectors, panel_column, _row
from scenes.layout import PANEL, PLANE, Box, fit_view
from scenes.learning import CrampedData, LearningData, play_cramped, play_learning
from scenes.pieces import LivePlane, MatrixMob, NumberText, WeightBars, fit, text, tick_labels, word
from scenes.walkthrough import play_alignment

SCRIPT = os.environ.get("ATTN_SCRIPT") or str(Path(__file__).resolve().parent.parent / "scripts" / "explainer.yaml")


class Explainer(ScriptScene):
    script_path = SCRIPT

    def setup(self):
        super().setup()
        self.traces = self.script.traces()

    def construct(self):
        play_explainer(self, self.script, self.traces)


def play_explainer(scene, script, traces):
    """Each section starts by clearing the stage, so it depends only on the one before it:
    a process drawing later sections skips the earlier ones outright (scene.must_play)."""
    for index, name in enumerate(script.sections):
        scene.next_section(name)
        if scene.must_play(index):
            SECTIONS[name](scene, script, traces)


def clear_stage(scene, run_time=0.6):
    """Fade out what the last section left (never the caption): a cross-fade, not a cut."""
    leaving = [m for m in scene.mobjects if m is not scene._caption]
    if leaving:
        scene.play(*[FadeOut(m) for m in leaving], run_time=scene.t(run_time))


def _board(scene, points, region=PLANE):
    plane = LivePlane(fit_view(points, region=region), region=region)
    return SimpleNamespace(scene=scene, plane=plane, ticks=tick_labels(plane))


def _caption(name, script, **facts):
    return narration.section_caption(name, script.narration, **facts)


# -- 1. embeddings --------------------------------------------------------------------------

def embeddings(scene, script, traces):
    m = script.model
    words = list(m.embeddings)
    vecs = np.array([m.embeddings[w] for w in words])
    colours = [style.token_colour(i) for i in range(len(words))]

    def body():
        clear_stage(scene)
        b = _board(scene, vecs)
        arrows = [b.plane.vector(v, colour=c, width=4) for v, c in zip(vecs, colours)]
        labels = label_vectors(b, arrows, words, colours, size=20)
        rows = [_row(word(w, size=24, colour=c), NumberText(format_vector(v), size=24)) for w, v, c in zip(words, vecs, colours)]
        half = (len(rows) + 1) // 2
        cols = VGroup(VGroup(*rows[:half]).arrange(DOWN, aligned_edge=LEFT, buff=0.14),
                      VGroup(*rows[half:]).arrange(DOWN, aligned_edge=LEFT, buff=0.14)).arrange(RIGHT, buff=0.5, aligned_edge=UP)
        fit(cols, Box(PANEL.cx, PANEL.cy, PANEL.w, PANEL.h - 0.4))
        scene.play(FadeIn(b.plane), FadeIn(b.ticks), run_time=scene.t(0.8))
        scene.play(LaggedStart(*[FadeIn(a) for a in arrows], lag_ratio=0.1), *[FadeIn(l) for l in labels],
                   LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.1), run_time=scene.t(2.5))
        keys = {w.casefold(): i for i, w in enumerate(words)}
        pair = [keys[k] for k in ("cat", "typed") if k in keys]
        if pair:
            scene.play(*[Indicate(arrows[i].label, color=style.HIGHLIGHT) for i in pair], run_time=scene.t(1.2))
    scene.beat("embeddings", _caption("embeddings", script, embeddings=script.model.embeddings), body,
               section=False)


# -- 2. the dot product -----------------------------------------------------------------------

def dot_product(scene, script, traces):
    examples, turning = data.dot_examples(), data.turning_dot()

    def body():
        clear_stage(scene)
        region = Box(PLANE.cx, PLANE.cy, PLANE.w, PLANE.h)
        b = _board(scene, np.array([[1.3, 1.3], [-1.3, -1.3]]), region)
        a = b.plane.vector(examples[0].a, colour=style.SEARCH, width=6)
        v = b.plane.vector(examples[0].b, colour=style.OFFER, width=6)
        scene.play(FadeIn(b.plane), FadeIn(b.ticks), FadeIn(a), FadeIn(v), run_time=scene.t(0.8))
        eqs = VGroup(*[NumberText(e.equation, size=28) for e in examples]).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        fit(eqs, Box(PANEL.cx, PANEL.top - 1.3, PANEL.w, 2.0))
        for e, eq in zip(examples, eqs):
            start, end = v.end.copy(), np.array(e.b)
            scene.play(UpdateFromAlphaFunc(v, lambda m, f, s=start, t=end: _set_end(b.plane, v, _arc(s, t, f))),
                       FadeIn(eq), run_time=scene.t(1.2))
            scene.wait(scene.t(0.5))
        # one arrow turns; the value follows it (changed between short plays, never inside one)
        readout_box = Box(PANEL.cx, PANEL.bottom + 1.2, PANEL.w - 0.4, 0.6)
        readout = VGroup(fit(NumberText(turning[0].equation, size=30), readout_box))
        shadow = Line(b.plane.to_screen((0, 0)), b.plane.to_screen((turning[0].value, 0)), color=style.OFFER_LIGHT,
                      stroke_width=8)
        scene.play(FadeIn(readout), FadeIn(shadow), run_time=scene.t(0.5))
        for prev, e in zip(turning, turning[1:]):
            def step(m, f, p=prev, e=e):
                th0, th1 = np.arctan2(p.b[1], p.b[0]), np.arctan2(e.b[1], e.b[0])
                if th1 < th0:
                    th1 += 2 * np.pi
                th = th0 + (th1 - th0) * f
                _set_end(b.plane, v, (np.cos(th), np.sin(th)))
                shadow.put_start_and_end_on(b.plane.to_screen((0, 0)), b.plane.to_screen((np.cos(th) + 1e-6, 0)))
            scene.play(UpdateFromAlphaFunc(VGroup(v, shadow), step), run_time=scene.t(0.2))
            readout.submobjects = [fit(NumberText(e.equation, size=30), readout_box)]
            scene.numbers_shown.append(e.equation)
    scene.beat("dot_product", _caption("dot_product", script), body, section=False)


def _arc(s, t, f):
    th0, th1 = np.arctan2(s[1], s[0]), np.arctan2(t[1], t[0])
    th = th0 + (th1 - th0) * f
    return np.cos(th), np.sin(th)


def _set_end(plane, vec, end):
    vec.end = np.array(end, float)
    plane.redraw_vector(vec)


# -- 3. why positions are needed --------------------------------------------------------------

def positions_needed(scene, script, traces):
    one, two = data.order_blind(script)

    def table(t):
        head = text(" ".join(t.tokens), size=30)
        rows = [_row(word(tok, size=24, colour=style.token_colour(["cat", "sat"].index(tok) if tok in ("cat", "sat") else 0)),
                     NumberText(format_vector(t.embeddings[i]), size=24),
                     text("→", size=24, colour=style.MUTED),
                     NumberText(format_vector(t.outputs[i]), size=24, colour=style.OUTPUT)) for i, tok in enumerate(t.tokens)]
        return VGroup(head, *rows).arrange(DOWN, aligned_edge=LEFT, buff=0.25)

    def body():
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
    scene.beat("positions_needed", _caption("positions_needed", script, pair=f"“{' '.join(one.tokens)}”",
                                            swapped=f"“{' '.join(two.tokens)}”"), body, section=False)


# -- 4. positional encodings ------------------------------------------------------------------

def positional_encodings(scene, script, traces):
    m = script.model
    pos = np.array(m.positions)
    key = m.vocabulary_key("cat") or next(iter(m.embeddings))
    base = np.array(m.embeddings[key])

    def body():
        clear_stage(scene)
        b = _board(scene, np.vstack([pos, base, base + pos]))
        word_vec = b.plane.vector(base, colour=style.token_colour(1), width=5)
        word_vec.label = word(key, size=22, colour=style.token_colour(1))
        label_vectors(b, [word_vec], [key], [style.token_colour(1)])
        raw = [b.plane.vector(p, colour=style.TEXT, width=3, tip=0.12) for p in pos]
        rows = [_row(text(f"position {i}", size=24, colour=style.MUTED), NumberText(format_vector(p), size=24),
                     NumberText(f"→ {key} {format_vector(base + p)}", size=24)) for i, p in enumerate(pos)]
        panel_column(rows, Box(PANEL.cx, PANEL.cy, PANEL.w, PANEL.h - 0.6))
        scene.play(FadeIn(b.plane), FadeIn(b.ticks), FadeIn(word_vec), FadeIn(word_vec.label), run_time=scene.t(0.8))
        scene.play(LaggedStart(*[FadeIn(r) for r in raw], lag_ratio=0.2),
                   LaggedStart(*[FadeIn(r[0]) for r in rows], lag_ratio=0.2),
                   LaggedStart(*[FadeIn(r[1]) for r in rows], lag_ratio=0.2), run_time=scene.t(1.5))
        # each position vector goes tip to tail onto the word: five different places for one word
        sums = []
        for i, (r, p) in enumerate(zip(raw, pos)):
            scene.play(UpdateFromAlphaFunc(r, lambda mob, f, r=r, p=p: _move(b.plane, r, base * f, base * f + p)),
                       run_time=scene.t(0.6))
            s = b.plane.vector(base + p, colour=style.token_colour(1), width=3, opacity=0.7)
            sums.append(s)
            scene.play(FadeIn(s), FadeIn(rows[i][2]), run_time=scene.t(0.4))
    scene.beat("positional_encodings", _caption("positional_encodings", script, count=len(pos)), body,
               section=False)


def _move(plane, vec, start, end):
    vec.start, vec.end = np.asarray(start, float), np.asarray(end, float)
    plane.redraw_vector(vec)


# -- 5. the three phrases, fully positioned ---------------------------------------------------

def phrases_positioned(scene, script, traces):
    focus_word = traces[0].tokens[traces[0].focus] if traces[0].focus is not None else traces[0].tokens[-1]
    cats = [(k, t, [i for i, tok in enumerate(t.tokens) if tok.casefold() == focus_word.casefold()])
            for k, t in enumerate(traces)]
    cats = [(k, t, idx[0]) for k, t, idx in cats if idx]
    colours = ["#FF6B9A", "#6BE3A4", "#C792EA", "#F7E26B", "#7FDBDA"]

    def body():
        clear_stage(scene)
        b = _board(scene, np.array([t.positioned[i] for _, t, i in cats]))
        arrows = [b.plane.vector(t.positioned[i], colour=colours[k % 5], width=5) for k, t, i in cats]
        names = [f"{focus_word} ({k + 1})" for k, _, _ in cats]
        labels = label_vectors(b, arrows, names, [colours[k % 5] for k, _, _ in cats], size=20)
        blocks = []
        for k, t in enumerate(traces):
            lines = [text(f"{k + 1}. {t.text}", size=22, colour=colours[k % 5])]
            lines += [_row(word(tok, size=20, colour=style.MUTED), NumberText(format_vector(t.positioned[i]), size=20))
                      for i, tok in enumerate(t.tokens)]
            blocks.append(VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.1))
        grid = VGroup(*blocks).arrange(RIGHT, buff=0.35, aligned_edge=UP)
        fit(grid, Box(PANEL.cx, PANEL.cy, PANEL.w, PANEL.h - 0.4))
        scene.play(FadeIn(b.plane), FadeIn(b.ticks), LaggedStart(*[FadeIn(bl) for bl in blocks], lag_ratio=0.3),
                   run_time=scene.t(1.5))
        scene.play(LaggedStart(*[FadeIn(a) for a in arrows], lag_ratio=0.3), *[FadeIn(l) for l in labels],
                   run_time=scene.t(1.5))
    vectors = ", ".join(format_vector(t.positioned[i]) for _, t, i in cats)
    scene.beat("phrases_positioned", _caption("phrases_positioned", script, word=focus_word, vectors=vectors),
               body, section=False)


# -- 6, 7, 10: composed from the learning scenes and the walkthrough ----------------------------

def relevance_learned(scene, script, traces):
    clear_stage(scene)
    play_learning(scene, LearningData(script), section=False, overrides=script.narration)


def alignment(scene, script, traces):
    scene.beat("alignment", _caption("alignment", script), lambda: clear_stage(scene), section=False)
    for trace in traces:
        clear_stage(scene)
        play_alignment(scene, script, trace)


def cramped(scene, script, traces):
    clear_stage(scene)
    play_cramped(scene, CrampedData(script), section=False, overrides=script.narration)


# -- 8. a weighted average over the past ------------------------------------------------------

def _causal_trace(traces):
    for t in traces:
        if t.mask == "causal":
            return t, (t.focus if t.focus is not None else t.n - 1)
    return traces[-1], traces[-1].n - 1


def weighted_average(scene, script, traces):
    t, i = _causal_trace(traces)
    flat, sharp = data.flat_and_sharp(t, i)
    colours = [style.token_colour(j) for j in range(t.n)]
    hidden = [not t.visible[i, j] for j in range(t.n)]

    def body():
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
    scene.beat("weighted_average", _caption("weighted_average", script), body, section=False)


# -- 9. from bigrams to self-attention --------------------------------------------------------

def bigrams(scene, script, traces):
    t, _ = _causal_trace(traces)
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

    def body():
        clear_stage(scene)
        boxes = [Box(-4.6, 0.0, 4.3, 5.2), Box(0.0, 0.0, 4.3, 5.2), Box(4.6, 0.0, 4.3, 5.2)]
        grids = [grid(name, W, box) for (name, W), box in zip(windows.items(), boxes)]
        scene.play(LaggedStart(*[FadeIn(g) for g in grids], lag_ratio=0.5), run_time=scene.t(3.0))
    scene.beat("bigrams", _caption("bigrams", script), body, section=False)


# -- 11. the usual names -----------------------------------------------------------------------

def names(scene, script, traces):
    m = script.model

    def body():
        clear_stage(scene)
        ws = MatrixMob([[format_number(x) for x in row] for row in m.W_search], "W_search", colour=style.SEARCH, size=30)
        wo = MatrixMob([[format_number(x) for x in row] for row in m.W_offer], "W_offer", colour=style.OFFER, size=30)
        q = text("= the query matrix, W_Q", size=30, colour=style.SEARCH).next_to(ws, RIGHT, buff=0.4)
        k = text("= the key matrix, W_K", size=30, colour=style.OFFER).next_to(wo, RIGHT, buff=0.4)
        group = VGroup(VGroup(ws, q), VGroup(wo, k)).arrange(DOWN, buff=0.8, aligned_edge=LEFT)
        fit(group, Box(0, 0.4, 12.5, 4.5))
        scene.play(FadeIn(group[0]), run_time=scene.t(1.0))
        scene.play(FadeIn(group[1]), run_time=scene.t(1.0))
    scene.beat("names", _caption("names", script), body, section=False)


SECTIONS = {
    "embeddings": embeddings, "dot_product": dot_product, "positions_needed": positions_needed,
    "positional_encodings": positional_encodings, "phrases_positioned": phrases_positioned,
    "relevance_learned": relevance_learned, "alignment": alignment, "weighted_average": weighted_average,
    "bigrams": bigrams, "cramped": cramped, "names": names,
}
assert tuple(SECTIONS) == narration.SECTIONS
