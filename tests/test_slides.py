"""Lecture slides with manim-slides: the compat shim (fast, no render), reveal.js for offline
use, and a short walkthrough rendered, converted to one offline HTML file and played in
headless Chromium (slow)."""
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from attnvid.publish.records import ATTN_SCRIPT, ATTN_TIMELINE, Timeline
from attnvid.story import WALKTHROUGH

BEATS = WALKTHROUGH.names
from conftest import ROOT, SCRIPTS
from render_support import browser_fixture, probe, wait_for
from scene_support import load_module

BIN = Path(sys.executable).parent
SHORT = "model: {model}\nphrase: cat sat\npace: 0.4\n"
FPS = 15   # -ql


def load_tool():
    return load_module(ROOT / "tools" / "revealjs.py", "revealjs_tool")


# -- the shim, in a fresh interpreter (this one may have applied it already) -------------------

SHIM_PROBE = r"""
import json, math, sys, tempfile
from pathlib import Path
from types import SimpleNamespace
from manim import config, tempconfig
from manim._config.utils import ManimConfig
from manim.scene.scene_file_writer import SceneFileWriter
from manim_slides.slide.manim import Slide

def members():
    return ({k: v for k, v in vars(ManimConfig).items()}, dict(vars(SceneFileWriter)), Slide.__init__)

def rejects_infinity():
    try:
        config.max_files_cached = math.inf
    except ValueError:
        return True
    return False

before = {"write_to_movie": hasattr(ManimConfig, "write_to_movie"),
          "flush_cache": hasattr(ManimConfig, "flush_cache"),
          "flush_cache_directory": hasattr(SceneFileWriter, "flush_cache_directory"),
          "rejects_infinity": rejects_infinity()}
(config_before, writer_before, init_before) = members()

import scenes.lib.slides_compat as shim
(config_after, writer_after, init_after) = members()
again = shim.apply()
(config_again, writer_again, init_again) = members()

out = {"before": before, "again": again,
       "same_after_again": config_again == config_after and writer_again == writer_after
                           and init_again is init_after,
       "config_added": sorted(set(config_after) - set(config_before)),
       "config_replaced": sorted(k for k in config_before if config_after[k] is not config_before[k]),
       "writer_added": sorted(set(writer_after) - set(writer_before)),
       "writer_replaced": sorted(k for k in writer_before if writer_after[k] is not writer_before[k]),
       "slide_init_replaced": init_after is not init_before}

movie = {}
for fmt, extra in [("auto", {}), ("mp4", {}), ("png", {}), ("none", {}), ("auto", {"dry_run": True})]:
    with tempconfig({"format": fmt, **extra}):
        movie[fmt + (" dry" if extra else "")] = config.write_to_movie
with tempconfig({"format": "png"}):
    config["write_to_movie"] = True
    movie["png set"] = config.format
with tempconfig({"format": "png", "transparent": True}):
    config["write_to_movie"] = True
    movie["transparent set"] = config.format
with tempconfig({"format": "mp4"}):
    config["write_to_movie"] = False
    movie["mp4 unset"] = config.format
out["movie"] = movie

with tempconfig({}):
    out["flush_default"] = config["flush_cache"]
    config["flush_cache"] = True
    out["flush_set"] = config.flush_cache
    config.max_files_cached = math.inf
    out["infinity_is"] = config.max_files_cached

with tempconfig({"dry_run": True, "media_dir": tempfile.mkdtemp(), "max_files_cached": 100}):
    scene = Slide()
    out["slide_writer_limit"] = scene.file_writer_settings.max_files_cached
    out["limit_after_slide"] = config.max_files_cached

folder = Path(tempfile.mkdtemp())
(folder / "a.mp4").write_bytes(b""); (folder / "notes.txt").write_text("kept")
SceneFileWriter.flush_cache_directory(SimpleNamespace(partial_movie_directory=folder))
out["left_after_flush"] = sorted(p.name for p in folder.iterdir())
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def shim():
    r = subprocess.run([sys.executable, "-c", SHIM_PROBE], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.splitlines()[-1])


def test_each_gap_the_shim_bridges_is_there_without_it(shim):
    """If a manim release closes one of these, the shim's patch for it is no longer needed."""
    assert shim["before"] == {"write_to_movie": False, "flush_cache": False,
                              "flush_cache_directory": False, "rejects_infinity": True}


def test_the_shim_changes_exactly_those_five_things(shim):
    assert shim["config_added"] == ["flush_cache", "write_to_movie"]
    assert shim["config_replaced"] == ["max_files_cached"]
    assert shim["writer_added"] == ["flush_cache_directory"]
    assert shim["writer_replaced"] == []
    assert shim["slide_init_replaced"]


def test_applying_the_shim_again_changes_nothing(shim):
    assert shim["again"] == [] and shim["same_after_again"]


def test_write_to_movie_follows_the_output_format(shim):
    assert shim["movie"] == {"auto": True, "mp4": True, "png": False, "none": False, "auto dry": False,
                             "png set": "mp4", "transparent set": "mov", "mp4 unset": "none"}


def test_flush_cache_and_an_unlimited_cache_work_as_manim_slides_uses_them(shim):
    assert (shim["flush_default"], shim["flush_set"], shim["infinity_is"]) == (False, True, -1)
    assert shim["left_after_flush"] == ["notes.txt"]


def test_a_slide_keeps_every_clip_and_leaves_the_limit_as_it_was(shim):
    assert shim["slide_writer_limit"] == -1
    assert shim["limit_after_slide"] == 100


# -- scene classes and reveal.js ---------------------------------------------------------------

def import_slides_module(name):
    return load_module(ROOT / "scenes" / "slides.py", name)


def test_one_slides_class_per_single_phrase_script(monkeypatch, write):
    path = write("mine.yaml", SHORT.format(model=SCRIPTS / "model.yaml"))
    monkeypatch.setenv(ATTN_SCRIPT, str(path))
    module = import_slides_module("slides_under_test")
    from manim_slides.slide import Slide
    from scenes.lib.walkthrough import PhraseWalkthrough
    classes = {n: c for n, c in vars(module).items() if isinstance(c, type) and c.__module__ == module.__name__}
    assert set(classes) == {"CatSatSlides", "BrianTypedSlides", "WarmBlackCatSlides", "PhraseSlides"}
    assert all(issubclass(c, Slide) and issubclass(c, PhraseWalkthrough) for c in classes.values())
    assert classes["PhraseSlides"].script_path == str(path)


def test_the_cached_files_are_the_ones_manim_slides_links_to():
    from manim_slides import templates
    from manim_slides.convert import RevealJS
    tool = load_tool()
    fields = RevealJS.model_fields
    assert fields["reveal_version"].default == tool.VERSION
    template = (Path(templates.__file__).parent / "revealjs.html").read_text(encoding="utf-8")
    linked = {p.replace("{{ reveal_theme }}", fields["reveal_theme"].default.value)
              for p in re.findall(r'"\{\{ cdn_url \}\}/(dist/[^"]+)"', template)}
    assert {"package/" + p for p in linked} == set(tool.FILES.values())
    assert {p.rsplit("/", 1)[1] for p in linked} == set(tool.FILES)


def test_a_tarball_that_is_not_npms_is_refused():
    with pytest.raises(ValueError, match="sha512"):
        load_tool().verify(b"not reveal.js")


# -- a real render, conversion and play ------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A two-word walkthrough at pace 0.4 rendered by `manim-slides render`, as a user runs it."""
    folder = tmp_path_factory.mktemp("slides")
    script = folder / "short.yaml"
    script.write_text(SHORT.format(model=SCRIPTS / "model.yaml"), encoding="utf-8")
    timeline = folder / "timeline.json"
    env = {**os.environ, ATTN_SCRIPT: str(script), ATTN_TIMELINE: str(timeline)}
    started = time.monotonic()
    r = subprocess.run([str(BIN / "manim-slides"), "render", "-ql", "--disable_caching", "--progress_bar", "none",
                        str(ROOT / "scenes" / "slides.py"), "PhraseSlides"],
                       cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    print(f"manim-slides render: {time.monotonic() - started:.1f}s")
    config = json.loads((folder / "slides" / "PhraseSlides.json").read_text(encoding="utf-8"))
    return folder, config, Timeline.read(timeline)


@pytest.mark.slow
def test_every_beat_is_one_slide_of_its_own_length(rendered):
    folder, config, timeline = rendered
    assert [name for name, _, _ in timeline.beats] == list(BEATS)
    assert len(config["slides"]) == len(BEATS) == 8
    assert config["background_color"] == "#101218" and config["resolution"] == [854, 480]
    for slide, (_, start, end) in zip(config["slides"], timeline.beats):
        assert slide["type"] == "video" and not slide["loop"] and not slide["auto_next"]
        clip, backwards = probe(folder / slide["file"]), probe(folder / slide["rev_file"])
        for info in (clip, backwards):   # (manim-slides' reversal may add a frame or two)
            assert (info["codec_name"], info["width"], info["height"]) == ("h264", 854, 480)
        assert abs(clip["duration"] - (end - start)) <= 1 / FPS


@pytest.fixture(scope="module")
def converted(rendered):
    """One HTML file, made with every request to the network failing: reveal.js has to come
    from the project's cache (filled by tools/revealjs.py, which may download it first)."""
    folder = rendered[0]
    cache_home = {"XDG_CACHE_HOME": str(ROOT / ".cache")}
    fill = subprocess.run([sys.executable, str(ROOT / "tools" / "revealjs.py")], env={**os.environ, **cache_home},
                          capture_output=True, text=True, timeout=300)
    assert fill.returncode == 0, fill.stderr
    offline = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
    dead = "http://127.0.0.1:9"   # the discard port: nothing answers there
    env = {**offline, **cache_home, "HTTP_PROXY": dead, "HTTPS_PROXY": dead}
    html = folder / "site" / "slides.html"
    r = subprocess.run([str(BIN / "manim-slides"), "convert", "--to", "html", "--offline", "--one-file",
                        "PhraseSlides", str(html)], cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return html


@pytest.mark.slow
def test_the_html_file_needs_nothing_from_the_network(converted):
    from bs4 import BeautifulSoup
    text = converted.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert not soup.find_all("script", src=True) and not soup.find_all("link", href=True)
    assert not re.search(r"@import\s+(url\()?['\"]?https?:", text)
    videos = [s["data-background-video"] for s in soup.find_all("section", attrs={"data-background-video": True})]
    assert len(videos) == 8 and all(v.startswith("data:video/mp4;base64,") for v in videos)


# Debian's headless Chromium with every host name unresolvable: nothing can load from a network.
browser = browser_fixture("--host-resolver-rules=MAP * ~NOTFOUND")



@pytest.mark.slow
def test_reveal_starts_offline_and_the_right_arrow_moves_on(converted, browser):
    from selenium.webdriver.common.keys import Keys
    browser.get(converted.as_uri())
    state = "return window.Reveal && Reveal.isReady() ? [Reveal.getIndices().h, Reveal.getTotalSlides()] : null"
    assert wait_for(browser, state, bool) == [0, 8]
    browser.find_element("tag name", "body").send_keys(Keys.ARROW_RIGHT)
    assert wait_for(browser, state, lambda s: s and s[0] == 1) == [1, 8]
