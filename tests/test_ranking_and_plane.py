"""Who wins a row (one tie-aware rule for every caller), and the plane geometry of the sweep."""
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attnmath import TIE, hull_order, leaders, sweep_winners, winner, winners

values = st.floats(-10, 10, allow_nan=False)


@st.composite
def rows(draw):
    """A row of values and which of its positions are visible (at least one)."""
    n = draw(st.integers(1, 8))
    row = draw(arrays(float, n, elements=values))
    visible = draw(arrays(bool, n))
    visible[draw(st.integers(0, n - 1))] = True
    return row, visible


# -- winner and leaders --------------------------------------------------------------------------

@given(rows())
def test_the_winner_is_the_earliest_leader_and_leaders_are_the_visible_top(case):
    row, visible = case
    top = row[visible].max()
    lead = leaders(row, visible)
    assert lead == tuple(j for j in range(len(row)) if visible[j] and row[j] >= top - TIE)
    assert winner(row, visible) == lead[0]


@given(rows())
def test_hidden_positions_never_win(case):
    row, visible = case
    huge = np.where(visible, row, 1e300)                      # hidden ones far above the rest
    assert visible[winner(huge, visible)]
    assert all(visible[j] for j in leaders(huge, visible))


@given(rows())
def test_a_clear_top_is_argmax(case):
    row, visible = case
    shown = np.where(visible, row, -np.inf)
    best = int(np.argmax(shown))
    assume(np.all((shown[best] - np.delete(shown, best)) > 1e-6))
    assert winner(row, visible) == best and leaders(row, visible) == (best,)


@given(rows(), st.integers(0, 7), st.floats(0, 0.9))
def test_float_noise_is_a_tie_broken_to_the_earliest(case, k, frac):
    row, visible = case
    row, visible = np.append(row, 0.0), np.append(visible, True)
    j = len(row) - 1                                          # the latest position ...
    k = k % j                                                 # ... and an earlier one on top
    visible[k] = True
    row[k] = row[visible].max() + 1.0
    row[j] = row[k] - frac * TIE                              # within TIE of it: a tie
    assert winner(row, visible) == k and {k, j} <= set(leaders(row, visible))
    row[j] = row[k] + 2 * TIE                                 # clearly above it: j wins alone
    assert winner(row, visible) == j and leaders(row, visible) == (j,)


def test_the_article_example_of_noise():
    row = np.array([0.7 + 0.1, 0.8, 0.1])
    assert row[0] != row[1]
    assert winner(row) == 0 and leaders(row) == (0, 1)
    assert 1 in leaders(row)                                  # "does position 1 win?" yes: tied


@settings(max_examples=50)
@given(st.integers(1, 6), st.integers(1, 6), st.data())
def test_winners_is_winner_of_every_row(r, n, data):
    block = data.draw(arrays(float, (r, n), elements=st.sampled_from([0.0, 1.0, 1.0 + 1e-12, 2.0])))
    visible = data.draw(arrays(bool, n))
    visible[0] = True
    assert list(winners(block, visible)) == [winner(row, visible) for row in block]


def test_a_row_must_see_something():
    with pytest.raises(ValueError, match="at least one"):
        winner([1.0, 2.0], [False, False])


# -- the plane -------------------------------------------------------------------------------------

def test_hull_order_of_a_square_with_a_middle_and_an_edge_point():
    pts = [[0.5, 0.5], [0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0.0]]
    assert hull_order(pts) == [1, 2, 3, 4]                     # counter-clockwise from lowest-left
    assert hull_order([[0, 0]]) == [] and hull_order(np.zeros((0, 2))) == []


@settings(max_examples=60)
@given(arrays(float, (6, 2), elements=st.integers(-4, 4).map(lambda i: i / 4)))
def test_a_sweep_winner_scores_as_high_as_the_best_hull_corner(x):
    """A linear score's largest value over points is its largest over the hull's corners."""
    corners = hull_order(x)
    assume(corners)                                           # not all six points the same
    angles = np.linspace(0, 2 * np.pi, 73)
    u = np.stack([np.cos(angles), np.sin(angles)], axis=1)   # (a, 2)
    for a, j in enumerate(sweep_winners(x, np.ones(6, bool), angles)):
        scores = u[a] @ x.T                                   # (6,)
        assert j == winner(scores)
        assert scores[j] == pytest.approx(scores[corners].max(), abs=TIE)


def test_a_point_inside_the_hull_never_wins_the_sweep():
    x = [[0.25, 0.25], [0, 1], [1, 0], [0, 0], [5, 5]]         # 0 inside; 4 hidden
    won = sweep_winners(x, [True, True, True, True, False], np.linspace(0, 2 * np.pi, 721))
    assert set(won) == {1, 2, 3}


def test_attnmath_does_not_import_scipy_until_a_verdict_is_asked():
    code = "import sys, attnmath; print(any(m.split('.')[0] == 'scipy' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (4, 2), elements=st.floats(-12, 12)))
def test_axis_numbers_stay_clear_of_arrow_tips(tips):
    """An axis number never sits under an arrow's tip (the '-4' under cat's offer); only those
    numbers are left out, the others are all still there."""
    from scenes.lib.layout import fit_view
    from scenes.lib.pieces import TICK_CLEARANCE, LivePlane, tick_labels
    plane = LivePlane(fit_view(tips))
    every = tick_labels(plane)
    kept = tick_labels(plane, clear_of=tips)
    screen = [plane.to_screen(p) for p in tips]
    near = lambda lab: any(np.linalg.norm(lab.get_center() - s) < TICK_CLEARANCE for s in screen)
    assert [l.text for l in kept] == [l.text for l in every if not near(l)]
    assert not any(near(l) for l in kept)
