"""Direction or length: attnmath.direction says which decided a row, and it is right."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attnmath import decide, geometry, leaders, same_direction, winner

finite = st.floats(-20, 20, allow_nan=False).map(lambda v: round(v, 2))


def test_a_long_offer_outscores_a_better_aligned_one():
    search = [1.0, 0.0]
    offers = [[2.0, 0.2],      # 5.7° off, length 2.01: shadow 2.0
              [6.0, 4.0]]      # 33.7° off, length 7.21: shadow 6.0
    d = decide(search, offers)
    assert (d.winner, d.best_aligned, d.longest, d.by) == (1, 0, 1, "length")


def test_with_equal_lengths_the_best_aligned_offer_wins():
    angles = np.radians([10, 40, 70])
    offers = 3 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    search = [np.cos(np.radians(30)), np.sin(np.radians(30))]
    d = decide(search, offers)
    assert (d.winner, d.best_aligned, d.by) == (1, 1, "direction")


def test_hidden_offers_neither_win_nor_count_as_best_aligned():
    d = decide([1.0, 0.0], [[1.0, 0.0], [0.0, 1.0], [9.0, 0.0]], visible=[False, True, False])
    assert d == (1, 1, 1, "direction")


@settings(max_examples=200, deadline=None)
@given(arrays(float, 2, elements=finite), arrays(float, (5, 2), elements=finite))
def test_shadows_times_the_search_length_are_the_scores(search, offers):
    g = geometry(search, offers)
    assert np.allclose(g.search_length * g.shadows, offers @ search, atol=1e-9)
    assert np.allclose(g.shadows, g.lengths * g.cosines, atol=1e-9) or g.search_length == 0
    assert np.all(np.abs(g.cosines) <= 1)


@settings(max_examples=200, deadline=None)
@given(arrays(float, 2, elements=finite), arrays(float, (5, 2), elements=finite))
def test_the_verdict_is_direction_exactly_when_the_winner_is_best_aligned(search, offers):
    g = geometry(search, offers)
    d = decide(search, offers)
    assert d.winner == winner(offers @ np.asarray(search)) or g.search_length == 0
    assert (d.by == "direction") == (d.winner in leaders(g.cosines))
    if d.by == "length" and g.shadows[d.best_aligned] > 0:   # a loser pointed closer: length carried the winner
        assert g.lengths[d.winner] > g.lengths[d.best_aligned]
    if d.by == "length" and g.shadows[d.winner] < 0:         # all behind: the shortest shadow is the top
        assert g.lengths[d.winner] < g.lengths[d.best_aligned]


def test_same_direction_finds_positive_multiples_only():
    x = [[0.5, 0.8], [1.0, 1.6], [-0.5, -0.8], [0.5, 0.7], [0.0, 0.0]]
    assert same_direction(x, 0) == (1,)                     # the opposite way is a different direction
    assert same_direction(x, 0, visible=[True, False, True, True, True]) == ()
    assert same_direction(x, 4) == (0, 1, 2, 3)             # a zero target points nowhere
