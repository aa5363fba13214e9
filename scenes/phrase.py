"""Render a phrase walkthrough:  manim -pql scenes/phrase.py CatSat

One scene class per single-phrase script in scripts/, named from the file (cat_sat.yaml ->
CatSat), made when manim imports this file: copy a script, change its phrase, and the new class
is there. `ATTN_SCRIPT=path/to/any.yaml manim -pql scenes/phrase.py Phrase` renders any script.
"""
import os
from pathlib import Path

from scenes.walkthrough import class_name, walkthrough_class

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _phrase_count(path: Path) -> int:
    """How many phrases a script has (0 for a model file), read cheaply; broken files count 1
    so their scene exists and reports the problem when rendered."""
    from attnvid.problems import ScriptError
    from attnvid.script import ModelFile, load
    try:
        loaded = load(path)
    except ScriptError:
        return 1
    return 0 if isinstance(loaded, ModelFile) else len(loaded.phrases)


for _path in sorted(SCRIPTS.glob("*.yaml")):
    if _phrase_count(_path) == 1:
        globals()[class_name(_path.stem)] = walkthrough_class(_path, module=__name__)

if os.environ.get("ATTN_SCRIPT"):
    Phrase = walkthrough_class(os.environ["ATTN_SCRIPT"], "Phrase", module=__name__)

del _path
