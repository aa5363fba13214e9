"""Learning W_search, W_offer by gradient descent, and what more dimensions buy."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attnmath import (DIRECTION, attend, dimension_sweep, fit, focus_row, lift, loss_and_grads, requirement,
                      target_weights, verdict)
from attnvid.script import load_script
from conftest import SCRIPTS


@pytest.fixture(scope="module")
def phrases():
    """The article's phrases as (text, tokens, x (n, 2), focus, target, mask)."""
    return [(t.text, t.tokens, t.positioned, t.focus, t.target, t.mask)
            for t in load_script(SCRIPTS / "explainer.yaml").traces()]


@pytest.fixture(scope="module")
def reqs(phrases):
    return [requirement(text, x, f, t, mask, tokens) for text, tokens, x, f, t, mask in phrases]


@pytest.fixture(scope="module")
def joint(reqs):
    return fit(reqs)


def focus_weights(req, W_search, W_offer):
    """The focus row of weights, computed by attend() itself, not by fit's own code."""
    mask = "none" if req.visible.all() else "causal"
    *_, weights, _, _ = attend(req.x, W_search, W_offer, mask=mask)
    return weights[req.focus]


def strictly_on_top(req, W_search, W_offer) -> bool:
    w = focus_weights(req, W_search, W_offer)
    return bool(w[req.target] > np.delete(w, req.target).max() + 1e-9)


# -- gradients ---------------------------------------------------------------------------------

def random_reqs(rng, d, n=5, count=3):
    out = []
    for _ in range(count):
        x = rng.normal(0, 1, (n, d))
        focus = int(rng.integers(0, n))
        mask = str(rng.choice(["none", "causal"]))
        target = int(rng.integers(0, focus + 1 if mask == "causal" else n))
        out.append(requirement("", x, focus, target, mask))
    return out


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 4))
def test_gradients_match_finite_differences(seed, d, k):
    rng = np.random.default_rng(seed)
    reqs = random_reqs(rng, d)
    Ws, Wo = rng.normal(0, 1, (d, k)), rng.normal(0, 1, (d, k))
    loss, dWs, dWo = loss_and_grads(reqs, Ws, Wo)
    assert loss == pytest.approx(np.mean([-np.log(w) for w in target_weights(reqs, Ws, Wo)]))
    assert_gradients(reqs, Ws, Wo)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 4), st.integers(2, 4))
def test_direction_preference_gradients_match_finite_differences(seed, d, k):
    """The direction and evenness terms (cosines, log lengths) are differentiated by hand too."""
    rng = np.random.default_rng(seed)
    reqs = random_reqs(rng, d)
    Ws, Wo = rng.normal(0, 1, (d, k)), rng.normal(0, 1, (d, k))
    plain = loss_and_grads(reqs, Ws, Wo)[0]
    with_terms = loss_and_grads(reqs, Ws, Wo, DIRECTION)[0]
    if any(r.visible.sum() > 1 for r in reqs):
        assert with_terms > plain      # both terms add a positive cost to a row with a choice
    else:
        assert with_terms == plain     # a focus that sees only itself has nothing to prefer
    assert_gradients(reqs, Ws, Wo, DIRECTION)


def assert_gradients(reqs, Ws, Wo, *prefer):
    _, dWs, dWo = loss_and_grads(reqs, Ws, Wo, *prefer)
    eps = 1e-6
    for W, grad in ((Ws, dWs), (Wo, dWo)):
        numeric = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            old = W[idx]
            W[idx] = old + eps
            up = loss_and_grads(reqs, Ws, Wo, *prefer)[0]
            W[idx] = old - eps
            down = loss_and_grads(reqs, Ws, Wo, *prefer)[0]
            W[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        assert np.allclose(grad, numeric, rtol=1e-5, atol=1e-6)


def test_target_weights_agree_with_attend(reqs):
    rng = np.random.default_rng(1)
    Ws, Wo = rng.normal(0, 1, (2, 3)), rng.normal(0, 1, (2, 3))
    assert target_weights(reqs, Ws, Wo) == pytest.approx(
        [focus_weights(r, Ws, Wo)[r.target] for r in reqs], abs=1e-15)


# -- fitting the article -----------------------------------------------------------------------

def test_fit_is_deterministic(reqs):
    a, b = fit(reqs, steps=400), fit(reqs, steps=400)
    assert np.array_equal(a.W_search, b.W_search) and np.array_equal(a.W_offer, b.W_offer)
    assert a.loss == b.loss and a.target_weights == b.target_weights
    assert [h.loss for h in a.history] == [h.loss for h in b.history]
    c = fit(reqs, steps=400, seed=1)
    assert not np.array_equal(a.W_search, c.W_search)


def test_every_target_that_can_win_alone_wins_in_the_joint_fit(reqs, joint):
    alone = [verdict([r]).feasible for r in reqs]
    assert alone == [True, True, False]
    on_top = [strictly_on_top(r, joint.W_search, joint.W_offer) for r in reqs]
    assert on_top == alone
    # reported, not pretended: 'Is' keeps a small weight and another word wins
    w = focus_weights(reqs[2], joint.W_search, joint.W_offer)
    assert joint.target_weights[2] == pytest.approx(w[0]) and w[0] < 0.5
    assert int(np.argmax(w)) != 0
    assert min(joint.target_weights[:2]) > 0.9


def test_history_runs_from_step_0_to_the_last_and_the_loss_falls(reqs, joint):
    steps = [h.step for h in joint.history]
    assert steps == list(range(0, 3001, 50))
    assert joint.history[-1].loss == joint.loss and joint.history[-1].target_weights == joint.target_weights
    assert np.array_equal(joint.history[-1].W_search, joint.W_search)
    assert joint.loss < joint.history[0].loss
    assert not joint.W_search.flags.writeable and not joint.history[0].W_offer.flags.writeable
    odd = fit(reqs, steps=120, record_every=50, k=3)
    assert [h.step for h in odd.history] == [0, 50, 100, 120]
    assert odd.W_search.shape == odd.W_offer.shape == (2, 3)


def test_the_start_is_the_seeded_normal(reqs):
    rng = np.random.default_rng(7)
    ws, wo = rng.normal(0, 0.5, (2, 2)), rng.normal(0, 0.5, (2, 2))
    start = fit(reqs, steps=0, seed=7)
    assert [h.step for h in start.history] == [0]
    assert np.array_equal(start.W_search, ws) and np.array_equal(start.W_offer, wo)


# -- more dimensions ---------------------------------------------------------------------------

def test_lift_keeps_the_article_and_adds_word_plus_position():
    x = np.array([[0.1, 0.2], [0.3, 0.4]])
    a, b, c = lift([x, x, x], [("The", "cat"), ("cat", "the"), ("the", "dog")], d=6)
    assert a.shape == (2, 6) and np.array_equal(a[:, :2], x) and np.array_equal(b[:, :2], x)
    assert np.array_equal(a[0], c[0])                              # "The" and "the", both at 0
    assert not np.allclose(a[1, 2:], b[0, 2:])                      # cat at 1 and at 0 differ...
    assert np.allclose(a[0, 2:] - b[1, 2:], b[0, 2:] - a[1, 2:])   # ...by exactly pos 0 - pos 1
    again = lift([x, x, x], [("The", "cat"), ("cat", "the"), ("the", "dog")], d=6)
    assert all(np.array_equal(p, q) for p, q in zip((a, b, c), again))
    assert np.array_equal(lift([x], [("a", "b")], d=2)[0], x)


def test_lifted_extras_are_about_scale_long_whatever_d():
    words = [tuple(f"w{i}_{j}" for j in range(8)) for i in range(50)]
    xs = [np.zeros((8, 2))] * 50
    for d in (4, 64):
        lengths = [np.linalg.norm(v[2:]) for x in lift(xs, words, d, scale=0.5) for v in x]
        # word + position: two independent vectors of RMS length 0.5 -> about 0.71
        assert 0.55 < np.sqrt(np.mean(np.square(lengths))) < 0.85


def test_more_dimensions_let_every_target_win(phrases):
    sweep = dimension_sweep(phrases)
    assert [d for d, _ in sweep] == [2, 4, 8, 16, 64]
    weights = dict(sweep)
    assert np.mean(weights[64]) > np.mean(weights[2]) + 0.2
    assert weights[2][2] < 0.5                                      # 2D: 'Is' cannot win
    for d in (16, 64):
        assert weights[d][2] > 0.5                                  # over half: strictly the top
        assert min(weights[d]) > 0.9
    # why: lifted to 16 dimensions, the LP finds one matrix for all three
    xs = lift([p[2] for p in phrases], [p[1] for p in phrases], 16)
    lifted = [requirement(text, x, f, t, mask, tokens) for (text, tokens, _, f, t, mask), x in zip(phrases, xs)]
    assert verdict(lifted).feasible


def test_focus_row_is_attends_row_and_its_pieces(reqs, joint):
    for r in reqs:
        row = focus_row(r, joint.W_search, joint.W_offer)
        np.testing.assert_allclose(row.weights, focus_weights(r, joint.W_search, joint.W_offer), atol=1e-12)
        np.testing.assert_allclose(row.scores, row.offers @ row.search)
        k = joint.W_search.shape[1]
        assert row.search.shape == (k,) and row.offers.shape == (len(r.x), k)
