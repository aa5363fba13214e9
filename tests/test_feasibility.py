"""Can any W_search, W_offer make a target win? The LP verdict, on cases with known answers.

Reasons are asserted as structure here; their wording is attnvid's (tests/test_fit_command.py)."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attnmath import Reason, Requirement, inside_convex_hull, requirement, rivals, ties, verdict
from attnvid.script import load_script
from conftest import SCRIPTS


@pytest.fixture(scope="module")
def article():
    """The article's three phrases as requirements, keyed by target word."""
    traces = load_script(SCRIPTS / "explainer.yaml").traces()
    return {t.tokens[t.target]: requirement(t.text, t.positioned, t.focus, t.target, t.mask, t.tokens)
            for t in traces}


def scores(req, M):
    return req.x[req.focus] @ M @ req.x.T                          # (n,)


def assert_strict_top(req, v):
    """The verdict's M really puts the target above every rival, by at least the margin."""
    s = scores(req, v.M)
    for j in rivals(req):
        assert s[req.target] - s[j] >= v.margin - 1e-9 > 0


# -- hand-made cases ---------------------------------------------------------------------------

def test_a_target_inside_a_triangle_of_rivals_never_wins():
    x = [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.25, 0.25]]        # focus 0; target 3 inside
    req = requirement("a b c d", x, focus=0, target=3, mask="none", tokens="a b c d".split())
    assert rivals(req) == (0, 1, 2)
    v = verdict([req])
    assert not v.feasible and v.margin == 0.0 and v.M is None
    assert v.reasons == (Reason("inside_hull", req, (0, 1, 2)),)


def test_a_zero_focus_gives_every_position_the_same_score():
    req = requirement("", [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], focus=0, target=1, mask="none")
    v = verdict([req])
    assert not v.feasible and v.reasons == (Reason("zero_focus", req, (0, 2)),)


def test_a_target_at_a_corner_of_the_hull_always_wins_and_M_shows_it():
    x = [[0.0, 0.5], [0.0, 0.0], [0.125, 0.125], [0.5, 0.0]]      # target 3 is a corner
    req = requirement("", x, focus=0, target=3, mask="none")
    v = verdict([req])
    assert v.feasible and v.reasons == () and 0 < v.margin <= 1
    assert v.M.shape == (2, 2) and np.abs(v.M).max() <= 1
    assert_strict_top(req, v)
    # the LP's optimum, by hand: u = x_f M = 0.5 * (M's second row) lies in [-0.5, 0.5]^2, and
    # u . (x_t - [0, 0]) = 0.5 u_1 <= 0.25, reached by u = [0.5, -0.5] (which beats the others
    # by 0.5 and 0.25)
    assert v.margin == pytest.approx(0.25, abs=1e-9)


def test_two_targets_each_reachable_alone_but_not_together():
    x = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]                      # the same focus and candidates
    a = requirement("p q r", x, focus=2, target=0, mask="none", tokens="p q r".split())
    b = requirement("p q r", x, focus=2, target=1, mask="none", tokens="p q r".split())
    for req in (a, b):
        v = verdict([req])
        assert v.feasible
        assert_strict_top(req, v)
    joint = verdict([a, b])
    assert not joint.feasible and joint.margin == 0.0 and joint.M is None
    assert joint.reasons == (Reason("conflict"),)                    # each can win alone


def test_different_focus_vectors_can_be_served_by_one_matrix():
    # two independent focus vectors: M sends each to its own search direction
    x = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    a = requirement("", x, focus=0, target=0, mask="none")
    b = requirement("", x, focus=1, target=1, mask="none")
    v = verdict([a, b])
    assert v.feasible
    assert_strict_top(a, v) and assert_strict_top(b, v)


def test_ties_are_reported_and_not_counted_as_rivals():
    x = [[0.2, 0.3], [0.5, 0.8], [1.1, 0.6], [0.5, 0.8]]
    req = requirement("", x, focus=2, target=1, mask="none")
    assert ties(req) == (3,) and rivals(req) == (0, 2)
    v = verdict([req])
    assert v.feasible                                               # the tie would make it 0
    s = scores(req, v.M)
    assert s[3] == pytest.approx(s[1], abs=1e-12)                   # a tie scores as the target
    hidden = requirement("", x, focus=2, target=1, mask="causal")   # the causal mask hides 3
    assert ties(hidden) == () and rivals(hidden) == (0, 2)


def test_no_rivals_is_trivially_feasible():
    req = requirement("", [[0.5, 0.5], [0.5, 0.5], [1.0, 0.0]], focus=1, target=0, mask="causal")
    assert rivals(req) == () and ties(req) == (1,)
    v = verdict([req])
    assert v.feasible and v.margin == 1.0


def test_requirements_are_checked():
    with pytest.raises(ValueError, match="cannot see"):
        requirement("", [[1.0, 0.0], [0.0, 1.0]], focus=0, target=1, mask="causal")
    with pytest.raises(ValueError):
        requirement("", [[1.0, 0.0]], focus=0, target=3, mask="none")
    with pytest.raises(ValueError):
        verdict([])
    req = Requirement("", [[1, 0], [0, 1]], 0, 1, [True, True])    # lists become arrays
    assert req.x.dtype == float and req.visible.dtype == bool and not req.x.flags.writeable


def test_inside_convex_hull_on_a_square():
    square = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    assert inside_convex_hull([0.5, 0.5], square)
    assert inside_convex_hull([1.0, 0.5], square)                   # the boundary counts
    assert not inside_convex_hull([1.5, 0.5], square)
    assert not inside_convex_hull([0.5, 0.5], np.zeros((0, 2)))     # no points, no hull


# -- the article -------------------------------------------------------------------------------

def test_the_article_alone_sat_and_typed_can_win_is_cannot(article):
    for word, margin in (("sat", 0.512), ("typed", 1.0)):           # typed's 1.0 is the cap
        v = verdict([article[word]])
        assert v.feasible and v.margin == pytest.approx(margin, abs=1e-9)
        assert_strict_top(article[word], v)
    v = verdict([article["Is"]])
    assert not v.feasible and v.margin == 0.0 and v.M is None
    req = article["Is"]
    assert v.reasons == (Reason("inside_hull", req, (1, 2, 3, 4)),)
    assert inside_convex_hull(req.x[0], req.x[list(rivals(req))])


def test_the_article_jointly(article):
    both = verdict([article["sat"], article["typed"]])
    assert both.feasible and both.margin == pytest.approx(0.3375, abs=1e-9)
    assert_strict_top(article["sat"], both) and assert_strict_top(article["typed"], both)
    allthree = verdict(list(article.values()))
    assert not allthree.feasible and allthree.M is None
    assert allthree.reasons == (Reason("inside_hull", article["Is"], (1, 2, 3, 4)),)   # Is alone


def test_typed_ties_with_the_under_no_mask(article):
    t = article["typed"]
    assert ties(t) == ()                                            # causal: cat cannot see "the"
    unmasked = requirement(t.phrase, t.x, t.focus, t.target, "none", t.tokens)
    assert ties(unmasked) == (4,) and rivals(unmasked) == (0, 2, 3)
    assert verdict([unmasked]).feasible


# -- properties --------------------------------------------------------------------------------

# Points on a grid of quarters: a target is either in the hull (maybe on its edge, margin exactly
# 0) or outside it by a clear distance, so the two LPs are never asked to split a hair.
grid = st.integers(-4, 4).map(lambda i: i / 4)


@st.composite
def cases(draw):
    d = draw(st.integers(1, 3))
    n = draw(st.integers(2, 6))
    x = draw(arrays(float, (n, d), elements=grid))
    focus = draw(st.integers(0, n - 1))
    target = draw(st.integers(0, n - 1))
    assume(np.any(x[focus] != 0))
    return requirement("", x, focus, target, "none")


@settings(max_examples=150, deadline=None)
@given(cases())
def test_alone_a_target_wins_iff_it_is_outside_its_rivals_hull(req):
    v = verdict([req])
    rs = list(rivals(req))
    assert v.feasible == (not inside_convex_hull(req.x[req.target], req.x[rs]))
    if v.feasible:
        assert_strict_top(req, v)
        assert v.reasons == ()
    else:
        assert v.reasons == (Reason("inside_hull", req, tuple(rs)),)


@settings(max_examples=60, deadline=None)
@given(cases(), st.data())
def test_no_matrix_in_the_box_beats_the_lp_margin(req, data):
    assume(rivals(req))
    v = verdict([req])
    d = req.x.shape[1]
    M = data.draw(arrays(float, (d, d), elements=st.floats(-1, 1)))
    s = scores(req, M)
    achieved = min(s[req.target] - s[j] for j in rivals(req))
    assert achieved <= v.margin + 1e-9 or v.margin == 1.0           # 1.0 is the cap on delta


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (4, 2), elements=st.floats(-3, 3)), st.lists(st.floats(0.05, 1), min_size=4, max_size=4),
       arrays(np.float64, (2, 2), elements=st.floats(-4, 4)))
def test_a_matrix_keeps_a_point_inside_the_outline_so_no_w_offer_rescues_it(points, shares, W):
    """What the Cramped caption says: a point inside the others' outline stays inside it after
    any matrix (a convex combination maps to the same combination of the mapped points), so
    the offers' outline holds the target's offer whatever W_offer is."""
    # a (nearly) singular W flattens the outline to a segment, where the hull test's tolerance,
    # not the claim, decides: the claim is about the shipped kind of matrix, which is invertible
    assume(abs(np.linalg.det(W)) > 1e-2)
    shares = np.array(shares) / np.sum(shares)
    point = shares @ points
    assert inside_convex_hull(point, points)
    assert inside_convex_hull(point @ W, points @ W)
