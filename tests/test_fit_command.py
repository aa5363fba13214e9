"""`attnvid fit` as a user runs it, and the model file it writes."""
import json

import numpy as np
import pytest

from attnmath import WEIGHT_ONLY, Reason, Verdict, decide, requirement, verdict
from attnmath.fit import fit_best
from attnvid.fitting import fit_requirements, requirements, why_not
from attnvid.script import ModelFile, load, load_script
from conftest import SCRIPTS
from conftest import attnvid as run


def test_fit_json_says_which_patterns_2d_can_hold():
    r = run("fit", SCRIPTS / "explainer.yaml", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert {"W_search", "W_offer", "jointly_feasible", "targets"} <= set(data)
    assert data["jointly_feasible"] is False
    by_target = {t["target"]: t for t in data["targets"]}
    assert [t["phrase"] for t in data["targets"]] == ["The cat sat on the", "Brian typed cat into the",
                                                        "Is your warm black cat"]
    assert by_target["sat"]["feasible"] and by_target["typed"]["feasible"]
    assert not by_target["Is"]["feasible"] and by_target["Is"]["margin"] == 0.0
    assert "convex hull" in by_target["Is"]["reason"]
    assert by_target["typed"]["ties"] == []          # "the" is hidden by the causal mask
    for t in data["targets"]:
        assert {"phrase", "focus", "target", "feasible", "margin", "ties", "weight"} <= set(t)
    # the weights are the fitted matrices' own, and feasible targets really come out on top
    reqs = requirements(load_script(SCRIPTS / "explainer.yaml"))
    result = fit_requirements(reqs)
    np.testing.assert_array_equal(np.array(data["W_search"]), result.W_search)
    assert [t["weight"] for t in data["targets"]] == list(result.target_weights)
    assert by_target["sat"]["strongest"] == "sat" and by_target["typed"]["strongest"] == "typed"
    assert by_target["Is"]["strongest"] != "Is"


def test_fit_table_is_plain_words():
    out = run("fit", SCRIPTS / "explainer.yaml").stdout
    assert "impossible in 2D" in out and "lies inside the convex hull" in out
    assert "possible in 2D" in out
    assert "The ones 2D can hold on their own (sat, typed), at once: possible" in out


def test_fit_write_saves_a_model_every_command_reads(tmp_path):
    out = tmp_path / "fitted.yaml"
    r = run("fit", SCRIPTS / "explainer.yaml", "--write", out)
    assert r.returncode == 0, r.stderr
    model = load(out)
    assert isinstance(model, ModelFile)
    data = json.loads(run("fit", SCRIPTS / "explainer.yaml", "--format", "json").stdout)
    np.testing.assert_allclose(model.model.W_search, data["W_search"], atol=0.005)  # rounded to 0.01
    assert model.model.embeddings["on"] == (0.2, 0.3)
    script = tmp_path / "s.yaml"
    script.write_text("model: fitted.yaml\nmask: causal\nphrase: {text: Brian typed cat into the, focus: cat, target: typed}\n")
    (trace,) = load_script(script).traces()
    assert trace.strongest(2) == 1    # the rounded matrices still make typed win
    assert not list(tmp_path.glob(".fit-*"))   # no temporary file left behind


def test_fit_without_targets_is_a_clear_error(write):
    p = write("s.yaml", f"model: {SCRIPTS / 'model.yaml'}\nphrase: the cat sat\n")
    r = run("fit", p)
    assert r.returncode == 2 and f"{p}:1: no phrase names both a focus and a target" in r.stderr


def test_fit_into_a_missing_folder_fails_cleanly(tmp_path):
    r = run("fit", SCRIPTS / "explainer.yaml", "--write", tmp_path / "nope" / "m.yaml")
    assert r.returncode == 2 and "cannot write" in r.stderr and "Traceback" not in r.stderr


def test_the_shipped_model_comes_from_the_fit():
    """scripts/model.yaml holds the fit's matrices, rounded to two decimals, and says so."""
    text = (SCRIPTS / "model.yaml").read_text()
    assert "attnvid fit" in text
    model = load(SCRIPTS / "model.yaml").model
    result = fit_requirements(requirements(load_script(SCRIPTS / "explainer.yaml")))
    np.testing.assert_allclose(model.W_search, np.round(result.W_search, 2), atol=1e-12)
    np.testing.assert_allclose(model.W_offer, np.round(result.W_offer, 2), atol=1e-12)


def test_fit_says_for_each_target_whether_direction_decided():
    data = json.loads(run("fit", SCRIPTS / "explainer.yaml", "--format", "json").stdout)
    assert data["prefer"] == "direction"
    by_target = {t["target"]: t for t in data["targets"]}
    for name in ("sat", "typed"):                    # possible, and the fit achieves it
        t = by_target[name]
        assert t["direction_possible"] and t["by_direction"] and t["decided_by"] == "direction"
        assert t["best_aligned"] == name and t["length_ratio"] < 2
    is_ = by_target["Is"]                            # inside the hull: cannot win at all
    assert not is_["direction_possible"] and not is_["by_direction"]
    assert is_["decided_by"] == "length" and is_["best_aligned"] == "Is" and is_["strongest"] == "black"
    out = run("fit", SCRIPTS / "explainer.yaml").stdout
    assert "decided by direction: sat's offer points closest to cat's search" in out
    assert "decided by length: Is's offer points closest to cat's search, but black's" in out
    assert "Won by direction after fitting: 2 of the 2 targets 2D lets win by direction (sat, typed)." in out


def test_prefer_weight_is_the_plain_cross_entropy_fit():
    data = json.loads(run("fit", SCRIPTS / "explainer.yaml", "--format", "json", "--prefer", "weight").stdout)
    result = fit_best(requirements(load_script(SCRIPTS / "explainer.yaml")), prefer=WEIGHT_ONLY)
    assert data["prefer"] == "weight"
    np.testing.assert_array_equal(np.array(data["W_offer"]), result.W_offer)
    # without the preference, the longest offer wins in "The cat sat on the": the story we left
    assert {t["target"]: t["decided_by"] for t in data["targets"]}["sat"] == "length"


def test_the_shipped_model_is_the_best_the_verdicts_allow():
    """On the numbers the videos show: every target 2D lets win by direction wins by direction,
    and the one that cannot win is at least the best aligned (length beats it)."""
    script = load_script(SCRIPTS / "explainer.yaml")
    for t, req in zip(script.shown_traces(), requirements(script)):
        d = decide(t.search[t.focus], t.offer, t.visible[t.focus])
        if verdict([req]).feasible:
            assert d.by == "direction" and d.winner == t.target, t.text
        else:
            assert d.best_aligned == t.target and d.by == "length", t.text


# -- reasons in words: attnmath gives the facts, attnvid.fitting.why_not the sentences ------------

def test_a_target_inside_its_rivals_hull_in_words():
    x = [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.25, 0.25]]        # focus 0; target 3 inside
    req = requirement("a b c d", x, focus=0, target=3, mask="none", tokens="a b c d".split())
    assert why_not(verdict([req])) == (
        "in \"a b c d\", 'd' [0.25, 0.25] lies inside the convex hull of its rivals (a, b, c), so any "
        "search direction scores at least one rival at least as high as 'd'")
    unnamed = requirement("", x, focus=0, target=3, mask="none")
    assert why_not(verdict([unnamed])) == (
        "position 3 [0.25, 0.25] lies inside the convex hull of its rivals (positions) (0, 1, 2), so "
        "any search direction scores at least one rival at least as high as position 3")


def test_a_zero_focus_in_words():
    req = requirement("", [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], focus=0, target=1, mask="none")
    assert why_not(verdict([req])) == (
        "position 0 is the zero vector [0.00, 0.00], so its search vector is zero and every score "
        "it gives is 0, whatever the matrices")


def test_a_target_on_its_hulls_edge_in_words():
    req = requirement("p q", [[1.0, 0.0], [0.0, 1.0]], focus=0, target=1, mask="none", tokens=("p", "q"))
    assert why_not(Verdict(False, 0.0, None, (Reason("on_hull_edge", req, (0,)),))) == (
        "in \"p q\", no matrices make 'q' outscore every rival by more than 1e-09 (it sits on the "
        "edge of its rivals' convex hull, to float precision)")


def test_two_targets_that_fight_in_words():
    x = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
    a = requirement("p q r", x, focus=2, target=0, mask="none", tokens="p q r".split())
    b = requirement("p q r", x, focus=2, target=1, mask="none", tokens="p q r".split())
    joint = why_not(verdict([a, b]))
    assert "each target can win on its own" in joint
    assert "no single matrix makes them all win together" in joint
    assert why_not(verdict([a])) == ""                             # feasible: nothing to say


def test_the_article_in_words():
    reqs = {r.tokens[r.target]: r for r in requirements(load_script(SCRIPTS / "explainer.yaml"))}
    is_alone = ('in "Is your warm black cat", \'Is\' [0.50, 0.60] lies inside the convex '
                "hull of its rivals (your, warm, black, cat), so any search direction "
                "scores at least one rival at least as high as 'Is'")
    assert why_not(verdict([reqs["Is"]])) == is_alone
    assert why_not(verdict(list(reqs.values()))) == is_alone       # sat and typed say nothing


# -- several targets and several heads ----------------------------------------------------------

SETS = """model: {model}
mask: causal
phrases:
  - text: Brian typed cat into the
    focus: cat
    targets: [typed, Brian]
  - text: Is your warm black cat
    focus: cat
    targets: [Is, warm, black]
"""


def test_fit_with_sets_and_two_heads_says_what_each_can_hold(write, tmp_path):
    """The set verdicts and the heads verdict in words and JSON, all from attnmath's facts; the
    written model has two heads, and each puts on top what the verdict handed it."""
    p = write("sets.yaml", SETS.format(model=SCRIPTS / "model.yaml"))
    out = tmp_path / "heads.yaml"
    r = run("fit", p, "--heads", "2", "--format", "json", "--write", out)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    brian, warm = data["targets"]
    assert brian["targets"] == ["typed", "Brian"] and brian["feasible"] and brian["set_leads"]
    assert brian["shares"] == [0.5, 0.5] and sum(brian["each"]) == pytest.approx(brian["weight"])
    assert warm["targets"] == ["Is", "warm", "black"] and not warm["feasible"]
    assert "cannot all outscore your and cat" in warm["reason"]
    heads = data["heads"]
    assert heads["count"] == 2 and not heads["feasible"] and heads["tops"] is None
    assert "'cat' has 3 targets, more than the heads" in heads["reason"]
    assert "'Is' [0.50, 0.60] lies inside the convex hull" in heads["reason"]
    assert heads["freed_in"] == [{"phrase": "Is your warm black cat", "target": "Is", "dimensions": 3}]
    model = load(out).model
    assert len(model.heads) == 2
    np.testing.assert_allclose(model.heads[1].W_search, np.round(heads["matrices"][1]["W_search"], 2), atol=1e-12)
    # what the fit gave each head: the reachable targets split, one head each
    script = tmp_path / "with_heads.yaml"
    script.write_text(SETS.format(model=out))
    traces = [load_script(script).head_traces(ph) for ph in load_script(script).phrases]
    tops = {(t.text, t.tokens[t.strongest(t.focus)]) for ts in traces for t in ts}
    assert {("Brian typed cat into the", "typed"), ("Brian typed cat into the", "Brian")} <= tops
    assert ("Is your warm black cat", "Is") not in tops


def test_fit_table_for_sets_in_words(write):
    from attnvid.fitting import as_text, run_fit
    # in this process, so the fit is the one the other tests of these phrases already ran (fit_requirements)
    out = as_text(run_fit(load_script(write("sets.yaml", SETS.format(model=SCRIPTS / "model.yaml")))))
    assert '"Brian typed cat into the": cat -> typed, Brian' in out
    assert "one head, all at once: possible in 2D: some W_search, W_offer put typed and Brian above" in out
    assert "With 3 heads, each target on top of a head of its own: impossible in 2D." in out
    assert "More heads do not help Is: no 2D head puts it on top" in out
    assert "Won by direction" not in out              # a one-target story; these are sets


def test_a_rival_between_two_targets_in_words():
    x = [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]
    req = requirement("a b c d", x, focus=3, target=0, mask="none", tokens="abcd", targets=(0, 1))
    assert why_not(verdict([req])) == (
        'in "a b c d", a and b cannot all outscore c and d: the outline of the targets\' vectors overlaps '
        "the outline of the others'; c lies between them, so any search direction that lifts every target "
        "lifts one of the others at least as high")
