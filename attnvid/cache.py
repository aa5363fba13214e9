"""A section cache keyed by content, so re-rendering after an edit redoes only what changed.

A section's key hashes what its frames can depend on, and nothing slow to compute:
- the code (every .py file of attnmath, attnvid and scenes) and manim's version;
- how it is rendered (quality, transparency) and the script's presentation (pace, captions,
  title, narration);
- the inputs the section reads (SECTION_INPUTS: the model, the phrases, or neither);
- the previous section's name and inputs, because a section opens by fading out what the
  previous one left on the stage and by replacing its caption.
Manim's own cache hashes every mobject of every animation instead (13-16 s a run on previews).

An entry is a folder holding the clip and its captions/beat times (JSON); it is written to a
temporary name and renamed, so a half-written entry never exists. Old entries are pruned, least
recently used first, beyond a size budget.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import time
import uuid
from pathlib import Path

from .plan import Video
from .script import Script
from .worker import Clip

# What each explainer section reads from the script (beyond the presentation settings, which
# every key includes). A test builds the explainer twice, with a phrase changed, and checks that
# every section said not to read the phrases shows exactly the same numbers and captions.
SECTION_INPUTS: dict[str, tuple[str, ...]] = {
    "embeddings": ("model",),
    "dot_product": (),
    "positions_needed": ("model",),
    "positional_encodings": ("model",),
    "phrases_positioned": ("model", "phrases"),
    "relevance_learned": ("model", "phrases"),
    "alignment": ("model", "phrases"),
    "weighted_average": ("model", "phrases"),
    "bigrams": ("model", "phrases"),
    "cramped": ("model", "phrases"),
    "names": ("model",),
}
WALKTHROUGH_INPUTS = ("model", "phrases")   # every beat builds on the ones before

DEFAULT_BUDGET = 2 * 1024 ** 3


def default_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "attnvid" / "sections"


def code_version() -> str:
    """Every source file that can change a frame, and the manim that draws it."""
    from importlib.metadata import version
    h = hashlib.sha256(version("manim").encode())
    root = Path(__file__).resolve().parent.parent
    for package in ("attnmath", "attnvid", "scenes"):
        for path in sorted((root / package).rglob("*.py")):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _canonical(value):
    """JSON-able and stable: dataclasses field by field (without source line numbers), mappings
    sorted, floats exact (repr)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in ("where", "path")}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if hasattr(value, "tolist"):
        return _canonical(value.tolist())
    if isinstance(value, float):
        return repr(value)
    return value


def section_keys(video: Video, script: Script, quality: str, transparent: bool, code: str) -> list[str]:
    common = {"code": code, "scene": video.scene_class, "quality": quality, "transparent": transparent,
              "pace": repr(script.pace), "captions": script.captions, "title": script.title,
              "narration": _canonical(script.narration)}
    inputs = {"model": _canonical(script.model), "phrases": _canonical(script.phrases)}

    def reads(name: str) -> dict:
        names = WALKTHROUGH_INPUTS if video.scene_class == "Phrase" else SECTION_INPUTS[name]
        return {n: inputs[n] for n in names}

    keys = []
    for i, name in enumerate(video.sections):
        before = video.sections[i - 1] if i else None
        if video.scene_class == "Phrase":
            # a walkthrough beat depends on every beat before it, so on all of them
            before = list(video.sections[:i])
        content = {**common, "section": name, "index_in_walkthrough": i if video.scene_class == "Phrase" else None,
                   "reads": reads(name), "before": before,
                   "before_reads": reads(video.sections[i - 1]) if i else None}
        keys.append(hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32])
    return keys


class SectionCache:
    def __init__(self, root: Path | None = None, budget: int = DEFAULT_BUDGET):
        self.root = Path(root) if root else default_root()
        self.budget = budget

    def get(self, key: str, index: int, name: str) -> Clip | None:
        entry = self.root / key
        try:
            meta = json.loads((entry / "clip.json").read_text(encoding="utf-8"))
            clip = entry / meta["file"]
            if not clip.exists() or meta["name"] != name:
                return None
            os.utime(entry)        # recently used: pruned last
        except (OSError, ValueError, KeyError):
            return None
        return Clip(index, name, clip, tuple(tuple(c) for c in meta["cues"]), tuple(tuple(b) for b in meta["beats"]))

    def put(self, key: str, clip: Clip) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        entry = self.root / key
        tmp = self.root / f".tmp-{key}-{uuid.uuid4().hex[:8]}"
        try:
            tmp.mkdir()
            shutil.copyfile(clip.path, tmp / f"clip{clip.path.suffix}")
            (tmp / "clip.json").write_text(json.dumps({"name": clip.name, "file": f"clip{clip.path.suffix}",
                                                       "cues": clip.cues, "beats": clip.beats}, ensure_ascii=False),
                                           encoding="utf-8")
            if entry.exists():
                shutil.rmtree(entry, ignore_errors=True)
            os.replace(tmp, entry)
        except OSError:
            pass               # a cache that cannot be written only costs time
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def prune(self) -> None:
        """Drop the least recently used entries beyond the budget (and stale temporaries)."""
        if not self.root.exists():
            return
        entries = []
        for e in self.root.iterdir():
            if e.name.startswith(".tmp-"):
                if time.time() - e.stat().st_mtime > 3600:     # left by a run that was killed
                    shutil.rmtree(e, ignore_errors=True)
                continue
            size = sum(f.stat().st_size for f in e.rglob("*") if f.is_file())
            entries.append((e.stat().st_mtime, size, e))
        total = sum(s for _, s, _ in entries)
        for _, size, e in sorted(entries):
            if total <= self.budget:
                break
            shutil.rmtree(e, ignore_errors=True)
            total -= size
