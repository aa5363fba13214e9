"""The full explainer: built in pytest for the shipped script and a shortened, reordered one;
every claim its captions make is checked against the numbers; one real render with sections."""
import json
import re
from decimal import Decimal

import numpy as np
import pytest

from attnmath import angle_degrees, format_vector, format_weights

from attnvid.publish.records import ATTN_SCRIPT, ATTN_SECTIONS, ATTN_VOICE
from attnvid.story import EXPLAINER
from attnvid.story.registry import PLAYS_BEATS_OF
from attnvid.story import explainer as data
from attnvid.script import load_script
from conftest import SCRIPTS, VOICE_INSTALLED
from render_support import probe, render, srt_cues
from scene_support import build, redo_equations, redo_softmax



def vector(text: str) -> list[Decimal]:
    return [Decimal(x) for x in re.findall(r"-?\d+\.\d+", text)]


pytestmark = pytest.mark.slow


def explainer_class(monkeypatch, path):
    monkeypatch.setenv(ATTN_SCRIPT, str(path))
    import importlib
    import scenes.explainer as module
    module = importlib.reload(module)
    return module.Explainer


@pytest.fixture
def shipped(shipped_explainer):
    """The shipped explainer (conftest.shipped_explainer: built once per test session)."""
    return shipped_explainer


@pytest.mark.skipif(not VOICE_INSTALLED, reason="the voice extra is not installed")
def test_the_narrated_explainer_waits_for_its_voice(shipped):
    from test_narrated_scenes import assert_paced_by_the_voice
    assert_paced_by_the_voice(shipped)
    assert len(shipped.spoken) > 70
    # the three phrases' winners light up as they are named (their softmax beats), and the
    # takeaway's too: a picture on its word, not just on its sentence
    assert sum(1 for _, w, _, _ in shipped.landings if not w.endswith("°")) >= 3
    # the embeddings section: the arc between cat and typed comes as its angle is said
    from attnvid.story.explainer import cat_typed_angle
    degrees = cat_typed_angle(load_script(SCRIPTS / "explainer.yaml"))
    assert [w for _, w, _, _ in shipped.landings][0] == f"{degrees}°"


def test_every_beat_a_section_plays_says_words_its_cache_key_reads(shipped):
    """The section cache keys a section by the narration overrides the registry says it reads
    (narration_read_by); a beat whose caption came from any other key would keep a stale clip
    after that caption's edit. Each beat's caption is its part's: a beat named after its part,
    or "phrase: ..." for the walkthrough's title part as the alignment section plays it."""
    from attnvid.story import WALKTHROUGH, explainer_shots, narration_read_by
    from attnvid.story.registry import phrase_beats
    script = load_script(SCRIPTS / "explainer.yaml")
    shots = {s.name: s for s in explainer_shots(script.sections, len(script.phrases))}
    starts = shipped.sections_opened
    assert [n for n, _ in starts] == list(shots)
    played: dict[str, list[str]] = {}
    for name, start, _ in shipped.beats_played:
        shot = shots[[s for s, t in starts if t <= start + 1e-9][-1]]
        part = "title" if name.startswith("phrase: ") else name
        played.setdefault(shot.name, []).append(part)
        if name.startswith("phrase: "):   # a phrase's shot plays that phrase (its key reads no other)
            assert shot.phrase is not None and name == f"phrase: {script.phrases[shot.phrase].text}"
        if shot.phrase is not None and shot.phrase > 0 and WALKTHROUGH[part].again is not None:
            # a later phrase says this beat's shorter caption of ours, which no override replaces
            marker = "An override no later phrase says."
            trace = script.shown_traces()[shot.phrase]
            assert marker not in WALKTHROUGH[part].text(trace, {part: marker}, again=True)
            continue
        assert part in narration_read_by(shot), (shot, name)
    # each phrase's shots play the beats the registry lists for it, one each (narration_read_by reads them)
    for shot in shots.values():
        if shot.phrase is not None:
            assert played[shot.name] == list(shot.beats), shot
    for k in range(len(script.phrases)):
        assert [b for s in shots.values() if s.phrase == k for b in s.beats] == list(phrase_beats(k == 0))


def test_the_shipped_explainer_builds_every_section_in_order(shipped):
    scene = shipped
    script = load_script(SCRIPTS / "explainer.yaml")
    played = [b[0] for b in scene.beats_played]
    order = [name for name in played if name in EXPLAINER.names]
    assert order == [s for s in script.sections if s not in PLAYS_BEATS_OF]
    assert script.sections == EXPLAINER.names          # the shipped story is the default order
    # 3 to 11 minutes (a chapter, not a lecture); narrated, the voice takes a little longer than reading
    assert 180 <= scene.time <= (720 if scene.spoken else 660), scene.time
    shown = {n for s in scene.numbers_shown for n in re.findall(r"-?\d+\.\d+", s)}
    traces = script.traces()
    for t in traces:                                          # the article's vectors are on screen
        assert {format_vector(v).strip("[]").split(", ")[0] for v in t.positioned} <= shown
    # every equation on screen holds by hand: the alignment's dot products, sums and weighted sums,
    # the dot-product section's component forms, and each position added to cat
    assert redo_equations(scene) >= 3 * 6
    names = [n for n, _ in scene.sections_opened]
    strings = scene.section_numbers[names.index("positional_encodings")]
    cat = [Decimal(repr(x)) for x in script.model.embeddings["cat"]]
    shown_positions = [t for t in strings if re.fullmatch(r"\[[-\d., ]+\]", t)]     # position i's vector
    totals = [m.group(1) for t in strings if (m := re.fullmatch(r"→ cat (\[[-\d., ]+\])", t))]
    assert len(totals) == len(shown_positions) == len(script.model.positions)
    for p, total in zip(shown_positions, totals):
        assert [a + b for a, b in zip(cat, vector(p))] == vector(total), (p, total)
    # the counterfactuals: each alternative's sum is on screen with its result right after it
    # (redone by hand in redo_equations), and the real new vector beside them
    from attnvid.story.explainer import leanings
    strings = scene.section_numbers[names.index("why_it_matters")]
    for lean in leanings(script):
        assert f"new cat = {lean.output}" in strings
        for a in lean.alternatives:
            assert strings[strings.index(a.sum_text) + 1] == f"= {a.result}"
    # the special cases are said where the phrases play: phrase 1 unmasked, typed = the
    opening = lambda phrase: said_in(scene, f"phrase: {phrase}")
    assert "No causal mask in this phrase: cat sees the whole phrase" in opening("The cat sat on the")
    assert "typed and the land on the same vector, [0.50, 0.80]" in opening("Brian typed cat into the")
    assert "No causal mask" not in opening("Brian typed cat into the") + opening("Is your warm black cat")


def test_each_phrase_opens_with_step_one_written_out_beside_its_plane(shipped):
    """While a phrase's opening caption is read (step 1 of 5, add positions), the panel beside
    the plane holds that phrase's sums, each right after the embedding it adds to (so
    redo_equations redoes them by hand), and the note on words that share a vector: the frame's
    right half is not left empty while the caption talks about those numbers."""
    from scenes.lib.layout import FRAME, PLANE
    script = load_script(SCRIPTS / "explainer.yaml")
    names = [n for n, _ in shipped.sections_opened]
    for k, t in enumerate(script.shown_traces()):
        strings = shipped.section_numbers[names.index(f"alignment phrase {k + 1}")]
        for i in range(t.n):
            total = f"+ {format_vector(t.positions[i])} = {format_vector(t.positioned[i])}"
            assert strings[strings.index(total) - 1] == format_vector(t.embeddings[i]), total
        panel = [box for name, box in shipped.rest_boxes[f"phrase: {t.text}"] if name == "panel"]
        assert len(panel) == 1 and panel[0].inside(FRAME) and panel[0].left >= PLANE.right - 1e-6, panel
    opening = shipped.rest_boxes["phrase: The cat sat on the"]       # the first phrase: the table itself
    (panel,) = [box for name, box in opening if name == "panel"]
    assert panel.w >= 0.6 * (FRAME.right - PLANE.right), panel


def said_in(scene, beat: str, occurrence: int = 0) -> str:
    """Everything the captions said during a beat (its phrases, joined)."""
    spans = [(start, end) for name, start, end in scene.beats_played if name == beat]
    start, end = spans[occurrence]
    return " ".join(text for _, s, e, text in scene.cues if start - 1e-6 <= s and e <= end + 1e-6)


def test_no_caption_is_said_twice_and_every_phrase_fits_two_lines_at_one_size(shipped):
    from scenes.lib.layout import CAPTION
    from scenes.lib.pieces import Caption
    said = [text for *_, text in shipped.cues]
    assert len(said) == len(set(said)), [t for t in said if said.count(t) > 1]
    assert all(Caption(text, CAPTION).shrunk == 1.0 for text in set(said))


def test_no_stretch_longer_than_a_second_shows_only_a_caption(shipped):
    bare, longest = 0.0, 0.0
    for start, end, only_caption in shipped.stage_log:
        bare = bare + (end - start) if only_caption else 0.0
        longest = max(longest, bare)
    assert longest <= 1.0, longest
    assert not shipped.mobjects                      # a clean end: the last frame is empty, not frozen


def test_the_picture_keeps_moving_while_captions_are_read(shipped):
    """Still stretches (only waits and caption changes) are measured from the scene's own log.
    Each phrase's walkthrough holds still at most 3.5 s; the explainer at most 3 s anywhere and,
    all stretches over 1 s together, under a tenth of its running time (issue 13's measure:
    197 s over 3 s of 565 s before the sections were paced to their captions, 115 s after the
    first pass, 0 s now, with 31 s over 1 s: breaths between beats and caption changes)."""
    stills = sorted(round(b - a, 1) for a, b in shipped.still_stretches())
    assert stills[-1] <= 3.0, stills[-5:]
    assert sum(s for s in stills if s > 1.0) < 0.1 * shipped.time, sum(s for s in stills if s > 1.0)


def test_every_softmax_redoes_by_hand_and_the_text_is_legible_at_480p(shipped):
    assert redo_softmax(shipped) >= 3 * 3
    assert not {beat: small for beat, small in shipped.small_text.items() if small}


def test_the_running_time_check_estimates_is_near_the_real_one(shipped):
    """`check` caps a script at MAX_MINUTES by this estimate (attnvid.story.length): captions'
    reading time, each part at least its animation's floor. The explainer's sections animate
    more than their captions say, so it runs somewhat longer than estimated."""
    from attnvid.script import load_script
    from attnvid.story.length import estimated_seconds
    script = load_script(SCRIPTS / "explainer.yaml")
    estimate = estimated_seconds(script.sections, len(script.phrases), script.narration, script.pace)
    assert 0.65 * shipped.time < estimate < 1.1 * shipped.time, (estimate, shipped.time)


def test_nothing_reaches_into_the_caption_or_writes_past_the_frame_at_any_beats_end(shipped):
    """The caption's own lines (one or two) against every drawn piece on stage: the cramped
    plane's foot once ran under a two-line caption."""
    assert len(shipped.caption_clashes) >= 20
    assert not {beat: what for beat, what in shipped.caption_clashes.items() if what}
    assert not {beat: what for beat, what in shipped.off_frame.items() if what}


def test_the_step_tracker_names_the_beat_being_played(shipped):
    from attnvid.story import WALKTHROUGH
    from attnvid.story.walkthrough import STEPS
    openings = [name for name, _ in shipped.steps_at_end if name.startswith("phrase: ")]
    assert len(openings) == 3
    for name, shown in shipped.steps_at_end:
        if name.startswith("phrase: "):
            step = 1 if name == openings[0] else 2      # later phrases show their search and offer at once
        else:
            step = WALKTHROUGH[name].step if name in WALKTHROUGH else None
        assert shown == (None if step is None else f"step {step} of 5: {STEPS[step - 1]}"), (name, shown)


def test_each_phrase_ends_naming_its_word_and_the_failure_is_said_when_the_weights_land(shipped):
    script = load_script(SCRIPTS / "explainer.yaml")
    for k, t in enumerate(script.shown_traces()):
        assert f"“{t.predict}”" in said_in(shipped, "takeaway", k)
    third = script.shown_traces()[2]
    target = third.tokens[third.target]
    weight = format_weights(third.weights[third.focus])[third.target]
    assert f"the word that should win is {target}, and it gets only {weight}" in said_in(shipped, "softmax", 2)
    assert "should win" not in said_in(shipped, "softmax", 0) + said_in(shipped, "softmax", 1)
    recap = said_in(shipped, "recap")
    assert "cat leans on sat, a cue for “mat”" in recap and "rather than Is" in recap


def test_a_shortened_reordered_script_plays_just_those_sections(monkeypatch, tmp_path, write):
    path = write("short.yaml", f"model: {SCRIPTS / 'model.yaml'}\nphrases:\n"
                               "  - {text: The cat sat on the, focus: cat, target: sat}\n"
                               "sections: [names, positions_needed, bigrams]\n")
    scene = build(explainer_class(monkeypatch, path), tmp_path)
    assert [b[0] for b in scene.beats_played] == ["names", "positions_needed", "bigrams"]


def test_sections_the_cache_keeps_across_phrase_edits_really_ignore_the_phrases(monkeypatch, tmp_path, write):
    """attnvid/publish/cache.py keeps a section's clip when the phrases change if the registry's
    `reads` says it does not read them: build those sections with two different sets of phrases
    and compare every number and caption they show."""
    # (alignment's own shot reads only their count, but its phrases' shots read them: not here)
    blind = [s.name for s in EXPLAINER if "phrases" not in s.reads and s.name != "alignment"]
    seen = []
    for name, phrases in (("a.yaml", ["The cat sat on the", "Brian typed cat into the"]),
                          ("b.yaml", ["Is your warm black cat", "your black cat sat", "on the cat"])):
        path = write(name, f"model: {SCRIPTS / 'model.yaml'}\nmask: causal\ntwo_heads: {SCRIPTS / 'two_heads.yaml'}\n"
                           "phrases:\n" + "".join(f"  - {p}\n" for p in phrases) + f"sections: [{', '.join(blind)}]\n")
        scene = build(explainer_class(monkeypatch, path), tmp_path / f"media-{name}")
        assert [n for n, _ in scene.sections_opened] == blind
        seen.append([(scene.section_numbers.get(i, []), [c[3] for c in scene.cues if c[0] == i])
                     for i in range(len(blind))])
    assert seen[0] == seen[1]
    assert all(numbers for numbers, _ in seen[0][:1])     # it did compare something


def phrase_shots(sections, phrase_count: int, k: int) -> list[int]:
    """The indices of phrase k's shots (one per beat) among an explainer's sections."""
    from attnvid.story import explainer_shots
    return [i for i, s in enumerate(explainer_shots(sections, phrase_count)) if s.phrase == k]


def test_a_phrases_shots_show_the_same_whatever_the_other_phrases(monkeypatch, tmp_path, write):
    """The section cache keys each phrase's shots of the alignment by the model and that phrase
    (and whether it is first): drawn alone, as attnvid render draws them, they show the same
    numbers and captions when the other phrase changes."""
    def shot(name, phrases, k):
        path = write(name, f"model: {SCRIPTS / 'model.yaml'}\nmask: causal\nphrases:\n"
                           + "".join(f"  - {p}\n" for p in phrases) + "sections: [alignment]\n")
        drawn = phrase_shots(("alignment",), 2, k)
        monkeypatch.setenv(ATTN_SECTIONS, ",".join(map(str, drawn)))
        scene = build(explainer_class(monkeypatch, path), tmp_path / f"media-{name}")
        assert [n for n, _ in scene.sections_opened][drawn[0]] == f"alignment phrase {k + 1}"
        return ([scene.section_numbers.get(i) for i in drawn],
                [[c[3] for c in scene.cues if c[0] == i] for i in drawn])
    cat, your, brian = "The cat sat on the", "Is your warm black cat", "Brian typed cat into the"
    first = shot("a.yaml", [cat, your], 0)
    assert first == shot("b.yaml", [cat, brian], 0) and first[0][0]
    second = shot("c.yaml", [cat, your], 1)
    assert second == shot("d.yaml", [brian, your], 1) and second[0][0]
    assert second != first


def test_a_process_drawing_from_a_phrases_later_beat_replays_that_phrase_alone_and_shows_the_same(
        monkeypatch, tmp_path, write):
    """Two processes can cut the alignment between two beats of a phrase: one drawing from the
    second phrase's softmax on plays that phrase's title and scores without frames (their
    picture is what softmax goes on from) and nothing of the first phrase, and shows exactly
    what the whole run shows: the same numbers, captions and run times (so as many frames)."""
    from attnvid.story import explainer_shots
    sections = ("alignment", "weighted_average")
    path = write("two.yaml", f"model: {SCRIPTS / 'model.yaml'}\nmask: causal\nphrases:\n"
                             "  - The cat sat on the\n  - Is your warm black cat\n"
                             f"sections: [{', '.join(sections)}]\n")
    names = [s.name for s in explainer_shots(sections, 2)]
    softmax = names.index("alignment phrase 2: softmax")
    drawn = range(softmax, len(names))
    whole = build(explainer_class(monkeypatch, path), tmp_path / "whole")
    monkeypatch.setenv(ATTN_SECTIONS, ",".join(map(str, drawn)))
    part = build(explainer_class(monkeypatch, path), tmp_path / "part")
    assert [n for n, _ in part.sections_opened] == names
    ran = {s for s, _ in part.run_times}
    assert ran == set(range(names.index("alignment phrase 2"), len(names)))   # phrase 1 never ran
    for i in drawn:
        assert part.section_numbers.get(i) == whole.section_numbers.get(i)
        assert [c[3] for c in part.cues if c[0] == i] == [c[3] for c in whole.cues if c[0] == i]
        assert [t for s, t in part.run_times if s == i] == [t for s, t in whole.run_times if s == i]
    assert part.section_numbers.get(softmax)


def test_a_process_drawing_later_sections_plays_only_the_one_before_and_shows_the_same(monkeypatch, tmp_path,
                                                                                        write):
    """attnvid render shares the explainer's sections between processes; one drawing sections
    2 and 3 runs section 1 (skipped: its last picture is what 2 fades out) and not section 0,
    and shows exactly what the whole run shows in 2 and 3."""
    path = write("four.yaml", f"model: {SCRIPTS / 'model.yaml'}\nmask: causal\nphrases:\n"
                              "  - The cat sat on the\n  - Is your warm black cat\n"
                              "sections: [embeddings, dot_product, positional_encodings, weighted_average]\n")
    whole = build(explainer_class(monkeypatch, path), tmp_path / "whole")
    monkeypatch.setenv(ATTN_SECTIONS, "2,3")
    part = build(explainer_class(monkeypatch, path), tmp_path / "part")
    assert 0 not in part.section_numbers and 1 in part.section_numbers    # 0 never ran, 1 did
    for i in (2, 3):
        assert part.section_numbers[i] == whole.section_numbers[i]
        assert [c[3] for c in part.cues if c[0] == i] == [c[3] for c in whole.cues if c[0] == i]
        # and every play lasts exactly as long (so as many frames), though this process's clock
        # reached the section by another path: run times are worked out from the clock
        assert [t for s, t in part.run_times if s == i] == [t for s, t in whole.run_times if s == i]
    starts = dict(part.sections_opened)
    assert starts["dot_product"] == 0          # section 0 took no time at all


def test_the_captions_claims_hold():
    script = load_script(SCRIPTS / "explainer.yaml")
    m = script.model
    caption = EXPLAINER["embeddings"].text(script)
    angle = angle_degrees(m.embeddings["cat"], m.embeddings["typed"])
    assert f"cat and typed are {angle:.0f}° apart" in caption
    # without positions, the same word gets the same output in either order
    one, two = data.order_blind(script)
    np.testing.assert_allclose(one.outputs[0], two.outputs[1])
    np.testing.assert_allclose(one.outputs[1], two.outputs[0])
    # the causal mask hides later words: weight exactly 0; attention is sharper than a plain average
    t = script.traces()[1]
    flat, sharp = data.flat_and_sharp(t, t.focus)
    assert (sharp[~t.visible[t.focus]] == 0).all() and (flat[~t.visible[t.focus]] == 0).all()
    assert sharp.max() > flat.max()
    # the bigram looks only one back; attention is computed
    windows = data.fixed_windows(t)
    assert windows["bigram"][3].tolist() == [0, 0, 1, 0, 0]
    np.testing.assert_array_equal(windows["attention"], t.weights)
    # the dot product examples are the article's
    assert [e.value for e in data.dot_examples()] == [3.0, 0.0, -3.0]
    phrases = EXPLAINER["phrases_positioned"].text(script)
    assert "[1.00, 0.60], [1.10, 0.60], [1.20, 0.50]" in phrases


def test_one_ql_render_with_sections(tmp_path):
    video = render("scenes/explainer.py", "Explainer", tmp_path, extra=["--save_sections"])
    info = probe(video)
    assert (info["codec_name"], info["pix_fmt"]) == ("h264", "yuv420p")
    assert 180 <= info["duration"] <= 660          # 3 to 11 minutes, as the build test allows
    index = next((video.parent / "sections").glob("*.json"))
    sections = json.loads(index.read_text())
    names = [s["name"] for s in sections]
    wanted = list(load_script(SCRIPTS / "explainer.yaml").sections)
    assert names[:1] == ["autocreated"] or names[0] == wanted[0]
    assert [n for n in names if n in wanted] == wanted
    total = 0.0
    for s in sections:
        clip = video.parent / "sections" / s["video"]
        assert clip.exists()
        clip_info = probe(clip)
        assert clip_info["codec_name"] == "h264"
        total += clip_info["duration"]
    assert abs(total - info["duration"]) < 1.0
    cues = srt_cues(video.with_suffix(".srt"))
    assert cues[0][0] < 1.0 and abs(cues[-1][1] - info["duration"]) < 1.0
    for (s1, e1, _), (s2, _, _) in zip(cues, cues[1:]):
        assert s2 >= e1 - 0.05                            # in order, no overlaps


def test_a_new_section_is_one_registry_entry_and_one_drawing_function(monkeypatch, tmp_path, write):
    """The README's promise: a section declared in attnvid/story/registry.py and drawn by one
    function registered under its name plays, is validated, captioned and cached like the rest."""
    from manim import Circle

    from attnvid.publish.cache import section_keys
    from attnvid.publish.plan import plan_video
    from attnvid.story import registry
    from scenes.lib import explainer as sections
    from scenes.lib.fading import FadeIn

    part = registry.Part("temperature", "Hotter or colder, {focus} still leans somewhere.", ("focus",),
                         lambda script: {"focus": script.traces()[0].tokens[script.phrases[0].focus]})
    parts = registry.EXPLAINER.parts
    object.__setattr__(registry.EXPLAINER, "parts", parts + (part,))     # one entry
    try:
        @sections.captioned("temperature")                                 # one function
        def temperature(scene, script, traces):
            sections.clear_stage(scene)
            scene.play(FadeIn(Circle()), run_time=scene.t(1.0))

        head = f"model: {SCRIPTS / 'model.yaml'}\nphrases:\n  - {{text: The cat sat on the, focus: cat, target: sat}}\n" \
               "  - Brian typed cat into the\nsections: [temperature, names]\n"
        path = write("t.yaml", head + "narration:\n  temperature: \"{focus} runs hot\"\n")
        scene = build(explainer_class(monkeypatch, path), tmp_path)
        assert [b[0] for b in scene.beats_played] == ["temperature", "names"]
        assert scene.cues[0][3] == "cat runs hot"
        video = plan_video(path)
        assert video.sections == ("temperature", "names")
        assert len(set(section_keys(video, video.script, "l", False, "v"))) == 2
        with pytest.raises(Exception, match=r"\{winner\} is not a placeholder of the temperature caption"):
            load_script(write("u.yaml", head + "narration:\n  temperature: \"{winner}\"\n"))
    finally:
        object.__setattr__(registry.EXPLAINER, "parts", parts)
        sections.SECTIONS.pop("temperature", None)
