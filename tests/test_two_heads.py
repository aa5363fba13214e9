"""Two heads: the shipped script and model, the facts the captions state, the `two_heads:` key,
and the TwoHeads scene built in pytest (every equation it shows redone from the screen)."""
import itertools
import json
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from attnmath import heads_verdict, inside_convex_hull, lift, requirement, verdict
from attnvid.script import load, load_script
from attnvid.story import TWO_HEADS
from attnvid.story.heads import HeadsData, heads_facts
from conftest import SCRIPTS
from conftest import attnvid as run
from scene_support import build, redo_equations

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def data():
    return HeadsData(load_script(SCRIPTS / "two_heads.yaml"))


def by_hand(weights, vectors) -> str:
    """Σ weight × vector from shown strings, in decimals, rounded as a viewer rounds."""
    rows = [[Decimal(x) for x in v.strip("[]").split(", ")] for v in vectors]
    total = [sum(Decimal(w) * row[c] for w, row in zip(weights, rows)) for c in range(len(rows[0]))]
    return "[" + ", ".join(f"{(x.quantize(CENT, rounding=ROUND_HALF_UP) + 0):.2f}" for x in total) + "]"


def test_each_head_gives_cat_a_different_target_and_the_sums_add_up_by_hand(data):
    p = data.phrase
    assert p.text == "Brian typed cat into the" and [p.tokens[j] for j in p.targets] == ["typed", "Brian"]
    tops = [v.top for v in data.views]
    assert sorted(tops) == sorted(p.targets)                  # one head each
    for v in data.views:
        t = v.trace
        assert v.top == t.strongest(t.focus)
        assert sum(Decimal(w) for w in v.weights) == 1
        assert v.output == by_hand([v.weights[j] for j in v.visible], [_vec(t.values[j]) for j in v.visible])
    assert data.joined == "[" + ", ".join(v.output.strip("[]") for v in data.views) + "]"
    assert data.joined.count(",") + 1 == 4


def _vec(v):
    from attnmath import format_vector
    return format_vector(v)


def test_is_stays_behind_in_every_head_and_three_numbers_free_it(data):
    s = data.stuck
    assert s is not None and s.tokens[s.target] == "Is"
    script = load_script(SCRIPTS / "two_heads.yaml")
    trace = script.trace(script.phrases[1])
    x = trace.positioned
    assert inside_convex_hull(x[s.target], x[list(s.rivals)])
    assert [s.tokens[j] for j in s.rivals] == ["your", "warm", "black", "cat"]
    req = requirement(trace.text, x, trace.focus, s.target, trace.mask, trace.tokens, targets=trace.targets)
    for heads in (3, 4):                                      # enough heads for every target: still no
        hv = heads_verdict([req], heads)
        assert not hv.feasible and [r.kind for r in hv.reasons] == ["inside_hull"]
    assert s.dimensions == 3
    lifted = lift([t.positioned for t in script.traces()], [t.tokens for t in script.traces()], 3)[1]
    assert verdict([requirement(trace.text, lifted, trace.focus, s.target, trace.mask, trace.tokens)]).feasible
    # the heads really do not put Is on top, and the tops the caption names are theirs
    for v in data.stuck_views:
        assert v.top != s.target
    assert [s.tokens[v.top] for v in data.stuck_views] == ["black", "warm"]


def test_the_captions_say_what_the_numbers_say(data):
    facts = heads_facts(data)
    text = {part.name: part.text(data) for part in TWO_HEADS}
    one, two = data.views
    tok = data.phrase.tokens
    assert (f"Head 1 gives cat's largest weight to {tok[one.top]} ({one.weights[one.top]}), "
            f"head 2 to {tok[two.top]} ({two.weights[two.top]}).") in text["heads"]
    assert "cat's new vector has 4 numbers, 2 from each head." in text["joined"]
    assert facts["stuck"] == "Is" and "head 1 puts black on top and head 2 warm" in text["limits"]
    assert "with 3 instead of 2, one head can put Is on top" in text["limits"]


def test_the_shipped_heads_are_the_fits():
    """scripts/heads_model.yaml holds `attnvid fit scripts/two_heads.yaml --heads 2`, rounded."""
    from attnvid.fitting import as_json, run_fit
    # in this process: the fit is the one HeadsData's tests and the fit command's tests share
    fitted = as_json(run_fit(load_script(SCRIPTS / "two_heads.yaml"), heads=2))["heads"]["matrices"]
    model = load(SCRIPTS / "heads_model.yaml").model
    assert len(model.heads) == 2
    for head, m in zip(model.heads, fitted):
        np.testing.assert_allclose(head.W_search, np.round(m["W_search"], 2), atol=1e-12)
        np.testing.assert_allclose(head.W_offer, np.round(m["W_offer"], 2), atol=1e-12)


def test_numbers_json_of_the_two_heads_script_has_both_heads():
    data = json.loads(run("numbers", SCRIPTS / "two_heads.yaml", "--format", "json").stdout)
    assert len(data["heads"]) == 2
    for phrase, *per_head in zip(data["phrases"], *[h["phrases"] for h in data["heads"]]):
        joined = np.hstack([np.array(h["outputs"]) for h in per_head])
        np.testing.assert_array_equal(np.array(phrase["outputs"]), joined)


# -- the `two_heads:` key -------------------------------------------------------------------------

def test_the_explainer_names_the_two_heads_script():
    script = load_script(SCRIPTS / "explainer.yaml")
    assert script.heads_source is script.two_heads and len(script.two_heads.model.heads) == 2
    assert script.sections.index("two_heads") == script.sections.index("cramped") + 1


def test_without_heads_the_section_is_left_out_and_cannot_be_listed(write):
    base = f"model: {SCRIPTS / 'model.yaml'}\nphrases:\n  - The cat sat\n  - the cat\n"
    assert "two_heads" not in load_script(write("a.yaml", base)).sections
    listed = write("b.yaml", base + "sections: [hook, two_heads]\n")
    r = run("check", listed)
    assert r.returncode == 2 and f"{listed}:5: the two_heads section needs two heads" in r.stderr


def test_a_two_heads_file_that_is_missing_or_has_one_head_is_a_clear_error(write):
    base = f"model: {SCRIPTS / 'model.yaml'}\nphrases:\n  - The cat sat\n  - the cat\n"
    missing = write("c.yaml", base + "two_heads: nope.yaml\n")
    r = run("check", missing)
    assert r.returncode == 2 and f"{missing}:5: two_heads file" in r.stderr and "Traceback" not in r.stderr
    one = write("one.yaml", f"model: {SCRIPTS / 'model.yaml'}\nphrase: {{text: the cat, focus: cat, targets: [the]}}\n")
    single = write("d.yaml", base + f"two_heads: {one.name}\n")
    r = run("check", single)
    assert r.returncode == 2 and "needs a 2D model with `heads:`" in r.stderr


# -- the scene -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    from scenes.heads import TwoHeads
    return build(TwoHeads, tmp_path_factory.mktemp("two_heads"))


@pytest.mark.slow
def test_every_equation_of_the_two_heads_redoes_by_hand(scene, data):
    shown = scene.numbers_shown
    assert redo_equations(scene) >= 2 * 3 + 2          # three scores per head, two weighted sums
    assert data.joined in shown
    results = [v.output for v in data.views]
    assert all(r in shown for r in results)
    assert data.joined == "[" + ", ".join(r.strip("[]") for r in results) + "]"
    scores = [s for s in shown if "·" in s]
    assert len(set(scores)) == 6


@pytest.mark.slow
def test_the_two_heads_scene_is_legible_and_nothing_overlaps(scene):
    from scenes.lib.layout import FRAME
    assert [b[0] for b in scene.beats_played] == list(TWO_HEADS.names)
    assert not {beat: small for beat, small in scene.small_text.items() if small}
    assert not {beat: off for beat, off in scene.off_frame.items() if off}
    assert not {beat: c for beat, c in scene.caption_clashes.items() if c}
    for beat in TWO_HEADS.names:
        boxes = scene.rest_boxes[beat]
        assert boxes, beat
        for (n1, b1), (n2, b2) in itertools.combinations(boxes, 2):
            assert not b1.overlaps(b2), f"{beat}: {n1!r} and {n2!r} overlap"
        for name, b in boxes:
            assert b.inside(FRAME), f"{beat}: {name!r} leaves the frame"


@pytest.mark.slow
def test_every_number_the_scene_shows_is_a_shown_traces(scene, data):
    """Every number on screen comes from the heads' shown traces (or joins two of them)."""
    from attnmath import format_vector, format_weights
    script = data.script
    allowed = {data.joined}
    for phrase in script.phrases:
        for t in script.shown_head_traces(phrase):
            for a in (t.positioned, t.search, t.offer, t.values, t.outputs):
                allowed |= {format_vector(row) for row in a}
            allowed |= {w for row in t.weights for w in format_weights(row)}
            allowed |= {f"{format_vector(t.search[i])} · {format_vector(t.offer[j])} = {t.scores[i, j]:.2f}"
                        for i in range(t.n) for j in range(t.n)}
    assert set(scene.numbers_shown) <= allowed, set(scene.numbers_shown) - allowed


def test_the_two_heads_score_tables_start_on_one_line(data):
    """Only one head's scores are all below 0 and get a note under them: both tables still hang
    from one top edge, their header words on one line, not centred at two heights."""
    from scenes.lib import style
    from scenes.lib.heads import COLUMNS, _HeadColumn
    colour = lambda tok: style.word_colour(tok, data.script.model.embeddings)
    one, two = [_HeadColumn(view, box, colour) for view, box in zip(data.views, COLUMNS)]
    assert len(one.rows) != len(two.rows)               # the shipped heads: one note, so the case holds
    assert one.rows.get_top()[1] == pytest.approx(two.rows.get_top()[1], abs=1e-6)
