"""Render CatSat at -ql and store its key frames as the reference images the tests compare
against. Run it (`make references`) after a deliberate change to the look, then look at the
images in tests/reference/ before committing them."""
import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from render_support import REFERENCE, frame_at, key_frame_times, render, srt_cues  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    video = render("scenes/phrase.py", "CatSat", Path(tmp))
    for beat, t in key_frame_times(srt_cues(video.with_suffix(".srt"))).items():
        path = REFERENCE / f"catsat_{beat}.png"
        Image.fromarray(frame_at(video, t)).save(path, optimize=True)
        print(f"{path.relative_to(REFERENCE.parent.parent)}  ({t:.2f}s)")
