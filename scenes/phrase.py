"""Render a phrase walkthrough:  manim -pql scenes/phrase.py CatSat

One scene class per single-phrase script in scripts/, named from the file (cat_sat.yaml ->
CatSat), made when manim imports this file: copy a script, change its phrase, and the new class
is there. `ATTN_SCRIPT=path/to/any.yaml manim -pql scenes/phrase.py Phrase` renders any script.
"""
import os
from pathlib import Path

from attnvid.publish.records import ATTN_SCRIPT
from scenes.lib.walkthrough import class_name, single_phrase_scripts, walkthrough_class

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"

for _path in single_phrase_scripts(SCRIPTS):
    globals()[class_name(_path.stem)] = walkthrough_class(_path, module=__name__)

if os.environ.get(ATTN_SCRIPT):
    Phrase = walkthrough_class(os.environ[ATTN_SCRIPT], "Phrase", module=__name__)

del _path
