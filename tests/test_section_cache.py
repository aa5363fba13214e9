"""The section cache: an edit re-renders only the sections it can change, and a damaged entry
is dropped and drawn again, never served."""
import json
import os
import subprocess

import pytest

from attnvid.publish.cache import SectionCache, code_version, section_keys
from attnvid.publish.plan import plan_video
from attnvid.publish.worker import Clip
from attnvid.script import load_script
from attnvid.story import EXPLAINER as PARTS
from conftest import SCRIPTS

SECTIONS = PARTS.names
EXPLAINER = (SCRIPTS / "explainer.yaml").read_text(encoding="utf-8")
MODEL = (SCRIPTS / "model.yaml").read_text(encoding="utf-8")


def keys(path, quality="l", code="v1", voice=""):
    return dict(zip(plan_video(path).sections,
                    section_keys(plan_video(path), load_script(path), quality, False, code, voice)))


def edited(write, old, new, name="explainer.yaml"):
    assert old in EXPLAINER
    return write(name, EXPLAINER.replace(old, new).replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}").replace("two_heads: two_heads.yaml", f"two_heads: {SCRIPTS / 'two_heads.yaml'}"))


def test_editing_a_phrase_keeps_the_shots_that_never_read_it(write):
    """Each beat of each phrase of the alignment is a shot of its own that reads the model and
    that phrase: editing the third phrase redraws its shots, and the sections that read every
    phrase, but not the first two phrases' shots."""
    path = edited(write, "Is your warm black cat", "Is your warm black cat", "a.yaml")
    before = keys(path)
    after = keys(edited(write, "Is your warm black cat", "Is your black warm cat", "b.yaml"))
    shots = plan_video(path).shots
    assert [s.name for s in shots if s.phrase is not None and s.fresh] == [f"alignment phrase {k}" for k in (1, 2, 3)]

    def reads_it(shot):
        return shot.phrase == 2 if shot.phrase is not None else "phrases" in PARTS[shot.section].reads
    same = {s.name for s in shots if before[s.name] == after[s.name]}
    assert same == {s.name for i, s in enumerate(shots) if not reads_it(s) and (i == 0 or not reads_it(shots[i - 1]))}
    assert {"dot_product", "positions_needed", "positional_encodings", "alignment phrase 1",
            "alignment phrase 2"} <= same
    assert "embeddings" not in same              # it fades the hook (which shows the phrases) out
    assert "alignment" not in same               # it fades phrases_positioned out
    assert "alignment phrase 3" not in same and "two_heads" not in same   # two_heads follows cramped onto the stage
    assert "names" in same                       # and names follows two_heads, which reads no phrase of this script


def test_the_alignment_shots_read_what_they_say(write):
    """Its own shot reads how many phrases there are (it sends each through the steps), a
    phrase's shot that phrase and whether it is the first (the first goes slowly)."""
    def script(name, *phrases):
        return write(name, f"model: {SCRIPTS / 'model.yaml'}\nphrases:\n" + "".join(f"  - {p}\n" for p in phrases)
                     + "sections: [dot_product, alignment]\n")
    cat, your, brian = "The cat sat on the", "Is your warm black cat", "Brian typed cat into the"
    a, b = keys(script("a.yaml", cat, your)), keys(script("b.yaml", your, cat))
    c, d = keys(script("c.yaml", cat, your, brian)), keys(script("d.yaml", cat, brian))
    assert a["alignment"] == b["alignment"] != c["alignment"]
    assert a["alignment phrase 1"] == d["alignment phrase 1"] != b["alignment phrase 1"]
    assert a["alignment phrase 2"] == c["alignment phrase 2"]
    assert a["alignment phrase 2"] != b["alignment phrase 2"]   # another phrase, after another one


def test_editing_the_model_keeps_only_what_reads_neither_it_nor_follows_what_does(write):
    """The registry says dot_product reads nothing of the script: first in the list, it keeps
    its key when the model changes; names reads the model, and bigrams clears names' stage."""
    def script(name, model):
        model_path = write(f"{name}-model.yaml", model)
        return write(f"{name}.yaml", f"model: {model_path}\nphrases:\n  - The cat sat on the\n"
                                     "  - Is your warm black cat\nsections: [dot_product, names, bigrams]\n")
    assert "[-8.36, 9.12]" in MODEL
    before = keys(script("a", MODEL))
    after = keys(script("b", MODEL.replace("[-8.36, 9.12]", "[-8.36, 9.13]")))
    assert PARTS["dot_product"].reads == () and "model" in PARTS["names"].reads
    assert {s for s in before if before[s] == after[s]} == {"dot_product"}


def with_narration(write, name, narration: dict) -> dict:
    body = EXPLAINER.replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}").replace(
        "two_heads: two_heads.yaml", f"two_heads: {SCRIPTS / 'two_heads.yaml'}")
    assert "\nnarration:" not in body
    lines = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in narration.items())
    return keys(write(name, body + ("\nnarration:\n" + lines if lines else "")))


@pytest.mark.parametrize("override, redrawn", [
    ("dot_product", {"dot_product", "positions_needed"}),            # it, and the one that replaces its caption
    ("recap", {"recap"}),
    # a walkthrough beat the alignment's first phrase says (the later ones say a shorter caption
    # of ours instead), the beats that go on from it, and the phrase after, which replaces the
    # phrase's last caption
    ("softmax", {"alignment phrase 1: softmax", "alignment phrase 1: weighted_sum", "alignment phrase 1: takeaway",
                 "alignment phrase 2"}),
    # a beat every phrase says, the next phrase after each, and what follows the last one
    ("takeaway", {"alignment phrase 1: takeaway", "alignment phrase 2", "alignment phrase 2: takeaway",
                  "alignment phrase 3", "alignment phrase 3: takeaway", "three_partners"}),
    ("alignment", {"alignment", "alignment phrase 1"}),               # the roadmap, and the first phrase after it
    # a walkthrough beat's name, but the explainer's section in a script of several phrases
    # (the alignment does not play the walkthrough's embeddings beat)
    ("embeddings", {"embeddings", "dot_product"}),
    ("learned", {"relevance_learned", "why_it_matters"}),              # a Learning beat
])
def test_editing_one_caption_redraws_the_sections_that_say_it_and_the_next(write, override, redrawn):
    from attnvid.story import narration_keys
    assert override in narration_keys()
    before = with_narration(write, "a.yaml", {})
    after = with_narration(write, "b.yaml", {override: "Something else is said here."})
    assert {s for s in before if before[s] != after[s]} == redrawn


def test_pace_code_and_quality_change_every_key(write):
    base = keys(SCRIPTS / "explainer.yaml")
    assert not set(base.values()) & set(keys(SCRIPTS / "explainer.yaml", code="v2").values())
    assert not set(base.values()) & set(keys(SCRIPTS / "explainer.yaml", quality="h").values())
    slower = write("slow.yaml", EXPLAINER.replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}").replace("two_heads: two_heads.yaml", f"two_heads: {SCRIPTS / 'two_heads.yaml'}") + "\npace: 1.5\n")
    assert not set(base.values()) & set(keys(slower).values())


def test_the_voice_and_whether_its_words_can_be_timed_change_every_key(monkeypatch, tmp_path):
    """Narrated, speech sets each beat's length and word times where its pictures start: a
    voice, and installing the onnx package that times words, each redraw everything."""
    from attnvid.narration import timing
    from attnvid.narration.synthesis import Voice
    from attnvid.publish.cache import voice_key
    (tmp_path / "v.onnx").write_bytes(b"model")
    (tmp_path / "v.onnx.json").write_text("{}")
    voice = Voice("v", tmp_path / "v.onnx", tmp_path / "v.onnx.json")
    monkeypatch.setattr(timing, "clock_available", lambda: True)
    words = voice_key(voice)
    monkeypatch.setattr(timing, "clock_available", lambda: False)
    phrases = voice_key(voice)
    assert voice_key(None) == "" and words != phrases
    base = keys(SCRIPTS / "explainer.yaml")
    for v in (words, phrases):
        assert not set(base.values()) & set(keys(SCRIPTS / "explainer.yaml", voice=v).values())
    assert not set(keys(SCRIPTS / "explainer.yaml", voice=words).values()) & set(
        keys(SCRIPTS / "explainer.yaml", voice=phrases).values())


def test_moving_the_file_or_its_comments_changes_nothing(write):
    a = keys(edited(write, "Is your warm black cat", "Is your warm black cat", "a.yaml"))
    b = keys(write("b.yaml", "# a comment\n\n" + EXPLAINER.replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}").replace("two_heads: two_heads.yaml", f"two_heads: {SCRIPTS / 'two_heads.yaml'}")))
    assert a == b


def test_a_walkthrough_beat_changes_with_any_edit(write):
    cat = (SCRIPTS / "cat_sat.yaml").read_text(encoding="utf-8").replace("model: model.yaml", f"model: {SCRIPTS / 'model.yaml'}").replace("two_heads: two_heads.yaml", f"two_heads: {SCRIPTS / 'two_heads.yaml'}")
    a = keys(write("a.yaml", cat))
    b = keys(write("b.yaml", cat.replace("The cat sat on the", "The cat sat on on")))
    assert len(set(a.values())) == len(a) and not set(a.values()) & set(b.values())


def tiny_clip(path, seconds=1):
    """A real mp4 (the cache stores only clips ffprobe can read)."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c=black:s=64x64:d={seconds}",
                    "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def test_entries_round_trip_and_prune_oldest_first(tmp_path):
    clips = []
    for i in range(3):
        f = tiny_clip(tmp_path / f"c{i}.mp4")
        clips.append(Clip(i, f"s{i}", f, ((0.0, 1.0, "words"),), (("beat", 0.0, 1.0),)))
    cache = SectionCache(tmp_path / "cache", budget=int(2.5 * clips[0].path.stat().st_size) + 1000)
    for i, clip in enumerate(clips):
        cache.put(f"k{i}", clip)
    got = cache.get("k1", 1, "s1")
    assert got is not None and got.cues == clips[1].cues and got.beats == clips[1].beats
    assert got.path.read_bytes() == clips[1].path.read_bytes()
    assert cache.get("k1", 1, "another name") is None and cache.get("nope", 0, "s0") is None
    os.utime(tmp_path / "cache" / "k0", (1, 1))     # k0 is the least recently used
    cache.prune()
    assert cache.get("k0", 0, "s0") is None and cache.get("k2", 2, "s2") is not None
    assert cache.dropped == []


def damage_garbage(entry):
    clip = entry / "clip.mp4"
    data = bytearray(clip.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = os.urandom(min(4096, len(data) - middle))
    clip.write_bytes(bytes(data))


def damage_truncate(entry):
    clip = entry / "clip.mp4"
    clip.write_bytes(clip.read_bytes()[:len(clip.read_bytes()) // 3])


def damage_empty(entry):
    (entry / "clip.mp4").write_bytes(b"")


def damage_delete(entry):
    (entry / "clip.mp4").unlink()


def damage_record(entry):
    (entry / "clip.json").write_text('{"name": "s0", "file": "../../x", "cues": [[1, 0, "t"]]', encoding="utf-8")


def damage_types(entry):
    record = json.loads((entry / "clip.json").read_text(encoding="utf-8"))
    record["cues"] = [["soon", "later", 3]]
    (entry / "clip.json").write_text(json.dumps(record), encoding="utf-8")


def damage_nothing(entry):
    pass


@pytest.mark.parametrize("damage", [damage_garbage, damage_truncate, damage_empty, damage_delete, damage_record,
                                    damage_types, damage_nothing])
def test_a_damaged_entry_is_dropped_with_a_reason_never_served(tmp_path, damage):
    clip = Clip(0, "s0", tiny_clip(tmp_path / "c.mp4", 2), ((0.0, 1.5, "words"),), (("beat", 0.0, 2.0),))
    cache = SectionCache(tmp_path / "cache")
    cache.put("k0", clip)
    damage(tmp_path / "cache" / "k0")
    got = cache.get("k0", 0, "s0")
    if damage is damage_nothing:
        assert got is not None and cache.dropped == []
        return
    assert got is None
    assert not (tmp_path / "cache" / "k0").exists()            # gone, so the next render stores a good one
    assert len(cache.dropped) == 1 and "section 's0' was damaged" in cache.dropped[0], cache.dropped
    cache.put("k0", clip)
    assert cache.get("k0", 0, "s0") is not None


def test_a_clip_ffprobe_cannot_read_is_not_stored(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(os.urandom(4096))
    cache = SectionCache(tmp_path / "cache")
    cache.put("k0", Clip(0, "s0", bad, (), ()))
    assert cache.get("k0", 0, "s0") is None and cache.dropped == []


def test_the_code_version_covers_what_draws_and_not_what_publishes(tmp_path):
    """Editing the page HTML (attnvid/publish) or the command line must not empty the cache;
    editing the numbers, the story or a scene must."""
    files = ["attnmath/attention.py", "attnvid/script.py", "attnvid/story/registry.py", "attnvid/cli.py",
             "attnvid/publish/pages.py", "attnvid/publish/render.py", "scenes/lib/beats.py", "scenes/phrase.py",
             "attnvid/narration/track.py", "attnvid/narration/synthesis.py"]
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text(f"# {f}\n", encoding="utf-8")
    base = code_version(tmp_path)
    assert code_version(tmp_path) == base

    def edited(f):
        path = tmp_path / f
        text = path.read_text(encoding="utf-8")
        path.write_text(text + "x = 1\n", encoding="utf-8")
        try:
            return code_version(tmp_path)
        finally:
            path.write_text(text, encoding="utf-8")
    for f in ("attnvid/publish/pages.py", "attnvid/publish/render.py", "attnvid/cli.py", "attnvid/narration/track.py"):
        assert edited(f) == base, f
    for f in ("attnmath/attention.py", "attnvid/script.py", "attnvid/story/registry.py", "scenes/lib/beats.py",
              "scenes/phrase.py", "attnvid/narration/synthesis.py"):    # the speech sets how long beats last
        assert edited(f) != base, f
    (tmp_path / "scenes" / "lib" / "new.py").write_text("", encoding="utf-8")     # a new file counts too
    assert code_version(tmp_path) != base


def test_the_real_code_version_reads_this_checkout():
    assert code_version() == code_version(SCRIPTS.parent)
