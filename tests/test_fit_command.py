"""`attnvid fit` as a user runs it, and the model file it writes."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from attnmath.fit import fit
from attnvid.fitting import requirements
from attnvid.script import ModelFile, load, load_script
from conftest import ROOT, SCRIPTS

ATTNVID = Path(sys.executable).parent / "attnvid"


def run(*args):
    return subprocess.run([str(ATTNVID), *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=120)


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
    result = fit(reqs)
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
    result = fit(requirements(load_script(SCRIPTS / "explainer.yaml")))
    np.testing.assert_allclose(model.W_search, np.round(result.W_search, 2), atol=1e-12)
    np.testing.assert_allclose(model.W_offer, np.round(result.W_offer, 2), atol=1e-12)
