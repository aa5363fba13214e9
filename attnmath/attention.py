"""Self-attention in the article's conventions, one small function per step.

Row vectors throughout, as the article writes them: a phrase of n tokens in d dimensions is an
(n, d) array, and a matrix acts on the right (``x @ W``). Shapes are noted beside each line.
"""
from __future__ import annotations

import numpy as np

MASKS = ("none", "causal")
SCALES = ("none", "sqrt")


def positioned(embeddings: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Token meaning plus position: what every later step works on. (n, d) + (n, d) -> (n, d)."""
    return np.asarray(embeddings, dtype=float) + np.asarray(positions, dtype=float)


def scale_factor(scale: str, W_search: np.ndarray) -> float:
    """The factor applied to every score: 1, or 1/sqrt(k) with k the columns of W_search.

    Dividing by sqrt(k) keeps scores of wide search/offer vectors from saturating the softmax.
    """
    if scale == "none":
        return 1.0
    if scale == "sqrt":
        return 1.0 / float(np.sqrt(np.shape(W_search)[1]))
    raise ValueError(f"unknown scale {scale!r}; expected one of {SCALES}")


def visibility(n: int, mask: str) -> np.ndarray:
    """visible[i, j] is True when position i may look at position j. (n, n) bools.

    ``none``: every position sees every position. ``causal``: a position sees itself and the past.
    """
    if mask == "none":
        return np.ones((n, n), dtype=bool)
    if mask == "causal":
        return np.tril(np.ones((n, n), dtype=bool))
    raise ValueError(f"unknown mask {mask!r}; expected one of {MASKS}")


def masked_softmax(scores: np.ndarray, visible: np.ndarray) -> np.ndarray:
    """Softmax of each row over its visible entries; hidden entries get weight exactly 0.

    The row's largest visible score is subtracted first, so scores of +-1e4 stay finite. Every row
    must see at least one position (both masks let a position see itself).
    """
    scores = np.asarray(scores, dtype=float)
    visible = np.asarray(visible, dtype=bool)
    if not visible.any(axis=-1).all():
        raise ValueError("every row must see at least one position")
    shifted = np.where(visible, scores, -np.inf)
    shifted = shifted - shifted.max(axis=-1, keepdims=True)           # (n, n), max visible is 0
    e = np.where(visible, np.exp(shifted), 0.0)                          # exp(-inf) never taken
    return e / e.sum(axis=-1, keepdims=True)


def attend(x, W_search, W_offer, W_value=None, mask: str = "none", scale: str = "none"):
    """The whole computation, nanoGPT style. Returns (search, offer, scores, weights, values, outputs).

    scores[i, j] is the raw (pre-mask) alignment of position i's search with position j's offer.
    """
    x = np.asarray(x, dtype=float)                                      # (n, d)
    search = x @ np.asarray(W_search, dtype=float)                      # (n, k)
    offer = x @ np.asarray(W_offer, dtype=float)                        # (n, k)
    scores = (search @ offer.T) * scale_factor(scale, W_search)         # (n, n)
    weights = masked_softmax(scores, visibility(len(x), mask))          # (n, n), rows sum to 1
    values = x if W_value is None else x @ np.asarray(W_value, float)   # (n, m)
    outputs = weights @ values                                          # (n, m)
    return search, offer, scores, weights, values, outputs
