"""attnmath: the numbers of self-attention, in plain numpy (no manim, no yaml).

    x = positioned(embeddings, positions)      # (n, d)
    search, offer = x @ W_search, x @ W_offer  # (n, k) each
    scores = search @ offer.T * scale          # (n, n)
    weights = masked_softmax(scores, visible)  # (n, n), rows sum to 1
    outputs = weights @ values                 # (n, m)

`trace_phrase` runs all of it and keeps every step in a frozen `PhraseTrace`; `display` turns
numbers into the strings a viewer reads. `feasibility` decides, by a linear program, whether any
W_search, W_offer can make a focus give its largest weight to a target; `fit` learns them by
gradient descent.
"""
from .attention import MASKS, SCALES, attend, masked_softmax, positioned, scale_factor, visibility
from .baselines import bigram_weights, ngram_weights
from .display import angle_degrees, format_number, format_vector, format_weights, round_number, round_weights
from .feasibility import Requirement, Verdict, inside_convex_hull, requirement, rivals, ties, verdict
from .fit import FitResult, FitStep, dimension_sweep, fit, lift, loss_and_grads, target_weights
from .trace import PhraseTrace, trace_phrase

__all__ = [
    "MASKS", "SCALES", "attend", "masked_softmax", "positioned", "scale_factor", "visibility",
    "bigram_weights", "ngram_weights",
    "angle_degrees", "format_number", "format_vector", "format_weights", "round_number", "round_weights",
    "PhraseTrace", "trace_phrase",
    "Requirement", "Verdict", "inside_convex_hull", "requirement", "rivals", "ties", "verdict",
    "FitResult", "FitStep", "dimension_sweep", "fit", "lift", "loss_and_grads", "target_weights",
]
