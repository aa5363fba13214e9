"""A frozen record of one phrase going through self-attention: every number a scene may show.

Scenes and tables draw from a trace and never compute attention themselves, so the numbers on
screen, in `attnvid numbers` and in the tests are the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .attention import attend, positioned, scale_factor, visibility
from .ranking import TIE, winner


def frozen(a, dtype=float) -> np.ndarray:
    """A read-only copy: traces and fit histories can be shared without being changed."""
    a = np.array(a, dtype=dtype)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class PhraseTrace:
    """Every intermediate for one phrase. Arrays are read-only; rows are positions.

    scores are raw (before the mask); weights are exactly 0 where `visible` is False.
    """

    text: str                    # the phrase as written
    tokens: tuple[str, ...]      # its words, spelled as written ("The")
    mask: str                    # "none" | "causal"
    scale: float                 # factor applied to every score (1.0 for "none")
    embeddings: np.ndarray       # (n, d) each token's vector
    positions: np.ndarray        # (n, d) each position's vector
    positioned: np.ndarray       # (n, d) embeddings + positions
    search: np.ndarray           # (n, k) positioned @ W_search
    offer: np.ndarray            # (n, k) positioned @ W_offer
    scores: np.ndarray           # (n, n) search_i . offer_j * scale
    visible: np.ndarray          # (n, n) bool, may position i look at position j
    weights: np.ndarray          # (n, n) softmax over the visible scores of each row
    values: np.ndarray           # (n, m) what gets averaged (positioned, or @ W_value)
    outputs: np.ndarray          # (n, m) weights @ values
    focus: Optional[int] = None  # the position the walkthrough follows
    target: Optional[int] = None # the position it should lean on
    predict: Optional[str] = None  # the word the phrase should lead to
    targets: tuple[int, ...] = ()  # every position it should lean on (`target` first); () if none
    shares: Optional[tuple[float, ...]] = None  # the part of the focus's weight each target should get, if asked

    def __post_init__(self):
        if not self.targets and self.target is not None:
            object.__setattr__(self, "targets", (self.target,))

    @property
    def n(self) -> int:
        return len(self.tokens)

    def strongest(self, i: int) -> int:
        """The position that position i gives the most weight: `ranking.winner` of its row, so
        weights within TIE of the largest tie, and a tie goes to the earliest."""
        return winner(self.weights[i], self.visible[i])

    def ties_with(self, j: int) -> tuple[int, ...]:
        """Other positions whose positioned vector equals position j's (to TIE): attention
        cannot tell them apart, so they always get the same score and weight."""
        same = np.all(np.abs(self.positioned - self.positioned[j]) <= TIE, axis=1)
        return tuple(int(k) for k in np.flatnonzero(same) if k != j)


def trace_phrase(tokens, embeddings, positions, W_search, W_offer, W_value=None, *,
                 mask: str = "none", scale: str = "none", text: Optional[str] = None,
                 focus: Optional[int] = None, target: Optional[int] = None,
                 predict: Optional[str] = None, targets=(), shares=None) -> PhraseTrace:
    """Run one phrase through attention and keep every step.

    `embeddings` and `positions` are (n, d), one row per token; `positions` may be longer than
    the phrase (a model's full table), and only its first n rows are used.
    """
    tokens = tuple(tokens)
    n = len(tokens)
    emb = np.asarray(embeddings, dtype=float)
    pos = np.asarray(positions, dtype=float)[:n]
    if emb.shape != pos.shape or emb.shape[0] != n:
        raise ValueError(f"need {n} embeddings and positions, got {emb.shape} and {pos.shape}")
    x = positioned(emb, pos)
    search, offer, scores, weights, values, outputs = attend(
        x, W_search, W_offer, W_value, mask=mask, scale=scale)
    return PhraseTrace(
        text=" ".join(tokens) if text is None else text, tokens=tokens, mask=mask,
        scale=scale_factor(scale, W_search),
        embeddings=frozen(emb), positions=frozen(pos), positioned=frozen(x),
        search=frozen(search), offer=frozen(offer), scores=frozen(scores),
        visible=frozen(visibility(n, mask), bool), weights=frozen(weights),
        values=frozen(values), outputs=frozen(outputs),
        focus=focus, target=target, predict=predict, targets=tuple(targets),
        shares=None if shares is None else tuple(float(x) for x in shares))


def joined_outputs(traces) -> np.ndarray:
    """A phrase's output with several heads: each position's head outputs side by side, head 1's
    numbers first, (n, m1) + (n, m2) -> (n, m1 + m2), as a multi-head layer concatenates its heads
    before the output projection. Read-only, like a trace's arrays."""
    if not traces:
        raise ValueError("no head traces to join")
    return frozen(np.concatenate([t.outputs for t in traces], axis=-1))
