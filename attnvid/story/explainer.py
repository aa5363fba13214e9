"""The numbers of the explainer's own sections and the facts their captions state, computed
here (through attnmath) so the scenes only draw them and tests can check every claim."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import numpy as np

from attnmath import (PhraseTrace, angle_degrees, bigram_weights, format_number, format_vector,
                      masked_softmax, ngram_weights, round_number, trace_phrase)
from attnmath.display import round_weights
from attnmath.shown import dot_shown, shown_trace, weighted_sum_shown

from .walkthrough import STEPS, FocusFacts, focus_facts, focus_of, shared_vectors
from .wording import listed

if TYPE_CHECKING:
    from ..script import Script

__all__ = ["DotExample", "DOT_A", "dot_example", "dot_examples", "turning_dot", "length_matters", "order_blind",
           "flat_and_sharp", "fixed_windows", "causal_example", "focus_word_across",
           "COUNT_WORDS", "partners", "Alternative", "Leaning", "leanings", "why_it_matters_facts", "hook_facts", "three_partners_facts", "recap_facts", "alignment_facts",
           "cat_typed_angle", "embeddings_facts", "bigrams_facts", "positions_needed_facts", "positional_encodings_facts", "phrases_positioned_facts"]


DOT_A = (1.60, 1.20)     # the fixed arrow a of the dot-product section: |a| = 2.00 exactly


@dataclass(frozen=True)
class DotExample:
    """a · b on the shown (two-decimal) arrows, told two ways: component by component, and as
    |a| |b| cos θ with the lengths to two decimals and θ in whole degrees. `dot_example` picks
    b so that both hold when redone by hand from what is shown."""
    a: tuple[float, float]
    b: tuple[float, float]
    value: float            # a · b from the shown components, rounded as shown
    name: str = "b"         # what b is called on screen: b, b1, b2

    @property
    def a_length(self) -> str:
        return format_number(float(np.hypot(*self.a)))

    @property
    def b_length(self) -> str:
        return format_number(float(np.hypot(*self.b)))

    @property
    def degrees(self) -> int:
        """The angle between the arrows, 0 to 180, in whole degrees (half away from zero)."""
        return int(round_number(angle_degrees(self.a, self.b), 0))

    @property
    def equation(self) -> str:
        return f"{format_vector(self.a)} · {format_vector(self.b)} = {format_number(self.value)}"

    @property
    def formula(self) -> str:
        """The same value as |a| |b| cos θ, from the shown lengths and the shown angle."""
        return (f"|a| |{self.name}| cos θ = {self.a_length} × {self.b_length} × cos {self.degrees}° = "
                f"{format_number(self.value)}")

    @property
    def holds_by_hand(self) -> bool:
        """|a| × |b| × cos θ from the shown factors rounds to the shown a · b."""
        return _by_hand(self.a_length, self.b_length, self.degrees) == round_number(self.value)


def _by_hand(a_length: str, b_length: str, degrees: int) -> Decimal:
    cos = Decimal(repr(float(np.cos(np.radians(degrees)))))
    return round_number(float(Decimal(a_length) * Decimal(b_length) * cos))


def dot_example(length: float, degrees: int, turn: int = 1, a=DOT_A, name: str = "b") -> DotExample | None:
    """b of `length` at `degrees` from a (turned anticlockwise for turn=1, clockwise for -1),
    its components rounded to two decimals: of the two-decimal arrows within 0.05 of that
    ideal, the nearest whose shown length, whole-degree angle and |a| |b| cos θ all agree with
    its components. None if there is none (rounding can make every one drift)."""
    phi = np.arctan2(a[1], a[0]) + turn * np.radians(degrees)
    ideal = length * np.array([np.cos(phi), np.sin(phi)])
    centre = [round_number(x) for x in ideal]
    found = []
    for i in range(-5, 6):
        for j in range(-5, 6):
            b = (float(centre[0] + Decimal(i) / 100), float(centre[1] + Decimal(j) / 100))
            e = DotExample(tuple(a), b, float(dot_shown(a, b)), name)
            if e.b_length == format_number(length) and e.degrees == degrees and e.holds_by_hand:
                found.append((float(np.hypot(*(np.array(b) - ideal))), e))
    return min(found, key=lambda f: f[0])[1] if found else None


def dot_examples() -> list[DotExample]:
    """a = [1.60, 1.20] against three arrows of length 1.50: the same direction, a right angle,
    opposed. Only the angle changes: 3.00, 0.00, -3.00."""
    return [dot_example(1.5, d) for d in (0, 90, 180)]


def length_matters() -> tuple[DotExample, DotExample]:
    """A short arrow close to a (length 1.00, 20° off) and a long one further off (length 3.00,
    50° off, on a's other side): the long one scores more."""
    return dot_example(1.0, 20, turn=-1, name="b1"), dot_example(3.0, 50, name="b2")


def turning_dot(steps: int = 24, length: float = 1.5) -> list[DotExample]:
    """b of `length` turning once round anticlockwise from a's direction in `steps` equal turns.
    Where no two-decimal arrow holds by hand at a turn's exact angle, the nearest whole degree
    that has one is used (never more than a few degrees off)."""
    out = []
    for k in range(steps + 1):
        turned = round(360 * k / steps)
        degrees, turn = (turned, 1) if turned <= 180 else (360 - turned, -1)
        for off in (0, 1, -1, 2, -2, 3, -3):
            d = min(max(degrees + off, 0), 180)
            e = dot_example(length, d, turn)
            if e is not None:
                out.append(e)
                break
        else:
            raise ValueError(f"no two-decimal arrow of length {length} holds by hand near {degrees}°")
    return out


def order_blind(script: "Script", first: str = "cat", second: str = "sat") -> tuple[PhraseTrace, PhraseTrace]:
    """"cat sat" and "sat cat" with no positions and no mask: attention sees the same set of
    vectors. As the videos show them (the shown chain), like every other trace on screen."""
    m = script.model
    zero = np.zeros((2, m.dimensions))
    traces = []
    for words in ((first, second), (second, first)):
        emb = [m.embeddings[m.vocabulary_key(w)] for w in words]
        exact = trace_phrase(words, emb, zero, m.W_search, m.W_offer, m.W_value, mask="none", scale=m.scale)
        traces.append(shown_trace(exact, m.W_search, m.W_offer, m.W_value))
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

def cat_typed_angle(script: "Script") -> Optional[int]:
    """Whole degrees between cat's and typed's embeddings (the caption says it, the arc shows
    it), or None when the vocabulary lacks either."""
    keys = {k.casefold(): k for k in script.model.embeddings}
    if "cat" not in keys or "typed" not in keys:
        return None
    e = script.model.embeddings
    return int(f"{angle_degrees(e[keys['cat']], e[keys['typed']]):.0f}")


def embeddings_facts(script: "Script") -> dict[str, str]:
    degrees = cat_typed_angle(script)
    return {"cat_typed": "" if degrees is None else f"Here cat and typed are {degrees}° apart."}


def positions_needed_facts(script: "Script") -> dict[str, str]:
    one, two = order_blind(script)
    return {"pair": f"“{' '.join(one.tokens)}”", "swapped": f"“{' '.join(two.tokens)}”"}


def positional_encodings_facts(script: "Script") -> dict[str, str]:
    return {"count": str(len(script.model.positions))}


def phrases_positioned_facts(script: "Script") -> dict[str, str]:
    word, found = focus_word_across(script.shown_traces())
    return {"word": word, "vectors": ", ".join(format_vector(t.positioned[i]) for _, t, i in found)}


def bigrams_facts(script: "Script") -> dict[str, str]:
    """The attention grid beside the fixed windows is the causal example's: when two of its
    positions share one vector, a row that sees both splits its weight evenly, and we say why
    (in other words than the phrase's own caption, which said it first)."""
    t, _ = causal_example(script.shown_traces())
    pairs = [listed([t.tokens[i] for i in group]) for group in shared_vectors(t)]
    if not pairs:
        return {"shared": ""}
    return {"shared": f" Where a row splits its weight evenly, it is between {listed(pairs, 'and between')}: "
                      f"one shared vector, so one score."}


# -- the story's frame: the hook, the three partners, the recap ------------------------------

COUNT_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(n: int) -> str:
    return COUNT_WORDS[n] if n < len(COUNT_WORDS) else str(n)


def _focus_words(traces) -> list[str]:
    return list(dict.fromkeys(t.tokens[focus_of(t)] for t in traces))


def hook_facts(script: "Script") -> dict[str, str]:
    """The article's question, asked of this script's phrases."""
    traces = script.shown_traces()
    focus = _focus_words(traces)
    predicts = [f"“{t.predict}”" for t in traces if t.predict]
    count = _count(len(traces)).capitalize()
    goal = f"To guess what comes next ({listed(predicts)})" if predicts else "To guess what comes next"
    if len(focus) == 1:
        return {"question": f"{count} phrase{'s' if len(traces) > 1 else ''}, one word to follow: {focus[0]}. "
                            f"{goal}, which other words should {focus[0]} listen to?"}
    return {"question": f"{count} phrases, one word followed in each. {goal}, which other words should it listen to?"}


@dataclass(frozen=True)
class Partner:
    """One phrase's focus search and its target's offer, and what the target gets."""
    phrase: int              # 1-based, as the viewer counts
    trace: PhraseTrace
    focus: int
    target: int
    weight: str              # the target's shown weight
    wins: bool               # the target gets the most weight (ties included)

    @property
    def search_length(self) -> str:
        return format_number(float(np.hypot(*self.trace.search[self.focus])))


def partners(traces) -> list[Partner]:
    """The phrases that name a target: the focus's search meets the target's offer."""
    out = []
    for k, t in enumerate(traces, start=1):
        f = focus_facts(t)
        if f.target is not None:
            out.append(Partner(k, t, f.focus, f.target, f.target_weight, f.target_wins))
    return out


def three_partners_facts(script: "Script") -> dict[str, str]:
    found = partners(script.shown_traces())
    if not found:
        return {"partners": ""}
    focus = listed(list(dict.fromkeys(p.trace.tokens[p.focus] for p in found)), "or")
    said = [f"{p.trace.tokens[p.target]} gets {'only ' if not p.wins else ''}{p.weight} in phrase {p.phrase}"
            for p in found]
    return {"partners": f"One word, a different search in each phrase: {focus}'s search meets each target's "
                        f"offer, and {listed(said)}."}


def _outcome(t: PhraseTrace) -> str:
    f = focus_facts(t)
    word = t.tokens
    lean = listed([word[j] for j in f.top])
    cue = f", a cue for “{t.predict}”" if t.predict else ""
    if f.target is None or f.target_wins:
        return f"{word[f.focus]} leans on {lean}{cue}"
    lost = f", so “{t.predict}” loses its cue" if t.predict else ""
    return f"{word[f.focus]} leans on {lean} rather than {word[f.target]}{lost}"


def recap_facts(script: "Script") -> dict[str, str]:
    outcomes = [_outcome(t) for t in script.shown_traces()]
    return {"count": _count(len(STEPS)).capitalize(), "steps": listed(list(STEPS)), "outcomes": "; ".join(outcomes)}


def alignment_facts(script: "Script") -> dict[str, str]:
    return {"steps": listed(list(STEPS)), "count": _count(len(STEPS))}


# -- why the leaning matters: the article's counterfactuals, with our numbers ------------------

@dataclass(frozen=True)
class Alternative:
    """Had the focus leaned only on `positions`, evenly: the shown weights and vectors of the sum,
    the new vector it would get, and what could come next then (the script's `instead:`)."""
    positions: tuple[int, ...]
    words: tuple[str, ...]
    weights: tuple[str, ...]             # shown, adding to exactly 1.00
    vectors: tuple[str, ...]             # the leaned words' own vectors, as shown
    result: str                          # their weighted sum, from the shown numbers
    end: tuple[float, ...]               # the same, as numbers to draw
    follows: str                         # what could come next, as the script says
    actual: bool                         # the model does lean most on exactly these words

    @property
    def sum_text(self) -> str:
        """'0.50 × [0.20, 0.50] + 0.50 × [0.50, 0.80]': what a viewer redoes by hand."""
        return " + ".join(f"{w} × {v}" for w, v in zip(self.weights, self.vectors))


@dataclass(frozen=True)
class Leaning:
    """One phrase's real leaning and its alternatives."""
    phrase: int                          # 1-based, as the viewer counts
    trace: PhraseTrace
    focus: int
    leaders: tuple[int, ...]             # the words with the largest shown weight
    weight: str                          # that weight, as shown
    output: str                          # the focus's new vector, as shown
    alternatives: tuple[Alternative, ...]
    facts: FocusFacts                    # who wins, and whether the target does

    @property
    def cued(self) -> bool:
        """Whether the new vector carries the cue for the predicted word: no target is named,
        or the target is the word the focus leans on most."""
        return self.facts.target is None or self.facts.target_wins


def leanings(script: "Script") -> list[Leaning]:
    """Every phrase with an `instead:`: where its focus really leans, and where it might have."""
    out = []
    for k, (phrase, t) in enumerate(zip(script.phrases, script.shown_traces()), start=1):
        if not phrase.instead:
            continue
        f = focus_facts(t)
        leaders = f.top
        alternatives = []
        for positions, follows in phrase.instead:
            weights = round_weights([1.0 / len(positions)] * len(positions))
            values = [t.values[j] for j in positions]
            result = weighted_sum_shown([float(w) for w in weights], values)
            alternatives.append(Alternative(positions, tuple(t.tokens[j] for j in positions),
                                            tuple(f"{w:.2f}" for w in weights), tuple(format_vector(v) for v in values),
                                            format_vector(result), tuple(float(x) for x in result), follows,
                                            set(positions) == set(leaders)))
        out.append(Leaning(k, t, f.focus, tuple(leaders), f.winner_weight, format_vector(t.outputs[f.focus]),
                           tuple(alternatives), f))
    return out


def _quoted(follows: str) -> str:
    return listed([f"“{w.strip()}”" for w in follows.split(",") if w.strip()], "or")


def _leaning_sentences(lean: Leaning) -> str:
    t, word = lean.trace, lean.trace.tokens
    focus = word[lean.focus]
    facts = lean.facts
    names = listed([word[j] for j in lean.leaders])
    share = "mostly" if Decimal(lean.weight) > Decimal("0.5") else "a blend led by"
    own = f"{names}'s" if len(lean.leaders) == 1 else f"{names}'"
    said = [f"In “{t.text}”, {focus} leans most on {names} ({lean.weight}), so its new vector, {lean.output}, "
            f"is {share} {own}"]
    if t.predict and lean.cued:
        said[0] += f": the cue for “{t.predict}”."
    elif t.predict:
        said[0] += f", and “{t.predict}” loses its cue."
    else:
        said[0] += "."
    for a in lean.alternatives:
        on = listed([f"“{w}”" for w in a.words])
        if a.actual:
            need = (f"; “{t.predict}” needs {word[facts.target]}" if t.predict and facts.target is not None
                    and not facts.target_wins else "")
            said.append(f"Leaning on {on}, as it does, {_quoted(a.follows)} would fit{need}.")
        elif a.positions == (lean.focus,):
            said.append(f"Kept to itself, it would stay {a.result}, {focus} with no context: {_quoted(a.follows)}.")
        else:
            said.append(f"Leaning only on {on}, it would be {a.result}, and {_quoted(a.follows)} would fit as well.")
    return " ".join(said)


def why_it_matters_facts(script: "Script") -> dict[str, str]:
    found = leanings(script)
    if not found:
        return {"leanings": ""}
    return {"leanings": " ".join(_leaning_sentences(lean) for lean in found)}
