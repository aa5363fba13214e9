"""attnmath: the numbers of self-attention, in plain numpy (no manim, no yaml).

    x = positioned(embeddings, positions)      # (n, d)
    search, offer = x @ W_search, x @ W_offer  # (n, k) each
    scores = search @ offer.T * scale          # (n, n)
    weights = masked_softmax(scores, visible)  # (n, n), rows sum to 1
    outputs = weights @ values                 # (n, m)

`trace_phrase` runs all of it and keeps every step in a frozen `PhraseTrace`; `display` turns
numbers into the strings a viewer reads.
"""
from .attention import MASKS, SCALES, attend, masked_softmax, positioned, scale_factor, visibility
from .baselines import bigram_weights, ngram_weights
from .display import format_number, format_vector, format_weights, round_number, round_weights
from .trace import PhraseTrace, trace_phrase

__all__ = [
    "MASKS", "SCALES", "attend", "masked_softmax", "positioned", "scale_factor", "visibility",
    "bigram_weights", "ngram_weights",
    "format_number", "format_vector", "format_weights", "round_number", "round_weights",
    "PhraseTrace", "trace_phrase",
]
