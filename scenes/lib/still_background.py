"""Draw what holds still once per play, and notice when it did not hold still.

Manim's cairo renderer draws, at the start of each play, every mobject that comes before the
first moving one into a background image, then redraws only the rest each frame. It counts a
mobject with an updater as moving. Our LivePlane keeps an updater (it redraws its grid and
vectors from its data every frame), so with a plane on stage every frame of every play was
drawn whole: at 1080p most of the render (docs/performance.md).

Here an updater alone does not make a mobject moving; what a play animates still does, and so
does everything after it (manim's rule, which keeps the stacking order). Instead, before each
frame the renderer checks that what is in the background image is as it was drawn: the same
mobjects on stage, with the same points, colours and widths. From the first frame where
anything differs it draws whole frames for the rest of that play, as manim would have. So the
frames are manim's; only the work differs, and a test renders both ways and compares them.
"""
from __future__ import annotations

from typing import Any, Iterable

from manim import Camera, Mobject, Scene, config
from manim.constants import RendererType
from manim.renderer.cairo_renderer import CairoRenderer

from .path_cache import PathCachingCamera

__all__ = ["StillBackground", "StillBackgroundRenderer", "moving_from_first_animated", "look"]

_ARRAYS = ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas", "sheen_direction")
_VALUES = ("stroke_width", "background_stroke_width", "sheen_factor", "joint_type", "cap_style")


def look(mobject: Mobject) -> tuple:
    """Everything cairo reads to draw one mobject (not its submobjects). It runs for every
    still mobject before every frame, so a VMobject (nearly all of them) is read in one
    expression; a mobject without points draws nothing, so its look is only that it has none
    (it changes when points arrive)."""
    m = mobject
    if not len(m.points):
        return ()
    try:
        return (m.points.tobytes(), m.fill_rgbas.tobytes(), m.stroke_rgbas.tobytes(),
                m.background_stroke_rgbas.tobytes(), m.sheen_direction.tobytes(), m.stroke_width,
                m.background_stroke_width, m.sheen_factor, m.joint_type, m.cap_style)
    except AttributeError:      # not a VMobject: whichever of those it has
        arrays = tuple(a.tobytes() if (a := getattr(m, name, None)) is not None else None for name in _ARRAYS)
        return arrays + tuple(getattr(m, name, None) for name in _VALUES)


def moving_from_first_animated(scene, animations) -> list[Mobject]:
    """Manim's `Scene.get_moving_mobjects` without counting updaters: the family members from
    the first one an animation (or the foreground) touches to the end of the drawing order."""
    from manim.animation.composition import AnimationGroup

    touched: set[int] = set()

    def collect(anims):
        for anim in anims:
            touched.update(id(m) for m in anim.mobject.get_family())
            if isinstance(anim, AnimationGroup):
                collect(anim.animations)
    collect(animations)
    touched.update(id(m) for fg in scene.foreground_mobjects for m in fg.get_family())
    mobjects = scene.get_mobject_family_members()
    first = next((i for i, m in enumerate(mobjects) if any(id(f) in touched for f in m.get_family())), None)
    return [] if first is None else mobjects[first:]


class StillBackgroundRenderer(CairoRenderer):
    """The cairo renderer, drawing a play's still part once and checking it stays still."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._background: list[Mobject] = []
        self._background_look: tuple | None = None
        self._draw_whole = False
        self.plays_drawn_whole = 0            # plays where the background did not hold still

    def _stage_look(self, scene) -> tuple:
        on_stage = tuple(id(m) for m in scene.get_mobject_family_members())
        return on_stage, tuple(look(m) for m in self._background)

    def save_static_frame_data(self, scene, static_mobjects: Iterable[Mobject]):
        self._draw_whole = False
        self._background = list(static_mobjects or [])
        image = super().save_static_frame_data(scene, self._background)
        self._background_look = self._stage_look(scene) if image is not None else None
        return image

    def update_frame(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True, **kwargs):
        if self.skip_animations and not ignore_skipping:
            return
        if self.static_image is not None and not self._draw_whole and self._stage_look(scene) != self._background_look:
            self._draw_whole = True
            self.plays_drawn_whole += 1
        if self._draw_whole:
            saved, self.static_image = self.static_image, None
            super().update_frame(scene, None, include_submobjects, ignore_skipping, **kwargs)
            self.static_image = saved
            return
        if not mobjects and self.static_image is not None:
            self.camera.set_frame_to_background(self.static_image)   # all of it is in the background
            return
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)


class StillBackground(Scene):
    """Mix into a Scene (before Scene) to render with StillBackgroundRenderer and a camera that
    keeps each outline's path (path_cache.py). `still_background = False` keeps manim's own
    renderer and camera (the tests compare the two)."""

    still_background: bool = True

    def __init__(self, renderer=None, camera_class=None, **kwargs):
        if renderer is None and self.still_background and config.renderer == RendererType.CAIRO:
            camera_class = camera_class or PathCachingCamera
            renderer = StillBackgroundRenderer(camera_class=camera_class,
                                               skip_animations=kwargs.get("skip_animations", False))
        super().__init__(renderer=renderer, camera_class=camera_class or Camera, **kwargs)

    def get_moving_mobjects(self, *animations):
        if isinstance(self.renderer, StillBackgroundRenderer):
            return moving_from_first_animated(self, animations)
        return super().get_moving_mobjects(*animations)
