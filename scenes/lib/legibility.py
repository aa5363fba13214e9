"""Is every text on screen big enough to read at 480p? Measured, not eyeballed.

The bar: no letter smaller than 1.6 % of the frame height (8 px of a 480-line frame, what the
eye still reads on a laptop at arm's length). A text's size is its capital height: manim keeps
each Text's font size through every scale (`Text.font_size`), and a capital of our font is
CAP_PER_POINT frame units tall per point. The scene records what falls short at the end of each
beat (NarratedScene.small_text), so tests can hold every shipped script to the bar.
"""
from __future__ import annotations

from functools import lru_cache

from manim import DL, UR, MathTex, Text

from .glyph_cache import Text as CachedText

from . import style
from .layout import FRAME_H

__all__ = ["MIN_SHARE", "cap_share", "too_small", "under_caption", "text_off_frame"]

MIN_SHARE = 0.016


@lru_cache(maxsize=None)
def _cap_per_point(font: str) -> float:
    return CachedText("H", font=font, font_size=100).height / 100


def cap_share(m) -> float:
    """The text's capital height as a share of the frame height."""
    font = style.MONO if getattr(m, "font", None) == style.MONO else style.FONT
    return m.font_size * _cap_per_point(font) / FRAME_H


def _visible(m) -> bool:
    return m.get_fill_opacity() > 0.05 or m.get_stroke_opacity() > 0.05


def too_small(mobjects) -> list[tuple[str, float]]:
    """(text, share of frame height) of every visible Text or MathTex below the bar."""
    out, seen = [], set()
    for top in mobjects:
        for m in top.get_family():
            if id(m) in seen or not isinstance(m, (Text, MathTex)):
                continue
            seen.add(id(m))
            if not m.get_family()[1:] or not _visible(m.get_family()[-1]):
                continue
            share = cap_share(m)
            if share < MIN_SHARE - 1e-9:
                out.append((getattr(m, "original_text", None) or getattr(m, "tex_string", "?"), round(share, 4)))
    return out


def under_caption(mobjects, caption) -> list[str]:
    """What visibly reaches into the caption's own box (its lines as drawn, one or two): every
    drawn piece of every other mobject on stage, named by its class (and text, if any)."""
    cb = caption_box(caption)
    out = []
    for top in mobjects:
        if top is caption:
            continue
        for m in top.get_family():
            if not m.has_points() or not _visible(m):
                continue
            lo, hi = m.get_critical_point(DL), m.get_critical_point(UR)
            if lo[0] < cb[2] and hi[0] > cb[0] and lo[1] < cb[3] and hi[1] > cb[1]:
                out.append(f"{type(top).__name__}/{type(m).__name__}" + (f" {m.text!r}" if hasattr(m, "text") else ""))
    return sorted(set(out))


def caption_box(caption) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of the caption's drawn lines."""
    lo, hi = caption.get_critical_point(DL), caption.get_critical_point(UR)
    return lo[0], lo[1], hi[0], hi[1]


def text_off_frame(mobjects, margin: float = 0.05) -> list[str]:
    """Every visible text that reaches past the frame's edge (an 80-character title once did)."""
    from .layout import FRAME
    out = []
    for top in mobjects:
        for m in top.get_family():
            if isinstance(m, (Text, MathTex)) and m.has_points() and _visible(m):
                lo, hi = m.get_critical_point(DL), m.get_critical_point(UR)
                if lo[0] < FRAME.left - margin or hi[0] > FRAME.right + margin or \
                        lo[1] < FRAME.bottom - margin or hi[1] > FRAME.top + margin:
                    out.append(getattr(m, "text", type(m).__name__))
    return out
