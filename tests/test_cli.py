"""The attnvid command as a user runs it: the installed console script, in a subprocess."""
import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from attnmath import format_vector
from attnvid.script import load_script
from conftest import INLINE_MODEL, SCRIPTS
from conftest import attnvid as run


def test_check_passes_every_shipped_script_and_says_who_wins():
    r = run("check", *sorted(SCRIPTS.glob("*.yaml")))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == len(list(SCRIPTS.glob("*.yaml")))
    cat_sat = next(l for l in lines if "cat_sat.yaml" in l)
    assert "'cat' gives its largest weight to 'sat' (0.84), the target" in cat_sat   # as the video says
    assert any("model.yaml: ok: a model file: 11 words, 5 positions, 2D" in l for l in lines)


def test_check_reports_a_typo_with_line_and_fix_and_no_traceback(write):
    bad = write("bad.yaml", INLINE_MODEL + "mask: casual\nphrase: the cat\n")
    good = SCRIPTS / "cat_sat.yaml"
    r = run("check", bad, good)
    assert r.returncode == 2
    assert r.stderr == f"{bad}:14: mask 'casual' is not one of none, causal (did you mean 'causal'?)\n"
    assert "cat_sat.yaml: ok" in r.stdout          # the good one is still checked
    assert "Traceback" not in r.stderr + r.stdout


def test_numbers_json_has_exactly_the_documented_shape_and_round_trips():
    r = run("numbers", SCRIPTS / "explainer.yaml", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"W_search", "W_offer", "scale", "phrases"}
    assert data["scale"] == 1.0
    traces = load_script(SCRIPTS / "explainer.yaml").traces()
    assert len(data["phrases"]) == len(traces) == 3
    for got, t in zip(data["phrases"], traces):
        assert set(got) == {"text", "tokens", "mask", "positioned", "search", "offer", "scores",
                            "weights", "outputs"}
        assert (got["text"], tuple(got["tokens"]), got["mask"]) == (t.text, t.tokens, t.mask)
        for key in ("positioned", "search", "offer", "scores", "weights", "outputs"):
            np.testing.assert_array_equal(np.array(got[key]), getattr(t, key))  # full precision


def test_numbers_json_scale_is_the_factor_applied(write):
    p = write("s.yaml", INLINE_MODEL + "scale: sqrt\nphrase: the cat\n")
    data = json.loads(run("numbers", p, "--format", "json").stdout)
    assert data["scale"] == pytest.approx(1 / np.sqrt(2))
    (t,) = load_script(p).traces()
    np.testing.assert_allclose(data["phrases"][0]["scores"], t.search @ t.offer.T / np.sqrt(2))


def test_numbers_markdown_is_a_table_a_blogger_can_paste():
    r = run("numbers", SCRIPTS / "cat_sat.yaml", "--format", "markdown")
    assert r.returncode == 0
    md = r.stdout
    assert '## "The cat sat on the" → mat' in md
    assert "| 1 | cat | [1.00, 0.50] | [0.00, 0.10] | [1.00, 0.60] | [-1.76, 1.88] | [-4.45, -0.37] |" in md
    weights = [l for l in md.splitlines() if l.startswith("| 1 cat |")]
    assert weights[-1] == "| 1 cat | 0.08 | 0.00 | 0.84 | 0.00 | 0.08 | 1.00 |"     # softmax of the shown scores
    assert "Numbers as the videos show them" in md
    for table_line in (l for l in md.splitlines() if l.startswith("|")):
        assert table_line.endswith("|")


def test_numbers_table_marks_hidden_cells_under_a_causal_mask():
    out = run("numbers", SCRIPTS / "brian_typed.yaml").stdout
    row = next(l for l in out.splitlines() if l.startswith("2 cat") and "1.00" in l)
    assert row.split() == ["2", "cat", "0.01", "0.93", "0.06", "—", "—", "1.00"]
    assert "hidden by the causal mask" in out


def test_numbers_csv_is_one_full_precision_number_per_row():
    r = run("numbers", SCRIPTS / "cat_sat.yaml", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    (t,) = load_script(SCRIPTS / "cat_sat.yaml").traces()
    weights = {(int(x["i"]), int(x["j"])): float(x["value"]) for x in rows if x["quantity"] == "weights"}
    assert len(weights) == 25
    assert all(weights[i, j] == t.weights[i, j] for i, j in weights)
    positioned = [x for x in rows if x["quantity"] == "positioned" and x["token"] == "sat"]
    assert format_vector([float(x["value"]) for x in positioned]) == "[0.80, 1.00]"


def test_numbers_on_a_broken_script_prints_nothing_to_stdout(write):
    bad = write("bad.yaml", INLINE_MODEL + "phrase: the dgo\n")
    r = run("numbers", bad, "--format", "json")
    assert r.returncode == 2 and r.stdout == ""
    assert f"{bad}:14: no embedding for 'dgo'" in r.stderr


def test_numbers_on_the_model_file_explains_what_to_do():
    r = run("numbers", SCRIPTS / "model.yaml")
    assert r.returncode == 2 and "this is a model file" in r.stderr


def test_usage_errors_are_short():
    r = run("numbers")
    assert r.returncode == 2 and "usage:" in r.stderr and "Traceback" not in r.stderr
    r = run("numbers", SCRIPTS / "cat_sat.yaml", "--format", "xml")
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_check_from_another_folder_resolves_the_model_next_to_the_script(tmp_path):
    r = run("check", SCRIPTS / "cat_sat.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_attnmath_never_imports_manim_or_yaml():
    code = "import sys, attnmath; print(sorted(m for m in sys.modules if m.split('.')[0] in ('manim', 'yaml')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_numbers_say_whether_they_are_the_videos_chain_or_the_exact_floats():
    shown = run("numbers", SCRIPTS / "cat_sat.yaml").stdout
    exact = run("numbers", SCRIPTS / "cat_sat.yaml", "--values", "exact").stdout
    assert "Numbers as the videos show them" in shown and "Exact floats" in exact
    scores = lambda out: next(l for l in out.splitlines() if l.startswith("1 cat")).split()   # the first: scores
    # the chain multiplies shown vectors, the exact floats do not: 7.14 is [-1.76, 1.88] · [-4.45, -0.37]
    assert scores(shown)[2:7] == ["10.53", "7.14", "12.82", "6.63", "10.42"]
    assert scores(exact)[2:7] == ["10.53", "7.13", "12.83", "6.64", "10.42"]
    # JSON stays exact by default (its documented shape); asked for, the chain says so
    data = json.loads(run("numbers", SCRIPTS / "cat_sat.yaml", "--format", "json", "--values", "shown").stdout)
    assert data["values"] == "shown"
    (t,) = load_script(SCRIPTS / "cat_sat.yaml").shown_traces()
    np.testing.assert_array_equal(np.array(data["phrases"][0]["scores"]), t.scores)
    assert data["phrases"][0]["scores"][1][1] == 7.14       # [-1.76, 1.88] · [-4.45, -0.37] = 7.1364, by hand
