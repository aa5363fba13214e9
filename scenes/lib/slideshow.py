"""The phrase walkthrough as manim-slides slides: each beat a slide (scenes/slides.py makes
the classes to render; these bases live apart so manim does not list them as scenes).
slides_compat.py beside it bridges manim-slides 5.7.0 to manim 0.22."""
from . import slides_compat  # noqa: F401  (before any Slide is made: bridges manim 0.22)

from manim import Scene
from manim.scene.section import DefaultSectionType
from manim_slides.slide import Slide
from manim_slides.slide.base import BaseSlide

from .walkthrough import PhraseWalkthrough


class SectionSlide(Slide):
    """A Slide whose every section boundary is also a slide boundary, so the beats a
    NarratedScene opens as sections become the slides.

    manim-slides' own next_section (an alias of next_slide) would take the section over and
    clash with NarratedScene's, which passes skip_animations by position (a TypeError). So here
    the slide is closed by manim-slides' bookkeeping alone (it keeps a slide only if something
    played since the last one, so the first beat makes no empty slide) and the section is
    opened by manim as usual; NarratedScene's records and section skipping run before this.
    """

    def next_section(self, name: str = "unnamed", section_type: str = DefaultSectionType.NORMAL,
                     skip_animations: bool = False) -> None:
        BaseSlide.next_slide(self)
        Scene.next_section(self, name, section_type, skip_animations)


class WalkthroughSlides(PhraseWalkthrough, SectionSlide):
    """The eight beats of PhraseWalkthrough, unchanged, as eight slides. Slide.render wraps
    Scene.render, which runs our setup (the script is loaded there) before construct."""
