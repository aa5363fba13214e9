"""What the walkthrough says in each beat, and the facts it states, worked out from the trace.

The beat names and default captions live here (not in the scenes) so that the script layer can
validate a script's `narration:` overrides without importing Manim, and so that every claim a
caption makes about the numbers ("cat leans most on sat") is computed in one tested place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from attnmath import PhraseTrace, angle_degrees, round_weights

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
                "target_weight", "verdict",
                # the explainer's sections
                "cat_typed", "pair", "swapped", "count", "word", "vectors")
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


# -- the learning scenes -------------------------------------------------------------------

LEARNING_BEATS = ("random_start", "training", "learned")
CRAMPED_BEATS = ("hull", "sweep")


def _pairs(words_weights) -> str:
    """'sat 0.83, typed 0.77 and Is 0.12'"""
    parts = [f"{w} {v}" for w, v in words_weights]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def learning_captions(targets, start_weights, end_weights, winners_at_end, steps) -> dict[str, str]:
    """Captions for the Learning scene, every claim read off the fit's history.

    targets: target words; start_weights/end_weights: their display weights at the first and
    last recorded step; winners_at_end: for each phrase, whether its target is the top weight.
    """
    start = _pairs(zip(targets, start_weights))
    end = _pairs(zip(targets, end_weights))
    won = [t for t, w in zip(targets, winners_at_end) if w]
    lost = [t for t, w in zip(targets, winners_at_end) if not w]
    verdict = (f"{' and '.join(won)} now win{'s' if len(won) == 1 else ''} their rows" if won else
               "no target wins its row yet")
    if lost:
        verdict += f"; {' and '.join(lost)} still do{'es' if len(lost) == 1 else ''} not"
    return {
        "random_start": f"Before training the two matrices are random, and the targets get little: {start}.",
        "training": "Training nudges both matrices a little at a time, always in the direction that "
                    "gives each target more weight. The loss, how surprised the model is by the "
                    "targets, falls as it goes.",
        "learned": f"After {steps} steps the targets get {end}: {verdict}.",
    }


def _and(words) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def cramped_captions(target, focus, inside_hull, rivals, dims, mean_weights) -> dict[str, str]:
    """Captions for the Cramped scene: the convex-hull argument and the dimension sweep.

    mean_weights: the targets' mean display weight for each entry of dims.
    """
    if inside_hull:
        hull = (f"Seen from {focus}, {target} sits inside the outline around {_and(rivals)}. "
                f"Whichever way {focus}'s search points, one of them scores higher than {target}.")
    else:
        hull = (f"Seen from {focus}, {target} is a corner of the outline around the words, so some "
                f"search direction does make it win.")
    rise = "rise" if float(mean_weights[-1]) > float(mean_weights[0]) else "do not rise"
    sweep = (f"More numbers per word make room. Fitted again with {dims[0]} up to {dims[-1]} "
             f"dimensions, the targets' weights {rise}: on average from {mean_weights[0]} to "
             f"{mean_weights[-1]}.")
    return {"hull": hull, "sweep": sweep}


# -- the full explainer ----------------------------------------------------------------------

SECTIONS = ("embeddings", "dot_product", "positions_needed", "positional_encodings",
            "phrases_positioned", "relevance_learned", "alignment", "weighted_average",
            "bigrams", "cramped", "names")

SECTION_NARRATION = {
    "embeddings": "Here is the whole toy vocabulary, one arrow per word. Real models use hundreds "
                  "or thousands of numbers per word; two are enough to see the idea. {cat_typed}",
    "dot_product": "The dot product says how much two arrows point the same way: 1 when they agree, "
                   "0 at a right angle, -1 when they are opposed. Watch it change as one arrow turns.",
    "positions_needed": "Without positions, attention cannot tell {pair} from {swapped}: it sees the "
                        "same two vectors, and each word gets the same output as before, just in the "
                        "other order.",
    "positional_encodings": "So each position gets a small vector of its own, added to whatever word "
                            "sits there. These are the {count} used here.",
    "phrases_positioned": "Once positions are added, one word is a slightly different vector in each "
                          "phrase: {word} becomes {vectors}.",
    "alignment": "Now the five steps, phrase by phrase: search and offer vectors, dot products, "
                 "softmax, and the weighted sum.",
    "weighted_average": "Under a causal mask every word's new vector is a weighted average of itself "
                        "and the words before it. A plain average would count them all alike; "
                        "attention's weights depend on the words, and they are sharp.",
    "bigrams": "A bigram model looks only at the word just before; an n-gram model at a fixed few, "
               "all alike. Attention looks at every earlier word and lets their content decide "
               "how much each one counts.",
    "names": "W_search is what most explanations call the query matrix, and W_offer the key "
             "matrix. The names differ; the arithmetic is the same.",
}


def _angle_sentence(embeddings) -> str:
    keys = {k.casefold(): k for k in embeddings}
    if "cat" in keys and "typed" in keys:
        a = angle_degrees(embeddings[keys["cat"]], embeddings[keys["typed"]])
        return f"Here cat and typed are {a:.0f}° apart."
    return ""


def section_caption(name: str, overrides=None, **facts) -> str:
    """A section's caption: the script's override or ours, with {facts} filled in."""
    text = (overrides or {}).get(name, SECTION_NARRATION.get(name, ""))
    facts = dict(facts)
    if "embeddings" in facts:
        facts["cat_typed"] = _angle_sentence(facts.pop("embeddings"))
    return _PLACEHOLDER.sub(lambda m: str(facts.get(m.group(1), m.group(0))), text).strip()
