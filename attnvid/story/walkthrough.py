"""The facts a phrase walkthrough states, worked out from the trace.

Every claim a caption makes about the numbers ("cat leans most on sat (0.95)") is computed
here, in one tested place, and reaches the captions through the walkthrough's placeholders
(the beats themselves are declared in story/registry.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

import numpy as np

from attnmath import (PhraseTrace, angle_degrees, decide, format_number, format_vector, geometry, round_number,
                      round_weights)

from .wording import listed

__all__ = ["STEPS", "STEP_RULES", "PLACEHOLDERS", "FocusFacts", "focus_of", "focus_facts", "verdict",
           "decided", "sees", "unmasked_note", "shared_vectors", "shared_note", "miss_note", "missed", "itself",
           "grouped", "share_clauses", "pull", "closest_note", "own", "facts"]

STEPS = ("add positions", "search and offer", "scores", "softmax", "weighted sum")   # the five steps
STEP_RULES = ("x = word + position", "search = x × W_search, offer = x × W_offer", "score = search · offer",
              "weights = softmax(scores)", "new = Σ weight × vector")      # what each step computes

PLACEHOLDERS = ("phrase", "predict", "focus", "target", "winner", "winner_weight", "each",
                "target_weight", "verdict", "mask_note", "decided", "unmasked_note", "shared_note", "miss_note", "top_score", "closest_note", "own")


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
    leaders: tuple[int, ...] = ()    # every position whose shown weight equals the top one
    # every target, in the order written (`target` first), and each one's shown weight
    targets: tuple[int, ...] = ()
    target_weights: tuple[str, ...] = ()
    targets_total: Optional[str] = None   # those shown strings added up in Decimal: it adds up by hand
    # (target, the visible other words shown above it, heaviest first), for each target some word outweighs
    outweighed: tuple[tuple[int, tuple[int, ...]], ...] = ()
    # (target, the visible other words shown at exactly its weight), for each target some word matches
    level: tuple[tuple[int, tuple[int, ...]], ...] = ()
    others: tuple[int, ...] = ()          # the visible words that are not targets
    row_weights: tuple[str, ...] = ()     # the focus row's shown weights (format_weights), every position
    shares: Optional[tuple[str, ...]] = None       # the shares asked (to two decimals), when asked
    share_gaps: Optional[tuple[str, ...]] = None   # each target's shown weight minus its share, signed

    @property
    def top(self) -> tuple[int, ...]:
        """The words the focus leans on most: every leader when the shown weights tie, never
        just the earliest of them (a headline naming one of two equal words is not true)."""
        return self.leaders or (self.winner,)

    @property
    def each(self) -> str:
        """' each' after the top weight when several words share it: '0.50 each', not '0.50'."""
        return " each" if len(self.top) > 1 else ""

    @property
    def target_wins(self) -> bool:
        return self.target is not None and (self.target in self.leaders or self.winner == self.target
                                            or self.winner in self.tied_with_target)

    @property
    def several(self) -> bool:
        """Several targets: the walkthrough follows the set, not one word."""
        return len(self.targets) > 1

    @property
    def set_leads(self) -> bool:
        """Every target shown above every other word the focus sees (and there are other words)."""
        return bool(self.targets) and bool(self.others) and not self.outweighed and not self.level

    def weight_of(self, j: int) -> str:
        """A target's shown weight."""
        return self.target_weights[self.targets.index(j)]


def focus_of(trace: PhraseTrace) -> int:
    """The word the walkthrough follows: the script's focus, else the last word."""
    return trace.n - 1 if trace.focus is None else trace.focus


def focus_facts(trace: PhraseTrace) -> FocusFacts:
    f = focus_of(trace)
    shown = round_weights(trace.weights[f])
    winner = trace.strongest(f)
    t = trace.target
    tied = tuple(j for j in trace.ties_with(t) if trace.visible[f, j]) if t is not None else ()
    top = tuple(j for j in range(trace.n) if trace.visible[f, j] and shown[j] == shown[winner])
    targets = tuple(trace.targets) or ((t,) if t is not None else ())
    weights = tuple(f"{shown[k]:.2f}" for k in targets)
    others = tuple(j for j in range(trace.n) if trace.visible[f, j] and j not in targets)
    heaviest = sorted(others, key=lambda j: (-shown[j], j))
    above = tuple((k, tuple(j for j in heaviest if shown[j] > shown[k])) for k in targets)
    level = tuple((k, tuple(j for j in heaviest if shown[j] == shown[k])) for k in targets)
    shares = gaps = None
    if targets and trace.shares is not None:
        shares = tuple(format_number(x) for x in trace.shares)
        gaps = tuple(f"{Decimal(w) - Decimal(s):+.2f}" for w, s in zip(weights, shares))
    return FocusFacts(
        focus=f, winner=winner, winner_weight=f"{shown[winner]:.2f}", target=t,
        target_weight=None if t is None else f"{shown[t]:.2f}", tied_with_target=tied,
        hidden=tuple(int(j) for j in range(trace.n) if not trace.visible[f, j]), leaders=top,
        targets=targets, target_weights=weights,
        targets_total=f"{sum((Decimal(w) for w in weights), Decimal(0)):.2f}" if targets else None,
        outweighed=tuple((k, js) for k, js in above if js), level=tuple((k, js) for k, js in level if js),
        others=others, row_weights=tuple(f"{x:.2f}" for x in shown), shares=shares, share_gaps=gaps)


def itself(trace: PhraseTrace, j: int) -> str:
    """A word as a sentence names it among the focus's others: the focus is 'cat itself'."""
    return trace.tokens[j] + (" itself" if j == focus_of(trace) else "")


def _weighed(trace: PhraseTrace, facts: FocusFacts, js) -> str:
    """'your (0.19) and cat itself (0.17)': words with their shown weights."""
    return listed(f"{itself(trace, j)} ({facts.row_weights[j]})" for j in js)


def grouped(pairs) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """(target, words) pairs as (words, the targets they share), in the targets' order: 'your
    outweighs Is and warm' rather than saying your twice."""
    out: dict[tuple[int, ...], list[int]] = {}
    for k, js in pairs:
        out.setdefault(tuple(js), []).append(k)
    return [(js, tuple(ks)) for js, ks in out.items()]


def share_clauses(facts: FocusFacts, name) -> list[str]:
    """How far each target is from the share asked of it, from the shown strings ('typed is 0.33
    over its 0.60'); [] when no shares were asked. `name` spells a position."""
    if facts.shares is None:
        return []
    out = []
    for k, share, gap in zip(facts.targets, facts.shares, facts.share_gaps):
        g = Decimal(gap)
        if g == 0:
            out.append(f"{name(k)} gets exactly its {share}")
        else:
            out.append(f"{name(k)} is {abs(g):.2f} {'over' if g > 0 else 'under'} its {share}")
    return out


def _set_verdict(trace: PhraseTrace, facts: FocusFacts) -> str:
    """The takeaway for several targets: each one's weight, their total, and which other word
    outweighs which target (or that each target gets more than any other word)."""
    word = trace.tokens
    focus = word[facts.focus]
    named = lambda k: "itself" if k == facts.focus else word[k]
    each = listed(f"{named(k)} ({w})" for k, w in zip(facts.targets, facts.target_weights))
    text = f"{focus} leans on {each}: together {facts.targets_total} of its attention"
    if facts.outweighed:
        clauses = [f"{_weighed(trace, facts, js)} {'outweighs' if len(js) == 1 else 'outweigh'} "
                   + listed(f"{word[k]} ({facts.weight_of(k)})" for k in ks) for js, ks in grouped(facts.outweighed)]
        text += ", but " + "; ".join(clauses) + "."      # each clause its own list: no 'and' between them
    elif facts.set_leads:
        goal = f" Together they are the cue that points towards “{trace.predict}”." if trace.predict else ""
        text += ", each more than any other word gets." + goal
    else:
        text += "."
    for js, ks in grouped(facts.level):
        text += (f" {listed(itself(trace, j) for j in js)} {'gets' if len(js) == 1 else 'get'} as much as "
                 + listed(f"{word[k]} ({facts.weight_of(k)})" for k in ks) + ".")
    shares = share_clauses(facts, lambda k: word[k])
    if shares:
        text += " Against the shares asked, " + listed(shares) + "."
    return text


def verdict(trace: PhraseTrace) -> str:
    """The takeaway, stated from the numbers: never typed, so it cannot go stale."""
    facts = focus_facts(trace)
    if facts.several:
        return _set_verdict(trace, facts)
    word = lambda i: trace.tokens[i]
    focus, winner, each = word(facts.focus), listed(trace.tokens[j] for j in facts.top), facts.each
    goal = f" That is the cue that points towards “{trace.predict}”." if trace.predict else ""
    if facts.target is None:
        return f"{focus} leans most on {winner} ({facts.winner_weight}{each})."
    if facts.target_wins:
        text = f"{focus} leans most on {winner} ({facts.target_weight}{each}).{goal}"
        if facts.tied_with_target:
            twins = ", ".join(word(j) for j in facts.tied_with_target)
            text += f" {twins} shares its vector exactly, so it gets the same weight."
        return text
    lost = f", so the cue towards “{trace.predict}” is lost" if trace.predict else ""
    return (f"{focus} leans most on {winner} ({facts.winner_weight}{each}), not on {word(facts.target)} "
            f"({facts.target_weight}). These matrices do not make {word(facts.target)} win here{lost}.")


def missed(trace: PhraseTrace) -> list[str]:
    """For several targets, one sentence per target some other word outweighs, in the order
    written: what the softmax beat says (and marks) once the weights land."""
    facts = focus_facts(trace)
    if not facts.several:
        return []
    out = []
    for n, (k, js) in enumerate(facts.outweighed):
        lead = f"But {trace.tokens[k]}, one of the words that should lead," if n == 0 else f"{trace.tokens[k]} too"
        out.append(f"{lead} gets only {facts.weight_of(k)}, less than {_weighed(trace, facts, js)}.")
    return out


def miss_note(trace: PhraseTrace) -> str:
    """Said the moment the weights land, when the word that should win does not (for several
    targets, each one that another word outweighs: `missed`)."""
    facts = focus_facts(trace)
    if facts.several:
        return "".join(" " + sentence for sentence in missed(trace))
    if facts.target is None or facts.target_wins:
        return ""
    return (f" But the word that should win is {trace.tokens[facts.target]}, and it gets only "
            f"{facts.target_weight}.")


MASK_NOTE = " Later words are hidden by the causal mask: their weight is exactly 0."


def decided(trace: PhraseTrace) -> str:
    """Why the top score is the top score: the offer pointing closest to the focus's search
    (direction), or a longer offer outscoring it (length). Every score of the row is
    |search| times that offer's shadow on the search line, so the longest shadow wins."""
    f = focus_of(trace)
    d = decide(trace.search[f], trace.offer, trace.visible[f])
    word = trace.tokens
    focus, win = word[f], word[d.winner]
    # words with the winner's very offer tie with it: name them all, never one of them
    same = [j for j in range(trace.n) if trace.visible[f, j] and np.array_equal(trace.offer[j], trace.offer[d.winner])]
    names = listed(word[j] for j in same)
    offer, its = (f"{win}'s offer", f"{win}'s") if len(same) == 1 else (f"{names} share one offer, which", "theirs")
    if d.by == "direction" and d.longest in same:
        return (f"{offer} points closest to {focus}'s search and is also the longest, so it casts "
                f"the longest shadow: direction and length agree.")
    if d.by == "direction":
        return (f"{offer} points closest to {focus}'s search, so it casts the longest shadow, "
                f"though {word[d.longest]}'s offer is longer: direction decided.")
    if geometry(trace.search[f], trace.offer).shadows[d.winner] > 0:
        return (f"{word[d.best_aligned]}'s offer points closest to {focus}'s search, but {its} is long "
                f"enough to cast the longest shadow: length decided.")
    shadow = f"{win}'s shadow" if len(same) == 1 else f"the shadow of the offer {names} share"
    return (f"Every offer points away from {focus}'s search; {shadow} reaches back least, so "
            f"{'its score is' if len(same) == 1 else 'their scores are'} the highest: length decided.")


def sees(trace: PhraseTrace) -> str:
    """What a row can see, for a label on every score grid and weight row: said by the mask,
    so the last word of a causal phrase sees "itself and earlier words" (all of them, yet the
    mask is on and the viewer should know it)."""
    return "the whole phrase" if trace.mask == "none" else "itself and earlier words"


def unmasked_note(trace: PhraseTrace) -> str:
    """Said when a phrase runs without the causal mask, and why it must (the target comes later)."""
    f = focus_of(trace)
    if trace.mask != "none" or trace.n < 2:
        return ""
    focus = trace.tokens[f]
    if f == trace.n - 1:            # nothing comes after the focus: the mask changes only other rows
        return " No causal mask in this phrase: every word sees the whole phrase."
    note = f" No causal mask in this phrase: {focus} sees the whole phrase, words after it too"
    if trace.target is not None and trace.target > f:
        return note + f", as it must, since {trace.tokens[trace.target]} comes after it."
    return note + "."


def shared_vectors(trace: PhraseTrace) -> list[tuple[int, ...]]:
    """Groups of positions whose positioned vectors are equal (as shown): one arrow, two words."""
    groups: dict[tuple, list[int]] = {}
    for i, v in enumerate(trace.positioned):
        groups.setdefault(tuple(format_number(x) for x in v), []).append(i)     # equal as shown
    return [tuple(g) for g in groups.values() if len(g) > 1]


def shared_note(trace: PhraseTrace) -> str:
    """Said when two positions land on one vector: attention can never tell them apart."""
    out = ""
    for group in shared_vectors(trace):
        names = " and ".join(trace.tokens[i] for i in group)
        out += (f" {names} land on the same vector, {format_vector(trace.positioned[group[0]])}: "
                f"any word that sees both gives them the same weight.")
    return out


def own(trace: PhraseTrace) -> str:
    """What the weighted sum adds up: the words' own (positioned) vectors, or their value vectors
    when the model has a W_value. Said, because the beat before showed searches and offers."""
    return "own vectors" if np.array_equal(trace.values, trace.positioned) else "value vectors"


def pull(trace: PhraseTrace) -> Optional[tuple[int, int, int]]:
    """How far the weighted sum moved the focus towards the word it leans on most: (that word,
    degrees from its vector to the new vector, degrees from it to the focus's old vector), in
    whole degrees. None when the focus leans most on itself or on several words at once."""
    facts = focus_facts(trace)
    leaders = facts.top
    if len(leaders) > 1 or leaders[0] == facts.focus:
        return None
    j, f = leaders[0], facts.focus
    degrees = lambda v: int(round_number(angle_degrees(v, trace.values[j]), 0))
    return j, degrees(trace.outputs[f]), degrees(trace.values[f])


def closest_note(trace: PhraseTrace) -> str:
    """The new vector compared with the word it leans on: how close it now points to it, and how
    close the focus's own vector pointed before."""
    p = pull(trace)
    if p is None:
        return ""
    j, new, old = p
    focus, kind = trace.tokens[focus_of(trace)], own(trace).split()[0]
    return f"The new {focus} points {new}° from {trace.tokens[j]}'s {kind} vector; the old {focus} pointed {old}° from it."


def facts(trace: PhraseTrace) -> dict[str, str]:
    """The walkthrough's placeholders, filled from the trace."""
    f = focus_facts(trace)
    return {
        "phrase": trace.text,
        "predict": trace.predict or "the next word",
        "focus": trace.tokens[f.focus],
        "target": trace.tokens[f.target] if f.target is not None else trace.tokens[f.winner],
        "winner": listed(trace.tokens[j] for j in f.top),
        "winner_weight": f.winner_weight,
        "each": f.each,
        "target_weight": f.target_weight or f.winner_weight,
        "verdict": verdict(trace),
        "mask_note": MASK_NOTE if f.hidden else "",
        "decided": decided(trace),
        "unmasked_note": unmasked_note(trace),
        "shared_note": shared_note(trace),
        "miss_note": miss_note(trace),
        "closest_note": closest_note(trace),
        "own": own(trace),
        "top_score": format_number(max(trace.scores[f.focus][j] for j in range(trace.n) if trace.visible[f.focus, j])),
    }
