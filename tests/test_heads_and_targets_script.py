"""`targets:` in a phrase and `heads:` in a model: how they read, what they refuse (with FILE:LINE),
what they compute, and what `attnvid numbers` prints for them (a one-head script exactly as before)."""
import csv
import io
import json
import math

import numpy as np
import pytest

from attnmath import joined_outputs, trace_phrase
from attnmath.shown import shown_trace
from attnvid import report
from attnvid.problems import ScriptError
from attnvid.script import MAX_HEADS, MAX_TARGETS, Head, Model, load_script
from test_script_errors import one_problem, problems_of  # noqa: F401
from conftest import INLINE_MODEL, SCRIPTS
from conftest import attnvid as run

# INLINE_MODEL without its matrices: the words the, cat, sat, on and five positions.
VECTORS = INLINE_MODEL[:INLINE_MODEL.index("W_search")]

TWO_HEADS = VECTORS + """\
heads:
  - W_search: [[3, 0], [0, 1]]
    W_offer: [[0, 1], [2, 0]]
  - W_search: [[1, 0, 2], [0, 1, -1]]
    W_offer: [[0.5, 1, 0], [1, 0, 1]]
    W_value: [[1], [-1]]
"""




def phrase_with(lines: str, text: str = "the cat sat on", mask: str = "") -> str:
    """A script on the inline model whose one phrase has `lines` (each indented two spaces)."""
    return INLINE_MODEL + mask + f"phrase:\n  text: {text}\n" + lines


# -- targets ----------------------------------------------------------------------------------

def test_a_targets_list_resolves_words_and_positions_in_the_order_written(write):
    p = write("s.yaml", phrase_with("  focus: on\n  targets: [sat, 0]\n"))
    (ph,) = load_script(p).phrases
    assert ph.targets == (2, 0)
    assert ph.target == 2                 # the first listed: what the one-target walkthrough follows
    assert ph.shares is None


def test_a_targets_mapping_gives_each_target_its_share(write):
    p = write("s.yaml", phrase_with("  focus: on\n  targets:\n    sat: 0.5\n    1: 0.25\n"))
    (ph,) = load_script(p).phrases
    assert (ph.target, ph.targets, ph.shares) == (2, (2, 1), (0.5, 0.25))


def test_target_alone_is_one_target_and_no_target_is_none(write):
    (one,) = load_script(write("a.yaml", phrase_with("  focus: on\n  target: cat\n"))).phrases
    assert (one.target, one.targets, one.shares) == (1, (1,), None)
    (none,) = load_script(write("b.yaml", phrase_with("  focus: on\n"))).phrases
    assert (none.target, none.targets, none.shares) == (None, (), None)
    (listed,) = load_script(write("c.yaml", phrase_with("  focus: on\n  targets: [cat]\n"))).phrases
    assert (listed.target, listed.targets, listed.shares) == (1, (1,), None)


def test_shares_adding_to_one_in_decimals_pass_though_the_floats_add_to_a_hair_more(write):
    assert sum((0.05, 0.55, 0.3, 0.1)) > 1
    p = write("s.yaml", phrase_with("  focus: on\n  targets: {the: 0.05, cat: 0.55, sat: 0.3, on: 0.1}\n"))
    assert load_script(p).phrases[0].shares == (0.05, 0.55, 0.3, 0.1)


def test_target_and_targets_together_name_the_targets_line(write):
    p = write("s.yaml", phrase_with("  focus: on\n  target: cat\n  targets: [cat, sat]\n"))
    one_problem(p, 18, "give either `target:` (one word) or `targets:` (a list), not both")


def test_a_word_named_twice_in_targets_is_refused_where_it_repeats(write):
    # 'cat' and position 1 are the same word
    p = write("s.yaml", phrase_with("  focus: on\n  targets:\n    - cat\n    - sat\n    - 1\n"))
    one_problem(p, 20, "targets names 'cat' (position 1) twice", "line 18")


def test_more_than_max_targets_is_refused(write):
    listed = ", ".join(str(i) for i in range(MAX_TARGETS + 1))
    p = write("s.yaml", phrase_with(f"  focus: 4\n  targets: [{listed}]\n", text="the cat sat on the"))
    one_problem(p, 17, f"targets names {MAX_TARGETS + 1} words; at most {MAX_TARGETS}")


@pytest.mark.parametrize("share", ["0", "1.5", "-0.2"])
def test_a_share_outside_zero_to_one_is_refused(write, share):
    p = write("s.yaml", phrase_with(f"  focus: on\n  targets:\n    cat: 0.5\n    sat: {share}\n"))
    one_problem(p, 19, "the share of target 'sat'", "more than 0 and at most 1")


def test_a_share_must_be_a_number(write):
    p = write("s.yaml", phrase_with("  focus: on\n  targets:\n    cat: half\n"))
    one_problem(p, 18, "the share of target 'cat' must be a number")


def test_shares_adding_up_to_more_than_one_are_refused_on_the_targets_line(write):
    p = write("s.yaml", phrase_with("  focus: on\n  targets:\n    cat: 0.7\n    sat: 0.4\n"))
    one_problem(p, 17, "the shares of targets add up to 1.1", "at most 1")


def test_a_target_after_the_focus_under_a_causal_mask_is_refused_as_target_is(write):
    p = write("s.yaml", phrase_with("  focus: cat\n  targets:\n    - the\n    - sat\n", mask="mask: causal\n"))
    single = write("t.yaml", phrase_with("  focus: cat\n  target: sat\n", mask="mask: causal\n"))
    many = one_problem(p, 20, "target 'sat' (position 2) comes after focus 'cat' (position 1)",
                       "causal mask hides it")
    alone = one_problem(single, 18)
    assert many.split(": ", 1)[1] == alone.split(": ", 1)[1]      # the same words


def test_a_target_that_is_not_a_word_of_the_phrase_is_named(write):
    p = write("s.yaml", phrase_with("  focus: on\n  targets: {sta: 0.5}\n"))
    one_problem(p, 17, "target 'sta' is not a word of the phrase", "did you mean 'sat'")


@pytest.mark.parametrize("value, fragment", [("sat", "for one word write `target:`"),
                                             ("[]", "targets is empty")])
def test_targets_as_one_word_or_empty_is_refused(write, value, fragment):
    p = write("s.yaml", phrase_with(f"  focus: on\n  targets: {value}\n"))
    one_problem(p, 17, fragment)


# -- heads: reading ---------------------------------------------------------------------------

def test_heads_are_read_in_order_and_the_model_matrices_are_the_first_heads(write):
    m = load_script(write("s.yaml", TWO_HEADS + "phrase: the cat sat\n")).model
    assert len(m.heads) == 2
    assert m.heads[0] == Head(((3.0, 0.0), (0.0, 1.0)), ((0.0, 1.0), (2.0, 0.0)), None)
    assert m.heads[1].W_search == ((1.0, 0.0, 2.0), (0.0, 1.0, -1.0))    # 3 columns: k may differ
    assert m.heads[1].W_value == ((1.0,), (-1.0,))
    assert (m.W_search, m.W_offer, m.W_value) == (m.heads[0].W_search, m.heads[0].W_offer, None)


def test_a_one_head_model_holds_its_matrices_as_its_only_head(write):
    m = load_script(write("s.yaml", INLINE_MODEL + "phrase: the cat\n")).model
    assert m.heads == (Head(m.W_search, m.W_offer, m.W_value),)
    with pytest.raises(ValueError):        # the first head and the model's matrices must agree
        Model(m.embeddings, m.positions, m.W_search, m.W_offer, None, "none", "none",
              (Head(m.W_offer, m.W_search),))


def test_heads_with_w_search_in_one_file_is_refused_on_the_heads_line(write):
    p = write("s.yaml", TWO_HEADS.replace("heads:\n", "W_search: [[1, 0], [0, 1]]\nheads:\n") + "phrase: the cat\n")
    one_problem(p, 13, "give either `heads:` or W_search and W_offer, not both")


def test_heads_with_w_value_in_an_included_model_file_is_refused_there(write):
    model = write("m.yaml", TWO_HEADS + "W_value: [[1, 0], [0, 1]]\n")
    found = problems_of(write("s.yaml", "model: m.yaml\nphrase: the cat\n"))
    assert found == [f"{model}:12: give either `heads:` or W_search and W_offer, not both "
                     "(this file also gives W_value); with heads, each head gives its own W_search and W_offer"]


def test_a_script_with_its_own_heads_replaces_the_included_matrices(write):
    p = write("s.yaml", f"model: {SCRIPTS / 'model.yaml'}\n" + TWO_HEADS[TWO_HEADS.index("heads:"):]
              + "phrase: The cat sat on the\n")
    m = load_script(p).model
    included = load_script(SCRIPTS / "cat_sat.yaml").model
    assert len(m.heads) == 2 and m.embeddings == included.embeddings
    assert m.W_search == ((3.0, 0.0), (0.0, 1.0)) != included.W_search     # the script's first head


def test_a_script_with_its_own_matrices_replaces_the_included_heads(write):
    write("m.yaml", TWO_HEADS)
    s = load_script(write("s.yaml", "model: m.yaml\nW_search: [[2, 0], [0, 2]]\nW_offer: [[1, 1], [0, 1]]\n"
                                    "phrase: the cat\n"))
    assert s.model.heads == (Head(((2.0, 0.0), (0.0, 2.0)), ((1.0, 1.0), (0.0, 1.0)), None),)


def test_a_w_value_beside_included_heads_says_where_it_belongs(write):
    write("m.yaml", TWO_HEADS)
    p = write("s.yaml", "model: m.yaml\nW_value: [[1, 0], [0, 1]]\nphrase: the cat\n")
    one_problem(p, 2, "the included model gives `heads:`", "inside a head")


def test_heads_need_no_model_w_search(write):
    s = load_script(write("s.yaml", TWO_HEADS + "phrase: the cat\n"))
    assert len(s.model.heads) == 2          # no "no W_search" problem


def test_each_head_problem_names_its_head_and_line(write):
    p = write("s.yaml", VECTORS + """\
heads:
  - W_search: [[1, 0], [0, 1]]
    W_ofer: [[1, 0], [0, 1]]
  - W_search: [[1, 0, 1], [0, 1, 1]]
    W_offer: [[1, 0], [0, 1]]
  - [[1, 0], [0, 1]]
phrase: the cat
""")
    assert sorted(problems_of(p)) == sorted([
        f"{p}:13: no W_offer of head 1: every head needs W_search and W_offer, e.g. `W_offer: [[1, 0], [0, 1]]`",
        f"{p}:14: unknown key 'W_ofer' in head 1 (did you mean 'W_offer'?)",
        f"{p}:16: W_offer of head 2 has 2 columns; it needs 3 to match W_search",
        f"{p}:17: head 3 (its W_search and W_offer) must be a mapping, but this is a list",
    ])


def test_more_than_max_heads_and_no_heads_are_refused(write):
    head = "  - {W_search: [[1, 0], [0, 1]], W_offer: [[1, 0], [0, 1]]}\n"
    one_problem(write("a.yaml", VECTORS + "heads:\n" + head * (MAX_HEADS + 1) + "phrase: the cat\n"), 13,
                f"{MAX_HEADS + 1} heads; at most {MAX_HEADS}")
    one_problem(write("b.yaml", VECTORS + "heads: []\nphrase: the cat\n"), 12, "heads is an empty list")


# -- heads: numbers ---------------------------------------------------------------------------

def test_head_traces_are_trace_phrase_with_each_heads_matrices(write):
    s = load_script(write("s.yaml", TWO_HEADS + "mask: causal\nphrase: the cat sat on\n"))
    (ph,) = s.phrases
    m = s.model
    emb = [m.embeddings[t] for t in ph.tokens]
    heads = s.head_traces(ph)
    assert len(heads) == 2
    for got, head in zip(heads, m.heads):
        by_hand = trace_phrase(ph.tokens, emb, m.positions, head.W_search, head.W_offer, head.W_value,
                               mask="causal", scale="none")
        for name in ("search", "offer", "scores", "weights", "values", "outputs"):
            np.testing.assert_array_equal(getattr(got, name), getattr(by_hand, name))
    assert heads[1].outputs.shape == (4, 1) and heads[0].outputs.shape == (4, 2)
    np.testing.assert_array_equal(s.trace(ph).outputs, heads[0].outputs)      # trace is head 1
    for got, t, head in zip(s.shown_head_traces(ph), heads, m.heads):
        np.testing.assert_array_equal(got.outputs, shown_trace(t, head.W_search, head.W_offer, head.W_value).outputs)


def test_joined_outputs_are_the_heads_outputs_side_by_side(write):
    s = load_script(write("s.yaml", TWO_HEADS + "phrase: the cat sat\n"))
    heads = s.head_traces(s.phrases[0])
    joined = joined_outputs(heads)
    assert joined.shape == (3, 3)
    np.testing.assert_array_equal(joined, np.hstack([heads[0].outputs, heads[1].outputs]))
    np.testing.assert_array_equal(s.joined_outputs(heads), joined)
    assert not np.array_equal(joined[:, :2], heads[1].outputs[:, :1].repeat(2, axis=1))


# -- attnvid numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("values", ["exact", "shown"])
def test_one_head_json_is_what_it_was(values):
    s = load_script(SCRIPTS / "cat_sat.yaml")
    out = report.render(s, "json", values)
    old = report.numbers_json(s, s.traces() if values == "exact" else s.shown_traces())   # the old path
    if values == "shown":
        old["values"] = "shown"
    assert out == json.dumps(old, indent=2, ensure_ascii=False) + "\n"
    data = json.loads(out)
    assert set(data) == {"W_search", "W_offer", "scale", "phrases"} | ({"values"} if values == "shown" else set())
    assert set(data["phrases"][0]) == {"text", "tokens", "mask", "positioned", "search", "offer", "scores",
                                       "weights", "outputs"}
    assert "heads" not in out


def test_one_head_table_markdown_and_csv_are_what_they_were():
    s = load_script(SCRIPTS / "brian_typed.yaml")
    assert report.render(s, "csv") == report.render_csv(s, s.traces())
    for fmt, draw in (("table", report.render_text), ("markdown", report.render_markdown)):
        secs = report.sections(s, s.shown_traces())
        secs[0] = report.Section(secs[0].heading, secs[0].lines + (report.SHOWN_NOTE,), secs[0].tables)
        out = report.render(s, fmt)
        assert out == draw(secs)
        assert "head 1" not in out and "head2" not in out


def test_two_head_json_adds_heads_and_joins_the_outputs(write):
    s = load_script(write("s.yaml", TWO_HEADS + "scale: sqrt\nphrases:\n  - the cat sat\n  - sat on the cat\n"))
    data = json.loads(report.render(s, "json"))
    assert set(data) == {"W_search", "W_offer", "scale", "phrases", "heads"}
    assert len(data["heads"]) == 2
    assert set(data["heads"][0]) == {"W_search", "W_offer", "scale", "phrases"}      # no W_value: it has none
    assert set(data["heads"][1]) == {"W_search", "W_offer", "W_value", "scale", "phrases"}
    assert data["heads"][1]["W_value"] == [[1.0], [-1.0]]
    assert data["W_search"] == data["heads"][0]["W_search"] and data["W_offer"] == data["heads"][0]["W_offer"]
    for k, phrase in enumerate(data["phrases"]):
        heads = [h["phrases"][k] for h in data["heads"]]
        assert all(set(h) == {"search", "offer", "scores", "weights", "outputs"} for h in heads)
        np.testing.assert_array_equal(phrase["outputs"], np.hstack([h["outputs"] for h in heads]))
        for key in ("search", "offer", "scores", "weights"):
            assert phrase[key] == heads[0][key]                                   # top level is head 1
        for head_json, h in zip(data["heads"], heads):
            k_columns = len(head_json["W_search"][0])
            assert head_json["scale"] == pytest.approx(1 / math.sqrt(k_columns))
            search, offer = np.array(h["search"]), np.array(h["offer"])
            np.testing.assert_allclose(h["scores"], search @ offer.T * head_json["scale"], rtol=1e-12)
            np.testing.assert_allclose(np.sum(h["weights"], axis=1), 1.0)
    assert data["scale"] == data["heads"][0]["scale"] != data["heads"][1]["scale"]   # k 2 and k 3


def test_two_head_json_shown_takes_every_head_from_the_shown_chain(write):
    s = load_script(write("s.yaml", TWO_HEADS + "phrase: the cat sat\n"))
    data = json.loads(report.render(s, "json", "shown"))
    shown = s.shown_head_traces(s.phrases[0])
    for head_json, t in zip(data["heads"], shown):
        assert head_json["phrases"][0]["scores"] == t.scores.tolist()
        assert head_json["phrases"][0]["outputs"] == t.outputs.tolist()
    assert data["phrases"][0]["outputs"] == joined_outputs(shown).tolist()


def test_two_head_csv_adds_prefixed_rows_for_head_two(write):
    s = load_script(write("s.yaml", TWO_HEADS + "phrase: the cat sat\n"))
    rows = list(csv.reader(io.StringIO(report.render(s, "csv"))))
    assert tuple(rows[0]) == report.CSV_COLUMNS
    names = {r[1] for r in rows[1:]}
    assert {"head2.W_search", "head2.W_offer", "head2.W_value", "head2.scores", "head2.outputs"} <= names
    assert "head1.scores" not in names and "head2.embeddings" not in names
    (t1, t2) = s.head_traces(s.phrases[0])
    scores2 = [float(r[5]) for r in rows if r[1] == "head2.scores"]
    assert scores2 == t2.scores.ravel().tolist()
    assert [float(r[5]) for r in rows if r[1] == "scores"] == t1.scores.ravel().tolist()


def test_two_head_table_has_a_section_per_further_head_and_both_heads_matrices(write):
    s = load_script(write("s.yaml", TWO_HEADS + "phrase: the cat sat\n"))
    out = report.render(s, "table")
    assert '"the cat sat" — head 2 of 2' in out
    assert "W_search (query), head 1" in out and "W_search (query), head 2" in out
    assert "W_value, head 2" in out
    assert "side by side, head 1's numbers first" in out
    assert out.count("Scores (row i looks at column j)") == 2
    md = report.render(s, "markdown")
    assert '## "the cat sat" — head 2 of 2' in md


def test_the_numbers_command_prints_a_two_head_script(write):
    p = write("s.yaml", TWO_HEADS + "phrase: the cat sat\n")
    r = run("numbers", p, "--format", "json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["heads"]) == 2
