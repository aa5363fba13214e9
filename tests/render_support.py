"""Rendering for real and reading the result back: ffprobe, .srt cues, frames as arrays, and
Debian's headless Chromium to play our pages."""
from __future__ import annotations

import itertools
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from attnvid.publish import media

probe = media.probe   # the tests read videos the way attnvid does

ROOT = Path(__file__).resolve().parent.parent
MANIM = Path(sys.executable).parent / "manim"
REFERENCE = ROOT / "tests" / "reference"
FRAME_SIZE = (427, 240)     # small enough to keep in git, large enough to see a layout change


def render(scene_file: str, scene: str, media_dir: Path, quality: str = "l", env=None, extra=()) -> Path:
    subprocess.run([str(MANIM), f"-q{quality}", "--disable_caching", "--media_dir", str(media_dir),
                    "--progress_bar", "none", *extra, str(ROOT / scene_file), scene],
                   cwd=ROOT, check=True, capture_output=True, timeout=900, env=env)
    (video,) = [v for v in (media_dir / "videos").rglob(f"{scene}.mp4") if v.parent.name != "sections"]
    return video


_TIME = r"(\d+):(\d+):(\d+),(\d+)"


def srt_cues(path: Path) -> list[tuple[float, float, str]]:
    def seconds(h, m, s, ms):
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
    cues = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.splitlines()
        m = re.match(_TIME + r" --> " + _TIME, lines[1])
        cues.append((seconds(*m.groups()[:4]), seconds(*m.groups()[4:]), " ".join(lines[2:])))
    return cues


def frame_at(video: Path, t: float) -> np.ndarray:
    """The frame at time t, scaled to FRAME_SIZE, as an (h, w, 3) uint8 array."""
    w, h = FRAME_SIZE
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{t:.3f}", "-i", str(video), "-frames:v", "1",
                          "-vf", f"scale={w}:{h}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(h, w, 3)


def beat_cues(cues, script_path: Path) -> dict[str, list]:
    """The subtitle cues of each beat of a one-phrase walkthrough: each beat's caption is shown
    as its phrases (attnvid.story.captions), one cue each, in order."""
    from attnvid.script import load_script
    from attnvid.story import WALKTHROUGH
    from attnvid.story.captions import phrases
    script = load_script(script_path)
    (trace,) = script.shown_traces()
    out, k = {}, 0
    for part in WALKTHROUGH:
        n = len(phrases(part.text(trace, script.narration)))
        out[part.name], k = cues[k:k + n], k + n
    assert k == len(cues), (k, len(cues))
    return out


def key_frame_times(cues, script_path: Path = ROOT / "scripts" / "cat_sat.yaml") -> dict[str, float]:
    """A moment just before each beat ends, when its picture is complete and still."""
    return {beat: said[-1][1] - 0.2 for beat, said in beat_cues(cues, script_path).items()}


def difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(mean absolute difference in 0-255, share of pixels that differ by more than 64)."""
    d = np.abs(a.astype(int) - b.astype(int)).max(axis=2)
    return float(d.mean()), float((d > 64).mean())


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync")


@contextmanager
def chromium(*extra_flags: str):
    """A selenium driver for Debian's chromium and chromium-driver (`make test` installs both),
    quit on the way out."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for flag in CHROMIUM_FLAGS + extra_flags:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def browser_fixture(*extra_flags: str):
    """A module-scoped `browser` fixture: `browser = browser_fixture(flags...)` in a test module
    gives its tests one Chromium, started with these flags and quit after the module."""
    @pytest.fixture(scope="module")
    def browser():
        with chromium(*extra_flags) as driver:
            yield driver
    return browser


def wait_for(driver, script, ok, timeout=20):
    """Run `script` in the page until ok(result) or the timeout; the last result either way."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)
        if ok(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


# manifest.json's keys, in order (a published contract); gif_span only when the bundle has a gif.
MANIFEST_KEYS = ["name", "title", "script", "quality", "transparent", "captions_on_screen", "width", "height", "fps",
                 "duration", "files", "sections", "cues", "gif_span", "sizes"]
SECTION_KEYS = ["name", "file", "start", "duration", "cues"]
NARRATED_KEYS = ["voice", "loudness"]     # after those, only in a narrated bundle
SHOTS_KEYS = ["shots"]                    # last, only when a section clip joins several shots


def readme_bundle_files() -> set[str]:
    """The file names in the README's table of what a bundle holds (for cat_sat)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    publishing = text[text.index("## Publishing: `attnvid render`"):]
    lines = publishing[publishing.index("| file | what it is |"):].splitlines()[2:]    # after the header rows
    rows = itertools.takewhile(lambda line: line.startswith("|"), lines)
    return {name for row in rows for name in re.findall(r"`([^`]+)`", row.split("|")[1])}
