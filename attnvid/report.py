"""The trace as text: a terminal table, Markdown for a blog post, CSV and JSON for tools.

Table and Markdown show, by default, the numbers the videos show (attnmath.shown: each step from
the previous step's shown numbers); `--values exact` rounds the exact floats instead;
CSV and JSON carry full-precision floats. Hidden (masked) cells show as an em dash.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Sequence

from attnmath import PhraseTrace, format_number, format_vector, round_weights

from .script import Script
from .story.walkthrough import focus_facts

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
    text = f"{name(facts.focus)} gives its largest weight to {name(facts.winner)} ({facts.winner_weight})"
    if facts.target is not None:
        t = facts.target
        text += ", the target" if t == facts.winner else f"; the target {name(t)} gets {facts.target_weight}"
        if facts.tied_with_target:
            text += (f". {', '.join(name(j) for j in facts.tied_with_target)} has the same positioned "
                     f"vector as {name(t)} ({format_vector(trace.positioned[t])}), so they get equal weight")
    return text


def _matrix_rows(labels, matrix, visible, cell) -> tuple:
    return tuple((f"{i} {labels[i]}",) + tuple(cell(i, j) if visible[i, j] else HIDDEN
                                                 for j in range(len(labels)))
                 for i in range(len(labels)))


def phrase_section(trace: PhraseTrace, has_values: bool) -> Section:
    labels = _labels(list(trace.tokens))
    vec_headers = ("pos", "token", "embedding", "+ position", "= positioned", "search", "offer")
    vec_rows = []
    for i, token in enumerate(trace.tokens):
        row = (str(i), token, format_vector(trace.embeddings[i]), format_vector(trace.positions[i]),
               format_vector(trace.positioned[i]), format_vector(trace.search[i]),
               format_vector(trace.offer[i]))
        vec_rows.append(row + ((format_vector(trace.values[i]),) if has_values else ()))
    shown = [round_weights(row) for row in trace.weights]
    weight_rows = tuple(r + (f"{sum(shown[i]):.2f}",) for i, r in enumerate(
        _matrix_rows(labels, trace.weights, trace.visible, lambda i, j: f"{shown[i][j]:.2f}")))
    heading = f'"{trace.text}"' + (f" → {trace.predict}" if trace.predict else "")
    lines = [f"mask: {trace.mask}; each score is search_i · offer_j"
             + ("" if trace.scale == 1.0 else f" × {format_number(trace.scale, 4)}")]
    if trace.focus is not None:
        lines.append(describe_focus(trace) + ".")
    if trace.mask == "causal":
        lines.append(f"{HIDDEN} marks a later position, hidden by the causal mask (weight 0).")
    out_header = "output = Σ weight × value" if has_values else "output = Σ weight × positioned"
    return Section(heading, tuple(lines), (
        Table("Vectors", vec_headers + (("value",) if has_values else ()), tuple(vec_rows)),
        Table("Scores (row i looks at column j)", ("i",) + tuple(labels),
              _matrix_rows(labels, trace.scores, trace.visible, lambda i, j: format_number(trace.scores[i, j]))),
        Table("Weights (softmax of each row; shown values add up to 1.00)",
              ("i",) + tuple(labels) + ("sum",), weight_rows),
        Table("Outputs", ("pos", "token", out_header),
              tuple((str(i), t, format_vector(trace.outputs[i])) for i, t in enumerate(trace.tokens))),
    ))


def model_section(script: Script) -> Section:
    m = script.model
    rows = lambda W: tuple(tuple(format_number(x) for x in r) for r in W)
    tables = [Table("W_search (query)", tuple(f"col {j}" for j in range(len(m.W_search[0]))), rows(m.W_search)),
              Table("W_offer (key)", tuple(f"col {j}" for j in range(len(m.W_offer[0]))), rows(m.W_offer))]
    if m.W_value is not None:
        tables.append(Table("W_value", tuple(f"col {j}" for j in range(len(m.W_value[0]))), rows(m.W_value)))
    lines = (f"search = positioned × W_search, offer = positioned × W_offer (row vectors); "
             f"scale: {m.scale}.",)
    return Section(f"Model ({script.path})", lines, tuple(tables))


def sections(script: Script, traces: Sequence[PhraseTrace]) -> list[Section]:
    has_values = script.model.W_value is not None
    return [model_section(script)] + [phrase_section(t, has_values) for t in traces]


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


def numbers_json(script: Script, traces: Sequence[PhraseTrace]) -> dict:
    """Exactly the documented shape, full-precision floats."""
    m = script.model
    return {
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


CSV_COLUMNS = ("phrase", "quantity", "i", "token", "j", "value")


def render_csv(script: Script, traces: Sequence[PhraseTrace]) -> str:
    """Long format, one number per row: j is a vector's component or a matrix's column."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    m = script.model
    for name, W in (("W_search", m.W_search), ("W_offer", m.W_offer), ("W_value", m.W_value)):
        for i, row in enumerate(W or ()):
            for j, x in enumerate(row):
                w.writerow(("", name, i, "", j, repr(float(x))))
    for t in traces:
        for name in ("embeddings", "positions", "positioned", "search", "offer", "scores",
                     "weights", "values", "outputs"):
            a = getattr(t, name)
            for i in range(a.shape[0]):
                for j in range(a.shape[1]):
                    w.writerow((t.text, name, i, t.tokens[i], j, repr(float(a[i, j]))))
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
    traces = script.shown_traces() if values == "shown" else script.traces()
    if fmt == "json":
        data = numbers_json(script, traces)
        if values == "shown":
            data["values"] = "shown"          # only when asked for: the default shape stays as it was
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv(script, traces)
    secs = sections(script, traces)
    note = SHOWN_NOTE if values == "shown" else EXACT_NOTE
    secs[0] = Section(secs[0].heading, secs[0].lines + (note,), secs[0].tables)
    return render_markdown(secs) if fmt == "markdown" else render_text(secs)
