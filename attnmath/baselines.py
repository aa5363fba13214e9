"""Fixed-window baselines, as weight matrices shaped like attention's, for side-by-side pictures.

A bigram model looks only at the previous token; an n-gram model at a fixed number of previous
tokens, all counted equally. Neither looks at what the tokens are. Position 0 has no past, so
its whole weight stays on itself (a row must still sum to 1).
"""
from __future__ import annotations

import numpy as np


def ngram_weights(n: int, last: int) -> np.ndarray:
    """Uniform weight over positions t-1 ... t-last (as many as exist). (n, n), rows sum to 1."""
    if n < 1 or last < 1:
        raise ValueError("need n >= 1 and last >= 1")
    weights = np.zeros((n, n))
    weights[0, 0] = 1.0
    for t in range(1, n):
        start = max(0, t - last)
        weights[t, start:t] = 1.0 / (t - start)
    return weights


def bigram_weights(n: int) -> np.ndarray:
    """All weight on t-1: the n-gram window of one previous token. (n, n)."""
    return ngram_weights(n, 1)
