"""One real -ql render of CatSat, checked as a viewer's player would see it."""
import numpy as np
import pytest
from PIL import Image

from attnmath import format_weights
from attnvid.script import load_script
from attnvid.story import WALKTHROUGH

BEATS = WALKTHROUGH.names
from conftest import SCRIPTS
from render_support import REFERENCE, beat_cues, difference, frame_at, key_frame_times, probe, srt_cues

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def catsat(catsat_render):
    return catsat_render, catsat_render.with_suffix(".srt")


def test_the_video_is_h264_yuv420p_of_a_sensible_length(catsat):
    video, _ = catsat
    info = probe(video)
    assert (info["codec_name"], info["pix_fmt"]) == ("h264", "yuv420p")
    assert (info["width"], info["height"]) == (854, 480)
    assert 20 <= info["duration"] <= 150


def test_subtitles_cover_every_beat_inside_the_video(catsat):
    video, srt = catsat
    duration = probe(video)["duration"]
    cues = srt_cues(srt)
    assert [beat for beat, said in beat_cues(cues, SCRIPTS / "cat_sat.yaml").items() if said] == list(BEATS)
    assert cues[0][0] == 0
    for (start, end, words), following in zip(cues, cues[1:] + [None]):
        assert 0 <= start < end <= duration + 0.05
        assert words
        if following:
            assert abs(following[0] - end) < 0.1          # phrases follow one another, no gaps
    assert duration - cues[-1][1] < 0.5
    (t,) = load_script(SCRIPTS / "cat_sat.yaml").shown_traces()
    takeaway = " ".join(words for *_, words in beat_cues(cues, SCRIPTS / "cat_sat.yaml")["takeaway"])
    assert f"sat ({format_weights(t.weights[t.focus])[t.target]})" in takeaway     # as computed


@pytest.mark.parametrize("beat", BEATS)
def test_key_frames_match_the_reference_images(catsat, beat, tmp_path):
    video, srt = catsat
    t = key_frame_times(srt_cues(srt))[beat]
    frame = frame_at(video, t)
    reference = REFERENCE / f"catsat_{beat}.png"
    if not reference.exists():
        pytest.fail(f"no reference image {reference.name}; run `make references` and look at it")
    expected = np.asarray(Image.open(reference).convert("RGB"))
    mean, changed = difference(frame, expected)
    if mean > 4 or changed > 0.01:
        Image.fromarray(frame).save(tmp_path / f"{beat}_now.png")
        pytest.fail(f"{beat}: frame at {t:.2f}s differs from {reference.name} (mean {mean:.2f}, "
                    f"{changed:.1%} of pixels); now: {tmp_path / f'{beat}_now.png'}")


def test_the_comparison_notices_a_change(catsat):
    video, srt = catsat
    times = key_frame_times(srt_cues(srt))
    a, b = frame_at(video, times["scores"]), frame_at(video, times["softmax"])
    mean, changed = difference(a, b)
    assert mean > 4 or changed > 0.01
