"""The still background and the path cache: the same frames as manim's renderer, with less drawn.

A small stage with what the videos do: a LivePlane (which keeps an updater), a translucent
chip (drawing it twice would darken it), a fade while the plane holds still, a still wait, an
animation whose update also moves a line drawn behind it (the background does not hold still),
the plane's own zoom, and a caption change. Rendered both ways at -ql, every frame compared.
"""
import numpy as np
import pytest
from manim import (DOWN, RIGHT, Line, Scene, Square, Text, UpdateFromAlphaFunc, VGroup, tempconfig)
from manim.camera.camera import Camera
from manim.renderer.cairo_renderer import CairoRenderer

from scenes.lib.fading import FadeIn, FadeOut
from scenes.lib.layout import View
from scenes.lib.path_cache import PathCachingCamera
from scenes.lib.pieces import LivePlane
from scenes.lib.still_background import StillBackground, StillBackgroundRenderer


class Stage(StillBackground):
    def construct(self):
        plane = LivePlane(View(-2, 2, -2, 2, 1))
        vec = plane.vector((1.0, 1.0))
        chip = Square(side_length=1.2).set_fill("#ff8800", opacity=0.12).shift(3 * RIGHT)
        shadow = Line(plane.to_screen((0, 0)), plane.to_screen((1, 0)), stroke_width=8, color="#55aaff")
        self.add(plane, chip, shadow, vec)
        word = Text("cat", font_size=36).shift(3 * RIGHT + DOWN)
        self.play(FadeIn(word), run_time=0.5)                 # the plane holds still
        self.wait(0.4)

        def swing(v, a):                                      # moves the shadow too, drawn behind v
            v.end = np.array([1.0 + a, 1.0 - 2 * a])
            plane.redraw_vector(v)
            shadow.put_start_and_end_on(plane.to_screen((0, 0)), plane.to_screen((v.end[0], 0)))
        self.play(UpdateFromAlphaFunc(vec, swing), run_time=0.5)
        self.play(plane.zoom_to(View(-3, 3, -3, 3, 1)), run_time=0.5)
        self.play(FadeOut(word), FadeIn(Text("sat", font_size=36).shift(3 * RIGHT + DOWN)), run_time=0.5)
        self.wait(0.2)


class ManimsOwn(Stage):
    still_background = False


def render(scene_class, tmp_path, monkeypatch):
    """Every frame the scene writes, and how many vectorized mobjects the camera drew."""
    frames, drawn = [], [0]
    add_frame = CairoRenderer.add_frame
    display = Camera.display_vectorized

    def keep(self, frame, num_frames=1):
        frames.extend([frame.copy()] * num_frames)
        add_frame(self, frame, num_frames)

    def count(self, vmobject, ctx):
        drawn[0] += 1
        return display(self, vmobject, ctx)
    monkeypatch.setattr(CairoRenderer, "add_frame", keep)
    monkeypatch.setattr(Camera, "display_vectorized", count)
    with tempconfig({"quality": "low_quality", "disable_caching": True, "progress_bar": "none",
                     "media_dir": str(tmp_path / scene_class.__name__), "format": "mp4"}):
        scene = scene_class()
        scene.render()
    monkeypatch.undo()
    return frames, drawn[0], scene.renderer


def test_same_frames_as_manims_renderer_with_less_drawn(tmp_path, monkeypatch):
    ours, ours_drawn, renderer = render(Stage, tmp_path, monkeypatch)
    theirs, theirs_drawn, reference = render(ManimsOwn, tmp_path, monkeypatch)
    assert isinstance(renderer, StillBackgroundRenderer) and not isinstance(reference, StillBackgroundRenderer)
    assert len(ours) == len(theirs) > 30
    for k, (a, b) in enumerate(zip(ours, theirs)):
        assert np.array_equal(a, b), f"frame {k} differs"
    # the swing moved a line drawn behind the animated vector: that play was drawn whole
    assert renderer.plays_drawn_whole == 1
    # and the rest was not: manim redraws the plane and all after it in every frame
    assert ours_drawn < 0.7 * theirs_drawn, (ours_drawn, theirs_drawn)
    # most outlines drawn had been drawn before with the same points: their paths were replayed
    assert renderer.camera.paths_replayed > 0.5 * ours_drawn


def test_a_plain_scene_keeps_manims_renderer():
    with tempconfig({"dry_run": True}):
        assert type(Scene().renderer) is CairoRenderer and type(Scene().renderer.camera) is Camera
        assert isinstance(Stage().renderer, StillBackgroundRenderer)
        assert isinstance(Stage().renderer.camera, PathCachingCamera)
        assert type(ManimsOwn().renderer.camera) is Camera


def test_the_path_cache_keeps_what_holds_still_and_drops_what_moved(monkeypatch):
    """Two generations: an outline drawn every frame is traced once however many moving
    outlines (each new every frame) pass through, and the cache never holds more than two
    generations of paths."""
    import cairo
    import scenes.lib.path_cache as path_cache
    monkeypatch.setattr(path_cache, "MAX_PATHS", 10)
    camera = PathCachingCamera()
    ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 64, 64))
    still = Square()
    traced = []
    monkeypatch.setattr(Camera, "set_cairo_context_path", lambda self, c, m: (traced.append(m), c.new_path()))
    for frame in range(100):
        camera.set_cairo_context_path(ctx, still)
        camera.set_cairo_context_path(ctx, Square().shift(0.01 * (frame + 1) * RIGHT))   # moved: a new outline
        assert len(camera._paths) + len(camera._older) <= 2 * path_cache.MAX_PATHS
    assert traced.count(still) == 1 and camera.paths_replayed == 99
