"""`attnvid fit`: learn W_search and W_offer for a script's focus -> target pairs, and say
honestly which of those relevance patterns two dimensions can hold, and why.

The verdicts are exact (a linear program in attnmath.feasibility; for "wins by direction", that
plus attnmath.direction.same_direction); the matrices come from attnmath.fit's gradient descent,
by default preferring matrices under which each target wins by direction: its offer points
closest to the focus's search vector, among offers of comparable length (the article's story;
without the preference the longest offer tends to win). `write_model` saves the fitted matrices with the script's
words and positions as a model file every other command reads.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import pickle
import re
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import attnmath
from attnmath import (DIRECTION, TIE, WEIGHT_ONLY, Decision, decide, focus_row, format_number, format_vector,
                      same_direction, winner)
from attnmath.feasibility import HeadsVerdict, Reason, Requirement, Verdict, heads_verdict, requirement, ties, verdict
from attnmath.fit import FitDiverged, FitResult, fit_best, lift

from .kept import cache_home, write_atomically
from .problems import Problem, ScriptError, Where

if TYPE_CHECKING:
    from .script import Script


@dataclass(frozen=True)
class TargetReport:
    req: Requirement
    alone: Verdict
    weight: float          # the target's weight under the fitted matrices
    strongest: int         # the position the focus leans on most under them (attnmath.winner)
    decision: Decision     # under them: who won, who is best aligned, whether direction decided
    length_ratio: float    # longest visible offer / shortest, under them
    each: tuple[float, ...] = ()   # each target's weight under them, in `req.targets` order
    row: np.ndarray | None = None  # the focus's weights under them (n,)

    @property
    def set_leads(self) -> bool:
        """Every target above every other visible word (ties with a target aside), under the fit."""
        r = self.req
        return bool(all(self.row[t] > self.row[j] + TIE for t in r.targets for j in _others(r)))

    @property
    def by_direction(self) -> bool:
        """The target wins, and it is the best-aligned offer: direction decided."""
        return self.decision.by == "direction" and \
            (self.strongest == self.req.target or self.strongest in ties(self.req))

    @property
    def direction_possible(self) -> bool:
        """Exact: some matrices make the target win with the best-aligned offer. It must be able
        to win at all (the hull verdict), and no rival may point exactly its way."""
        return self.alone.feasible and not same_direction(self.req.x, self.req.target, self.req.visible)


@dataclass(frozen=True)
class HeadsReport:
    """Several heads: can each target be on top of a head of its own, which head takes which,
    and the matrices fitted per head (each head on the targets the verdict hands it)."""

    verdict: HeadsVerdict
    results: tuple[FitResult, ...]      # one per head, in head order
    given: tuple[tuple[Requirement, ...], ...] = ()   # per head, the single-target requirements it was fitted on
    # each target no 2D head can put on top (as its single-target requirement), with the fewest
    # dimensions of FREED_DIMENSIONS in which the vectors, given more numbers (attnmath.lift), let
    # one head put it there (None: not even in the largest)
    freed_in: tuple[tuple[Requirement, int | None], ...] = ()

    @property
    def heads(self) -> int:
        return self.verdict.heads


@dataclass(frozen=True)
class FitReport:
    script: Script
    result: FitResult
    joint: Verdict
    targets: tuple[TargetReport, ...]
    steps: int
    possible_together: Verdict | None   # the targets each feasible alone, all at once
    prefer: str = "direction"           # the fit's preference (PREFERENCES)
    heads: HeadsReport | None = None    # several heads asked for, or a phrase with several targets
    writes_heads: bool = False          # the model file gets `heads:` (asked for, or the model had them)


def _others(req: Requirement) -> list[int]:
    """The visible words outside a set of targets (their ties aside): what every target must beat."""
    return [int(j) for j in np.flatnonzero(req.visible) if j not in req.targets and j not in ties(req)]


def requirements(script: Script) -> list[Requirement]:
    """One requirement per phrase that names both a focus and a target (or `targets:`)."""
    reqs = []
    for phrase in script.phrases:
        if phrase.focus is None or phrase.target is None:
            continue
        t = script.trace(phrase)
        reqs.append(requirement(phrase.text, t.positioned, phrase.focus, phrase.target, phrase.mask,
                                tokens=phrase.tokens, targets=phrase.targets, shares=phrase.shares or ()))
    if not reqs:
        raise ScriptError([Problem(Where(script.path, 1), "no phrase names both a focus and a target; "
                                   "`attnvid fit` learns to make each focus lean on its target")])
    return reqs


# What `attnvid fit --prefer` may ask for: the loss's preference and the step size it trains well
# with (with the direction terms, 0.5 overshoots into the basin where the longest offer wins).
PREFERENCES = {"direction": (DIRECTION, 0.1), "weight": (WEIGHT_ONLY, 0.5)}


def fit_requirements(reqs, steps: int = 3000, prefer: str = "direction") -> FitResult:
    """The one fit every command and scene uses: `attnvid fit`, the Learning scene, the Cramped
    scene's sweep over dimensions. Remembered per process (the explainer builds Learning and
    Cramped from the same requirements) and kept on disk (cache_home()/fits), so a render's other
    processes and the next render read the result instead of training again (a few seconds to
    half a minute each): the same inputs and the same attnmath give the same floats."""
    key = (tuple((r.phrase, r.tokens, r.x.shape, r.x.tobytes(), r.focus, r.targets, r.shares, r.visible.tobytes())
                 for r in reqs), steps, prefer)
    if key not in _FITTED:
        _FITTED[key] = _kept_fit(key) or _fit_and_keep(key, reqs, steps, prefer)
    return _FITTED[key]


_FITTED: dict = {}
FIT_FORMAT = 1           # bump when what a kept fit holds changes


def _fit_path(key) -> Path:
    """Where a fit is kept: a digest of its inputs, of attnmath's source and of numpy's version."""
    h = hashlib.sha256(f"{FIT_FORMAT}|{np.__version__}|{_attnmath_digest()}|".encode())
    h.update(pickle.dumps(key, protocol=4))
    return cache_home() / "fits" / h.hexdigest()


@functools.cache
def _attnmath_digest() -> str:
    h = hashlib.sha256()
    for source in sorted(Path(attnmath.__file__).parent.glob("*.py")):
        h.update(source.name.encode() + source.read_bytes())
    return h.hexdigest()


def _kept_fit(key) -> FitResult | None:
    try:
        result = pickle.loads(_fit_path(key).read_bytes())
    except Exception:            # none kept, or a damaged entry: trained again and replaced
        return None
    if not isinstance(result, FitResult):
        return None
    for step in (result, *result.history):       # read-only, as fit made them (unpickling does not keep it)
        step.W_search.setflags(write=False)
        step.W_offer.setflags(write=False)
    return result


def _fit_and_keep(key, reqs, steps: int, prefer: str) -> FitResult:
    preference, lr = PREFERENCES[prefer]
    result = fit_best(list(reqs), steps=steps, prefer=preference, lr=lr)
    write_atomically(_fit_path(key), pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result


FREED_DIMENSIONS = (3, 4, 8)   # where `attnvid fit` looks for the room 2D lacks (attnmath.lift)


def freed_in(req: Requirement, x_by_phrase, words_by_phrase, phrase_index: int) -> int | None:
    """The fewest of FREED_DIMENSIONS in which `req` (one target) can be met alone, the phrases'
    vectors lifted together as `dimension_sweep` lifts them; None if none of them."""
    for d in FREED_DIMENSIONS:
        lifted = lift(x_by_phrase, words_by_phrase, d)[phrase_index]
        if verdict([dataclasses.replace(req, x=lifted)]).feasible:
            return d
    return None


def fit_heads(reqs: list[Requirement], heads: int, steps: int, prefer: str) -> HeadsReport:
    """The heads verdict, then each head fitted on the single-target requirements it is handed.

    When no split works, the targets some head can top are split among the heads, and a target no
    head can top goes to the head that takes the fewest (it is fitted for, and stays behind)."""
    hv = heads_verdict(reqs, heads)
    split = hv
    if not hv.feasible:
        reachable = [dataclasses.replace(r, targets=kept, target=kept[0], shares=())
                     for r in reqs for kept in [tuple(t for t in r.targets if verdict([r.alone(t)]).feasible)] if kept]
        split = heads_verdict(reachable, heads) if reachable and \
            all(len(r.targets) <= heads for r in reachable) else None
    given: list[list[Requirement]] = [[] for _ in range(heads)]
    if split is not None and split.feasible:
        for h in range(heads):
            given[h] = list(split.carried_by(h))
    handed = {(g.phrase, g.target) for head in given for g in head}
    for r in reqs:
        for t in r.targets:
            if (r.phrase, t) not in handed:
                min(given, key=len).append(r.alone(t))
    given = [g or list(reqs) for g in given]        # a head handed nothing learns the sets
    results = tuple(fit_requirements(g, steps=steps, prefer=prefer) for g in given)
    xs, words = [r.x for r in reqs], [r.tokens for r in reqs]
    index = {r.phrase: i for i, r in enumerate(reqs)}
    stuck = [reason.req for reason in hv.reasons if reason.kind == "inside_hull"]   # single-target ones
    return HeadsReport(hv, results, tuple(tuple(g) for g in given),
                       tuple((req, freed_in(req, xs, words, index[req.phrase])) for req in stuck))


def run_fit(script: Script, steps: int = 3000, prefer: str = "direction", heads: int | None = None) -> FitReport:
    """Fit one head (the targets' sets jointly), and, when several heads are asked for (or the
    model has them, or a phrase names several targets), say what that many heads can do and fit
    them. `heads` defaults to the model's count, else to the most targets any phrase names."""
    reqs = requirements(script)
    try:
        result = fit_requirements(reqs, steps=steps, prefer=prefer)
        many = heads or max(len(script.model.heads), max(len(r.targets) for r in reqs))
        head_report = fit_heads(reqs, many, steps, prefer) if many > 1 or heads else None
    except FitDiverged as e:
        raise ScriptError([Problem(Where(script.path, 1), f"the fit did not converge ({e}); no matrices "
                                   "were written. Try `--prefer weight`, fewer `--steps`, or vectors "
                                   "nearer the article's sizes")]) from None
    targets = []
    for req, weight in zip(reqs, result.target_weights):
        row = focus_row(req, result.W_search, result.W_offer)
        lengths = np.linalg.norm(row.offers[req.visible], axis=1)
        targets.append(TargetReport(req, verdict([req]), float(weight), winner(row.weights, req.visible),
                                    decide(row.search, row.offers, req.visible),
                                    float(lengths.max() / lengths.min()) if lengths.min() > 0 else float("inf"),
                                    tuple(float(row.weights[t]) for t in req.targets), row.weights))
    alone_ok = [t.req for t in targets if t.alone.feasible]
    together = verdict(alone_ok) if 1 < len(alone_ok) < len(reqs) else None
    writes = head_report is not None and (heads is not None or len(script.model.heads) > 1)
    return FitReport(script, result, verdict(reqs), tuple(targets), steps, together, prefer, head_report, writes)


# -- reasons in words: attnmath.feasibility states the facts, these sentences are ours ---------

def _name(req: Requirement, j: int) -> str:
    return f"'{req.tokens[j]}'" if req.tokens else f"position {j}"


def _names(req: Requirement, positions) -> str:
    return ", ".join(req.tokens[j] if req.tokens else str(j) for j in positions)


def _and(req: Requirement, positions) -> str:
    names = [req.tokens[j] if req.tokens else f"position {j}" for j in positions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _alone_words(reason: Reason) -> str:
    """Why one requirement cannot be met, whatever the matrices."""
    req = reason.req
    f, t = req.focus, (req.target if reason.target is None else reason.target)
    where = f'in "{req.phrase}", ' if req.phrase else ""
    if reason.kind == "hulls_meet":
        others = _others(req)
        between = (f"; {_and(req, reason.rivals)} lies between them" if reason.rivals else "")
        return (f"{where}{_and(req, req.targets)} cannot all outscore {_and(req, others)}: the outline of "
                f"the targets' vectors overlaps the outline of the others'{between}, so any search direction "
                "that lifts every target lifts one of the others at least as high")
    if reason.kind == "too_few_heads":
        return (f"{where}{_name(req, f)} has {len(req.targets)} targets, more than the heads; a head gives "
                "its top weight to one word of a row")
    if reason.kind == "zero_focus":
        return (f"{where}{_name(req, f)} is the zero vector {format_vector(req.x[f])}, so its "
                f"search vector is zero and every score it gives is 0, whatever the matrices")
    if reason.kind == "inside_hull":
        names = ", ".join(req.tokens[j] if req.tokens else str(j) for j in reason.rivals)
        which = "its rivals" if req.tokens else "its rivals (positions)"
        return (f"{where}{_name(req, t)} {format_vector(req.x[t])} lies inside the convex hull of "
                f"{which} ({names}), so any search direction scores at least one rival at "
                f"least as high as {_name(req, t)}")
    return (f"{where}no matrices make {_name(req, t)} outscore every rival by more than {TIE:g} "
            f"(it sits on the edge of its rivals' convex hull, to float precision)")


_CONFLICT = ("each target can win on its own, but no single matrix makes them all win "
             "together: the focus vectors are tied to one W_search and one W_offer, and "
             "what lifts one target lowers another")


_HEADS_CONFLICT = ("each target can be on top of a head of its own phrase by phrase, but no split of the "
                   "targets among the heads lets every head serve all the phrases with one W_search and one W_offer")


def why_not(v: "Verdict | HeadsVerdict") -> str:
    """A verdict's reasons in plain words, joined by "; " ("" when feasible)."""
    conflict = _HEADS_CONFLICT if isinstance(v, HeadsVerdict) else _CONFLICT
    return "; ".join(conflict if r.kind == "conflict" else _alone_words(r) for r in v.reasons)


def _lead(t: TargetReport) -> str:
    """'the top weight' when the target (or a word sharing its vector) leads, else who does."""
    r = t.req
    return "the top weight" if t.strongest == r.target or t.strongest in ties(r) else \
        f"{r.tokens[t.strongest]} leads"


def _direction_verdict(t: TargetReport) -> str:
    """Whether some matrices make the target win by direction, exactly, in words."""
    r = t.req
    target = r.tokens[r.target]
    if t.direction_possible:
        return f"by direction: possible in 2D (no rival's vector points exactly {target}'s way)"
    if not t.alone.feasible:
        return f"by direction: impossible in 2D ({target} cannot win at all, see above)"
    same = ", ".join(r.tokens[j] for j in same_direction(r.x, r.target, r.visible))
    return (f"by direction: impossible in 2D ({same} points exactly {target}'s way, and every "
            "matrix keeps them pointing one way)")


def _decided(t: TargetReport) -> str:
    """What decided the fitted row: 'by direction: ...' or 'by length: ...'."""
    r, d = t.req, t.decision
    name = r.tokens
    spread = f"offers {format_number(t.length_ratio, 1)}x apart in length"
    if d.by == "direction":
        return f"decided by direction: {name[d.winner]}'s offer points closest to {name[r.focus]}'s search ({spread})"
    return (f"decided by length: {name[d.best_aligned]}'s offer points closest to {name[r.focus]}'s search, "
            f"but {name[d.winner]}'s is long enough to outscore it ({spread})")


def as_json(report: FitReport) -> dict:
    return {
        "prefer": report.prefer,
        "W_search": report.result.W_search.tolist(),
        "W_offer": report.result.W_offer.tolist(),
        "jointly_feasible": report.joint.feasible,
        "joint_margin": report.joint.margin,
        "feasible_alone_jointly_feasible": None if report.possible_together is None
        else report.possible_together.feasible,
        "loss": report.result.loss,
        "steps": report.steps,
        "targets": [{
            "phrase": t.req.phrase,
            "focus": t.req.tokens[t.req.focus],
            "target": t.req.tokens[t.req.target],
            "feasible": t.alone.feasible,
            "margin": t.alone.margin,
            "reason": why_not(t.alone),
            "ties": [t.req.tokens[j] for j in ties(t.req)],
            "weight": t.weight,
            "strongest": t.req.tokens[t.strongest],
            "direction_possible": t.direction_possible,
            "decided_by": t.decision.by,
            "by_direction": t.by_direction,
            "best_aligned": t.req.tokens[t.decision.best_aligned],
            "longest": t.req.tokens[t.decision.longest],
            "length_ratio": t.length_ratio if np.isfinite(t.length_ratio) else None,   # None: a zero offer
            **({"targets": [t.req.tokens[j] for j in t.req.targets],       # only for a set of targets
                "shares": list(t.req.shares), "each": list(t.each), "set_leads": t.set_leads}
               if t.req.several else {}),
        } for t in report.targets],
        **({"heads": _heads_json(report.heads)} if report.heads is not None else {}),
    }


def _heads_json(h: HeadsReport) -> dict:
    v = h.verdict
    return {
        "count": h.heads,
        "feasible": v.feasible,
        "margin": v.margin,
        "reason": why_not(v),
        "tops": [[{"phrase": g.phrase, "target": g.tokens[g.target]} for g in v.carried_by(i)]
                 for i in range(h.heads)] if v.feasible else None,
        "freed_in": [{"phrase": req.phrase, "target": req.tokens[req.target], "dimensions": d}
                     for req, d in h.freed_in],
        "matrices": [{"W_search": r.W_search.tolist(), "W_offer": r.W_offer.tolist()} for r in h.results],
    }


def as_text(report: FitReport) -> str:
    """Plain words first, numbers beside them."""
    lines = []
    for t in report.targets:
        r = t.req
        focus, target = r.tokens[r.focus], r.tokens[r.target]
        if r.several:
            lines += _set_lines(t)
            continue
        lines.append(f'"{r.phrase}": {focus} -> {target}')
        if t.alone.feasible:
            lines.append(f"  possible in 2D: some W_search, W_offer make {target} {focus}'s top score "
                         f"(best margin {format_number(t.alone.margin, 3)} with entries of "
                         "W_search·W_offerᵀ in [-1, 1])")
        else:
            lines.append(f"  impossible in 2D: {why_not(t.alone)}")
        tied = [r.tokens[j] for j in ties(r)]
        if tied:
            lines.append(f"  {', '.join(tied)} shares {target}'s vector {format_vector(r.x[r.target])}, "
                         "so it always gets the same weight")
        lines.append(f"  {_direction_verdict(t)}")
        lines.append(f"  after fitting: {target} gets weight {format_number(t.weight)} ({_lead(t)}); {_decided(t)}")
    lines.append("")
    if report.joint.feasible:
        lines.append(f"All {len(report.targets)} patterns at once: possible in 2D "
                     f"(margin {format_number(report.joint.margin, 3)}).")
    else:
        reason = why_not(report.joint)
        reason = reason[:1].upper() + reason[1:]
        lines.append(f"All {len(report.targets)} patterns at once: impossible in 2D. {reason}")
        if report.possible_together is not None:
            names = ", ".join(t.req.tokens[t.req.target] for t in report.targets if t.alone.feasible)
            word = "possible" if report.possible_together.feasible else "impossible"
            lines.append(f"The ones 2D can hold on their own ({names}), at once: {word}"
                         + (f" (margin {format_number(report.possible_together.margin, 3)})."
                            if report.possible_together.feasible else "."))
    wins = [t for t in report.targets if t.by_direction and not t.req.several]
    can = [t for t in report.targets if t.direction_possible and not t.req.several]
    if any(not t.req.several for t in report.targets):     # direction is a one-target story
        lines.append(f"Won by direction after fitting: {len(wins)} of the {len(can)} targets 2D lets win by direction"
                     + (f" ({', '.join(t.req.tokens[t.req.target] for t in wins)})." if wins else "."))
    lines.append(f"Fitted ({report.steps} steps, preferring {report.prefer}, loss "
                 f"{format_number(report.result.loss, 3)}):")
    for name, W in (("W_search", report.result.W_search), ("W_offer", report.result.W_offer)):
        lines.append(f"  {name} = [" + ", ".join(format_vector(row) for row in W) + "]")
    if report.heads is not None:
        lines += [""] + _heads_lines(report.heads)
    return "\n".join(lines) + "\n"


def _set_lines(t: TargetReport) -> list[str]:
    """One phrase with several targets: can one head put them all above the rest, and the fit."""
    r = t.req
    focus, names = r.tokens[r.focus], _and(r, r.targets)
    out = [f'"{r.phrase}": {focus} -> {", ".join(r.tokens[j] for j in r.targets)}']
    if t.alone.feasible:
        out.append(f"  one head, all at once: possible in 2D: some W_search, W_offer put {names} above every "
                   f"other word {focus} sees (best margin {format_number(t.alone.margin, 3)})")
    else:
        out.append(f"  one head, all at once: impossible in 2D: {why_not(t.alone)}")
    asked = "evenly" if np.allclose(r.shares, r.shares[0]) and abs(sum(r.shares) - 1) < 1e-9 else \
        ", ".join(f"{r.tokens[j]} {format_number(a)}" for j, a in zip(r.targets, r.shares))
    each = ", ".join(f"{r.tokens[j]} {format_number(w)}" for j, w in zip(r.targets, t.each))
    lead = "all above the rest" if t.set_leads else f"{r.tokens[t.strongest]} leads"
    out.append(f"  after fitting: {each} (together {format_number(t.weight)}, asked {asked}); {lead}")
    return out


def _heads_lines(h: HeadsReport) -> list[str]:
    """What `h.heads` heads can do: each target on top of a head of its own, and the fit per head."""
    v = h.verdict
    head = lambda i: f"head {i + 1}"
    title = f"With {h.heads} heads, each target on top of a head of its own"
    if v.feasible:
        out = [f"{title}: possible in 2D (margin {format_number(v.margin, 3)})."]
        for i in range(h.heads):
            given = v.carried_by(i)
            said = "; ".join(f'{g.tokens[g.target]} in "{g.phrase}"' for g in given) or "nothing of its own"
            out.append(f"  {head(i)} puts on top: {said}")
    else:
        reason = why_not(v)
        out = [f"{title}: impossible in 2D. {reason[:1].upper() + reason[1:]}."]
    for req, d in h.freed_in:
        name = req.tokens[req.target]
        more = (f"with the vectors given more numbers (attnmath.lift), one head can in {d} dimensions"
                if d else f"not even in {FREED_DIMENSIONS[-1]} dimensions")
        out.append(f"  More heads do not help {name}: no 2D head puts it on top; {more}.")
    out.append(f"Fitted per head ({head(0)} first; each on the targets it is given):")
    for i, result in enumerate(h.results):
        out.append(f"  {head(i)}: W_search = [" + ", ".join(format_vector(row) for row in result.W_search)
                   + "], W_offer = [" + ", ".join(format_vector(row) for row in result.W_offer) + "]")
    return out


_PLAIN = re.compile(r"[^\s:#\[\]{},&*!|>'\"%@`-][^\s:#\[\]{},]*")


def _key(word: str) -> str:
    """A word as a YAML key our loader reads back as the same text (quoted only when needed)."""
    return word if _PLAIN.fullmatch(word) else json.dumps(word, ensure_ascii=False)


def _exact(x: float) -> str:
    """Two decimals when that is exact (the article's 0.30), else the full float."""
    s = f"{float(x):.2f}"
    return s if float(s) == float(x) else repr(float(x))


def _vec(v, decimals=None) -> str:
    return "[" + ", ".join(format_number(x, decimals) if decimals else _exact(x) for x in v) + "]"


def model_yaml(report: FitReport, decimals: int = 2) -> str:
    """A model file: the script's words and positions with the fitted matrices, rounded to
    `decimals` so a viewer can redo every score by hand."""
    m = report.script.model
    out = ["# A model for `model: <this file>` in any script: the words and positions of",
           f"# {report.script.path}, with W_search and W_offer fitted by `attnvid fit` ({report.steps} steps",
           "# of gradient descent on the cross-entropy of each target's weight"
           + (",\n# preferring that each target win by direction; attnmath/fit.py),"
              if report.prefer == "direction" else "; attnmath/fit.py),"),
           f"# rounded to {decimals} decimals so every score can be redone by hand. With the fitted matrices:"]
    if report.writes_heads:
        h = report.heads
        out.append(f"# {h.heads} heads, each fitted on the targets it is handed (attnvid/fitting.py fit_heads):")
        for i, (result, given) in enumerate(zip(h.results, h.given)):
            for g in given:
                w = focus_row(g, result.W_search, result.W_offer).weights
                top = winner(w, g.visible)
                lead = "on top" if top == g.target or top in ties(g) else f"{g.tokens[top]} leads"
                out.append(f'#   head {i + 1}, "{g.phrase}": {g.tokens[g.target]} gets {format_number(w[g.target])} ({lead})')
        if not h.verdict.feasible:
            out.append("#   No split puts every target on top of a head:")
            out += [f"#   {line}" for line in textwrap.wrap(why_not(h.verdict) + ".", 92)]
    for t in ([] if report.writes_heads else report.targets):
        r = t.req
        why = "" if t.alone.feasible else "; no 2D matrices can make it win"
        out.append(f'#   "{r.phrase}": {r.tokens[r.target]} gets {format_number(t.weight)} ({_lead(t)}{why}), '
                   f'decided by {t.decision.by}')
    out.append("")
    out.append("embeddings:")
    # alphabetical, so the file reads as a vocabulary rather than as one of the phrases
    out += [f"  {_key(w)}: {_vec(m.embeddings[w])}" for w in sorted(m.embeddings, key=str.casefold)]
    out.append("positions:")
    out += [f"  - {_vec(v)}" for v in m.positions]
    if report.writes_heads:
        out.append("heads:             # each head's search and offer; the outputs are joined head by head")
        for i, result in enumerate(report.heads.results):
            for name, W in (("W_search", result.W_search), ("W_offer", result.W_offer)):
                out.append(f"  {'- ' if name == 'W_search' else '  '}{name}:")
                out += [f"      - {_vec(row, decimals)}" for row in W]
            if i < len(m.heads) and m.heads[i].W_value is not None:
                out.append("    W_value:")
                out += [f"      - {_vec(row)}" for row in m.heads[i].W_value]
    else:
        for name, W in (("W_search", report.result.W_search), ("W_offer", report.result.W_offer)):
            out.append(f"{name}:")
            out += [f"  - {_vec(row, decimals)}" for row in W]
        if m.W_value is not None:
            out.append("W_value:")
            out += [f"  - {_vec(row)}" for row in m.W_value]
    out.append(f"scale: {m.scale}")
    return "\n".join(out) + "\n"


def write_model(report: FitReport, path: str) -> None:
    """Write atomically: a reader never sees half a file, and a failure leaves none."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".fit-", suffix=".yaml", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(model_yaml(report))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# -- numbers for the learning scenes (scenes draw them; they compute nothing) -------------

def focus_rows(reqs, W_search, W_offer) -> list[np.ndarray]:
    """Each requirement's focus row of weights under the given matrices. [(n,)]"""
    return [focus_row(r, W_search, W_offer).weights for r in reqs]
