"""attnmath: the numbers of self-attention, in plain numpy (no manim, no yaml).

    x = positioned(embeddings, positions)      # (n, d)
    search, offer = x @ W_search, x @ W_offer  # (n, k) each
    scores = search @ offer.T * scale          # (n, n)
    weights = masked_softmax(scores, visible)  # (n, n), rows sum to 1
    outputs = weights @ values                 # (n, m)

`trace_phrase` runs all of it and keeps every step in a frozen `PhraseTrace`; `display` turns
numbers into the strings a viewer reads; `ranking` says who wins a row (ties, to TIE, go to the
earliest position). `feasibility` decides, by a linear program, whether any W_search, W_offer
can make a focus give its largest weight to a target, and says why not as structured `Reason`s;
`fit` learns them by gradient descent (optionally preferring that direction, not length, decides:
`direction` tells which did); `plane` draws the 2D picture of why (hull corners, a
search direction swept round); `shown` recomputes a trace on its own shown numbers, so every
equation a video shows holds when redone by hand.
"""
from .attention import MASKS, SCALES, attend, masked_softmax, positioned, scale_factor, visibility
from .baselines import bigram_weights, ngram_weights
from .display import angle_degrees, format_number, format_vector, format_weights, round_number, round_weights
from .direction import Decision, Geometry, decide, geometry, same_direction
from .feasibility import (HeadsVerdict, Reason, Requirement, Verdict, heads_verdict, hulls_meet, inside_convex_hull,
                          requirement, rivals, ties, verdict)
from .fit import (DIRECTION, WEIGHT_ONLY, FitResult, FitStep, FocusRow, Preference, dimension_sweep, fit, fit_best,
                  focus_row, lift, loss_and_grads, target_weights)
from .plane import hull_order, sweep_winners
from .ranking import TIE, leaders, winner, winners
from .shown import shown_trace
from .trace import PhraseTrace, joined_outputs, trace_phrase

__all__ = [
    "MASKS", "SCALES", "attend", "masked_softmax", "positioned", "scale_factor", "visibility",
    "bigram_weights", "ngram_weights",
    "angle_degrees", "format_number", "format_vector", "format_weights", "round_number", "round_weights",
    "PhraseTrace", "trace_phrase", "shown_trace", "joined_outputs",
    "TIE", "leaders", "winner", "winners",
    "hull_order", "sweep_winners",
    "Reason", "Requirement", "Verdict", "inside_convex_hull", "requirement", "rivals", "ties", "verdict",
    "HeadsVerdict", "heads_verdict", "hulls_meet",
    "Decision", "Geometry", "decide", "geometry", "same_direction",
    "DIRECTION", "WEIGHT_ONLY", "FitResult", "FitStep", "FocusRow", "Preference", "dimension_sweep", "fit",
    "fit_best", "focus_row", "lift", "loss_and_grads", "target_weights",
]
