"""Building scenes inside pytest: manim's dry run plays every animation but writes no file."""
from __future__ import annotations

import importlib.util
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from attnmath import format_number, format_weights, geometry

ROOT = Path(__file__).resolve().parent.parent


def build(scene_class, tmp_path, skip_animations=True):
    """Run construct() fully. Skipping jumps each animation to its end state (the numbers and
    the rest layout are the same, twice as fast); the real render test plays every frame."""
    from manim import tempconfig
    with tempconfig({"dry_run": True, "quality": "low_quality", "disable_caching": True,
                     "media_dir": str(tmp_path), "progress_bar": "none", "verbosity": "WARNING"}):
        scene = scene_class(skip_animations=skip_animations)
        scene.render()
    return scene


def load_module(path, name: str):
    """Import a file as a module under `name`, as `manim FILE` does (each call runs it again)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def import_phrase_module(name="phrase_under_test"):
    return load_module(ROOT / "scenes" / "phrase.py", name)


def display_strings(script, trace) -> set[str]:
    """Every string attnmath's display rounding makes from this trace and its model."""
    shown = set()
    arrays = [trace.embeddings, trace.positions, trace.positioned, trace.search, trace.offer,
              trace.scores, trace.values, trace.outputs, script.model.W_search, script.model.W_offer]
    for a in arrays:
        for row in a:
            shown.update(format_number(x) for x in row)
    focus = trace.n - 1 if trace.focus is None else trace.focus
    shown.update(format_number(x) for x in geometry(trace.search[focus], trace.offer).shadows)   # shadow lengths
    for row in trace.weights:
        weights = format_weights(row)
        shown.update(weights)
        shown.add(f"{sum(Decimal(x) for x in weights):.2f}")
    from attnmath.shown import softmax_shown
    for scores, visible in zip(trace.scores, trace.visible):     # the softmax table's steps
        steps = softmax_shown(scores, visible)
        shown.update(f"{x:.2f}" for x in steps.shifted if x is not None)
        shown.update(f"{x}" for x in steps.exps if x is not None)
        shown.add(f"{steps.total}")
    return shown


_NUM = r"-?\d+\.\d+"
_VEC = rf"\[{_NUM}(?:, {_NUM})*\]"
_PRODUCT = rf"{_NUM} × (?:{_NUM}|\({_NUM}\))"           # 0.60 × 0.40, 0.60 × (-0.40)
_PRODUCT_PARTS = rf"({_NUM}) × \(?({_NUM})\)?"
_TERM = rf"{_NUM} × {_VEC}"                                # 0.50 × [0.20, 0.50], a term of a weighted sum
_ROW_TIMES_COLUMN = rf"({_PRODUCT}(?: \+ {_PRODUCT})*) = ({_NUM})"   # 1.02 × 0.80 + 0.60 × (-0.40) = 0.58


def _vector(text: str) -> list[Decimal]:
    return [Decimal(x) for x in re.findall(_NUM, text)]


def _shown(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) + 0


def redo_equations(scene) -> int:
    """Redo by hand, in decimal arithmetic, every equation a walkthrough put on screen, from the
    text that reached the screen: each `+ [p] = [x]` with the embedding shown before it, each
    `[q] · [k] = s`, each `a + b + ... = t`, and the weighted sum (weight, vector rows and the
    result). Raises AssertionError on the first that is off; returns how many it checked."""
    checked = 0
    names = [n for n, _ in scene.sections_opened]
    for index, strings in scene.section_numbers.items():
        for before, text in zip([""] + strings, strings):
            if m := re.fullmatch(rf"\+ ({_VEC}) = ({_VEC})", text):
                if re.fullmatch(_VEC, before):
                    added = [a + b for a, b in zip(_vector(before), _vector(m.group(1)))]
                    assert added == _vector(m.group(2)), f"{before} {text}"
                    checked += 1
            elif m := re.fullmatch(rf"({_VEC}) · ({_VEC})(?: / √(\d+))? = ({_NUM})", text):
                dot = sum(a * b for a, b in zip(_vector(m.group(1)), _vector(m.group(2))))
                if m.group(3):                                   # scale: sqrt, as a calculator does it
                    dot = dot / Decimal(m.group(3)).sqrt()
                assert _shown(dot) == Decimal(m.group(4)), f"{text}: by hand {_shown(dot)}"
                checked += 1
            elif (m := re.fullmatch(rf"= ({_VEC})", text)) and re.fullmatch(rf"{_TERM}(?: \+ {_TERM})*", before):
                terms = [(Decimal(w), _vector(v)) for w, v in re.findall(rf"({_NUM}) × ({_VEC})", before)]
                total = [sum(w * v[c] for w, v in terms) for c in range(len(terms[0][1]))]
                assert [_shown(x) for x in total] == _vector(m.group(1)), f"{before} {text}"
                checked += 1
            elif m := re.fullmatch(_ROW_TIMES_COLUMN, text):
                total = sum(Decimal(a) * Decimal(b) for a, b in re.findall(_PRODUCT_PARTS, m.group(1)))
                assert _shown(total) == Decimal(m.group(2)), f"{text}: by hand {_shown(total)}"
                checked += 1
            elif m := re.fullmatch(rf"((?:{_NUM} \+ )+{_NUM}) = ({_NUM})", text):
                assert sum(_vector(m.group(1))) == Decimal(m.group(2)), text
                checked += 1
        if index < len(names) and names[index] != "weighted_sum":
            checked += _redo_weighted_sums_in(strings)
        if index < len(names) and names[index] == "weighted_sum":
            i = _weighted_sum_start(strings)
            weights, vectors = [], []
            while re.fullmatch(_NUM, strings[i]):                            # rows: weight, vector
                weights.append(strings[i])
                vectors.append(strings[i + 1])
                i += 2
            result = strings[i]                                              # then the new vector
            total = [sum(Decimal(w) * v for w, v in zip(weights, column))
                     for column in zip(*[_vector(v) for v in vectors])]
            assert [_shown(x) for x in total] == _vector(result), f"{list(zip(weights, vectors))} = {result}"
            checked += 1
    return checked


def _redo_weighted_sums_in(strings) -> int:
    """Weighted sums inside a longer section (the explainer plays a phrase's steps in one): each
    run of at least two (weight, vector) rows followed by a vector, redone as Σ weight × vector."""
    checked, i = 0, 0
    while i < len(strings):
        j = i
        while j + 1 < len(strings) and re.fullmatch(_NUM, strings[j]) and re.fullmatch(_VEC, strings[j + 1]):
            j += 2
        if j - i >= 4 and j < len(strings) and re.fullmatch(_VEC, strings[j]):
            rows = [(Decimal(strings[k]), _vector(strings[k + 1])) for k in range(i, j, 2)]
            total = [sum(w * v[c] for w, v in rows) for c in range(len(rows[0][1]))]
            assert [_shown(x) for x in total] == _vector(strings[j]), f"{strings[i:j + 1]}"
            checked += 1
            i = j + 1
        else:
            i += 1
    return checked


def _weighted_sum_start(strings) -> int:
    """Where the weighted sum's rows start: the first run of (weight, vector) pairs that ends in
    a vector (the new one), the beat's own numbers after whatever faded out at its start."""
    for i in range(len(strings)):
        j = i
        while j + 1 < len(strings) and re.fullmatch(_NUM, strings[j]) and re.fullmatch(_VEC, strings[j + 1]):
            j += 2
        if j > i and j < len(strings) and re.fullmatch(_VEC, strings[j]):
            return i
    raise AssertionError(f"no weighted sum among {strings}")


def redo_softmax(scene) -> int:
    """Redo every softmax table the scene showed, from its strings: each difference is the score
    minus the largest, each exponential e to that (three decimals), the sum their sum, each
    weight that over the sum (within the unit the row's rounding may move it) and the weights
    add to 1.00. Returns how many rows were checked."""
    checked = 0
    for table in scene.softmax_tables:
        seen = [(Decimal(s), Decimal(d), Decimal(e), Decimal(w))
                for s, d, e, w in zip(table["score"], table["shifted"], table["exp"], table["weight"]) if d is not None]
        top = max(s for s, *_ in seen)
        total = Decimal(table["sum"].split()[-1])
        assert total == sum(e for _, _, e, _ in seen), table
        for s, d, e, w in seen:
            assert d == s - top, (s, top, d)
            assert e == d.exp().quantize(Decimal("0.001"), rounding=ROUND_HALF_UP), (d, e)
            assert abs(w - e / total) <= Decimal("0.01"), (e, total, w)
            checked += 1
        assert sum(Decimal(w) for w in table["weight"]) == 1 and table["total"] == "total 1.00", table
    return checked


def row_times_matrix_lines(scene, section: str) -> list[tuple[list[Decimal], list[Decimal], Decimal]]:
    """The row-times-matrix lines a section showed ('1.02 × 0.80 + 0.60 × 0.40 = 1.06'), each as
    (the row's numbers, the matrix column's numbers, the result), read back from the screen. A
    line counts once however often it was added (fading a group out adds it again)."""
    names = [n for n, _ in scene.sections_opened]
    out = []
    for text in dict.fromkeys(scene.section_numbers.get(names.index(section), [])):
        if m := re.fullmatch(_ROW_TIMES_COLUMN, text):
            pairs = re.findall(_PRODUCT_PARTS, m.group(1))
            out.append(([Decimal(a) for a, _ in pairs], [Decimal(b) for _, b in pairs], Decimal(m.group(2))))
    return out


def record_word_labels(monkeypatch, vocabulary, seen: list) -> None:
    """Wrap the text and word factories everywhere they were imported by name, recording
    (word, colour) for each label whose text is a vocabulary word, or a vocabulary word
    followed by a comma ("cat, phrase 1"). The one exception: WeightBars greys out the label
    of a word the mask hides (a state of that bar, not the word's colour)."""
    import inspect
    import sys

    from manim import ManimColor

    import scenes.lib.beats
    import scenes.lib.explainer
    import scenes.lib.heads
    import scenes.lib.learning
    import scenes.lib.pieces as pieces
    from scenes.lib import style

    def hex_of(colour) -> str:
        return ManimColor(colour).to_hex().upper()
    folded = {w.casefold() for w in vocabulary}

    def wrap(factory):
        signature = inspect.signature(factory)

        def recording(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            s = bound.arguments["s"]
            lead = s.split(",")[0].strip().casefold()
            caller = sys._getframe(1).f_locals.get("self")
            masked = isinstance(caller, pieces.WeightBars) and hex_of(bound.arguments["colour"]) == hex_of(style.MUTED)
            if lead in folded and not masked:
                seen.append((lead, hex_of(bound.arguments["colour"]), s))
            return factory(*args, **kwargs)
        return recording

    for name in ("text", "word"):
        original = getattr(pieces, name)
        for module in (pieces, scenes.lib.beats, scenes.lib.explainer, scenes.lib.heads, scenes.lib.learning):
            if getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, wrap(original))
