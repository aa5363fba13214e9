"""The trace as text: a terminal table, Markdown for a blog post, CSV and JSON for tools.

Table and Markdown show, by default, the numbers the videos show (attnmath.shown: each step from
the previous step's shown numbers); `--values exact` rounds the exact floats instead;
CSV and JSON carry full-precision floats. Hidden (masked) cells show as an em dash.

A model with several heads adds each further head's numbers after the first head's (which stay
where a one-head model's are, so a one-head script's output is exactly what it was): a section
per head and phrase, "head2."-prefixed CSV rows, a "heads" list in JSON.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Sequence

from attnmath import PhraseTrace, format_number, format_vector, joined_outputs, round_weights

from .script import Head, Script
from .story.walkthrough import focus_facts, grouped, share_clauses
from .story.wording import listed

HIDDEN = "—"


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]
    tables: tuple[Table, ...]


def _labels(tokens: Sequence[str]) -> list[str]:
    """Token names, with their position added where a spelling repeats."""
    return [t if tokens.count(t) == 1 else f"{t} ({i})" for i, t in enumerate(tokens)]


def describe_focus(trace: PhraseTrace) -> str:
    """Where the focus word's weight goes, in words computed from the trace."""
    if trace.focus is None:
        return ""
    facts = focus_facts(trace)
    name = lambda i: f"'{trace.tokens[i]}'" + (f" (position {i})" if trace.tokens.count(trace.tokens[i]) > 1 else "")
    text = (f"{name(facts.focus)} gives its largest weight to {listed(name(j) for j in facts.top)} "
            f"({facts.winner_weight}{facts.each})")
    if facts.several:
        text += (f"; the targets {listed(name(k) for k in facts.targets)} get {listed(facts.target_weights)}, "
                 f"together {facts.targets_total}")
        weighed = lambda js: listed(f"{name(j)} ({facts.row_weights[j]})" for j in js)
        for above, ks in grouped(facts.outweighed):
            text += f"; {weighed(above)} {'outweighs' if len(above) == 1 else 'outweigh'} {listed(map(name, ks))}"
        for level, ks in grouped(facts.level):
            text += f"; {weighed(level)} {'matches' if len(level) == 1 else 'match'} {listed(map(name, ks))}"
        shares = share_clauses(facts, name)
        if shares:
            text += "; against the shares asked, " + listed(shares)
        return text
    if facts.target is not None:
        t = facts.target
        if facts.top == (t,):
            text += ", the target"
        elif t in facts.top:
            text += f", the target {name(t)} among them"
        else:
            text += f"; the target {name(t)} gets {facts.target_weight}"
        if facts.tied_with_target:
            text += (f". {', '.join(name(j) for j in facts.tied_with_target)} has the same positioned "
                     f"vector as {name(t)} ({format_vector(trace.positioned[t])}), so they get equal weight")
    return text


def _matrix_rows(labels, matrix, visible, cell) -> tuple:
    return tuple((f"{i} {labels[i]}",) + tuple(cell(i, j) if visible[i, j] else HIDDEN
                                                 for j in range(len(labels)))
                 for i in range(len(labels)))


def phrase_section(trace: PhraseTrace, has_values: bool) -> Section:
    vec_headers = ("pos", "token", "embedding", "+ position", "= positioned", "search", "offer")
    vec_rows = []
    for i, token in enumerate(trace.tokens):
        row = (str(i), token, format_vector(trace.embeddings[i]), format_vector(trace.positions[i]),
               format_vector(trace.positioned[i]), format_vector(trace.search[i]),
               format_vector(trace.offer[i]))
        vec_rows.append(row + ((format_vector(trace.values[i]),) if has_values else ()))
    heading = f'"{trace.text}"' + (f" → {trace.predict}" if trace.predict else "")
    lines = [f"mask: {trace.mask}; each score is search_i · offer_j"
             + ("" if trace.scale == 1.0 else f" × {format_number(trace.scale, 4)}")]
    if trace.focus is not None:
        lines.append(describe_focus(trace) + ".")
    if trace.mask == "causal":
        lines.append(f"{HIDDEN} marks a later position, hidden by the causal mask (weight 0).")
    return Section(heading, tuple(lines), (
        Table("Vectors", vec_headers + (("value",) if has_values else ()), tuple(vec_rows)),
        *_attention_tables(trace, has_values)))


def _attention_tables(trace: PhraseTrace, has_values: bool) -> tuple[Table, ...]:
    """Scores, weights (each row with its shown sum) and outputs: what every head's section shows."""
    labels = _labels(list(trace.tokens))
    shown = [round_weights(row) for row in trace.weights]
    weight_rows = tuple(r + (f"{sum(shown[i]):.2f}",) for i, r in enumerate(
        _matrix_rows(labels, trace.weights, trace.visible, lambda i, j: f"{shown[i][j]:.2f}")))
    out_header = "output = Σ weight × value" if has_values else "output = Σ weight × positioned"
    return (
        Table("Scores (row i looks at column j)", ("i",) + tuple(labels),
              _matrix_rows(labels, trace.scores, trace.visible, lambda i, j: format_number(trace.scores[i, j]))),
        Table("Weights (softmax of each row; shown values add up to 1.00)",
              ("i",) + tuple(labels) + ("sum",), weight_rows),
        Table("Outputs", ("pos", "token", out_header),
              tuple((str(i), t, format_vector(trace.outputs[i])) for i, t in enumerate(trace.tokens))),
    )


def _head_tables(head: Head, suffix: str = "") -> list[Table]:
    """A head's matrices as tables; `suffix` names the head when there are several."""
    rows = lambda W: tuple(tuple(format_number(x) for x in r) for r in W)
    cols = lambda W: tuple(f"col {j}" for j in range(len(W[0])))
    tables = [Table("W_search (query)" + suffix, cols(head.W_search), rows(head.W_search)),
              Table("W_offer (key)" + suffix, cols(head.W_offer), rows(head.W_offer))]
    if head.W_value is not None:
        tables.append(Table("W_value" + suffix, cols(head.W_value), rows(head.W_value)))
    return tables


def model_section(script: Script) -> Section:
    m = script.model
    lines = (f"search = positioned × W_search, offer = positioned × W_offer (row vectors); "
             f"scale: {m.scale}.",)
    if len(m.heads) == 1:
        return Section(f"Model ({script.path})", lines, tuple(_head_tables(m.heads[0])))
    lines += (f"{len(m.heads)} heads: each reads the same positioned vectors with its own W_search and "
              "W_offer; a phrase's output is the heads' outputs side by side (head 1's numbers first).",)
    tables = [t for h, head in enumerate(m.heads, 1) for t in _head_tables(head, f", head {h}")]
    return Section(f"Model ({script.path})", lines, tuple(tables))


def head_section(trace: PhraseTrace, head: int, count: int, has_values: bool) -> Section:
    """A further head's numbers for one phrase (head 1's are the phrase's own section): what it
    searches and offers, its scores, weights and outputs."""
    vec_rows = tuple((str(i), t, format_vector(trace.search[i]), format_vector(trace.offer[i]))
                     + ((format_vector(trace.values[i]),) if has_values else ())
                     for i, t in enumerate(trace.tokens))
    lines = [f"the same positioned vectors through head {head}'s own W_search and W_offer; "
             "each score is search_i · offer_j"
             + ("" if trace.scale == 1.0 else f" × {format_number(trace.scale, 4)}")]
    if trace.focus is not None:
        lines.append(describe_focus(trace) + ".")
    if trace.mask == "causal":
        lines.append(f"{HIDDEN} marks a later position, hidden by the causal mask (weight 0).")
    lines.append("A position's joined output is the heads' outputs side by side, head 1's numbers first.")
    return Section(f'"{trace.text}" — head {head} of {count}', tuple(lines), (
        Table("Vectors", ("pos", "token", "search", "offer") + (("value",) if has_values else ()), vec_rows),
        *_attention_tables(trace, has_values)))


def sections(script: Script, traces: Sequence[PhraseTrace],
             heads: Sequence[Sequence[PhraseTrace]] = ()) -> list[Section]:
    """The model, then each phrase (its first head's numbers); `heads`, one tuple of head traces
    per phrase (Script.head_traces), adds a section for each further head after its phrase's."""
    m = script.model
    out = [model_section(script)]
    several = len(m.heads) > 1 and bool(heads)
    for k, t in enumerate(traces):
        first = phrase_section(t, m.W_value is not None)
        if several:
            rest = "head 2 follows" if len(m.heads) == 2 else f"heads 2 to {len(m.heads)} follow"
            first = Section(first.heading, first.lines + (f"These are head 1's numbers; {rest}.",), first.tables)
        out.append(first)
        further = heads[k][1:] if heads else ()
        out += [head_section(ht, h, len(m.heads), m.heads[h - 1].W_value is not None)
                for h, ht in enumerate(further, 2)]
    return out


# -- renderers -----------------------------------------------------------------------------

def _is_numeric(cell: str) -> bool:
    """A number, a vector like [0.40, 0.80], or a hidden cell: right-aligned in tables."""
    if cell == HIDDEN:
        return True
    try:
        [float(part) for part in cell.strip("[]").split(",")]
        return True
    except ValueError:
        return False


def render_text(secs: Sequence[Section]) -> str:
    out = []
    for s in secs:
        out += [s.heading, "=" * len(s.heading), *s.lines, ""]
        for t in s.tables:
            widths = [max(len(r[c]) for r in (t.headers,) + t.rows) for c in range(len(t.headers))]
            right = [all(_is_numeric(r[k]) for r in t.rows) for k in range(len(widths))]
            fmt = lambda r: "  ".join(c.rjust(w) if right[k] else c.ljust(w)
                                       for k, (c, w) in enumerate(zip(r, widths))).rstrip()
            out += [t.title, fmt(t.headers), "  ".join("-" * w for w in widths)]
            out += [fmt(r) for r in t.rows] + [""]
    return "\n".join(out).rstrip() + "\n"


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*<>|"})


def _md(cell: str) -> str:
    """Escapes what Markdown would read as markup in a token or path; '_' only at word edges,
    since GitHub's Markdown leaves intraword underscores (W_search) alone."""
    escaped = cell.translate(_MD_SPECIAL)
    return re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", escaped)


def render_markdown(secs: Sequence[Section]) -> str:
    out = []
    for s in secs:
        out += [f"## {_md(s.heading)}", "", *(_md(line) + "  " for line in s.lines), ""]
        for t in s.tables:
            align = ["---:" if all(_is_numeric(r[k]) for r in t.rows) else "---"
                     for k in range(len(t.headers))]
            out += [f"**{_md(t.title)}**", "",
                    "| " + " | ".join(_md(h) for h in t.headers) + " |",
                    "| " + " | ".join(align) + " |"]
            out += ["| " + " | ".join(_md(c) for c in r) + " |" for r in t.rows] + [""]
    return "\n".join(out).rstrip() + "\n"


def numbers_json(script: Script, traces: Sequence[PhraseTrace],
                 heads: Sequence[Sequence[PhraseTrace]] = ()) -> dict:
    """Exactly the documented shape, full-precision floats. With several heads (`heads`: one
    tuple of head traces per phrase, Script.head_traces), the top-level matrices and numbers stay
    the first head's, each phrase's "outputs" become the heads' outputs side by side, and a
    "heads" list gives every head's own; a one-head script's JSON is as it always was."""
    m = script.model
    data = {
        "W_search": [list(r) for r in m.W_search],
        "W_offer": [list(r) for r in m.W_offer],
        "scale": traces[0].scale if traces else 1.0,
        "phrases": [{
            "text": t.text, "tokens": list(t.tokens), "mask": t.mask,
            "positioned": t.positioned.tolist(), "search": t.search.tolist(),
            "offer": t.offer.tolist(), "scores": t.scores.tolist(),
            "weights": t.weights.tolist(), "outputs": t.outputs.tolist(),
        } for t in traces],
    }
    if len(m.heads) > 1 and heads:
        for phrase, phrase_heads in zip(data["phrases"], heads):
            phrase["outputs"] = joined_outputs(phrase_heads).tolist()
        data["heads"] = [_head_json(head, [phrase_heads[h] for phrase_heads in heads])
                         for h, head in enumerate(m.heads)]
    return data


def _head_json(head: Head, traces: Sequence[PhraseTrace]) -> dict:
    """One head's matrices and, per phrase, the numbers that are its own; "scale" too, since
    with `scale: sqrt` it is 1/sqrt(k) of this head's k, which another head need not share."""
    out = {"W_search": [list(r) for r in head.W_search], "W_offer": [list(r) for r in head.W_offer]}
    if head.W_value is not None:
        out["W_value"] = [list(r) for r in head.W_value]
    out["scale"] = traces[0].scale if traces else 1.0
    out["phrases"] = [{"search": t.search.tolist(), "offer": t.offer.tolist(), "scores": t.scores.tolist(),
                       "weights": t.weights.tolist(), "outputs": t.outputs.tolist()} for t in traces]
    return out


CSV_COLUMNS = ("phrase", "quantity", "i", "token", "j", "value")


HEAD_QUANTITIES = ("search", "offer", "scores", "weights", "values", "outputs")   # a head's own


def render_csv(script: Script, traces: Sequence[PhraseTrace],
               heads: Sequence[Sequence[PhraseTrace]] = ()) -> str:
    """Long format, one number per row: j is a vector's component or a matrix's column. With
    several heads, heads 2.. add rows named "head2.W_search", "head2.scores" and so on (the
    unprefixed rows are head 1's, as in a one-head script, "outputs" included)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    m = script.model
    several = len(m.heads) > 1 and bool(heads)
    further = tuple(enumerate(m.heads[1:], 2)) if several else ()
    for prefix, head in (("", m.heads[0]),) + tuple((f"head{h}.", head) for h, head in further):
        for name, W in (("W_search", head.W_search), ("W_offer", head.W_offer), ("W_value", head.W_value)):
            for i, row in enumerate(W or ()):
                for j, x in enumerate(row):
                    w.writerow(("", prefix + name, i, "", j, repr(float(x))))

    def rows(t: PhraseTrace, prefix: str, names) -> None:
        for name in names:
            a = getattr(t, name)
            for i in range(a.shape[0]):
                for j in range(a.shape[1]):
                    w.writerow((t.text, prefix + name, i, t.tokens[i], j, repr(float(a[i, j]))))

    for k, t in enumerate(traces):
        rows(t, "", ("embeddings", "positions", "positioned") + HEAD_QUANTITIES)
        for h, _ in further:
            rows(heads[k][h - 1], f"head{h}.", HEAD_QUANTITIES)
    return buf.getvalue()


FORMATS = ("table", "markdown", "csv", "json")


VALUES = ("shown", "exact")
SHOWN_NOTE = ("Numbers as the videos show them: each step is computed from the previous step's shown "
              "numbers, so every sum and product here holds when redone by hand.")
EXACT_NOTE = "Exact floats, rounded only for display (a video's numbers can differ in the last digit)."


def default_values(fmt: str) -> str:
    """Tables for people show what the videos show; files for tools carry the exact floats."""
    return "shown" if fmt in ("table", "markdown") else "exact"


def render(script: Script, fmt: str, values: str | None = None) -> str:
    values = values or default_values(fmt)
    per_phrase = script.shown_head_traces if values == "shown" else script.head_traces
    # per phrase, one trace per head
    heads = [tuple(per_phrase(p)) for p in script.phrases]
    traces = [h[0] for h in heads]                       # the first head's: what one head shows
    if fmt == "json":
        data = numbers_json(script, traces, heads)
        if values == "shown":
            data["values"] = "shown"          # only when asked for: the default shape stays as it was
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv(script, traces, heads)
    secs = sections(script, traces, heads)
    note = SHOWN_NOTE if values == "shown" else EXACT_NOTE
    secs[0] = Section(secs[0].heading, secs[0].lines + (note,), secs[0].tables)
    return render_markdown(secs) if fmt == "markdown" else render_text(secs)
