"""FadeIn and FadeOut that change opacities in place instead of copying.

Manim's FadeIn/FadeOut are Transforms from (or to) a faded deep copy of the mobject: a caption
(about 130 glyph outlines) costs some 60 ms to copy, a panel of numbers more, and a walkthrough
fades hundreds of them (docs/performance.md: copies were two thirds of the build time). These
store each part's colours once, scale the alpha channel per frame, and put everything back
when done, so what is drawn is the same as manim's fades, frame for frame within rounding.
Same call signature for what the scenes use: mobjects, `shift=`, `run_time=`, `rate_func=`.
"""
from __future__ import annotations

import numpy as np
from manim import Animation, Group, VGroup, VMobject

__all__ = ["FadeIn", "FadeOut"]


class _Fade(Animation):
    def __init__(self, *mobjects, shift=None, fade_in: bool, **kwargs):
        if not mobjects:
            raise ValueError("nothing to fade")
        if len(mobjects) == 1:
            mobject = mobjects[0]
        else:
            mobject = VGroup(*mobjects) if all(isinstance(m, VMobject) for m in mobjects) else Group(*mobjects)
        self.fade_in = fade_in
        self.shift_vector = np.zeros(3) if shift is None else np.asarray(shift, dtype=float)
        super().__init__(mobject, introducer=fade_in, remover=not fade_in, **kwargs)

    def create_starting_mobject(self):
        return self.mobject              # the point: no copy

    def begin(self):
        self._colours = [(m, m.get_fill_rgbas().copy(), m.get_stroke_rgbas().copy(),
                          m.get_stroke_rgbas(background=True).copy())
                         for m in self.mobject.get_family() if isinstance(m, VMobject) and len(m.points)]
        self._offset = np.zeros(3)
        super().begin()

    def _show(self, visible: float, offset: np.ndarray):
        for m, fill, stroke, background in self._colours:
            m.fill_rgbas = fill * [1, 1, 1, visible]
            m.stroke_rgbas = stroke * [1, 1, 1, visible]
            m.background_stroke_rgbas = background * [1, 1, 1, visible]
        if np.any(offset != self._offset):
            self.mobject.shift(offset - self._offset)
            self._offset = offset

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        if self.fade_in:
            self._show(a, -self.shift_vector * (1 - a))
        else:
            self._show(1 - a, self.shift_vector * a)

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        if not self.fade_in:
            self._show(1.0, np.zeros(3))    # gone from the scene, intact if added again


class FadeIn(_Fade):
    def __init__(self, *mobjects, shift=None, **kwargs):
        super().__init__(*mobjects, shift=shift, fade_in=True, **kwargs)


class FadeOut(_Fade):
    def __init__(self, *mobjects, shift=None, **kwargs):
        super().__init__(*mobjects, shift=shift, fade_in=False, **kwargs)
