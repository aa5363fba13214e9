"""LivePlane redraws from its data every frame but skips what has not changed (the grid when
only a vector moved, every vector that did not move). Skipping must never show anything a
full redraw would not: after any run of edits, a plane that skips looks exactly like one drawn
whole from the same data."""
import numpy as np
from hypothesis import given, settings, strategies as st

from scenes.lib.layout import View
from scenes.lib.pieces import LivePlane
from scenes.lib.still_background import look
from scenes.lib.pieces import text

coordinate = st.floats(-3, 3, allow_nan=False).map(lambda x: round(x, 2))
point = st.tuples(coordinate, coordinate)
edit = st.one_of(
    st.tuples(st.just("end"), st.integers(0, 2), point),
    st.tuples(st.just("start"), st.integers(0, 2), point),
    st.tuples(st.just("view"), st.floats(1.0, 4.0).map(lambda x: round(x, 1)), st.sampled_from([0.5, 1.0])),
    st.tuples(st.just("matrix"), point, point),
    st.tuples(st.just("fade"), st.integers(0, 2), st.floats(0, 1)),
    st.tuples(st.just("nudge"), st.integers(0, 2), point),
    st.tuples(st.just("offset"), st.integers(0, 2), point),
    st.tuples(st.just("none"), st.just(0), st.just(0)),
)


def planes():
    """Two planes with the same three vectors (the first labelled)."""
    out = []
    for _ in range(2):
        plane = LivePlane(View(-2, 2, -2, 2, 1))
        vecs = [plane.vector((1.0, 0.5)), plane.vector((-0.5, 1.0), start=(0.2, 0.2)), plane.vector((0.3, -1.2))]
        vecs[0].label = text("cat", size=20)
        plane.redraw()                      # the first frame: both have drawn everything once
        out.append((plane, vecs))
    return out


def apply(plane, vecs, change):
    kind, a, b = change
    if kind in ("end", "start"):
        setattr(vecs[a], kind, np.array(b, float))
    elif kind == "view":
        plane.view = View(-a, a, -a, a, b).as_array()
    elif kind == "matrix":
        plane.matrix = np.array([a, b], float)
    elif kind == "fade":
        vecs[a].set_opacity(b)
    elif kind == "nudge" and vecs[a].label is not None:
        vecs[a].label.shift([b[0], b[1], 0])
    elif kind == "offset":
        vecs[a].label_offset = np.array([b[0], b[1], 0.0])


def appearance(plane, vecs):
    parts = [*plane.grid, *plane.axes] + [m for v in vecs for m in (v.shaft, v.head)]
    labels = [v.label.get_center().round(9).tobytes() for v in vecs if v.label is not None]
    return [look(m) for m in parts], labels


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(edit, max_size=3), min_size=1, max_size=6))
def test_a_plane_that_skips_looks_like_one_drawn_whole(frames):
    (skipping, s_vecs), (whole, w_vecs) = planes()
    for frame in frames:
        for change in frame:
            apply(skipping, s_vecs, change)
            apply(whole, w_vecs, change)
        skipping.redraw()
        whole._drawn = None                      # forget what was drawn: everything is drawn again
        whole.redraw()
        assert appearance(skipping, s_vecs) == appearance(whole, w_vecs)


def test_moving_one_vector_leaves_the_grid_and_the_others_alone():
    """What the skipping buys: the grid is not placed again when only a vector moves."""
    ((plane, vecs), _) = planes()
    placed = []
    plane._place = lambda *a: placed.append(a)          # count the grid's lines placed
    drawn = []
    real = plane.redraw_vector
    plane.redraw_vector = lambda v: (drawn.append(v), real(v))
    plane.redraw()
    assert placed == [] and drawn == []
    vecs[1].end = np.array([1.5, 1.5])
    plane.redraw()
    assert placed == [] and drawn == [vecs[1]]
    plane.view = View(-3, 3, -3, 3, 1).as_array()
    plane.redraw()
    assert len(placed) == len(plane.grid) + len(plane.axes) and drawn[1:] == vecs
