"""Properties of the attention math that hold for any numbers, checked with hypothesis."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from attnmath import attend, masked_softmax, positioned, scale_factor, trace_phrase, visibility

finite = st.floats(-10, 10, allow_nan=False, width=64)
masks = st.sampled_from(["none", "causal"])


@st.composite
def phrases(draw, max_n=8, max_d=4):
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    k = draw(st.integers(1, max_d))
    x = draw(arrays(float, (n, d), elements=finite))
    ws = draw(arrays(float, (d, k), elements=finite))
    wo = draw(arrays(float, (d, k), elements=finite))
    return x, ws, wo


@given(phrases(), masks)
def test_weight_rows_sum_to_one_and_hidden_weights_are_exactly_zero(p, mask):
    x, ws, wo = p
    *_, weights, _, _ = attend(x, ws, wo, mask=mask)
    assert np.allclose(weights.sum(axis=1), 1.0)
    assert (weights >= 0).all()
    hidden = ~visibility(len(x), mask)
    assert (weights[hidden] == 0.0).all()


def _in_convex_hull(point, vertices) -> bool:
    """Is point = sum(l_i v_i) with l_i >= 0, sum l_i = 1, up to rounding? Decided by a linear
    program that finds the convex combination nearest the point (in L1) and asks whether it is
    within 1e-9 of the values' scale. (An exact-equality program let the solver's own 1e-7
    feasibility tolerance call a point of a hull with 1e-8 coordinates outside it.)"""
    n, m = len(vertices), len(point) + 1
    a_eq = np.hstack([np.vstack([vertices.T, np.ones(n)]), np.eye(m), -np.eye(m)])   # l, slack+, slack-
    b_eq = np.append(point, 1.0)
    cost = np.concatenate([np.zeros(n), np.ones(2 * m)])
    res = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * (n + 2 * m), method="highs")
    return res.status == 0 and res.fun <= 1e-9 * (1.0 + float(np.abs(vertices).max()))


@settings(max_examples=60)
@given(phrases(max_n=6, max_d=3), masks)
def test_each_output_lies_in_the_convex_hull_of_the_values_it_can_see(p, mask):
    x, ws, wo = p
    *_, values, outputs = attend(x, ws, wo, mask=mask)
    visible = visibility(len(x), mask)
    for i, out in enumerate(outputs):
        assert _in_convex_hull(out, values[visible[i]])


def test_the_hull_check_can_fail():
    square = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert _in_convex_hull(np.array([0.5, 0.5]), square)
    assert not _in_convex_hull(np.array([1.5, 0.5]), square)
    assert not _in_convex_hull(np.array([1.0 + 1e-6, 0.5]), square)
    # the case hypothesis found: a hull whose points have coordinates near 1e-8
    tiny = np.array([[3.55862377e-12, 1.0], [5.96046448e-08, 5.96046448e-08]])
    assert _in_convex_hull(0.5 * tiny[0] + 0.5 * tiny[1], tiny)


@given(arrays(float, (5, 5), elements=finite), arrays(float, 5, elements=finite), masks)
def test_adding_a_constant_to_a_score_row_changes_nothing(scores, shift, mask):
    visible = visibility(5, mask)
    np.testing.assert_allclose(masked_softmax(scores + shift[:, None], visible),
                               masked_softmax(scores, visible), atol=1e-12)


@given(arrays(float, (4, 4), elements=st.floats(-1e4, 1e4, allow_nan=False)), masks)
def test_huge_scores_stay_finite(scores, mask):
    w = masked_softmax(scores, visibility(4, mask))
    assert np.isfinite(w).all()
    assert np.allclose(w.sum(axis=1), 1.0)


def test_huge_scores_pick_the_largest():
    w = masked_softmax(np.array([[1e4, -1e4, 9999.0]]), np.ones((1, 3), bool))
    assert w[0, 1] == 0.0 and w[0, 0] == pytest.approx(1 / (1 + np.exp(-1)))


def test_scores_follow_the_articles_convention():
    """scores[i][j] = search_i . offer_j x scale, with search = x @ W_search (row vectors)."""
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    ws = np.array([[1.0, 2.0], [0.0, 1.0]])
    wo = np.array([[0.0, 1.0], [1.0, 0.0]])
    search, offer, scores, *_ = attend(x, ws, wo, scale="sqrt")
    np.testing.assert_array_equal(search, [[1.0, 4.0], [3.0, 5.0]])  # [1,2]@ws = [1, 2+2]
    np.testing.assert_array_equal(offer, [[2.0, 1.0], [-1.0, 3.0]])
    assert scores[0, 1] == pytest.approx((1 * -1 + 4 * 3) / np.sqrt(2))
    assert scale_factor("none", ws) == 1.0
    assert scale_factor("sqrt", np.zeros((2, 8))) == pytest.approx(1 / np.sqrt(8))


def test_causal_mask_sees_itself_and_the_past_only():
    v = visibility(3, "causal")
    assert v.tolist() == [[True, False, False], [True, True, False], [True, True, True]]
    assert visibility(3, "none").all()
    with pytest.raises(ValueError):
        visibility(3, "sideways")


def test_values_are_positioned_vectors_unless_w_value_is_given():
    emb, pos = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.1, 0.0], [0.0, 0.1]])
    eye = np.eye(2)
    t = trace_phrase(["a", "b"], emb, pos, eye, eye)
    np.testing.assert_array_equal(t.values, positioned(emb, pos))
    t2 = trace_phrase(["a", "b"], emb, pos, eye, eye, W_value=np.array([[2.0], [1.0]]))
    assert t2.values.shape == (2, 1) and t2.outputs.shape == (2, 1)
    np.testing.assert_allclose(t2.outputs, t2.weights @ (positioned(emb, pos) @ [[2.0], [1.0]]))


def test_a_trace_is_frozen():
    eye = np.eye(2)
    t = trace_phrase(["a", "b"], eye, eye, eye, eye, mask="causal")
    for name in ("positioned", "search", "offer", "scores", "weights", "outputs", "visible"):
        with pytest.raises(ValueError):
            getattr(t, name)[0, 0] = 5
    with pytest.raises(AttributeError):
        t.mask = "none"


def test_strongest_treats_float_noise_as_a_tie_and_names_the_earliest():
    # 0.7 + 0.1 and 0.8 differ in the last bit: the two words must tie, not "win" by noise
    emb = np.array([[0.7, 0.0], [0.8, 0.0], [0.0, 0.0]])
    pos = np.array([[0.1, 0.0], [0.0, 0.0], [0.0, 0.0]])
    eye = np.eye(2)
    t = trace_phrase(["a", "b", "c"], emb, pos, eye, eye)
    assert t.positioned[0, 0] != t.positioned[1, 0]          # really different floats
    assert t.ties_with(0) == (1,) and t.ties_with(2) == ()
    assert t.strongest(2) == 0
    far = trace_phrase(["a", "b", "c"], emb, np.zeros((3, 2)), eye, eye)
    assert far.strongest(1) == 1 and far.ties_with(0) == ()
