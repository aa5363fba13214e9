"""The trace a viewer can redo by hand: every step computed from the previous step's shown numbers.

A video shows each vector and score rounded to two decimals. If the next step were computed from
the exact floats, a viewer who pauses and multiplies the numbers on screen would land a unit or
two off ([1.24, 1.75] · [8.83, 2.16] shown as 14.74, by hand 14.73). So the toy computes on what
it shows: the embeddings and positions as shown, their sums, the matrices as shown, each product
from the shown operands in exact decimal arithmetic, then rounded (half away from zero) for
display. Every equation on screen then holds to its last digit. The softmax is the one step that
is not exact arithmetic: the shown weights are softmax of the shown scores, rounded so each row
adds up to exactly 1.00 (largest remainder), so a viewer's own rounding may differ in the last
digit of one weight.

`shown_trace(trace, W_search, W_offer, W_value)` returns an ordinary PhraseTrace whose arrays
hold exactly the shown values, so every display path prints the chain's digits.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from .attention import masked_softmax
from .display import round_number, round_weights
from .trace import PhraseTrace, frozen

__all__ = ["shown_trace", "shown_row", "shown_matrix", "dot_shown", "weighted_sum_shown"]


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
    exact = masked_softmax(scores, trace.visible)                         # (n, n)
    weights = np.array([[float(w) for w in round_weights(row, decimals)] for row in exact])
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
    return np.array([float(w) for w in round_weights(masked_softmax(scores, np.asarray(visible, bool)), decimals)])
