"""What the walkthrough says in each beat, and the facts it states, worked out from the trace.

The beat names and default captions live here (not in the scenes) so that the script layer can
validate a script's `narration:` overrides without importing Manim, and so that every claim a
caption makes about the numbers ("cat leans most on sat") is computed in one tested place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from attnmath import PhraseTrace, round_weights

BEATS = ("title", "embeddings", "positions", "projections", "scores", "softmax",
         "weighted_sum", "takeaway")

DEFAULT_NARRATION = {
    "title": "“{phrase}” should lead to “{predict}”. We follow one word, {focus}, "
             "and watch where its attention goes.",
    "embeddings": "Every word starts out as a learned vector. These are 2D, "
                  "so each arrow can be read straight off the grid.",
    "positions": "Attention on its own has no sense of order, so each position adds a small "
                 "vector of its own. From here on, the sums are what the model works with.",
    "projections": "Two learned matrices reshape the plane. W_search turns every vector into "
                   "what that word is looking for; W_offer turns it into what the word has to offer.",
    "scores": "{focus} compares its search vector with each offer vector. The dot product is "
              "large when the two arrows point the same way.",
    "softmax": "Softmax turns {focus}'s scores into weights that are positive and add up to 1. "
               "The largest goes to {winner}: {winner_weight}.",
    "weighted_sum": "{focus}'s new vector is the weighted sum of the words' vectors: each one "
                    "shrunk by its weight, then laid tip to tail.",
    "takeaway": "{verdict}",
}

PLACEHOLDERS = ("phrase", "predict", "focus", "target", "winner", "winner_weight",
                "target_weight", "verdict")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)\}")


@dataclass(frozen=True)
class FocusFacts:
    """Where the focus word's weight goes, as positions and display strings."""

    focus: int
    winner: int
    winner_weight: str
    target: Optional[int]
    target_weight: Optional[str]
    tied_with_target: tuple[int, ...]
    hidden: tuple[int, ...]          # positions the focus cannot see (causal mask)

    @property
    def target_wins(self) -> bool:
        return self.target is not None and (self.winner == self.target or self.winner in self.tied_with_target)


def focus_of(trace: PhraseTrace) -> int:
    """The word the walkthrough follows: the script's focus, else the last word."""
    return trace.n - 1 if trace.focus is None else trace.focus


def focus_facts(trace: PhraseTrace) -> FocusFacts:
    f = focus_of(trace)
    shown = round_weights(trace.weights[f])
    winner = trace.strongest(f)
    t = trace.target
    tied = tuple(j for j in trace.ties_with(t) if trace.visible[f, j]) if t is not None else ()
    return FocusFacts(
        focus=f, winner=winner, winner_weight=f"{shown[winner]:.2f}", target=t,
        target_weight=None if t is None else f"{shown[t]:.2f}", tied_with_target=tied,
        hidden=tuple(int(j) for j in range(trace.n) if not trace.visible[f, j]))


def verdict(trace: PhraseTrace) -> str:
    """The takeaway, stated from the numbers: never typed, so it cannot go stale."""
    facts = focus_facts(trace)
    word = lambda i: trace.tokens[i]
    focus, winner = word(facts.focus), word(facts.winner)
    goal = f" That is the cue that points towards “{trace.predict}”." if trace.predict else ""
    if facts.target is None:
        return f"{focus} leans most on {winner} ({facts.winner_weight})."
    if facts.target_wins:
        text = f"{focus} leans most on {word(facts.target)} ({facts.target_weight}).{goal}"
        if facts.tied_with_target:
            twins = ", ".join(word(j) for j in facts.tied_with_target)
            text += f" {twins} shares its vector exactly, so it gets the same weight."
        return text
    return (f"{focus} leans most on {winner} ({facts.winner_weight}), not on {word(facts.target)} "
            f"({facts.target_weight}). These matrices do not make {word(facts.target)} win here.")


def values(trace: PhraseTrace) -> dict[str, str]:
    facts = focus_facts(trace)
    return {
        "phrase": trace.text,
        "predict": trace.predict or "the next word",
        "focus": trace.tokens[facts.focus],
        "target": trace.tokens[facts.target] if facts.target is not None else trace.tokens[facts.winner],
        "winner": trace.tokens[facts.winner],
        "winner_weight": facts.winner_weight,
        "target_weight": facts.target_weight or facts.winner_weight,
        "verdict": verdict(trace),
    }


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]


def fill(text: str, trace: PhraseTrace) -> str:
    """Replace {name} placeholders with facts of the trace; nothing else in the text is read."""
    facts = values(trace)
    return _PLACEHOLDER.sub(lambda m: facts.get(m.group(1), m.group(0)), text)


def caption(beat: str, trace: PhraseTrace, overrides=None) -> str:
    text = (overrides or {}).get(beat, DEFAULT_NARRATION[beat])
    filled = fill(text, trace)
    if beat == "softmax" and focus_facts(trace).hidden and text is DEFAULT_NARRATION[beat]:
        filled += " Later words are hidden by the causal mask: their weight is exactly 0."
    return filled
