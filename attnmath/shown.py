"""The trace a viewer can redo by hand: every step computed from the previous step's shown numbers.

A video shows each vector and score rounded to two decimals. If the next step were computed from
the exact floats, a viewer who pauses and multiplies the numbers on screen would land a unit or
two off ([1.24, 1.75] · [8.83, 2.16] shown as 14.74, by hand 14.73). So the toy computes on what
it shows: the embeddings and positions as shown, their sums, the matrices as shown, each product
from the shown operands in exact decimal arithmetic, then rounded (half away from zero) for
display. Every equation on screen then holds to its last digit. The softmax is shown as steps a
calculator can follow (`softmax_shown`): subtract the row's largest shown score (the weights do
not change, and the exponentials stay small), raise e to each difference (shown to three
decimals), add them up, divide each by the sum; the quotients are rounded so the row adds up to
exactly 1.00 (largest remainder), so a viewer's own rounding may differ in the last digit of one
weight, and the screen says so.

`shown_trace(trace, W_search, W_offer, W_value)` returns an ordinary PhraseTrace whose arrays
hold exactly the shown values, so every display path prints the chain's digits.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

import numpy as np

from .display import round_number, round_weights
from .trace import PhraseTrace, frozen

__all__ = ["shown_trace", "shown_row", "shown_matrix", "dot_shown", "weighted_sum_shown", "SoftmaxSteps",
           "softmax_shown", "EXP_DECIMALS"]

EXP_DECIMALS = 3     # e^(s - max) is shown to three decimals: enough that no weight moves by it


@dataclass(frozen=True)
class SoftmaxSteps:
    """One row's softmax as the screen shows it, every number a shown decimal. Hidden
    positions (a causal mask) have None for their steps and weight 0."""
    scores: tuple[Decimal, ...]
    top: Decimal                                  # the largest visible score
    shifted: tuple[Optional[Decimal], ...]        # score - top, exactly
    exps: tuple[Optional[Decimal], ...]           # e^(score - top), rounded to EXP_DECIMALS
    total: Decimal                                # the sum of the shown exponentials, exactly
    weights: tuple[Decimal, ...]                  # exp / total, rounded so the row adds to 1


def softmax_shown(scores, visible, decimals: int = 2) -> SoftmaxSteps:
    """Softmax of a row of shown scores, through numbers a viewer can check one by one."""
    s = [_exact(x) for x in scores]
    seen = [bool(v) for v in visible]
    if not any(seen):
        raise ValueError("every row must see at least one position")
    top = max(x for x, v in zip(s, seen) if v)
    quantum = Decimal(1).scaleb(-EXP_DECIMALS)
    shifted = [x - top if v else None for x, v in zip(s, seen)]
    exps = [d.exp().quantize(quantum, rounding=ROUND_HALF_UP) if d is not None else None for d in shifted]
    total = sum((e for e in exps if e is not None), Decimal(0))
    weights = round_weights([e / total if e is not None else Decimal(0) for e in exps], decimals)
    return SoftmaxSteps(tuple(s), top, tuple(shifted), tuple(exps), total, tuple(weights))


def shown_matrix(a, decimals: int = 2) -> np.ndarray:
    """An array rounded as the viewer sees it (half away from zero, on its decimal value), back
    as floats: each the double nearest the shown decimal, so it prints as the same digits."""
    a = np.asarray(a, dtype=float)
    return np.array([float(round_number(x, decimals)) for x in a.ravel()]).reshape(a.shape)


def dot_shown(a, b, decimals: int = 2) -> Decimal:
    """a · b from shown operands in exact decimal arithmetic, rounded half away from zero:
    what a calculator gives for the numbers on screen."""
    exact = sum((_exact(x) * _exact(y) for x, y in zip(a, b)), Decimal(0))
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) + 0


def _exact(x: float) -> Decimal:
    # repr() is the shortest string that reads back as the same float: the shown decimal itself
    return Decimal(repr(float(x)))


def _matmul_shown(x, W, decimals: int) -> np.ndarray:
    """(n, d) @ (d, k) on shown values, each entry a shown dot product. (n, k) floats."""
    cols = np.asarray(W, dtype=float).T
    return np.array([[float(dot_shown(row, col, decimals)) for col in cols] for row in np.asarray(x, float)])


def _scores_shown(search, offer, scale: float, decimals: int) -> np.ndarray:
    """search_i · offer_j × scale from shown vectors, rounded once: a viewer who divides the dot
    product by √k gets the shown score (rounding the dot first would round twice). (n, n)"""
    factor = Decimal(1) if scale == 1.0 else _exact(scale)
    quantum = Decimal(1).scaleb(-decimals)
    return np.array([[float((sum((_exact(a) * _exact(b) for a, b in zip(q, k)), Decimal(0)) * factor)
                            .quantize(quantum, rounding=ROUND_HALF_UP) + 0) for k in offer] for q in search])


def weighted_sum_shown(weights, values, decimals: int = 2) -> np.ndarray:
    """Σ_j weight_j × value_j from shown weights and vectors, exactly, then rounded. (m,)"""
    return _matmul_shown([weights], values, decimals)[0]


def shown_trace(trace: PhraseTrace, W_search, W_offer, W_value=None, decimals: int = 2) -> PhraseTrace:
    """The same phrase, with every step taken from the previous step's shown numbers."""
    emb, pos = shown_matrix(trace.embeddings, decimals), shown_matrix(trace.positions, decimals)
    x = shown_matrix(emb + pos, decimals)                                 # (n, d) sums of shown
    search = _matmul_shown(x, shown_matrix(W_search, decimals), decimals)  # (n, k)
    offer = _matmul_shown(x, shown_matrix(W_offer, decimals), decimals)    # (n, k)
    scores = _scores_shown(search, offer, trace.scale, decimals)          # (n, n) search_i · offer_j × scale
    weights = np.array([[float(w) for w in softmax_shown(row, seen, decimals).weights]
                        for row, seen in zip(scores, trace.visible)])           # (n, n)
    values = x if W_value is None else _matmul_shown(x, shown_matrix(W_value, decimals), decimals)
    outputs = np.array([weighted_sum_shown(w, values, decimals) for w in weights])   # (n, m)
    return replace(trace, embeddings=frozen(emb), positions=frozen(pos), positioned=frozen(x),
                   search=frozen(search), offer=frozen(offer), scores=frozen(scores),
                   weights=frozen(weights), values=frozen(values), outputs=frozen(outputs))


def shown_row(x, focus: int, visible, W_search, W_offer, decimals: int = 2) -> np.ndarray:
    """One focus's weights as a video shows them: the same chain as shown_trace, for one row
    (the learning scenes draw rows, not phrases). (n,) floats adding to exactly 1.00."""
    x = shown_matrix(x, decimals)                                          # (n, d)
    search = _matmul_shown(x[focus:focus + 1], shown_matrix(W_search, decimals), decimals)   # (1, k)
    offer = _matmul_shown(x, shown_matrix(W_offer, decimals), decimals)    # (n, k)
    scores = _matmul_shown(search, offer.T, decimals)[0]                  # (n,)
    return np.array([float(w) for w in softmax_shown(scores, visible, decimals).weights])
