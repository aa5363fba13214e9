"""Text whose outlines are traced once: kept in memory and on disk, shared by processes and runs.

Manim's Text asks Pango for an SVG (cheap) and then turns it into curves (parsing the SVG with
svgelements, one VMobject per glyph): 40 to 90 ms a text, a fifth of the explainer's render
(under a profiler), and the explainer makes 1,600 texts, 1,000 of them different. The curves
depend only on that SVG and the style manim writes into it, so they are kept under a digest of
exactly those: in this process (the same string made twice is traced once) and on disk (the
other processes of a render, and the next render, read them back: about 1 ms).

Frames do not change: a text's glyphs are the same points and colours whether traced or read
back (tests/test_kept.py compares them, and the render tests compare whole videos). The
glyphs leave out what only tracing needs (the svgelements path each was traced from, manim's
table of SVG groups, which only Tex reads), so a text is also cheaper to copy.

On disk: $ATTN_GLYPH_CACHE, else $XDG_CACHE_HOME/attnvid/glyphs (~/.cache/attnvid/glyphs);
ATTN_GLYPH_CACHE=off keeps them in memory only. Entries are pickles this code wrote into the
user's own cache folder; each is written to a temporary name and renamed, so a reader never
sees half of one, and an entry that fails to load is traced again and replaced.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from importlib.metadata import version
from pathlib import Path
from typing import Optional

from manim import Text as ManimText
from manim import config

from attnvid.kept import cache_home, write_atomically

__all__ = ["Text", "glyph_root", "traced"]

FORMAT = 1                 # bump when what an entry holds changes
MAX_ENTRIES = 20_000       # on disk; the oldest half goes when a process finds more
_MEMORY: dict[str, bytes] = {}
_MANIM = version("manim")
_pruned = False
traced = 0                 # texts this process traced from SVG (the rest came from a cache)


def glyph_root() -> Optional[Path]:
    """Where traced outlines are kept between processes, or None (memory only)."""
    setting = os.environ.get("ATTN_GLYPH_CACHE", "")
    if setting == "off":
        return None
    return Path(setting) if setting else cache_home() / "glyphs"


class Text(ManimText):
    """manim's Text, its outlines traced once (see the module docstring)."""

    def init_svg_mobject(self, use_svg_cache: bool) -> "Text":
        key = self._outline_key()
        glyphs = _load(key)
        if glyphs is None:
            global traced
            traced += 1
            self.generate_mobject()
            glyphs = list(self.submobjects)
            for g in glyphs:
                g.path_obj = None
            blob = pickle.dumps(glyphs, protocol=pickle.HIGHEST_PROTOCOL)
            _store(key, blob)
        else:
            self.add(*glyphs)
        self.id_to_vgroup_dict = {}
        return self

    def _outline_key(self) -> str:
        """A digest of everything the traced curves depend on: the SVG Pango wrote, the style
        manim writes around it, how paths are read, the renderer and manim's version."""
        h = hashlib.sha256(f"{FORMAT}|{_MANIM}|{config.renderer}|".encode())
        h.update(repr(sorted((k, str(v)) for k, v in self.svg_default.items())).encode())
        h.update(repr(sorted((k, str(v)) for k, v in self.path_string_config.items())).encode())
        h.update(self.get_file_path().read_bytes())
        return h.hexdigest()


def _load(key: str) -> Optional[list]:
    blob = _MEMORY.get(key)
    root = glyph_root()
    if blob is None and root is not None:
        try:
            blob = (root / key[:2] / key).read_bytes()
        except OSError:
            return None
    if blob is None:
        return None
    try:
        glyphs = pickle.loads(blob)
    except Exception:            # a damaged entry: traced again and replaced
        _MEMORY.pop(key, None)
        return None
    _MEMORY[key] = blob
    return glyphs


def _store(key: str, blob: bytes) -> None:
    _MEMORY[key] = blob
    root = glyph_root()
    if root is None:
        return
    if write_atomically(root / key[:2] / key, blob):     # else the memory copy still serves
        _prune_once(root)


def _prune_once(root: Path) -> None:
    """Once per process: beyond MAX_ENTRIES, drop the least recently written half."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    try:
        entries = [e for d in os.scandir(root) if d.is_dir() for e in os.scandir(d.path) if not e.name.startswith(".")]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda e: e.stat().st_mtime)
        for e in entries[:len(entries) // 2]:
            os.unlink(e.path)
    except OSError:
        pass
