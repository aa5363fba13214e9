"""Learning W_search and W_offer from relevance patterns, with plain numpy gradient descent.

Each Requirement asks that its focus give its largest weight to its target. The loss is the
mean over requirements of -log(target's weight), the cross-entropy a trained model would feel
if the target were the right answer; with several targets, the cross-entropy towards their
shares (each target its share, the rest of the row the remainder). Gradients are worked out by hand (a softmax row of
bilinear scores is short enough to differentiate on paper) and checked against finite
differences in the tests. Scores use scale 1, as the article does.

`lift` and `dimension_sweep` ask what extra dimensions buy: the article's 2D vectors are
extended with seeded per-word and per-position numbers, and the same requirements are fitted
again in d = 2, 4, 8, ... dimensions.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple, Optional, Sequence

import numpy as np

from .attention import masked_softmax
from .feasibility import Requirement, requirement
from .trace import frozen


@dataclass(frozen=True, eq=False)
class FitStep:
    """The state after `step` updates (step 0 is the initial state)."""

    step: int
    W_search: np.ndarray                 # (d, k) read-only copy
    W_offer: np.ndarray                  # (d, k) read-only copy
    loss: float                          # the data loss (without weight decay)
    target_weights: tuple[float, ...]    # per requirement: its targets' weight in its focus row, together


@dataclass(frozen=True, eq=False)
class FitResult:
    W_search: np.ndarray                 # (d, k) read-only
    W_offer: np.ndarray                  # (d, k) read-only
    loss: float
    target_weights: tuple[float, ...]
    history: tuple[FitStep, ...]         # step 0, every record_every steps, and the final step


class FocusRow(NamedTuple):
    """One focus's row under given matrices, with the pieces its gradient is made of."""

    search: np.ndarray                   # (k,) the focus's search vector, x_f @ W_search
    offers: np.ndarray                   # (n, k) every position's offer, x @ W_offer
    scores: np.ndarray                   # (n,) offers @ search, scale 1
    weights: np.ndarray                  # (n,) softmax over the visible scores, hidden exactly 0


def focus_row(req: Requirement, W_search, W_offer) -> FocusRow:
    """Attention for the one row a requirement is about: the focus looking at every position."""
    q = req.x[req.focus] @ np.asarray(W_search, dtype=float)     # (k,)
    K = req.x @ np.asarray(W_offer, dtype=float)                 # (n, k)
    s = K @ q                                                     # (n,)
    return FocusRow(q, K, s, masked_softmax(s, req.visible))


def target_weights(reqs: Sequence[Requirement], W_search, W_offer) -> tuple[float, ...]:
    """The targets' weight in the focus row (one target: its weight), one per requirement."""
    return tuple(float(focus_row(r, W_search, W_offer).weights[list(r.targets)].sum()) for r in reqs)


class Preference(NamedTuple):
    """What the loss asks for besides the target's weight. The default asks nothing more.

    direction: weight of the cross-entropy of softmax(sharpness * cos θ) at the target, so the
               target's offer is the one pointing closest to the focus's search vector;
    even:      weight of the variance of log |offer| over the visible offers, so no offer wins by
               being long (a ratio of lengths costs the same whatever the scale).
    """

    direction: float = 0.0
    even: float = 0.0
    sharpness: float = 20.0


WEIGHT_ONLY = Preference()
DIRECTION = Preference(direction=1.0, even=1.0)


def _cross_entropy(p: np.ndarray, r: Requirement, floor: float = 0.0) -> tuple[float, np.ndarray]:
    """-sum_c a_c log P_c over the classes "each target" (a_t its share) and "every other visible
    position together" (a = 1 - the shares' sum, left out at 0), P_c the class's weight in the
    softmax row p; and the aim y with gradient p - y by the row's logits (y_j = a_c(j) p_j / P_c(j)).

    One target with share 1 is -log p_t with aim onehot(t), to the bit. The minimum puts exactly
    each share on its target: the fit aims at the shares, not only at the targets leading.
    """
    targets, shares = list(r.targets), np.array(r.shares)
    loss = -float(shares @ np.log(np.maximum(p[targets], floor)))
    aim = np.zeros_like(p)
    aim[targets] = shares
    rest = 1.0 - float(shares.sum())
    others = r.visible.copy()
    others[targets] = False
    if rest > 1e-12 and others.any():
        mass = max(float(p[others].sum()), floor)
        loss -= rest * np.log(mass)
        aim[others] = rest * p[others] / mass
    return loss, aim


def loss_and_grads(reqs: Sequence[Requirement], W_search, W_offer, prefer: Preference = WEIGHT_ONLY):
    """Mean over requirements of -log(target weight) (plus `prefer`'s terms), and its gradients
    w.r.t. both matrices.

    With scores s = K q (q = x_f W_search, K = x W_offer: a FocusRow's search and offers) and
    p = softmax(s), the gradient of -log p_t by s is g = p - onehot(t) (0 on hidden positions), so
        d/dW_search = outer(x_f, g @ K)      d/dW_offer = outer(x.T @ g, q).
    The direction term has c_j = a cos θ_j (a the sharpness) and h = softmax(c) - onehot(t):
        dc_j/dq = a (k̂_j - cos θ_j q̂) / |q|       dc_j/dk_j = a (q̂ - cos θ_j k̂_j) / |k_j|
    and the evenness term, with l_j = log |k_j| over the m visible offers and V their variance:
        dV/dk_j = 2 (l_j - mean l) / m * k_j / |k_j|^2.
    """
    W_search = np.asarray(W_search, dtype=float)
    W_offer = np.asarray(W_offer, dtype=float)
    loss, dWs, dWo = 0.0, np.zeros_like(W_search), np.zeros_like(W_offer)
    for r in reqs:
        row = focus_row(r, W_search, W_offer)
        term, aim = _cross_entropy(row.weights, r)
        loss += term
        g = row.weights - aim                         # (n,) dloss/dscores
        dq = g @ row.offers                           # (k,) dloss/dq
        dK = np.outer(g, row.search)                  # (n, k) dloss/dk_j
        if prefer.direction or prefer.even:
            term, tq, tK = _preference_terms(r, row, prefer)
            loss, dq, dK = loss + term, dq + tq, dK + tK
        dWs += np.outer(r.x[r.focus], dq)             # (d, k)
        dWo += r.x.T @ dK                             # (d, k)
    m = len(reqs)
    return float(loss / m), dWs / m, dWo / m


def _preference_terms(r: Requirement, row: FocusRow, prefer: Preference):
    """The direction and evenness terms of one requirement: (loss, d/dq (k,), d/dK (n, k))."""
    q, K, v = row.search, row.offers, r.visible
    q_len = max(float(np.linalg.norm(q)), _EPS)
    lengths = np.maximum(np.linalg.norm(K, axis=1), _EPS)          # (n,)
    q_hat, K_hat = q / q_len, K / lengths[:, None]                 # (k,), (n, k)
    cos = K_hat @ q_hat                                            # (n,)
    p = masked_softmax(prefer.sharpness * cos, v)                  # (n,)
    ce, aim = _cross_entropy(p, r, floor=1e-300)
    loss = prefer.direction * ce
    a = prefer.direction * prefer.sharpness
    h = a * p - a * aim                                            # (n,) dloss/d(cos)
    dq = (h @ (K_hat - np.outer(cos, q_hat))) / q_len              # (k,)
    dK = h[:, None] * (q_hat[None, :] - cos[:, None] * K_hat) / lengths[:, None]   # (n, k)
    logs = np.log(lengths[v])                                      # (m,)
    dev = logs - logs.mean()
    loss += prefer.even * float(np.mean(dev ** 2))
    dK[v] += prefer.even * (2 * dev / len(logs))[:, None] * K[v] / (lengths[v] ** 2)[:, None]
    return loss, dq, dK


_EPS = 1e-12
# The step sizes suit vectors about as long as the article's (its longest is 1.3). Longer inputs
# are fitted shrunk to this length and the matrices scaled back: scores are bilinear in x and W,
# so x·c with W/c gives the very same scores, and the steps no longer overshoot by c².
FIT_LENGTH = 2.0


class FitDiverged(ArithmeticError):
    """The loss stopped being a finite number: no matrices came out of this fit."""

    def __init__(self, step: int):
        self.step = step
        super().__init__(f"the loss stopped being a finite number at step {step}")


def fit(reqs: Sequence[Requirement], *, k: Optional[int] = None, steps: int = 3000,
        lr: float = 0.5, momentum: float = 0.9, weight_decay: float = 1e-3, seed: int = 0,
        init_scale: float = 0.5, record_every: int = 50, prefer: Preference = WEIGHT_ONLY) -> FitResult:
    """Gradient descent with momentum on loss + weight_decay/2 * (|W_search|^2 + |W_offer|^2).

    Weight decay keeps the matrices finite: a target that can win drives its loss to 0 only as
    the scores grow without bound, and one that cannot (see feasibility) pulls back. Same inputs,
    same result, to the bit: the only randomness is the seeded start.
    """
    given = list(reqs)
    longest = max(float(np.linalg.norm(r.x, axis=1).max()) for r in given)
    shrink = FIT_LENGTH / longest if longest > FIT_LENGTH else 1.0
    reqs = [dataclasses.replace(r, x=r.x * shrink) for r in given] if shrink != 1.0 else given
    d = reqs[0].x.shape[1]
    k = d if k is None else k
    rng = np.random.default_rng(seed)
    Ws = rng.normal(0.0, init_scale, (d, k))          # (d, k)
    Wo = rng.normal(0.0, init_scale, (d, k))          # (d, k)
    vs, vo = np.zeros_like(Ws), np.zeros_like(Wo)     # momentum buffers

    def record(step, loss):
        return FitStep(step, frozen(Ws * shrink), frozen(Wo * shrink), loss, target_weights(reqs, Ws, Wo))

    history = []
    for step in range(steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            loss, dWs, dWo = loss_and_grads(reqs, Ws, Wo, prefer)
        if not (np.isfinite(loss) and np.isfinite(dWs).all() and np.isfinite(dWo).all()):
            raise FitDiverged(step)
        if step % record_every == 0 or step == steps:
            history.append(record(step, loss))
        if step == steps:
            break
        vs = momentum * vs + dWs + weight_decay * Ws
        vo = momentum * vo + dWo + weight_decay * Wo
        Ws = Ws - lr * vs
        Wo = Wo - lr * vo
    last = history[-1]
    return FitResult(last.W_search, last.W_offer, last.loss, last.target_weights, tuple(history))


def fit_best(reqs: Sequence[Requirement], seeds: Sequence[int] = (0, 1, 2, 3), **fit_kw) -> FitResult:
    """`fit` from several seeded starts, keeping the lowest final loss (ties to the earlier seed).

    With a preference the loss has more than one basin (offers in one narrow fan, the longest
    winning, is a local minimum), so one start can miss the better one; a few make it reliable.
    """
    results = [fit(reqs, seed=seed, **fit_kw) for seed in seeds]
    return min(results, key=lambda r: r.loss)


def lift(x_by_phrase, words_by_phrase, d: int, seed: int = 0, scale: float = 0.5) -> list[np.ndarray]:
    """The article's 2D vectors, given d - 2 more dimensions. [(n, 2)] -> [(n, d)].

    The first two columns stay the article's numbers. Each extra column block is the sum of a
    vector for the word (the same for "The" and "the": the extras play the part of a richer
    embedding) and one for the position (so the same word at two positions differs, as it does
    with positional encodings). Entries are N(0, scale^2 / (d - 2)): each extra vector is about
    `scale` long whatever d is, so a larger d adds room, not bigger numbers.
    """
    if d < 2:
        raise ValueError("d must be at least 2 (the article's two dimensions)")
    words = sorted({w.casefold() for ws in words_by_phrase for w in ws})
    n_max = max(len(x) for x in x_by_phrase)
    rng = np.random.default_rng(seed)
    sd = scale / np.sqrt(d - 2) if d > 2 else 0.0
    by_word = dict(zip(words, rng.normal(0.0, sd, (len(words), d - 2))))   # word -> (d-2,)
    by_position = rng.normal(0.0, sd, (n_max, d - 2))                      # (n_max, d-2)
    out = []
    for x, ws in zip(x_by_phrase, words_by_phrase):
        x = np.asarray(x, dtype=float)                                      # (n, 2)
        extra = np.array([by_word[w.casefold()] for w in ws]).reshape(len(ws), d - 2)
        out.append(np.hstack([x, extra + by_position[:len(x)]]))             # (n, d)
    return out


def dimension_sweep(phrases, dims=(2, 4, 8, 16, 64), fitter=None, **fit_kw) -> list[tuple[int, tuple[float, ...]]]:
    """For each d: lift every phrase to d dimensions, fit them jointly, keep the target weights.

    `phrases` is a list of (text, tokens, x (n, 2), focus, target, mask); `fitter(reqs)` fits
    (default: `fit` with `fit_kw`), so a caller can sweep with the very fit it shows elsewhere.
    """
    fitter = fitter or (lambda reqs: fit(reqs, **fit_kw))
    out = []
    for d in dims:
        xs = lift([p[2] for p in phrases], [p[1] for p in phrases], d)
        reqs = [requirement(text, x, focus, target, mask, tokens)
                for (text, tokens, _, focus, target, mask), x in zip(phrases, xs)]
        out.append((d, fitter(reqs).target_weights))
    return out
