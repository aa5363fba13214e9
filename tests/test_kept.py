"""What is worked out once and kept (attnvid/kept.py): traced text outlines and learned fits.

Each kept thing must be exactly what working it out again gives (the same points and colours;
the same floats), must be read back instead of worked out (counted, not timed), and a damaged
entry must cost one more piece of work, never a wrong picture or a crash.
"""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from manim import Text as ManimText
from manim import tempconfig

from attnmath import requirement
from attnvid import fitting
from scenes.lib import glyph_cache
from scenes.lib.glyph_cache import Text

ROOT = Path(__file__).resolve().parent.parent


def outline(t) -> list[tuple]:
    """Every glyph's points and colours: what the camera draws."""
    return [(m.points.tobytes(), m.fill_rgbas.tobytes(), m.stroke_rgbas.tobytes(), float(m.stroke_width))
            for m in t.family_members_with_points()]


@pytest.fixture
def glyphs(tmp_path, monkeypatch):
    """A fresh glyph folder and an empty memory: every text is traced once, then kept."""
    monkeypatch.setenv("ATTN_GLYPH_CACHE", str(tmp_path / "glyphs"))
    monkeypatch.setattr(glyph_cache, "_MEMORY", {})
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        yield tmp_path / "glyphs"


STRINGS = ["cat's search", "[0.55, 0.77]", "Brian typed cat into the", "猫 · café → 0.90"]


def test_a_kept_text_is_drawn_exactly_as_manim_traces_it(glyphs):
    for s in STRINGS:
        traced_by_manim = ManimText(s, font="DejaVu Sans", font_size=30, color="#E07A5F")
        before = glyph_cache.traced
        first = Text(s, font="DejaVu Sans", font_size=30, color="#E07A5F")
        glyph_cache._MEMORY.clear()                      # read back from disk, as another process would
        again = Text(s, font="DejaVu Sans", font_size=30, color="#E07A5F")
        assert glyph_cache.traced == before + 1, s       # traced once, read back once
        assert outline(first) == outline(traced_by_manim) == outline(again), s
        assert first.text == again.text == traced_by_manim.text
        assert [g is h for g, h in zip(first.submobjects, again.submobjects)] == [False] * len(first.submobjects)


def test_the_style_and_the_string_are_part_of_the_key(glyphs):
    before = glyph_cache.traced
    a = Text("weight", font_size=30, color="#E07A5F")
    b = Text("weight", font_size=30, color="#81B29A")
    c = Text("weights", font_size=30, color="#E07A5F")
    Text("weight", font_size=30, color="#E07A5F")
    assert glyph_cache.traced == before + 3 and len([p for p in glyphs.rglob("*") if p.is_file()]) == 3
    assert outline(a) != outline(b) and outline(a) != outline(c)


def test_a_damaged_entry_is_traced_again_and_replaced(glyphs):
    first = Text("damaged", font_size=30)
    (entry,) = [p for p in glyphs.rglob("*") if p.is_file()]
    entry.write_bytes(b"not a pickle")
    glyph_cache._MEMORY.clear()
    before = glyph_cache.traced
    again = Text("damaged", font_size=30)
    assert glyph_cache.traced == before + 1 and outline(again) == outline(first)
    assert entry.read_bytes() != b"not a pickle"


def test_off_keeps_nothing_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTN_GLYPH_CACHE", "off")
    monkeypatch.setattr(glyph_cache, "_MEMORY", {})
    with tempconfig({"media_dir": str(tmp_path / "media")}):
        Text("memory only", font_size=30)
    assert glyph_cache.glyph_root() is None and list(glyph_cache._MEMORY)


# -- fits ------------------------------------------------------------------------------------

def small_requirement():
    x = np.array([[1.0, 0.2], [0.1, 1.0], [0.8, 0.9]])
    return [requirement("a b c", x, 2, 0, "causal", ("a", "b", "c"))]


def test_a_kept_fit_is_read_back_bit_for_bit_without_training(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(fitting, "_FITTED", {})
    trained = fitting.fit_requirements(small_requirement(), steps=50)
    monkeypatch.setattr(fitting, "_FITTED", {})           # a new process: only the disk remembers

    def no_training(*a, **k):
        raise AssertionError("trained again")
    monkeypatch.setattr(fitting, "fit_best", no_training)
    kept = fitting.fit_requirements(small_requirement(), steps=50)
    assert kept.W_search.tobytes() == trained.W_search.tobytes()
    assert kept.W_offer.tobytes() == trained.W_offer.tobytes()
    assert not kept.W_search.flags.writeable and not kept.history[-1].W_offer.flags.writeable    # shared, so frozen
    assert (kept.loss, kept.target_weights) == (trained.loss, trained.target_weights)
    assert [(h.step, h.W_search.tobytes(), h.W_offer.tobytes(), h.loss) for h in kept.history] == \
        [(h.step, h.W_search.tobytes(), h.W_offer.tobytes(), h.loss) for h in trained.history]
    # other steps are another fit
    monkeypatch.setattr(fitting, "_FITTED", {})
    with pytest.raises(AssertionError, match="trained again"):
        fitting.fit_requirements(small_requirement(), steps=51)


def test_a_damaged_fit_is_trained_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(fitting, "_FITTED", {})
    trained = fitting.fit_requirements(small_requirement(), steps=50)
    (entry,) = (tmp_path / "attnvid" / "fits").iterdir()
    entry.write_bytes(b"\x80\x05garbage")
    monkeypatch.setattr(fitting, "_FITTED", {})
    again = fitting.fit_requirements(small_requirement(), steps=50)
    assert again.W_search.tobytes() == trained.W_search.tobytes()


def test_the_fit_key_follows_attnmaths_source(tmp_path, monkeypatch):
    """Editing attnmath (say, the loss) must not read fits the old code learned."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    key = ("k",)
    before = fitting._fit_path(key)
    assert fitting._fit_path(key) == before
    monkeypatch.setattr(fitting, "_attnmath_digest", lambda: "edited")
    assert fitting._fit_path(key) != before


def test_two_processes_tracing_the_same_texts_at_once_both_draw_them_whole(tmp_path):
    """Writers race on the same entries: each writes a temporary name and renames it, so both
    processes finish and every entry left loads."""
    code = ("import sys; from manim import tempconfig; from scenes.lib.glyph_cache import Text\n"
            "with tempconfig({'media_dir': sys.argv[1]}):\n"
            "    [Text(f'race {i}', font_size=30) for i in range(40)]\n")
    env = {**os.environ, "ATTN_GLYPH_CACHE": str(tmp_path / "glyphs")}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / f"m{k}")], env=env, cwd=ROOT)
             for k in range(2)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    entries = [p for p in (tmp_path / "glyphs").rglob("*") if p.is_file()]
    assert len(entries) == 40 and not [p for p in entries if p.name.startswith(".")]

