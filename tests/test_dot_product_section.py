"""The explainer's dot-product section tells the whole rule, a · b = |a| |b| cos θ: every equation
it shows holds when redone by hand from its shown operands (both forms), the length example
really shows a longer, worse-aligned arrow winning, and the captions say so. Also: the plain
average of the weighted-average section shows exact fractions (1/m), and the positions caption
is about attention with no mask, as its traces are."""
import math
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from attnmath import trace_phrase
from attnvid.publish.records import ATTN_SCRIPT
from attnvid.script import load_script
from attnvid.story import EXPLAINER
from attnvid.story import explainer as data
from conftest import SCRIPTS
from scene_support import build

_NUM = r"-?\d+\.\d+"
_VEC = rf"\[{_NUM}, {_NUM}\]"
COMPONENTS = re.compile(rf"({_VEC}) · ({_VEC}) = ({_NUM})")
FORMULA = re.compile(rf"\|a\| \|(b\d?)\| cos θ = ({_NUM}) × ({_NUM}) × cos (\d+)° = ({_NUM})")
LENGTH = re.compile(rf"(\w+) = ({_VEC}), \|\1\| = ({_NUM})")
VERDICT = re.compile(rf"({_NUM}) > ({_NUM})")


def _vector(text: str) -> list[Decimal]:
    return [Decimal(x) for x in re.findall(_NUM, text)]


def _shown(x: Decimal, places: str = "0.01") -> Decimal:
    return x.quantize(Decimal(places), rounding=ROUND_HALF_UP) + 0


def _length(v) -> Decimal:
    return _shown(sum(x * x for x in v).sqrt())


def _degrees(a, b) -> int:
    cos = sum(x * y for x, y in zip(a, b)) / (sum(x * x for x in a).sqrt() * sum(y * y for y in b).sqrt())
    return int(_shown(Decimal(repr(math.degrees(math.acos(max(-1.0, min(1.0, float(cos))))))), "1"))


def _by_hand(a_len: str, b_len: str, degrees: str) -> Decimal:
    """|a| × |b| × cos θ as a viewer's calculator does it, from the shown factors."""
    return _shown(Decimal(a_len) * Decimal(b_len) * Decimal(repr(math.cos(math.radians(int(degrees))))))


def redo_dot_equations(strings: list[str]) -> list[dict]:
    """Redo every dot-product equation in `strings` (a section's on-screen numbers, in order):
    `[a] · [b] = s` component by component; `|a| |b| cos θ = x × y × cos d° = s` from its shown
    factors, and against the component line just before it (x and y are the shown lengths of
    its two arrows, d their angle in whole degrees, s the same value); `a = [..], |a| = x`.
    Raises AssertionError on the first that is off; returns the formula lines, parsed."""
    formulas, last = [], None
    for text in strings:
        if m := COMPONENTS.fullmatch(text):
            a, b = _vector(m.group(1)), _vector(m.group(2))
            by_hand = _shown(sum(x * y for x, y in zip(a, b)))
            assert by_hand == Decimal(m.group(3)), f"{text}: by hand {by_hand}"
            last = (a, b, Decimal(m.group(3)))
        elif m := FORMULA.fullmatch(text):
            name, a_len, b_len, deg, value = m.groups()
            assert _by_hand(a_len, b_len, deg) == Decimal(value), f"{text}: by hand {_by_hand(a_len, b_len, deg)}"
            assert last is not None, f"{text} has no component form before it"
            a, b, dot = last
            assert (_length(a), _length(b)) == (Decimal(a_len), Decimal(b_len)), f"{text}: lengths of {a}, {b}"
            assert _degrees(a, b) == int(deg), f"{text}: the angle between {a} and {b} is {_degrees(a, b)}°"
            assert dot == Decimal(value), f"{text} and its component form disagree ({dot})"
            formulas.append({"name": name, "b": b, "length": Decimal(b_len), "degrees": int(deg),
                             "value": Decimal(value)})
            last = None                                   # each component line has one twin
        elif m := LENGTH.fullmatch(text):
            assert _length(_vector(m.group(2))) == Decimal(m.group(3)), text
        else:
            assert not re.search(r"·|cos|\|", text), f"an equation the test cannot redo: {text}"
    return formulas


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The dot-product and weighted-average sections of the shipped explainer, built once."""
    import importlib

    import scenes.explainer as module
    tmp = tmp_path_factory.mktemp("dot")
    text = (SCRIPTS / "explainer.yaml").read_text(encoding="utf-8")
    head = text[:text.index("sections:")].replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}").replace("two_heads: two_heads.yaml", f"two_heads: {SCRIPTS / 'two_heads.yaml'}")
    path = tmp / "two.yaml"
    path.write_text(head + "sections: [dot_product, weighted_average]\n", encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv(ATTN_SCRIPT, str(path))
    try:
        scene = build(importlib.reload(module).Explainer, tmp)
    finally:
        mp.undo()
    return scene, load_script(path)


def _numbers(scene, name):
    index = [n for n, _ in scene.sections_opened].index(name)
    return scene.section_numbers[index]


def test_every_dot_product_equation_holds_by_hand_in_both_forms(built):
    scene, _ = built
    strings = _numbers(scene, "dot_product")
    formulas = redo_dot_equations(strings)
    components = [s for s in strings if COMPONENTS.fullmatch(s)]
    assert len(formulas) == len(components) == 3 + len(data.turning_dot()) + 2   # each a · b told both ways
    # the arrows are not unit arrows: their length is part of the story
    assert any(f["length"] != 1 for f in formulas)
    assert any(LENGTH.fullmatch(s) and not s.endswith("= 1.00") for s in strings)
    # same direction, right angle, opposed: positive, zero, negative
    by_angle = {f["degrees"]: f["value"] for f in formulas if f["name"] == "b"}
    assert by_angle[0] > 0 and by_angle[90] == 0 and by_angle[180] < 0
    assert by_angle[0] == -by_angle[180]


def test_the_longer_worse_aligned_arrow_wins_on_screen(built):
    scene, _ = built
    strings = _numbers(scene, "dot_product")
    shown = {f["name"]: f for f in redo_dot_equations(strings)}
    short, long = shown["b1"], shown["b2"]
    assert long["length"] > short["length"] and long["degrees"] > short["degrees"]   # longer, worse aligned
    assert long["value"] > short["value"]                                              # and still wins
    verdicts = [VERDICT.fullmatch(s) for s in strings if VERDICT.fullmatch(s)]
    assert [(Decimal(v.group(1)), Decimal(v.group(2))) for v in verdicts] == [(long["value"], short["value"])]


def test_the_data_behind_the_section_holds_for_every_turn():
    for e in data.dot_examples() + data.turning_dot() + list(data.length_matters()):
        assert e.holds_by_hand, e.formula
        redo_dot_equations([e.equation, e.formula])
    degrees = [e.degrees for e in data.turning_dot()]
    assert degrees[0] == degrees[-1] == 0 and max(degrees) == 180


def test_the_plain_average_shows_exact_fractions(built):
    scene, script = built
    from scenes.lib.pieces import WeightBars
    t, i = data.causal_example(script.traces())
    m = int(t.visible[i].sum())
    bars = sorted((b for b in scene.mobjects if isinstance(b, WeightBars)), key=lambda b: b.get_center()[0])
    assert len(bars) == 2
    plain = [v.shown for v in bars[0].values]
    assert [s for j, s in enumerate(plain) if t.visible[i, j]] == [f"1/{m}"] * m
    assert m == 3 and "0.34" not in plain


def test_the_captions_say_length_counts_and_positions_are_about_no_mask():
    script = load_script(SCRIPTS / "explainer.yaml")
    dot = EXPLAINER["dot_product"].text(script)
    assert "cos θ" in dot and "length" in dot and "right angle" in dot and "negative" in dot
    assert "longer arrow can outscore" in dot
    # the positions section's traces are unmasked (trace_phrase's default), as its caption now says
    one, two = data.order_blind(script)
    assert one.mask == two.mask == "none"
    assert "With no mask and no positions" in EXPLAINER["positions_needed"].text(script)
    # under a causal mask the claim would not hold: cat first sees only itself
    m = script.model
    zero = np.zeros((2, m.dimensions))
    causal = [trace_phrase(w, [m.embeddings[m.vocabulary_key(x)] for x in w], zero, m.W_search, m.W_offer,
                           m.W_value, mask="causal", scale=m.scale) for w in (("cat", "sat"), ("sat", "cat"))]
    assert not np.allclose(causal[0].outputs[0], causal[1].outputs[1])
