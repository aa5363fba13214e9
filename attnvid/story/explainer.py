"""The numbers of the explainer's own sections and the facts their captions state, computed
here (through attnmath) so the scenes only draw them and tests can check every claim."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from attnmath import (PhraseTrace, angle_degrees, bigram_weights, format_number, format_vector,
                      masked_softmax, ngram_weights, trace_phrase)

from .walkthrough import focus_of

if TYPE_CHECKING:
    from ..script import Script

__all__ = ["DotExample", "dot_examples", "turning_dot", "order_blind", "flat_and_sharp", "fixed_windows",
           "causal_example", "focus_word_across",
           "embeddings_facts", "positions_needed_facts", "positional_encodings_facts", "phrases_positioned_facts"]


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


def order_blind(script: "Script", first: str = "cat", second: str = "sat") -> tuple[PhraseTrace, PhraseTrace]:
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


def causal_example(traces) -> tuple[PhraseTrace, int]:
    """The phrase (and its word) that shows a weighted average over the past: the first causal
    one and its focus, else the last phrase and its last word."""
    for t in traces:
        if t.mask == "causal":
            return t, focus_of(t)
    return traces[-1], traces[-1].n - 1


def focus_word_across(traces) -> tuple[str, list[tuple[int, PhraseTrace, int]]]:
    """The first phrase's focus word, and (phrase index, trace, position) for each phrase that
    has it: one word, a different positioned vector in each phrase."""
    first = traces[0]
    word = first.tokens[focus_of(first)]
    found = []
    for k, t in enumerate(traces):
        positions = [i for i, tok in enumerate(t.tokens) if tok.casefold() == word.casefold()]
        if positions:
            found.append((k, t, positions[0]))
    return word, found


# -- the facts each section's caption may use ------------------------------------------------

def embeddings_facts(script: "Script") -> dict[str, str]:
    keys = {k.casefold(): k for k in script.model.embeddings}
    sentence = ""
    if "cat" in keys and "typed" in keys:
        e = script.model.embeddings
        sentence = f"Here cat and typed are {angle_degrees(e[keys['cat']], e[keys['typed']]):.0f}° apart."
    return {"cat_typed": sentence}


def positions_needed_facts(script: "Script") -> dict[str, str]:
    one, two = order_blind(script)
    return {"pair": f"“{' '.join(one.tokens)}”", "swapped": f"“{' '.join(two.tokens)}”"}


def positional_encodings_facts(script: "Script") -> dict[str, str]:
    return {"count": str(len(script.model.positions))}


def phrases_positioned_facts(script: "Script") -> dict[str, str]:
    word, found = focus_word_across(script.shown_traces())
    return {"word": word, "vectors": ", ".join(format_vector(t.positioned[i]) for _, t, i in found)}
