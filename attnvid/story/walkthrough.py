"""The facts a phrase walkthrough states, worked out from the trace.

Every claim a caption makes about the numbers ("cat leans most on sat (0.95)") is computed
here, in one tested place, and reaches the captions through the walkthrough's placeholders
(the beats themselves are declared in story/registry.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from attnmath import PhraseTrace, round_weights

__all__ = ["PLACEHOLDERS", "FocusFacts", "focus_of", "focus_facts", "verdict", "facts"]

PLACEHOLDERS = ("phrase", "predict", "focus", "target", "winner", "winner_weight",
                "target_weight", "verdict", "mask_note")


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


MASK_NOTE = " Later words are hidden by the causal mask: their weight is exactly 0."


def facts(trace: PhraseTrace) -> dict[str, str]:
    """The walkthrough's placeholders, filled from the trace."""
    f = focus_facts(trace)
    return {
        "phrase": trace.text,
        "predict": trace.predict or "the next word",
        "focus": trace.tokens[f.focus],
        "target": trace.tokens[f.target] if f.target is not None else trace.tokens[f.winner],
        "winner": trace.tokens[f.winner],
        "winner_weight": f.winner_weight,
        "target_weight": f.target_weight or f.winner_weight,
        "verdict": verdict(trace),
        "mask_note": MASK_NOTE if f.hidden else "",
    }
