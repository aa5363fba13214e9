"""Render a phrase walkthrough as lecture slides, one slide per beat, with manim-slides:

    manim-slides render -ql --disable_caching scenes/slides.py CatSatSlides
    XDG_CACHE_HOME=.cache manim-slides convert --to html --offline --one-file CatSatSlides site/catsat_slides.html

(`make slides` does both, after tools/revealjs.py has put reveal.js where --offline looks.)
One class per single-phrase script, as scenes/phrase.py makes, with "Slides" after the name
(cat_sat.yaml -> CatSatSlides); `ATTN_SCRIPT=path/to/any.yaml` adds PhraseSlides.
"""
import os
from pathlib import Path

from scenes.lib.slideshow import WalkthroughSlides
from attnvid.publish.records import ATTN_SCRIPT
from scenes.lib.walkthrough import class_name, single_phrase_scripts, walkthrough_class

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"

for _path in single_phrase_scripts(SCRIPTS):
    _name = class_name(_path.stem) + "Slides"
    globals()[_name] = walkthrough_class(_path, _name, module=__name__, base=WalkthroughSlides)

if os.environ.get(ATTN_SCRIPT):
    PhraseSlides = walkthrough_class(os.environ[ATTN_SCRIPT], "PhraseSlides", module=__name__,
                                     base=WalkthroughSlides)

del _path, _name
