"""`attnvid render` as a user runs it: real renders, every format read back with ffprobe, the
pages played in Debian's headless Chromium, a broken script among good ones, Ctrl-C."""
import json
import os
import signal
import subprocess
import time
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from attnvid.publish import Manifest, Options, Renderer
from attnvid.publish import render as render_module
from attnvid.publish.media import moov_before_mdat, probe
from attnvid.publish.plan import plan_video
from attnvid.story import WALKTHROUGH
from conftest import ATTNVID, ROOT, SCRIPTS
from conftest import attnvid as run_attnvid
from render_support import MANIFEST_KEYS, SECTION_KEYS, browser_fixture, readme_bundle_files, srt_cues, wait_for

BEATS = WALKTHROUGH.names

pytestmark = pytest.mark.slow

SHORT = """\
model: {model}
phrase: {phrase}
pace: 0.4
voice: {voice}
"""


attnvid = partial(run_attnvid, timeout=900)     # a render takes minutes


class Quiet:
    """A progress display that shows nothing (Renderer driven directly)."""
    def add_task(self, *a, **k): return 0
    def update(self, *a, **k): pass


def short_script(folder: Path, name: str, phrase: str, voice: str = "none") -> Path:
    """A quick script; silent unless asked (narration sets the pace: speech does not speed up)."""
    path = folder / f"{name}.yaml"
    path.write_text(SHORT.format(model=SCRIPTS / "model.yaml", phrase=phrase, voice=voice), encoding="utf-8")
    return path


def framemd5(video: Path) -> list[str]:
    """One hash per decoded frame: equal lists mean pixel-identical videos."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-map", "0:v", "-f", "framemd5", "-"],
                         check=True, capture_output=True, text=True).stdout
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """CatSat alone with --jobs 2: its sections are shared out between two processes. Silent,
    so its frames are manim's own render's (test_narrated_render.py hears the narrated one)."""
    out = tmp_path_factory.mktemp("site")
    r = attnvid("render", SCRIPTS / "cat_sat.yaml", "--formats", "mp4,webm,gif", "--out", out, "--jobs", "2",
                "--no-cache", "--voice", "none")
    assert r.returncode == 0, r.stderr
    bundle = out / "cat_sat"
    return bundle, json.loads((bundle / "manifest.json").read_text(encoding="utf-8")), r


def test_the_bundle_is_a_folder_you_can_publish(site):
    bundle, m, r = site
    names = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*")}
    assert {"index.html", "presenter.html", "manifest.json", "poster.png", "cat_sat.mp4", "cat_sat.webm",
            "cat_sat.gif", "cat_sat.srt", "cat_sat.vtt"} <= names
    assert not [n for n in names if n.startswith(".") or ".attnvid" in n]
    assert (bundle.parent / "index.html").read_text(encoding="utf-8").count('href="cat_sat/index.html"') == 1
    assert f"{bundle}/index.html" in r.stdout and "gif" in r.stdout      # the summary says the sizes


def test_the_manifest_keeps_its_published_keys_and_names_what_the_readme_lists(site):
    bundle, m, _ = site
    assert list(m) == MANIFEST_KEYS
    assert all(list(s) == SECTION_KEYS for s in m["sections"])
    assert set(m["files"].values()) | {"sections/", "manifest.json"} == readme_bundle_files()
    assert set(m["files"].values()) <= set(m["sizes"]) | {"index.html"}
    assert Manifest.read(bundle / "manifest.json").as_json() == m


def test_every_format_is_what_a_browser_expects_and_they_agree_on_length(site):
    bundle, m, _ = site
    mp4, webm, gif = (probe(bundle / f"cat_sat.{x}") for x in ("mp4", "webm", "gif"))
    assert (mp4["codec_name"], mp4["pix_fmt"], mp4["width"], mp4["height"]) == ("h264", "yuv420p", 854, 480)
    assert moov_before_mdat(bundle / "cat_sat.mp4")
    assert (webm["codec_name"], webm["pix_fmt"]) == ("vp9", "yuv420p")
    assert gif["codec_name"] == "gif" and gif["width"] == 480
    assert abs(mp4["duration"] - webm["duration"]) < 0.1
    start, end = m["gif_span"]                  # the attention steps of the phrase, not all of it
    assert start == pytest.approx(m["sections"][3]["start"], abs=0.002)
    assert end == pytest.approx(m["sections"][6]["start"] + m["sections"][6]["duration"], abs=0.002)
    assert abs((end - start) - gif["duration"]) < 0.2
    assert abs(m["duration"] - mp4["duration"]) < 0.01
    assert (bundle / "cat_sat.gif").stat().st_size < 10_000_000      # GitHub shows images up to 10 MB


def frame(video: Path, n: int) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-vf", f"select=eq(n\\,{n})", "-vsync", "0",
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(480, 854, 3)


def test_sections_rendered_apart_join_into_the_frames_of_one_render(site, catsat_render):
    """Joining is lossless (the clips' frames, exactly), and rendering sections in separate
    processes changes nothing a viewer could see: frame for frame, the video manim renders in
    one process. Not bit for bit: manim itself is not bit-deterministic on a busy machine (three
    plain runs of CatSat at once differed in 5-18 frames, a grid line or an edge a shade off), so
    a differing frame may differ only that little: nothing drawn or missing (a word or an arrow
    against the background differs by well over 96 levels)."""
    bundle, m, _ = site
    joined = framemd5(bundle / "cat_sat.mp4")
    pieces = [h for s in m["sections"] for h in framemd5(bundle / s["file"])]
    assert pieces == joined
    assert [s["name"] for s in m["sections"]] == list(BEATS)
    for s in m["sections"]:
        assert moov_before_mdat(bundle / s["file"])
    single = framemd5(catsat_render)
    assert len(single) == len(joined)
    differing = [k for k, (a, b) in enumerate(zip(joined, single)) if a != b]
    assert len(differing) <= 0.03 * len(joined), differing
    for k in differing[:: max(1, len(differing) // 8)]:
        d = np.abs(frame(bundle / "cat_sat.mp4", k).astype(int) - frame(catsat_render, k).astype(int)).max(axis=2)
        assert (d > 8).mean() < 0.02 and (d > 96).sum() == 0, (k, (d > 8).mean(), (d > 96).sum())


def test_captions_sit_where_manim_put_them(site, catsat_render):
    bundle, m, _ = site
    ours = srt_cues(bundle / "cat_sat.srt")
    manims = srt_cues(catsat_render.with_suffix(".srt"))
    assert [c[2] for c in ours] == [c[2] for c in manims]
    for (a, b, _), (c, d, _) in zip(ours, manims):
        assert abs(a - c) < 0.07 and abs(b - d) < 0.07          # within a frame at 15 fps
    vtt = (bundle / "cat_sat.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and vtt.count(" --> ") == len(ours) == len(m["cues"])
    for s in m["sections"]:
        assert (bundle / s["file"]).with_suffix(".vtt").read_text(encoding="utf-8").count(" --> ") == len(s["cues"])


def test_the_poster_shows_the_answer_not_a_black_frame(site):
    bundle, m, _ = site
    poster = Image.open(bundle / "poster.png").convert("L")
    assert poster.size == (854, 480)
    histogram = poster.histogram()
    assert sum(histogram[80:]) > 0.02 * sum(histogram)          # plenty of bright ink: vectors, numbers


# -- the pages in a real browser ------------------------------------------------------------

browser = browser_fixture("--autoplay-policy=no-user-gesture-required")



@pytest.fixture(scope="module")
def served(site):
    """The bundle's folder over HTTP, as it is once published."""
    import functools
    import http.server
    import threading
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site[0].parent))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


STATE = """const v = document.querySelector('video');
return {ready: v.readyState, duration: v.duration, src: v.currentSrc, error: v.error && v.error.code,
        tracks: Array.from(v.textTracks).filter(t => t.mode !== 'disabled').map(t => t.cues ? t.cues.length : 0),
        showing: Array.from(v.textTracks).filter(t => t.mode === 'showing').length};"""


@pytest.mark.parametrize("where", ["http", "file"])
def test_the_page_plays_the_mp4_with_its_captions(site, served, browser, where):
    bundle, m, _ = site
    url = f"{served}/cat_sat/index.html" if where == "http" else (bundle / "index.html").as_uri()
    browser.get(url)
    state = wait_for(browser, STATE, lambda s: s["ready"] >= 1 and s["tracks"] and s["tracks"][0] > 0)
    assert state["error"] is None and state["src"].endswith("cat_sat/cat_sat.mp4")
    assert abs(state["duration"] - m["duration"]) < 0.1
    assert state["tracks"] == [len(m["cues"])]
    assert state["showing"] == 0            # cat_sat burns its captions in: the player's start off
    browser.execute_script("const v = document.querySelector('video'); v.muted = true; v.play();")
    playing = wait_for(browser, "return document.querySelector('video').currentTime", lambda t: t > 0.5)
    assert playing > 0.5


def test_the_presenter_steps_through_the_sections(site, browser):
    bundle, m, _ = site
    from selenium.webdriver.common.keys import Keys
    browser.get((bundle / "presenter.html").as_uri())
    state = """const v = document.getElementById('clip');
    return {index: presenter.index, src: v.currentSrc, ready: v.readyState, duration: v.duration,
            cues: Array.from(v.textTracks).filter(t => t.mode !== 'disabled').map(t => t.cues.length)};"""
    first = wait_for(browser, state, lambda s: s["ready"] >= 1)
    assert first["index"] == 0 and first["src"].endswith(m["sections"][0]["file"])
    assert abs(first["duration"] - m["sections"][0]["duration"]) < 0.1
    assert first["cues"] == [len(m["sections"][0]["cues"])]
    body = browser.find_element("tag name", "body")
    body.send_keys(Keys.ARROW_RIGHT)
    second = wait_for(browser, state, lambda s: s["index"] == 1 and s["ready"] >= 1
                      and s["src"].endswith(m["sections"][1]["file"]))
    assert second["src"].endswith(m["sections"][1]["file"])
    assert abs(second["duration"] - m["sections"][1]["duration"]) < 0.1
    body.send_keys(" ")
    assert wait_for(browser, state, lambda s: s["index"] == 2)["index"] == 2
    body.click()
    assert wait_for(browser, state, lambda s: s["index"] == 3)["index"] == 3
    body.send_keys(Keys.ARROW_LEFT)
    back = wait_for(browser, state, lambda s: s["index"] == 2 and s["src"].endswith(m["sections"][2]["file"]))
    assert back["index"] == 2 and back["src"].endswith(m["sections"][2]["file"])
    # it waits at the end of a clip instead of running on
    browser.execute_script("const v = document.getElementById('clip'); v.currentTime = v.duration - 0.1;")
    time.sleep(1.0)
    assert browser.execute_script("return [presenter.index, document.getElementById('clip').ended]") == [2, True]


# -- several scripts, failures, Ctrl-C ----------------------------------------------------------

def test_jobs_2_renders_both_scripts_and_a_broken_one_fails_alone(tmp_path):
    a = short_script(tmp_path, "sat_cat", "cat sat")
    b = short_script(tmp_path, "the_cat", "the cat")
    broken = tmp_path / "broken.yaml"
    broken.write_text(f"model: {SCRIPTS / 'model.yaml'}\nphrase: cat dragon\n", encoding="utf-8")
    out = tmp_path / "site"
    r = attnvid("render", a, broken, b, "--formats", "mp4", "--out", out, "--jobs", "2", "--no-cache")
    assert r.returncode == 2
    assert "broken.yaml" in r.stderr and "FAILED" in r.stderr and "dragon" in r.stderr
    assert "Traceback" not in r.stderr
    for name in ("sat_cat", "the_cat"):
        m = json.loads((out / name / "manifest.json").read_text(encoding="utf-8"))
        assert probe(out / name / f"{name}.mp4")["codec_name"] == "h264"
        assert "webm" not in m["files"] and "gif" not in m["files"]
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "sat_cat", "the_cat"]


def test_a_video_that_fails_while_rendering_does_not_stop_the_others(tmp_path, monkeypatch):
    """A crash inside manim (here a scene file that raises) fails that video only, with its reason."""
    crash = tmp_path / "crash.py"
    crash.write_text("from manim import Scene\nclass Phrase(Scene):\n"
                     "    def construct(self):\n        raise RuntimeError('the scene broke here')\n")
    good = short_script(tmp_path, "good", "cat sat")
    bad = short_script(tmp_path, "bad", "sat cat")

    def plan(path):
        v = plan_video(path)
        return v.__class__(**{**v.__dict__, "scene_file": crash}) if Path(path).stem == "bad" else v
    monkeypatch.setattr(render_module, "plan_video", plan)

    out = tmp_path / "site"
    outcomes = Renderer(Options(out=out, formats=("mp4",), jobs=2), Quiet()).run([str(good), str(bad)])
    assert outcomes[0].bundle == out / "good" and outcomes[0].error is None
    assert outcomes[1].bundle is None and "the scene broke here" in outcomes[1].error
    assert sorted(p.name for p in out.iterdir()) == ["good", "index.html"]


@pytest.mark.parametrize("moment, sig", [("rendering", signal.SIGINT), ("assembling", signal.SIGINT),
                                         ("rendering", signal.SIGTERM), ("rendering", signal.SIGHUP)])
def test_ctrl_c_term_and_hup_leave_no_half_written_files_and_no_children(tmp_path, moment, sig):
    """Ctrl-C, `kill` (TERM) and a closed terminal (HUP) all stop every manim and ffmpeg, remove
    the work and staging folders, and exit 128 + the signal's number."""
    script = short_script(tmp_path, "short", "cat sat")
    out, tmp = tmp_path / "site", tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    # as from a terminal: a job started with `&` by a non-interactive shell (CI may be one)
    # inherits SIGINT ignored, and Python then never raises KeyboardInterrupt
    proc = subprocess.Popen([str(ATTNVID), "render", str(script), "--formats", "mp4,webm", "--out", str(out),
                             "--jobs", "1", "--no-cache"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300
    reached = (lambda: list(tmp.glob("attnvid-*/part0/timeline.json"))) if moment == "rendering" else \
        (lambda: list(out.glob(".attnvid-staging-*/*.webm")))
    while not reached() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the render finished before it could be interrupted"
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, stderr
    assert "stopped" in stderr and "Traceback" not in stderr
    assert not out.exists() or list(out.iterdir()) == []
    assert list(tmp.iterdir()) == []                       # the work folders are gone too
    leftover = subprocess.run(["pgrep", "-f", str(tmp)], capture_output=True, text=True).stdout
    assert leftover == ""                                  # and so are manim and ffmpeg


def test_two_renders_into_one_folder_wait_in_turn_and_both_land(tmp_path):
    """The second run had failed: the first deleted its staging folder. Now it waits, and says so."""
    out = tmp_path / "site"
    a, b = short_script(tmp_path, "first", "cat sat"), short_script(tmp_path, "second", "sat cat")
    argv = ["render", "--formats", "mp4", "--out", str(out), "--jobs", "1", "--no-cache"]
    first = subprocess.Popen([str(ATTNVID), *argv, str(a)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(Path(os.environ.get("TMPDIR", "/tmp")).glob(f"attnvid-{first.pid}-*")) and \
            time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    second = attnvid(*argv, b)
    first_out, first_err = first.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, (first_err, second.stderr)
    assert f"is being written by process {first.pid}; waiting" in second.stderr
    assert sorted(p.name for p in out.iterdir()) == ["first", "index.html", "second"]
    for name in ("first", "second"):
        assert probe(out / name / f"{name}.mp4")["codec_name"] == "h264"


def test_a_run_sweeps_the_work_folders_of_runs_killed_outright(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    gone = subprocess.Popen(["true"])
    gone.wait()
    left = tmp / f"attnvid-{gone.pid}-short-x1y2"
    (left / "part0").mkdir(parents=True)
    r = attnvid("render", short_script(tmp_path, "short", "cat sat"), "--formats", "mp4", "--out", tmp_path / "site",
                "--no-cache", env={**os.environ, "TMPDIR": str(tmp)})
    assert r.returncode == 0, r.stderr
    assert list(tmp.iterdir()) == []


def test_transparent_gives_alpha_in_the_mov_and_the_webm(tmp_path):
    """Narrated too: the .mov, its webm and the flattened mp4 all carry the speech."""
    script = short_script(tmp_path, "clear", "cat sat", voice="joe")
    r = attnvid("render", script, "--transparent", "--formats", "mp4,webm", "--out", tmp_path / "site", "--jobs", "2",
                "--no-cache")
    assert r.returncode == 0, r.stderr
    bundle = tmp_path / "site" / "clear"
    mov, webm, mp4 = (probe(bundle / f"clear.{x}") for x in ("mov", "webm", "mp4"))
    assert mov["pix_fmt"] in ("argb", "rgba", "yuva420p", "yuva444p10le")
    assert webm["codec_name"] == "vp9"
    tags = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream_tags=alpha_mode",
                           "-of", "csv=p=0", str(bundle / "clear.webm")], capture_output=True, text=True).stdout
    assert tags.strip() == "1"
    assert mp4["pix_fmt"] == "yuv420p" and moov_before_mdat(bundle / "clear.mp4")
    # most of the picture really is see-through
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", "3", "-i", str(bundle / "clear.mov"), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "rgba", "-"], check=True, capture_output=True).stdout
    alpha = raw[3::4]
    assert alpha.count(0) > 0.5 * len(alpha)
    for f in ("clear.mov", "clear.webm", "clear.mp4"):
        codecs = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries", "stream=codec_name",
                                 "-of", "csv=p=0", str(bundle / f)], capture_output=True, text=True).stdout.split()
        assert codecs == (["opus"] if f.endswith("webm") else ["aac"]), f


def test_the_section_cache_renders_only_what_an_edit_changed(tmp_path, monkeypatch):
    """Render, render again (nothing to draw: no manim at all), then change a phrase: only the
    section that reads phrases is drawn again; the frames of the others are reused as they were."""
    from attnvid.publish import SectionCache
    calls = []
    real = render_module.render_sections

    def counting(video, sections, *a, **k):
        calls.append([video.sections[i] for i in sections])
        return real(video, sections, *a, **k)
    monkeypatch.setattr(render_module, "render_sections", counting)

    def script(phrase):
        path = tmp_path / "short_explainer.yaml"
        path.write_text(f"model: {SCRIPTS / 'model.yaml'}\nmask: causal\npace: 0.4\nphrases:\n"
                        f"  - {phrase}\n  - Is your warm black cat\n"
                        "sections: [dot_product, positional_encodings, weighted_average]\n", encoding="utf-8")
        return str(path)
    options = Options(out=tmp_path / "site", formats=("mp4",), jobs=2, cache=SectionCache(tmp_path / "cache"))
    video = tmp_path / "site" / "short_explainer" / "short_explainer.mp4"

    Renderer(options, Quiet()).run([script("The cat sat on the")])
    first = framemd5(video)
    assert sorted(s for run in calls for s in run) == ["dot_product", "positional_encodings", "weighted_average"]
    calls.clear()
    Renderer(options, Quiet()).run([script("The cat sat on the")])
    assert calls == [] and framemd5(video) == first
    Renderer(options, Quiet()).run([script("The cat sat on your")])
    assert calls == [["weighted_average"]]
    again = framemd5(video)
    sections = json.loads((video.parent / "manifest.json").read_text(encoding="utf-8"))["sections"]
    kept = sum(len(framemd5(video.parent / s["file"])) for s in sections[:2])
    assert again[:kept] == first[:kept] and again != first
    # 4 KB of garbage inside a cached clip: it had been served (exit 0, a short video, captions
    # past its end); now it is dropped, said, and drawn again
    from attnvid.publish.records import CacheEntry
    for entry in (tmp_path / "cache").iterdir():
        record = CacheEntry.read(entry / "clip.json")
        if record is not None and record.name == "dot_product":
            clip = entry / record.file
            data = bytearray(clip.read_bytes())
            data[len(data) // 2:len(data) // 2 + 4096] = os.urandom(4096)
            clip.write_bytes(bytes(data))
    calls.clear()
    Renderer(options, Quiet()).run([script("The cat sat on your")])
    assert calls == [["dot_product"]] and framemd5(video) == again
    assert [n for n in options.cache.dropped if "'dot_product'" in n], options.cache.dropped


def test_publishing_quality_is_1080p_at_30_fps(tmp_path):
    """`--quality p`, what `make video` uses: full HD for sharp text, 30 frames a second."""
    path = tmp_path / "publish.yaml"
    path.write_text(f"model: {SCRIPTS / 'model.yaml'}\nmask: causal\npace: 0.3\nphrases:\n  - The cat sat on the\n"
                    "sections: [names]\nvoice: none\n", encoding="utf-8")
    r = attnvid("render", path, "--quality", "p", "--formats", "mp4", "--out", tmp_path / "site", "--no-cache")
    assert r.returncode == 0, r.stderr
    video = probe(tmp_path / "site" / "publish" / "publish.mp4")
    assert (video["width"], video["height"], video["r_frame_rate"]) == (1920, 1080, "30/1")
    assert "--quality p" in (ROOT / "Makefile").read_text().split("video: setup")[1].splitlines()[1]
