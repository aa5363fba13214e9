"""Where attnvid keeps what it worked out once, so no process works it out twice.

One folder per kind under the user's cache ($XDG_CACHE_HOME/attnvid, else ~/.cache/attnvid):
sections (rendered clips), speech (synthesised lines), fits (learned matrices), glyphs (traced
text outlines), locks. Every entry is written to a temporary name and renamed into place, so
processes writing the same entry at once never leave, or read, half of one.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["cache_home", "write_atomically"]


def cache_home() -> Path:
    """$XDG_CACHE_HOME/attnvid, else ~/.cache/attnvid."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "attnvid"


def write_atomically(path: Path, data: bytes) -> bool:
    """Write `data` to `path` by a rename; False (nothing left behind) when the disk refuses."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return True
    except OSError:
        tmp.unlink(missing_ok=True)
        return False
