"""Our copy-free fades draw what manim's FadeIn/FadeOut draw, without copying anything."""
import manim
import numpy as np
import pytest
from manim import UP, Circle, Mobject, Square, Text, VGroup

from scenes.lib.fading import FadeIn, FadeOut


def picture(mobject):
    """What the camera reads: the points and colours of every part that has points (groups
    without points are never drawn)."""
    return [np.concatenate([m.points.ravel(), m.get_fill_rgbas().ravel(), m.get_stroke_rgbas().ravel(),
                            m.get_stroke_rgbas(background=True).ravel()])
            for m in mobject.get_family() if isinstance(m, manim.VMobject) and len(m.points)]


def make():
    return VGroup(Square().set_fill("#ff8800", opacity=0.7), Circle(stroke_opacity=0.4).shift(UP),
                  Text("cat 猫", font_size=30))


@pytest.mark.parametrize("ours, theirs", [(FadeIn, manim.FadeIn), (FadeOut, manim.FadeOut)])
@pytest.mark.parametrize("shift", [None, 0.4 * UP])
@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.75, 1.0])
def test_every_frame_matches_manims_fade(ours, theirs, shift, alpha):
    a, b = make(), make()
    mine, reference = ours(a, shift=shift), theirs(b, shift=shift)
    mine.begin()
    reference.begin()
    mine.interpolate(alpha)
    reference.interpolate(alpha)
    for x, y in zip(picture(a), picture(b), strict=True):
        np.testing.assert_allclose(x, y, atol=1e-6)


def test_nothing_is_copied(monkeypatch):
    copies = []
    monkeypatch.setattr(Mobject, "copy", lambda self: copies.append(self) or self)
    group = make()
    for anim in (FadeIn(group, shift=UP), FadeOut(group)):
        anim.begin()
        for alpha in np.linspace(0, 1, 5):
            anim.interpolate(alpha)
        anim.finish()
    assert copies == []


def test_a_faded_out_mobject_comes_back_whole():
    group = make()
    before = picture(group)
    scene = manim.Scene()
    scene.add(group)
    out = FadeOut(group, shift=UP)
    out.begin()
    out.interpolate(1.0)
    out.finish()
    out.clean_up_from_scene(scene)
    assert group not in scene.mobjects
    for x, y in zip(picture(group), before, strict=True):
        np.testing.assert_allclose(x, y)
