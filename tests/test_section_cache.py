"""The section cache's keys: an edit re-renders only the sections it can change."""

from attnvid.cache import SECTION_INPUTS, SectionCache, section_keys
from attnvid.narration import SECTIONS
from attnvid.plan import plan_video
from attnvid.script import load_script
from attnvid.worker import Clip
from conftest import SCRIPTS

EXPLAINER = (SCRIPTS / "explainer.yaml").read_text(encoding="utf-8")


def keys(path, quality="l", code="v1"):
    return dict(zip(plan_video(path).sections, section_keys(plan_video(path), load_script(path), quality, False, code)))


def edited(write, old, new, name="explainer.yaml"):
    assert old in EXPLAINER
    return write(name, EXPLAINER.replace(old, new).replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}"))


def test_every_explainer_section_declares_what_it_reads():
    assert set(SECTION_INPUTS) == set(SECTIONS)


def test_editing_a_phrase_keeps_the_sections_that_never_read_phrases(write):
    before = keys(edited(write, "Is your warm black cat", "Is your warm black cat", "a.yaml"))
    after = keys(edited(write, "Is your warm black cat", "Is your black warm cat", "b.yaml"))
    same = {s for s in SECTIONS if before[s] == after[s]}
    assert same == {s for s in SECTIONS if "phrases" not in SECTION_INPUTS[s]
                    and (SECTIONS.index(s) == 0 or "phrases" not in SECTION_INPUTS[SECTIONS[SECTIONS.index(s) - 1]])}
    assert {"embeddings", "dot_product", "positions_needed", "positional_encodings"} <= same
    assert "alignment" not in same and "names" not in same     # names follows cramped onto the stage


def test_pace_code_and_quality_change_every_key(write):
    base = keys(SCRIPTS / "explainer.yaml")
    assert not set(base.values()) & set(keys(SCRIPTS / "explainer.yaml", code="v2").values())
    assert not set(base.values()) & set(keys(SCRIPTS / "explainer.yaml", quality="h").values())
    slower = write("slow.yaml", EXPLAINER.replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}") + "\npace: 1.5\n")
    assert not set(base.values()) & set(keys(slower).values())


def test_moving_the_file_or_its_comments_changes_nothing(write):
    a = keys(edited(write, "Is your warm black cat", "Is your warm black cat", "a.yaml"))
    b = keys(write("b.yaml", "# a comment\n\n" + EXPLAINER.replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}")))
    assert a == b


def test_a_walkthrough_beat_changes_with_any_edit(write):
    cat = (SCRIPTS / "cat_sat.yaml").read_text(encoding="utf-8").replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}")
    a = keys(write("a.yaml", cat))
    b = keys(write("b.yaml", cat.replace("The cat sat on the", "The cat sat on on")))
    assert len(set(a.values())) == len(a) and not set(a.values()) & set(b.values())


def test_entries_round_trip_and_prune_oldest_first(tmp_path):
    cache = SectionCache(tmp_path / "cache", budget=2500)
    clips = []
    for i in range(3):
        f = tmp_path / f"c{i}.mp4"
        f.write_bytes(bytes(1000))
        clips.append(Clip(i, f"s{i}", f, ((0.0, 1.0, "words"),), (("beat", 0.0, 1.0),)))
        cache.put(f"k{i}", clips[-1])
    got = cache.get("k1", 1, "s1")
    assert got is not None and got.cues == clips[1].cues and got.beats == clips[1].beats
    assert got.path.read_bytes() == bytes(1000)
    assert cache.get("k1", 1, "another name") is None and cache.get("nope", 0, "s0") is None
    import os
    os.utime(tmp_path / "cache" / "k0", (1, 1))     # k0 is the least recently used
    cache.prune()
    assert cache.get("k0", 0, "s0") is None and cache.get("k2", 2, "s2") is not None
