"""Lets manim-slides 5.7.0 render on manim 0.22: `from scenes.lib import slides_compat`
before any Slide is made (slideshow.py, beside it, does).

manim-slides 5.7.0's Slide uses five things that manim 0.21 has and 0.22 changed; each would
stop or spoil a render:

1. `config.write_to_movie` is gone (0.22 has `config.format`): Slide.__init__ sets it, an
   AttributeError. Bridged by a property that reads and sets `config.format`.
2. `config.flush_cache` is gone (0.22 has `manim cache clear`): Slide.render reads it, an
   AttributeError. Bridged by a plain flag, off unless someone sets it.
3. `max_files_cached` means "unlimited" by -1 and rejects float("inf"), which Slide.render sets:
   a ValueError. Bridged by a setter that turns infinity into -1.
4. The scene's file writer copies `max_files_cached` when the scene is made, so Slide.render
   lifting the limit comes too late: with more clips than the limit (100 by default), manim
   deletes the least recently used ones before manim-slides joins them into slides. Bridged
   by making every Slide with the limit lifted, and putting the old value back afterwards.
5. `SceneFileWriter.flush_cache_directory()` is gone: Slide.render calls it when flush_cache
   is set. Bridged by manim 0.22's own clear_segment_cache on the same folder.

These reach into internals (manim._config's ManimConfig, the file writer, manim-slides'
Slide.__init__), which is why manim-slides is pinned exactly in pyproject.toml and
tests/test_slides.py checks that each gap is still there and bridged. apply() is idempotent:
it skips every patch already in place, and leaves 1, 2 and 5 alone if manim has them again.
"""
from __future__ import annotations

import math
import warnings

MANIM_SLIDES_VERSION = "5.7.0"   # the release these patches are written for
_MARK = "_attnvid_slides_compat"  # on the two functions we wrap, so a second apply() sees them


def _mark(function):
    setattr(function, _MARK, True)
    return function


def _is_ours(function) -> bool:
    return getattr(function, _MARK, False)


def apply() -> list[str]:
    """Install whatever patches are missing; returns their names (empty when nothing was)."""
    import manim_slides
    from manim import config
    from manim._config.output import _VIDEO_FORMATS, OutputFormat
    from manim._config.utils import ManimConfig
    from manim.scene.scene_file_writer import SceneFileWriter
    from manim.utils.caching import clear_segment_cache
    from manim_slides.slide.manim import Slide

    if manim_slides.__version__ != MANIM_SLIDES_VERSION:
        warnings.warn(f"scenes.lib.slides_compat is written for manim-slides {MANIM_SLIDES_VERSION}, "
                      f"not {manim_slides.__version__}; check each patch still fits", stacklevel=2)
    applied = []

    if not hasattr(ManimConfig, "write_to_movie"):
        def writes_movie(self) -> bool:
            """What 0.22 resolves the format to: a video unless dry run, live preview, or a still."""
            fmt = OutputFormat.parse(self.format)
            live = self.live_preview or self.enable_gui
            return not self.dry_run and (fmt in _VIDEO_FORMATS or (fmt is OutputFormat.AUTO and not live))

        def set_writes_movie(self, value: bool) -> None:
            if value and not writes_movie(self):
                self.format = OutputFormat.MOV if self.transparent else OutputFormat.MP4
            elif not value and writes_movie(self):
                self.format = OutputFormat.NONE

        ManimConfig.write_to_movie = property(writes_movie, set_writes_movie)
        applied.append("write_to_movie")

    if not hasattr(ManimConfig, "flush_cache"):
        def set_flush(self, value: bool) -> None:
            self._d["flush_cache"] = bool(value)

        ManimConfig.flush_cache = property(lambda self: self._d.get("flush_cache", False), set_flush)
        applied.append("flush_cache")

    limit = ManimConfig.max_files_cached
    if not _is_ours(limit.fset):
        def set_limit(self, value) -> None:
            limit.fset(self, -1 if isinstance(value, float) and math.isinf(value) else value)

        ManimConfig.max_files_cached = property(limit.fget, _mark(set_limit), doc=limit.__doc__)
        applied.append("max_files_cached")

    if not _is_ours(Slide.__init__):
        make_slide = Slide.__init__

        def make_with_every_clip_kept(self, *args, **kwargs):
            before = config.max_files_cached
            config.max_files_cached = -1
            try:
                make_slide(self, *args, **kwargs)
            finally:
                config.max_files_cached = before

        Slide.__init__ = _mark(make_with_every_clip_kept)
        applied.append("Slide.__init__")

    if not hasattr(SceneFileWriter, "flush_cache_directory"):
        SceneFileWriter.flush_cache_directory = lambda self: clear_segment_cache(self.partial_movie_directory)
        applied.append("flush_cache_directory")

    return applied


apply()
