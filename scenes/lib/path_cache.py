"""A camera that builds each outline's cairo path once and replays it.

Manim turns a VMobject's points into a cairo path afresh every time it draws it: it finds where
subpaths split and emits every curve from Python. Most of what a frame draws has the same points
as the frame before (a caption fading in changes its colours, not its outlines; a panel holds
still while the stage around it moves), so the path is kept, keyed by the points themselves, and
appended to the context in one call. The camera's frame never moves in our scenes, so the same
points always give the same path; a test compares the frames with manim's own camera.
"""
from __future__ import annotations

import cairo
from manim import Camera, VMobject

__all__ = ["PathCachingCamera"]

MAX_PATHS = 2_500            # paths a generation holds (so at most twice that are kept)


class PathCachingCamera(Camera):
    """Paths are kept in two generations. A new path goes into the young one; when that is
    full it becomes the old one and the oldest is dropped, and a path found in the old one moves
    back to the young. What holds still is drawn every frame, so it is always found and never
    dropped; an outline that moves makes a new path every frame, used once, and those go with
    the old generation. One generation of 50,000, cleared when full, held 1.3 GiB at 1080p30
    (docs/performance.md)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._paths: dict[tuple, cairo.Path] = {}
        self._older: dict[tuple, cairo.Path] = {}
        self.paths_replayed = 0

    def set_cairo_context_path(self, ctx: cairo.Context, vmobject: VMobject) -> "PathCachingCamera":
        points = vmobject.points
        if len(points) == 0:
            return self
        key = (points.shape, points.tobytes(), vmobject.n_points_per_cubic_curve)
        path = self._paths.get(key)
        if path is None and (path := self._older.pop(key, None)) is not None:
            self._keep(key, path)
        if path is None:
            super().set_cairo_context_path(ctx, vmobject)
            self._keep(key, ctx.copy_path())
        else:
            ctx.new_path()
            ctx.append_path(path)
            self.paths_replayed += 1
        return self

    def _keep(self, key: tuple, path: cairo.Path) -> None:
        if len(self._paths) >= MAX_PATHS:
            self._older, self._paths = self._paths, {}
        self._paths[key] = path
