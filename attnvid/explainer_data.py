"""The numbers of the explainer's own sections, computed here (through attnmath) so scenes only
draw them and tests can check every claim the captions make about them."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from attnmath import (PhraseTrace, bigram_weights, format_number, format_vector, masked_softmax,
                      ngram_weights, trace_phrase)

from .script import Script


@dataclass(frozen=True)
class DotExample:
    a: tuple[float, float]
    b: tuple[float, float]
    value: float

    @property
    def equation(self) -> str:
        return f"{format_vector(self.a)} · {format_vector(self.b)} = {format_number(self.value)}"


def dot_examples() -> list[DotExample]:
    """The article's three: same direction, right angle, opposite."""
    a = (1.0, 0.0)
    return [DotExample(a, b, float(np.dot(a, b))) for b in ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0))]


def turning_dot(steps: int = 36) -> list[DotExample]:
    """[1, 0] against a unit arrow turning once round, in `steps` equal turns."""
    a = (1.0, 0.0)
    out = []
    for k in range(steps + 1):
        th = 2 * np.pi * k / steps
        b = (float(np.cos(th)), float(np.sin(th)))
        out.append(DotExample(a, b, float(np.dot(a, b))))
    return out


def order_blind(script: Script, first: str = "cat", second: str = "sat") -> tuple[PhraseTrace, PhraseTrace]:
    """"cat sat" and "sat cat" with no positions: attention sees the same set of vectors."""
    m = script.model
    zero = np.zeros((2, m.dimensions))
    traces = []
    for words in ((first, second), (second, first)):
        emb = [m.embeddings[m.vocabulary_key(w)] for w in words]
        traces.append(trace_phrase(words, emb, zero, m.W_search, m.W_offer, m.W_value, scale=m.scale))
    return traces[0], traces[1]


def flat_and_sharp(trace: PhraseTrace, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Row i as a plain average over what it may see, and as attention's weights."""
    flat = masked_softmax(np.zeros((1, trace.n)), trace.visible[i:i + 1])[0]
    return flat, np.array(trace.weights[i])


def fixed_windows(trace: PhraseTrace, last: int = 2) -> dict[str, np.ndarray]:
    """Bigram, n-gram and attention weights for the same phrase, same shape."""
    return {"bigram": bigram_weights(trace.n), f"n-gram (last {last})": ngram_weights(trace.n, last),
            "attention": np.array(trace.weights)}
