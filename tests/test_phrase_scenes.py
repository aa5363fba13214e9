"""The phrase walkthrough, built in pytest (no video written): classes, beats, numbers, layout."""
import itertools
import re
from decimal import Decimal

import numpy as np
import pytest

from attnvid.story import WALKTHROUGH
from attnvid.story.walkthrough import STEPS
from attnvid.publish.records import ATTN_SCRIPT
from attnvid.script import load_script
from scenes.lib.layout import FRAME, PLANE
from scenes.lib.walkthrough import class_name, walkthrough_class
from scene_support import (ROOT, build, display_strings, import_phrase_module, load_module, redo_equations, redo_softmax,
                           row_times_matrix_lines)

SINGLE_PHRASE = ["cat_sat", "brian_typed", "warm_black_cat"]
built = pytest.mark.slow   # each build plays every animation (about 10 s); `make test` runs them


def test_one_class_per_single_phrase_script(monkeypatch):
    monkeypatch.delenv(ATTN_SCRIPT, raising=False)
    module = import_phrase_module()
    from manim import Scene
    classes = {n for n, c in vars(module).items() if isinstance(c, type) and issubclass(c, Scene)
               and c.__module__ == module.__name__}
    assert classes == {"CatSat", "BrianTyped", "WarmBlackCat"}   # not the explainer, not the model


def test_attn_script_gives_a_phrase_class(monkeypatch, write):
    path = write("mine.yaml", f"model: {ROOT / 'scripts' / 'model.yaml'}\nphrase: the cat sat\n")
    monkeypatch.setenv(ATTN_SCRIPT, str(path))
    module = import_phrase_module("phrase_env")
    assert module.Phrase.script_path == str(path)


def test_class_names_come_from_file_names():
    assert class_name("cat_sat") == "CatSat"
    assert class_name("dog-ran") == "DogRan"
    assert class_name("2cats") == "S2cats"


def assert_clean_layout(scene, legible: bool = True, not_yet: frozenset = frozenset()):
    """No label overlaps another or leaves its place; and, while we have the scene, every
    equation on screen adds up by hand, no caption phrase is said twice, the step tracker names
    each beat's step and no second passes with only a caption on screen."""
    assert redo_equations(scene) >= scene.trace.n + 2
    said = [text for *_, text in scene.cues]
    assert len(said) == len(set(said)), [t for t in said if said.count(t) > 1]
    assert scene.steps_at_end == [(p.name, None if p.step is None else f"step {p.step} of 5: {STEPS[p.step - 1]}")
                                  for p in WALKTHROUGH]
    assert all(end - start <= 1.0 for start, end, bare in scene.stage_log if bare)
    # the picture keeps moving while captions are read: no still stretch over 3.5 s
    stills = [(round(b - a, 1), round(a, 1)) for a, b in scene.still_stretches()]
    assert max(stills, default=(0, 0))[0] <= 3.5, sorted(stills)[-3:]
    assert redo_softmax(scene) >= 2
    assert not {b: what for b, what in scene.caption_clashes.items() if what}
    assert not {b: what for b, what in scene.off_frame.items() if what}
    if legible:      # no letter under 1.6 % of the frame height (scenes/lib/legibility.py)
        small = {b: s for b, s in scene.small_text.items() if s and b not in not_yet}
        assert not small, small
    for beat, boxes in scene.rest_boxes.items():
        labels = [(name, b) for name, b in boxes if name != "panel"]
        for (n1, b1), (n2, b2) in itertools.combinations(labels, 2):
            assert not b1.overlaps(b2), f"{beat}: labels {n1!r} and {n2!r} overlap"
        for name, b in labels:
            assert b.inside(PLANE), f"{beat}: label {name!r} leaves the plane"
        for name, b in boxes:
            if name == "panel":
                assert b.inside(FRAME), f"{beat}: the panel leaves the frame"
                assert b.left >= PLANE.right - 1e-6, f"{beat}: the panel runs into the plane"


@pytest.mark.parametrize("stem", SINGLE_PHRASE)
@built
def test_every_shipped_script_builds_and_shows_only_trace_numbers(stem, tmp_path):
    scene = build(walkthrough_class(ROOT / "scripts" / f"{stem}.yaml"), tmp_path)
    assert [b[0] for b in scene.beats_played] == list(WALKTHROUGH.names)
    assert 20 <= scene.time <= 150, scene.time      # captions read at 15 characters a second
    script = load_script(ROOT / "scripts" / f"{stem}.yaml")
    (trace,) = script.shown_traces()
    allowed = display_strings(script, trace)
    shown = [n for s in scene.numbers_shown for n in re.findall(r"-?\d+\.\d+", s)]
    assert len(shown) > 50
    assert set(shown) <= allowed, set(shown) - allowed
    # the numbers that matter most are really there
    f = trace.focus
    from attnmath import format_number, format_vector, format_weights
    joined = "\n".join(scene.numbers_shown)
    assert format_vector(trace.positioned[f]) in joined
    assert format_number(trace.scores[f, trace.target]) in joined
    assert format_weights(trace.weights[f])[trace.target] in joined
    assert format_vector(trace.outputs[f]) in joined
    assert_clean_layout(scene)
    # the running time `check` estimates to cap what a script asks for (attnvid.story.length)
    from attnvid.story.length import estimated_seconds
    estimate = estimated_seconds(script.sections, 1, script.narration, script.pace)
    assert 0.8 * scene.time < estimate < 1.2 * scene.time, (estimate, scene.time)
    # a first `attnvid render --jobs 2` shares the beats out by their estimates: it cuts where
    # the beats' real lengths would (what a second render, timed by the first, cuts by)
    from attnvid.publish.plan import split
    from attnvid.story.length import estimated_beat_seconds
    beats = estimated_beat_seconds(script.narration)
    assert sum(beats) == pytest.approx(estimate / script.pace)
    played = [end - start for _, start, end in scene.beats_played]
    assert split(beats, 2) == split(played, 2), (beats, played)
    # the focus's row times W_search, written out one coordinate a line, each line its row, a
    # column of the matrix as shown, and the search vector's coordinate (redone by hand above)
    lines = row_times_matrix_lines(scene, "projections")
    vector = lambda text: [Decimal(x) for x in re.findall(r"-?\d+\.\d+", text)]
    W = [[Decimal(format_number(x)) for x in row] for row in script.model.W_search]
    assert [row for row, _, _ in lines] == [vector(format_vector(trace.positioned[f]))] * len(W[0])
    assert [column for _, column, _ in lines] == [[row[k] for row in W] for k in range(len(W[0]))]
    assert [result for *_, result in lines] == vector(format_vector(trace.search[f]))


SEVEN = """\
embeddings:
  café: [-1.20, 0.40]
  猫: [0.80, -0.90]
  jumped: [1.50, 1.10]
  over: [-0.30, -1.40]
  the: [0.30, 0.80]
  extraordinarilylongword: [2.10, -0.20]
  moon: [-0.90, -0.60]
positions:
  - [0.10, 0.00]
  - [0.00, 0.10]
  - [0.10, 0.10]
  - [0.00, 0.20]
  - [0.20, 0.00]
  - [-0.10, 0.10]
  - [0.10, -0.20]
W_search: [[1.5, -0.5], [0.5, 2]]
W_offer: [[-1, 1], [2, 0.5]]
mask: causal
pace: 0.5
phrase:
  text: café 猫 jumped over the extraordinarilylongword moon
  predict: tonight
  focus: moon
  target: jumped
"""


@built
def test_seven_tokens_with_negatives_and_unicode_lay_out_cleanly(write, tmp_path):
    scene = build(walkthrough_class(write("seven.yaml", SEVEN)), tmp_path)
    assert [b[0] for b in scene.beats_played] == list(WALKTHROUGH.names)
    # not yet legible everywhere: a 23-letter word's labels and crowded tick labels still shrink
    # below the bar (issue 13's next step); the shipped scripts are held to it
    assert_clean_layout(scene, legible=False)
    script = load_script(tmp_path / "seven.yaml")
    shown = {n for s in scene.numbers_shown for n in re.findall(r"-?\d+\.\d+", s)}
    assert shown <= display_strings(script, script.shown_traces()[0])


@built
def test_a_broken_script_stops_before_rendering_with_the_check_message(write, tmp_path, capsys):
    bad = write("bad.yaml", f"model: {ROOT / 'scripts' / 'model.yaml'}\nmask: casual\nphrase: the cat\n")
    with pytest.raises(SystemExit) as stop:
        build(walkthrough_class(bad), tmp_path)
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip() == f"{bad}:2: mask 'casual' is not one of none, causal (did you mean 'causal'?)"


@built
def test_narration_overrides_and_pace_reach_the_scene(write, tmp_path):
    path = write("s.yaml", f"""\
model: {ROOT / 'scripts' / 'model.yaml'}
pace: 0.5
captions: subtitles
narration:
  takeaway: "{{focus}} ends up closest to {{winner}} ({{winner_weight}})."
phrase: {{text: The cat sat on the, focus: cat, target: sat}}
""")
    scene = build(walkthrough_class(path), tmp_path)
    fast = scene.time
    assert not scene.captions_on_screen
    slow = build(walkthrough_class(ROOT / "scripts" / "cat_sat.yaml"), tmp_path / "slow").time
    assert fast < 0.75 * slow
    script = load_script(path)
    assert WALKTHROUGH["takeaway"].text(script.shown_traces()[0], script.narration) == "cat ends up closest to sat (0.84)."


@built
def test_copying_a_script_with_a_new_phrase_gives_a_new_scene(tmp_path):
    """A user copies cat_sat.yaml to dog_ran.yaml, changes the phrase, adds two words."""
    import shutil
    (tmp_path / "scenes").mkdir()
    shutil.copy(ROOT / "scenes" / "phrase.py", tmp_path / "scenes" / "phrase.py")
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    text = (tmp_path / "scripts" / "cat_sat.yaml").read_text()
    text = text.replace("text: The cat sat on the", "text: The dog ran on the").replace(
        "focus: cat", "focus: dog").replace("target: sat", "target: ran").replace(
        "phrase:", "embeddings:\n  dog: [0.90, 0.40]\n  ran: [0.60, 1.00]\nphrase:")
    (tmp_path / "scripts" / "dog_ran.yaml").write_text(text)
    module = load_module(tmp_path / "scenes" / "phrase.py", "phrase_copy")
    scene = build(module.DogRan, tmp_path / "media")
    assert scene.trace.tokens == ("The", "dog", "ran", "on", "the")
    assert scene.trace.embeddings[1].tolist() == [0.9, 0.4]
    allowed = display_strings(scene.script, scene.trace)
    assert {n for s in scene.numbers_shown for n in re.findall(r"-?\d+\.\d+", s)} <= allowed
    assert_clean_layout(scene)


TITLES = {2: "W" * 80, 10: "Ten words, two of them long, and negative numbers: does the whole title fit?!"}


@built
@pytest.mark.parametrize("words", [2, 10])
def test_two_to_ten_words_fit(words, write, tmp_path):
    vocab = ["alpha", "beta", "extraordinarily", "delta", "epsilon", "zeta", "neighbourhood", "theta", "iota",
             "kappa"][:words]
    rows = "\n".join(f"  {w}: [{(i % 4) * 0.5 - 0.7:.2f}, {(i % 3) * 0.6 - 0.5:.2f}]" for i, w in enumerate(vocab))
    positions = "\n".join(f"  - [{0.05 * i:.2f}, {-0.05 * i:.2f}]" for i in range(words))
    path = write("s.yaml", f"embeddings:\n{rows}\npositions:\n{positions}\n"
                           "W_search: [[1, 2], [-1, 1]]\nW_offer: [[2, 0], [1, -1]]\n"
                           f"scale: {'sqrt' if words == 10 else 'none'}\nphrase: {' '.join(vocab)}\n"
                           f"title: \"{TITLES[words]}\"\n")
    scene = build(walkthrough_class(path), tmp_path)
    # ten words, two of them long, and negative numbers: every beat is held to the bar (the
    # score grid is magnified around the focus row); the longest title a script may give, in
    # words or as one run of letters, stays in the frame and legible
    assert_clean_layout(scene)
    assert scene.off_frame["title"] == [] and scene.small_text["title"] == []


@built
def test_the_equation_check_catches_numbers_a_calculator_would_not_confirm(monkeypatch, tmp_path):
    """Shown from the exact floats instead of the shown chain, CatSat writes
    [-1.76, 1.88] · [-4.45, -0.37] = 7.13 (by hand 7.14): the check must say so."""
    from attnvid.script import Script
    monkeypatch.setattr(Script, "shown_trace", Script.trace)
    scene = build(walkthrough_class(ROOT / "scripts" / "cat_sat.yaml"), tmp_path)
    with pytest.raises(AssertionError, match=r"\[-1\.76, 1\.88\] · \[-4\.45, -0\.37\] = 7\.13: by hand 7\.14"):
        redo_equations(scene)


@built
def test_a_tie_headline_names_every_word_at_the_top_and_rings_each(write, tmp_path):
    """"the" gives typed and itself the same weight (one shared vector): the takeaway's
    headline names both, says "each", and rings both chips, not only the earlier one."""
    from manim import ManimColor, SurroundingRectangle, Text
    from scenes.lib import style
    path = write("tie.yaml", f"model: {ROOT / 'scripts' / 'model.yaml'}\nphrase: {{text: Brian typed cat into the}}\n")
    scene = build(walkthrough_class(path), tmp_path)
    assert scene.beats_played[-1][0] == "takeaway"
    on_stage = [m for top in scene.mobjects for m in top.get_family()]
    words = [m.original_text for m in on_stage if isinstance(m, Text)]
    headline = words[words.index("leans most on") - 1:]
    assert headline == ["the", "leans most on", "typed", "and", "the", "0.50", "each"], headline
    rings = [m for m in on_stage if isinstance(m, SurroundingRectangle) and m.get_color() == ManimColor(style.HIGHLIGHT)]
    chips = [m for m in on_stage if isinstance(m, Text) and m.original_text in ("typed", "the")][:2]
    assert len(rings) == 2
    for ring, chip in zip(rings, chips):
        assert np.allclose(ring.get_center(), chip.get_center(), atol=0.2)
