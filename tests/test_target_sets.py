"""Several targets, and several heads: the exact verdicts (attnmath.feasibility) on hand-made
cases with known answers, the article's phrases, and properties; the fit's loss towards shares."""
import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attnmath import (DIRECTION, Reason, fit, heads_verdict, hulls_meet, inside_convex_hull, loss_and_grads,
                      requirement, rivals, target_weights, ties, verdict)
from attnvid.script import load_script
from conftest import SCRIPTS
from test_fit import assert_gradients


def scores(req, M):
    return req.x[req.focus] @ M @ req.x.T                          # (n,)


def assert_set_on_top(req, v):
    """Under the verdict's M every target outscores every rival by at least the margin."""
    s = scores(req, v.M)
    for t in req.targets:
        for j in rivals(req):
            assert s[t] - s[j] >= v.margin - 1e-9 > 0


def assert_heads_put_each_target_on_top(reqs, hv):
    """Each target is the strict top of the head the assignment names, under that head's M."""
    for req, heads in zip(reqs, hv.assignment):
        assert len(set(heads)) == len(heads)                       # one head per target in a phrase
        for t, h in zip(req.targets, heads):
            s = scores(req, hv.verdicts[h].M)
            others = [j for j in np.flatnonzero(req.visible) if j != t and j not in ties(req.alone(t))]
            assert all(s[t] - s[j] > 1e-9 for j in others)


# -- hand-made cases ----------------------------------------------------------------------------

X = [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]              # a b c d; c lies between a and b


def test_a_rival_between_two_targets_keeps_them_from_leading_together():
    req = requirement("a b c d", X, focus=3, target=0, mask="none", tokens="abcd", targets=(0, 1))
    assert rivals(req) == (2, 3)
    v = verdict([req])
    assert not v.feasible and v.M is None
    assert v.reasons == (Reason("hulls_meet", req, (2,)),)         # c is the rival between them
    for t in (0, 1):                                                # each alone: a corner, it can win
        alone = verdict([req.alone(t)])
        assert alone.feasible and rivals(req.alone(t)) == tuple(j for j in range(4) if j != t)


def test_two_heads_give_each_of_them_a_head():
    req = requirement("a b c d", X, focus=3, target=0, mask="none", tokens="abcd", targets=(0, 1))
    one = heads_verdict([req], 1)
    assert not one.feasible and one.reasons == (Reason("too_few_heads", req),)
    two = heads_verdict([req], 2)
    assert two.feasible and two.assignment == ((0, 1),) and two.margin > 0
    assert_heads_put_each_target_on_top([req], two)
    assert two.carried_by(0) == () or two.carried_by(0)[0].targets == (0,)


def test_a_target_inside_the_rivals_hull_can_lead_with_no_number_of_heads():
    x = [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.25, 0.25], [2.0, 2.0]]   # d inside a b c
    req = requirement("a b c d e", x, focus=0, target=3, mask="none", tokens="abcde", targets=(3, 4))
    v = verdict([req])
    assert not v.feasible and v.reasons == (Reason("inside_hull", req, (0, 1, 2), 3),)
    for heads in (2, 3, 4):
        hv = heads_verdict([req], heads)
        assert not hv.feasible
        assert [r.kind for r in hv.reasons] == ["inside_hull"]      # d alone: no head puts it on top
        assert hv.reasons[0].req.target == 3


def test_a_set_that_can_lead_does_and_the_margin_is_the_lps():
    x = [[1.0, 0.2], [0.9, -0.3], [-1.0, 0.0], [-0.5, 0.5]]
    req = requirement("", x, focus=0, target=0, mask="none", targets=(0, 1))
    v = verdict([req])
    assert v.feasible and v.reasons == ()
    assert_set_on_top(req, v)


def test_heads_that_must_serve_two_phrases_with_one_matrix_each_can_conflict():
    # the same words in two phrases, a head per target in each: the split that works needs the
    # focus vectors to agree, and the verdict says which head takes which target
    x = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    a = requirement("p", x, focus=2, target=0, mask="none", targets=(0, 1))
    hv = heads_verdict([a, a], 2)
    assert hv.feasible
    assert_heads_put_each_target_on_top([a, a], hv)
    assert set(hv.assignment) <= {(0, 1), (1, 0)}


def test_set_requirements_are_checked():
    with pytest.raises(ValueError, match="start with target"):
        requirement("", X, focus=3, target=0, mask="none", targets=(1, 0))
    with pytest.raises(ValueError, match="once"):
        requirement("", X, focus=3, target=0, mask="none", targets=(0, 0))
    with pytest.raises(ValueError, match="shares"):
        requirement("", X, focus=3, target=0, mask="none", targets=(0, 1), shares=(0.7, 0.5))
    with pytest.raises(ValueError, match="cannot see"):
        requirement("", X, focus=0, target=0, mask="causal", targets=(0, 1))
    even = requirement("", X, focus=3, target=0, mask="none", targets=(0, 1, 2))
    assert even.shares == pytest.approx((1 / 3,) * 3) and even.several
    one = requirement("", X, focus=3, target=0, mask="none")
    assert one.targets == (0,) and one.shares == (1.0,) and not one.several


def test_hulls_meet_on_simple_shapes():
    square = [[0, 0], [1, 0], [1, 1], [0, 1]]
    assert hulls_meet([[0.5, -1], [0.5, 2]], square)                  # a segment across the square
    assert not hulls_meet([[2, 0], [2, 1]], square)
    assert hulls_meet([[1, 1]], square)                               # a shared corner meets
    assert not hulls_meet([], square)


# -- the article ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def article():
    return {t.text: t for t in load_script(SCRIPTS / "explainer.yaml").traces()}


def test_brian_typed_cat_can_give_typed_and_brian_one_head_each(article):
    t = article["Brian typed cat into the"]
    req = requirement(t.text, t.positioned, t.focus, 1, t.mask, t.tokens, targets=(1, 0))
    assert verdict([req.alone(1)]).feasible and verdict([req.alone(0)]).feasible
    hv = heads_verdict([req], 2)
    assert hv.feasible and sorted(hv.assignment[0]) == [0, 1]
    assert_heads_put_each_target_on_top([req], hv)


def test_is_stays_inside_for_every_head_and_more_dimensions_free_it(article):
    from attnmath import lift
    t = article["Is your warm black cat"]
    req = requirement(t.text, t.positioned, t.focus, 0, t.mask, t.tokens, targets=(0, 2, 3))
    for heads in (3, 4):
        hv = heads_verdict([req], heads)
        assert not hv.feasible
        assert [(r.kind, r.req.target) for r in hv.reasons] == [("inside_hull", 0)]
    lifted = lift([t.positioned], [t.tokens], 4)[0]
    req4 = requirement(t.text, lifted, t.focus, 0, t.mask, t.tokens, targets=(0, 2, 3))
    hv = heads_verdict([req4], 3)
    assert hv.feasible                                                # in 4D each has a head
    assert_heads_put_each_target_on_top([req4], hv)


# -- properties ----------------------------------------------------------------------------------

grid = st.integers(-4, 4).map(lambda i: i / 4)


@st.composite
def set_cases(draw):
    d = draw(st.integers(1, 3))
    n = draw(st.integers(3, 6))
    x = draw(arrays(float, (n, d), elements=grid))
    focus = draw(st.integers(0, n - 1))
    assume(np.any(x[focus] != 0))
    targets = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=3, unique=True))
    return requirement("", x, focus, targets[0], "none", targets=targets)


@settings(max_examples=120, deadline=None)
@given(set_cases())
def test_a_set_leads_iff_its_hull_misses_the_rivals_hull(req):
    v = verdict([req])
    rs = list(rivals(req))
    assert v.feasible == (not hulls_meet(req.x[list(req.targets)], req.x[rs]))
    if v.feasible:
        assert_set_on_top(req, v)
    elif any(inside_convex_hull(req.x[t], req.x[rs]) for t in req.targets):
        assert v.reasons[0].kind == "inside_hull"
    else:
        assert v.reasons[0].kind == "hulls_meet"


@settings(max_examples=40, deadline=None)
@given(set_cases())
def test_heads_are_feasible_iff_each_target_can_top_alone_given_enough_heads(req):
    """One requirement, a head per target: heads do not share a phrase's row, so each target only
    needs to top its row alone."""
    hv = heads_verdict([req], len(req.targets))
    assert hv.feasible == all(verdict([req.alone(t)]).feasible for t in req.targets)
    if hv.feasible:
        assert_heads_put_each_target_on_top([req], hv)


def random_set_reqs(rng, d, n=5, count=3):
    out = []
    for _ in range(count):
        x = rng.normal(0, 1, (n, d))
        focus = int(rng.integers(0, n))
        targets = [int(t) for t in rng.choice(n, size=int(rng.integers(1, 4)), replace=False)]
        raw = rng.uniform(0.1, 1, len(targets))
        shares = raw / raw.sum() * rng.uniform(0.5, 1.0)       # sometimes less than all the weight
        out.append(requirement("", x, focus, targets[0], "none", targets=targets, shares=shares))
    return out


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 3), st.booleans())
def test_set_gradients_match_finite_differences(seed, d, k, prefer):
    rng = np.random.default_rng(seed)
    reqs = random_set_reqs(rng, d)
    Ws, Wo = rng.normal(0, 1, (d, k)), rng.normal(0, 1, (d, k))
    assert_gradients(reqs, Ws, Wo, *((DIRECTION,) if prefer and d > 1 else ()))


def test_the_fit_aims_at_the_shares():
    """Where the shares can be met, the fitted row gives each target about its share."""
    x = [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]        # scores a, b, -(a + b) for u = x_f M = [a, b]
    req = requirement("", x, focus=2, target=0, mask="none", targets=(0, 1), shares=(0.6, 0.3))
    result = fit([req], steps=3000, weight_decay=0.0)
    from attnmath import focus_row
    w = focus_row(req, result.W_search, result.W_offer).weights
    assert w[0] == pytest.approx(0.6, abs=0.02) and w[1] == pytest.approx(0.3, abs=0.02)
    assert result.target_weights[0] == pytest.approx(w[0] + w[1])
    assert target_weights([req], result.W_search, result.W_offer)[0] == pytest.approx(0.9, abs=0.03)
