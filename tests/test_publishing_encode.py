"""What `attnvid render` asks of manim's encoder, checked in the file manim writes.

x264 writes the settings it encoded with into the stream (an SEI message: "crf=20.0 ... subme=2"),
so the test reads them back instead of trusting the flags. Manim's own encode, without our flags,
must read differently, or the check could not fail."""
import json
import re
import subprocess
import sys

import pytest

from attnvid.publish.worker import QUALITY_FLAGS, manim_flags

TINY = """\
from manim import Circle, Create, FadeOut, Scene

class Tiny(Scene):
    def construct(self):
        circle = Circle()
        self.play(Create(circle), run_time=0.5)
        self.play(FadeOut(circle), run_time=0.5)
"""


def encode(tmp_path, flags) -> tuple[dict, str]:
    scene = tmp_path / "tiny.py"
    scene.write_text(TINY)
    media = tmp_path / f"media{len(list(tmp_path.iterdir()))}"
    subprocess.run([sys.executable, "-m", "manim", "render", *flags, "--disable_caching", "--progress_bar", "none",
                    "--media_dir", str(media), str(scene), "Tiny"], check=True, capture_output=True, timeout=300)
    (video,) = [p for p in media.rglob("Tiny.mp4") if "partial" not in str(p)]
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v", "-count_frames", "-show_entries",
                            "stream=codec_name,pix_fmt,width,height,r_frame_rate,nb_read_frames", "-of", "json",
                            str(video)], check=True, capture_output=True, text=True).stdout
    settings = re.search(rb"x264 - core .*?options: ([^\x00]*)", video.read_bytes()).group(1).decode()
    return json.loads(probe)["streams"][0], settings


def test_publishing_is_1080p30_h264_with_the_faster_preset(tmp_path):
    stream, settings = encode(tmp_path, manim_flags("p"))
    assert (stream["codec_name"], stream["pix_fmt"], stream["width"], stream["height"], stream["r_frame_rate"]) \
        == ("h264", "yuv420p", 1920, 1080, "30/1")
    assert int(stream["nb_read_frames"]) == 30
    assert "crf=20.0" in settings and "subme=2" in settings and " ref=1 " in f" {settings} "   # x264's veryfast
    _, manims = encode(tmp_path, QUALITY_FLAGS["p"])
    assert "crf=23.0" in manims and "subme=7" in manims                                   # x264's medium


@pytest.mark.parametrize("quality", ["l", "h"])
def test_previews_keep_manims_encoder_settings(quality):
    flags = manim_flags(quality)
    assert "--encoder-option" not in flags and flags[:len(QUALITY_FLAGS[quality])] == list(QUALITY_FLAGS[quality])


def test_one_encoder_in_flight_at_1080p_two_for_previews():
    """A second 1080p encoder in flight holds ~290 MiB, over the 1 GiB a process may use; a
    preview's encoders are small, and overlapping them with drawing pays (docs/performance.md)."""
    inflight = lambda flags: int(flags[flags.index("--max-inflight-encoders") + 1])
    assert inflight(manim_flags("p")) == inflight(manim_flags("p", transparent=True)) == 1
    assert inflight(manim_flags("l")) == inflight(manim_flags("h")) == 2


def test_a_transparent_render_gets_no_h264_options():
    assert "--transparent" in manim_flags("p", transparent=True)
    assert "--encoder-option" not in manim_flags("p", transparent=True)
