"""Scripts written to break us, or by bad luck: every one gets a one-line FILE:LINE message and
exit 2, quickly, never a traceback, a hang or an internal error (exit 3)."""
import json
import os
import re
import time

import pytest

from attnvid.problems import ScriptError, escaped
from attnvid.script import load_script
from conftest import INLINE_MODEL, SCRIPTS
from conftest import attnvid as run

PHRASE = "phrase:\n  text: the cat sat on\n  focus: cat\n  target: sat\n"
LINE = re.compile(r"^[^\n]+:\d+: [^\n]+$")          # FILE:LINE: message, on one line


def refused(path, line, *fragments):
    """`attnvid check` on the file: exit 2 and exactly one FILE:LINE line naming the problem."""
    r = run("check", path, timeout=20)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and LINE.match(lines[0]), r.stderr
    assert lines[0].startswith(f"{path}:{line}: "), lines[0]
    assert "\x1b" not in r.stderr and "Traceback" not in r.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def script(write, name, phrase=PHRASE, extra=""):
    return write(name, INLINE_MODEL + extra + phrase)


# -- characters ----------------------------------------------------------------------------------

def test_a_focus_written_with_a_digit_that_is_not_0_to_9_is_a_word_not_a_crash(write):
    # '²'.isdigit() is True and int('²') raises: position numbers are ASCII digits only
    p = script(write, "s.yaml", PHRASE.replace("focus: cat", "focus: ²"))
    refused(p, 16, "focus '²' is not a word of the phrase")


def test_hundreds_of_nested_brackets_stop_at_the_depth_cap(write):
    p = script(write, "s.yaml", PHRASE.replace("target: sat", "target: " + "[" * 600 + "]" * 600))
    refused(p, 17, "nested more than 16 levels deep")
    deep_block = "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "v: 1\n"
    refused(write("b.yaml", deep_block), 18, "nested more than 16 levels deep")


def test_an_escape_past_the_last_code_point_names_its_line(write):
    p = script(write, "s.yaml", extra='title: "\\U00110000"\n')
    refused(p, 14, "past the last Unicode character")


def test_a_json_style_surrogate_pair_is_joined_and_a_lone_half_refused(write):
    pair = script(write, "pair.yaml", extra='title: "a cat \\uD83D\\uDE00"\n')
    assert load_script(pair).title == "a cat \U0001F600"
    lone = script(write, "lone.yaml", PHRASE.replace("text: the cat sat on", 'text: "the cat sat \\uD83D"'))
    refused(lone, 15, "lone surrogate")


@pytest.mark.parametrize("raw, named", [("\x01", "U+0001"), ("\x7f", "U+007F"), ("\x1b", "U+001B")])
def test_a_raw_control_character_is_named_on_its_own_line(write, raw, named):
    p = write("s.yaml", INLINE_MODEL + f"title: a{raw}b\n" + PHRASE)
    refused(p, 14, named, "remove it")


@pytest.mark.parametrize("escape, named", [("\\0", "U+0000"), ("\\e[2J", "U+001B"), ("\\u202e", "U+202E")])
def test_escaped_control_and_bidi_characters_are_refused_where_they_are_written(write, escape, named):
    p = script(write, "s.yaml", extra=f'title: "cat{escape}"\n')
    refused(p, 14, named)


def test_script_text_is_echoed_escaped_and_on_one_line(write):
    # a word cannot hold an escape any more, so try the places text is quoted back: a block
    # scalar's newlines, and a file name with a newline and an escape sequence in it
    p = script(write, "s.yaml", PHRASE.replace("focus: cat", "focus: |\n    cax\n    dog"))
    refused(p, 16, "focus 'cax\\ndog' is not a word")
    odd = write("a\x1b[2Jb\nok.yaml", INLINE_MODEL + "phrase: the dog\n")
    r = run("check", odd)
    assert r.returncode == 2 and "\x1b" not in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr
    assert "a\\x1b[2Jb\\nok.yaml:14:" in r.stderr
    assert escaped("ok\u2028\u200b\U0001F600é") == "ok\\u2028\\u200b\U0001F600é"


def test_words_and_captions_that_would_draw_nothing_are_refused(write):
    zero_width = script(write, "z.yaml", PHRASE.replace("the cat sat on", "the cat sat on \u200b"))
    refused(zero_width, 15, "only invisible characters")
    empty_caption = script(write, "e.yaml", extra='narration:\n  scores: ""\n')
    refused(empty_caption, 15, "the narration for scores is empty")
    blank_title = script(write, "t.yaml", extra='title: "\u2060 "\n')
    refused(blank_title, 14, "title is empty")


# -- files that are not files --------------------------------------------------------------------

def test_a_fifo_is_refused_at_once_not_read_forever(tmp_path):
    fifo = tmp_path / "script.yaml"
    os.mkfifo(fifo)
    for command in ("check", "numbers", "fit", "render"):
        r = run(command, fifo, "--out", tmp_path / "out") if command == "render" else run(command, fifo)
        assert r.returncode == 2, (command, r.returncode, r.stderr)
        assert "is a FIFO (named pipe), not a file" in r.stderr, r.stderr


def test_an_include_that_is_a_folder_a_fifo_a_device_or_a_loop_says_which(write, tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "folder.yaml").mkdir()
    os.symlink("loop2.yaml", tmp_path / "loop1.yaml")
    os.symlink("loop1.yaml", tmp_path / "loop2.yaml")
    for target, said in (("folder.yaml", "is a folder"), ("pipe.yaml", "is not a regular file"),
                         ("/dev/zero", "is not a regular file"), ("loop1.yaml", "Too many levels of symbolic links")):
        p = write(f"uses-{target.strip('/').replace('/', '-')}", f"model: {target}\n{PHRASE}")
        message = refused(p, 1, said)
        assert "does not exist" not in message


# -- slow on purpose -----------------------------------------------------------------------------

def test_two_thousand_look_alike_words_and_sixteen_unknown_phrases_check_in_under_a_second(tmp_path):
    """The 'did you mean' hints had made this 60 KB file take 15 s. CPU time of the check itself,
    in this process (what a loaded machine cannot inflate)."""
    lines = ["embeddings:"] + [f"  catalog{i:04d}: [0.1, 0.2]" for i in range(2000)]
    lines += ["positions:"] + ["  - [0.0, 0.1]"] * 32
    lines += ["W_search: [[1, 0], [0, 1]]", "W_offer: [[1, 0], [0, 1]]", "phrases:"]
    lines += ["  - " + " ".join(f"catalgx{p:02d}{w:02d}" for w in range(32)) for p in range(16)]
    path = tmp_path / "lookalikes.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert 50_000 < path.stat().st_size < 256 * 1024
    start = time.process_time()
    with pytest.raises(ScriptError) as info:
        load_script(path)
    spent = time.process_time() - start
    assert len(info.value.problems) == 16 * 32
    assert sum("did you mean" in p.message for p in info.value.problems) <= 12
    assert spent < 1.0, f"{spent:.2f} s of CPU"


# -- fit ------------------------------------------------------------------------------------------

def scaled_model(text: str, factor: float) -> str:
    """The model file with every embedding (not the positions) multiplied by `factor`."""
    head, tail = text.split("positions:", 1)
    head = re.sub(r"-?\d+\.\d+", lambda m: f"{float(m.group()) * factor:.2f}", head)
    return head + "positions:" + tail


@pytest.mark.slow
@pytest.mark.parametrize("factor", [2.5, 15.0])
def test_fit_on_scaled_embeddings_converges_and_prints_valid_json(tmp_path, factor):
    """The shipped embeddings x2.5 (and x15) used to drive the loss to NaN and print it with exit 0."""
    (tmp_path / "model.yaml").write_text(scaled_model((SCRIPTS / "model.yaml").read_text(), factor))
    script = tmp_path / "explainer.yaml"
    script.write_text((SCRIPTS / "explainer.yaml").read_text().replace(
        "two_heads: two_heads.yaml", f"two_heads: {SCRIPTS / 'two_heads.yaml'}"))
    r = run("fit", script, "--format", "json", "--steps", "400", timeout=300)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))
    assert report["targets"][0]["weight"] > 0.5          # sat still wins its row
    assert all(abs(x) < 100 for W in (report["W_search"], report["W_offer"]) for row in W for x in row)


def test_the_fit_shrinks_long_inputs_to_the_same_scores():
    """Inputs x c fitted as inputs x 1 with the matrices / c: the same weights, to float precision."""
    import numpy as np
    from attnmath.feasibility import requirement
    from attnmath.fit import fit, target_weights
    from attnmath.fit import FIT_LENGTH
    x = np.array([[0.3, 0.8], [1.0, 0.5], [0.7, 0.9], [0.2, 0.3]])
    x = x / np.linalg.norm(x, axis=1).max()                     # the longest is 1 long
    small = [requirement("p", x * FIT_LENGTH, 1, 2, "none")]    # at FIT_LENGTH: fitted as given
    big = [requirement("p", x * FIT_LENGTH * 10, 1, 2, "none")]  # shrunk 10x, then scaled back
    a, b = fit(small, steps=200), fit(big, steps=200)
    assert np.allclose(b.W_search * 10, a.W_search) and np.allclose(b.W_offer * 10, a.W_offer)
    assert np.allclose(target_weights(big, b.W_search, b.W_offer), a.target_weights)


def test_a_fit_that_diverges_says_so_and_exits_2(write, monkeypatch):
    from attnvid import fitting
    from attnmath.fit import FitDiverged

    def diverging(*args, **kwargs):
        raise FitDiverged(17)
    monkeypatch.setattr(fitting, "fit_best", diverging)
    fitting._FITTED.clear()
    p = script(write, "s.yaml")
    with pytest.raises(ScriptError, match=r"s\.yaml:1: the fit did not converge \(the loss stopped being "
                                          r"a finite number at step 17\)"):
        fitting.run_fit(load_script(p))


# -- random mutations of the shipped scripts ------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SHIPPED = {p.name: p.read_text(encoding="utf-8") for p in sorted(SCRIPTS.glob("*.yaml"))}
# what breaks YAML and our readers: structure, quotes, escapes, digits of other scripts,
# controls, bidi, zero-width, surrogate escapes, huge numbers
NASTY = ["[", "]", "{", "}", ":", "- ", "\n", "  ", "'", '"', "\\", "\\u", "\\U0011FFFF", "\\uD83D", "#",
         "&a", "*a", "!!python/object", "%", "|", ">", "²", "٣", "\x00", "\x1b[2J", "\u202e", "\u200b",
         "1e999", "-0", "nan", ".inf", "9" * 40, "é", "\U0001F600", "{focus}", "{weights}", "\t"]


@st.composite
def mutated(draw):
    """A shipped script with a few random edits: inserts, deletions and duplicated lines."""
    name = draw(st.sampled_from(sorted(n for n in SHIPPED if n != "model.yaml")))
    text = SHIPPED[name]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "insert", "delete", "line"]))
        if edit == "insert":
            piece = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=6)))
            text = text[:at] + piece + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 30)):]
        else:
            lines = text.splitlines(keepends=True)
            k = draw(st.integers(0, max(0, len(lines) - 1)))
            text = "".join(lines[:k] + lines[k:k + 1] * draw(st.integers(2, 3)) + lines[k + 1:])
    return name, text


def run_in_process(*argv):
    """attnvid's main() as the console script runs it: (status, stdout, stderr, CPU seconds)."""
    import contextlib
    import io

    from attnvid.cli import main
    out, err = io.StringIO(), io.StringIO()
    start = time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue(), time.process_time() - start


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_scripts_get_exit_0_or_2_one_line_messages_and_valid_json_quickly(case):
    import tempfile
    name, text = case
    with tempfile.TemporaryDirectory() as folder:
        for other, shipped in SHIPPED.items():      # what the scripts include: model.yaml, two_heads.yaml, ...
            with open(os.path.join(folder, other), "w", encoding="utf-8") as f:
                f.write(shipped)
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8", errors="surrogatepass") as f:
            f.write(text)
        for argv in (("check", path), ("numbers", path, "--format", "json"), ("numbers", path),
                     ("fit", path, "--format", "json", "--steps", "20")):
            status, out, err, spent = run_in_process(*argv)
            assert status in (0, 2), (argv, status, err)
            assert "Traceback" not in err and "internal error" not in err, err
            assert spent < 2.0, (argv, spent)
            if status == 2:
                assert err and all(LINE.match(line) for line in err.splitlines()), err
                assert out == "", out
            elif "json" in argv:
                json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in the JSON of {argv}"))


# -- what a script may ask for -------------------------------------------------------------------

from attnvid.story import narration_keys  # noqa: E402

EXPLAINER_TEXT = SHIPPED["explainer.yaml"].split("\nsections:")[0] + "\n"     # all sections, by default


def write_included(write) -> None:
    """The files the explainer includes, beside it: its model and its two_heads script (and theirs)."""
    for name in ("model.yaml", "two_heads.yaml", "heads_model.yaml"):
        write(name, SHIPPED[name])


def test_a_script_asking_for_hours_is_refused_with_the_minutes_it_asked_for(write):
    """Repeated placeholders at pace 4 had asked for 100 minutes from 1 KB."""
    write_included(write)
    repeated = "{focus} " * 3
    p = write("s.yaml", EXPLAINER_TEXT + f'pace: 4\nnarration:\n  takeaway: "{repeated}"\n')
    refused(p, p.read_text().count("\n"), "{focus} appears 3 times in the narration for takeaway; at most 2")
    long_text = "A sentence that goes on for a while, and then some more words. " * 6
    many = write("many.yaml", EXPLAINER_TEXT + "pace: 4\nnarration:\n" + "".join(
        f'  {beat}: "{long_text[:390]}"\n' for beat in narration_keys()))
    message = refused(many, EXPLAINER_TEXT.count("\n") + 1, "minutes of video", "at most 45")
    assert int(re.search(r"about (\d+) minutes", message).group(1)) > 45
    assert load_script(SCRIPTS / "explainer.yaml")       # the shipped explainer is far inside
    four = write("four.yaml", EXPLAINER_TEXT + "pace: 4\n")
    assert load_script(four).pace == 4.0                 # and so is it at the slowest pace


def test_sections_each_play_once(write):
    write_included(write)
    twice = write("twice.yaml", EXPLAINER_TEXT + "sections: [hook, recap, hook]\n")
    refused(twice, EXPLAINER_TEXT.count("\n") + 1, "section 'hook' is listed twice")
    huge = write("huge.yaml", EXPLAINER_TEXT + "sections: [" + ", ".join(["hook"] * 5000) + "]\n")
    refused(huge, EXPLAINER_TEXT.count("\n") + 1, "sections lists 5000 entries")
