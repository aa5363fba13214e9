"""The numbers the two-heads pictures show, and the facts their captions state.

A script whose model gives two heads (or more: the first two are shown) and whose phrases name
`targets:`. Everything is computed here from the heads' shown traces (attnmath.shown, so each
equation holds by hand) and from the exact verdicts (attnmath.feasibility); the scenes draw it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import numpy as np

from attnmath import PhraseTrace, format_vector, format_weights, requirement, verdict

from ..fitting import freed_in
from ..problems import Problem, ScriptError, Where
from .wording import listed


def fill(text, facts):     # registry.fill, imported late: the registry imports this module
    from .registry import fill as registry_fill
    return registry_fill(text, facts)

if TYPE_CHECKING:
    from ..script import Script

__all__ = ["HeadsData", "HeadView", "Stuck", "HEADS_PLACEHOLDERS", "heads_facts", "SHOWN_HEADS"]

SHOWN_HEADS = 2       # planes side by side: two fill the frame; a third head is said, not drawn

HEADS_PLACEHOLDERS = ("focus", "targets", "phrase", "first_top", "second_top", "first_weight", "second_weight", "numbers",
                      "from_each", "stuck", "stuck_phrase", "stuck_tops", "stuck_rivals", "dimensions", "limits")


@dataclass(frozen=True)
class HeadView:
    """One head on one phrase, as shown: the focus's row and its weighted sum."""

    trace: PhraseTrace             # the head's shown trace (attnmath.shown): every step by hand
    top: int                       # the position the focus gives its largest weight
    weights: tuple[str, ...]       # the focus's row, shown (adds up to 1.00; hidden ones "0.00")
    output: str                    # the focus's new vector from this head, shown

    @property
    def visible(self) -> list[int]:
        return [int(j) for j in np.flatnonzero(self.trace.visible[self.trace.focus])]

    def score_line(self, j: int) -> str:
        """'[q] · [k] = s': the focus's search, word j's offer, their score (redone by the tests)."""
        t, f = self.trace, self.trace.focus
        return f"{format_vector(t.search[f])} · {format_vector(t.offer[j])} = {t.scores[f, j]:.2f}"

    def sum_terms(self) -> str:
        """'w × [v] + w × [v] + ...' over the words the focus sees: its weighted sum, written out."""
        t = self.trace
        return " + ".join(f"{self.weights[j]} × {format_vector(t.values[j])}" for j in self.visible)


@dataclass(frozen=True)
class Stuck:
    """A target no 2D head can put on top of its row, and what would."""

    phrase: str
    tokens: tuple[str, ...]
    focus: int
    target: int
    rivals: tuple[int, ...]          # the other words the focus sees: the target is inside their hull
    seen: tuple[int, ...]            # every word the focus sees, the target among them
    positioned: np.ndarray = field(compare=False)   # the phrase's vectors (word + position), one row per word: what is drawn
    tops: tuple[int, ...]            # each shown head's top word in that phrase
    dimensions: Optional[int]        # the fewest dimensions in which one head can (None: not up to 8)


class HeadsData:
    """The phrase the heads share out (the first whose targets each top a head of their own, or
    else the first with several targets) and a target no number of 2D heads can put on top."""

    def __init__(self, script: "Script"):
        heads = len(script.model.heads)
        many = [p for p in script.phrases if p.focus is not None and len(p.targets) > 1]
        if heads < 2 or not many:
            raise ScriptError([Problem(Where(script.path, 1), "the two-heads pictures need a model with `heads:` "
                                       "(at least two) and a phrase naming a focus and several `targets:`; "
                                       f"this one has {heads} head{'s' if heads != 1 else ''}"
                                       + ("" if many else " and no such phrase"))])
        self.script = script
        self.heads = heads
        views = {p: self._views(script, p) for p in many}
        shared = [p for p in many if {v.top for v in views[p]} >= set(p.targets[:SHOWN_HEADS])]
        self.phrase = (shared or many)[0]
        self.views = views[self.phrase]
        self.joined = "[" + ", ".join(v.output.strip("[]") for v in self.views) + "]"
        self.stuck = self._stuck(script, many, views)
        self.stuck_views = views[next(p for p in many if p.text == self.stuck.phrase)] if self.stuck else []

    @staticmethod
    def _views(script: "Script", phrase) -> list[HeadView]:
        out = []
        for t in script.shown_head_traces(phrase)[:SHOWN_HEADS]:
            f = t.focus
            shown = tuple(format_weights(t.weights[f]))
            out.append(HeadView(t, t.strongest(f), shown, format_vector(t.outputs[f])))
        return out

    @staticmethod
    def _stuck(script: "Script", phrases, views) -> Optional[Stuck]:
        """The first target of any phrase that no 2D head can put on top (exact: its single-target
        verdict, which no choice of matrices changes, so no number of heads does either)."""
        traces = [script.trace(p) for p in script.phrases]
        xs, words = [t.positioned for t in traces], [t.tokens for t in traces]
        for p in phrases:
            k = script.phrases.index(p)
            t = traces[k]
            for target in p.targets:
                req = requirement(p.text, t.positioned, p.focus, target, p.mask, p.tokens)
                v = verdict([req])
                if not v.feasible and v.reasons[0].kind == "inside_hull":
                    seen = tuple(int(j) for j in np.flatnonzero(t.visible[p.focus]))
                    return Stuck(p.text, p.tokens, p.focus, target, v.reasons[0].rivals, seen, t.positioned,
                                 tuple(view.top for view in views[p]), freed_in(req, xs, words, k))
        return None

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.phrase.tokens


def heads_facts(data: HeadsData) -> dict[str, str]:
    """Every claim of the two-heads captions, read off the shown traces and the verdicts."""
    p, (one, two) = data.phrase, data.views
    tok = p.tokens
    numbers = sum(len(v.output.strip("[]").split(", ")) for v in data.views)
    s = data.stuck
    facts = {
        "focus": tok[p.focus], "targets": listed(tok[j] for j in p.targets), "phrase": p.text,
        "first_top": tok[one.top], "second_top": tok[two.top], "first_weight": one.weights[one.top],
        "second_weight": two.weights[two.top], "numbers": str(numbers),
        "from_each": _from_each([len(v.output.strip("[]").split(", ")) for v in data.views]),
        "stuck": "", "stuck_phrase": "", "stuck_tops": "", "stuck_rivals": "", "dimensions": "",
    }
    if s is not None:
        facts.update(stuck=s.tokens[s.target], stuck_phrase=s.phrase,
                     stuck_tops=listed([f"head 1 puts {s.tokens[s.tops[0]]} on top"]
                                       + [f"head {h + 1} {s.tokens[j]}" for h, j in enumerate(s.tops) if h]),
                     stuck_rivals=listed(s.tokens[j] for j in s.rivals),
                     dimensions=str(s.dimensions) if s.dimensions else "")
    facts["limits"] = fill(_limits_template(data), facts)
    return facts


def _limits_template(data: HeadsData) -> str:
    """What more heads cannot do, said only when the script has such a word (else what they did)."""
    s = data.stuck
    if s is None:
        return "Every target here is on top of a head of its own."
    free = (" More numbers per word do: with {dimensions} instead of 2, one head can put {stuck} on top."
            if s.dimensions else "")
    return ("More heads do not rescue every word. In “{stuck_phrase}”, {stuck} lies inside the outline of "
            "the other words. So no 2D head can put {stuck} on top, however many there are: "
            "here {stuck_tops}." + free)


def _from_each(sizes: list[int]) -> str:
    """'2 from each head', or '2 from head 1 and 3 from head 2'."""
    if len(set(sizes)) == 1:
        return f"{sizes[0]} from each head"
    return listed(f"{n} from head {h + 1}" for h, n in enumerate(sizes))
