"""Building scenes inside pytest: manim's dry run plays every animation but writes no file."""
from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

from attnmath import format_number, format_weights

ROOT = Path(__file__).resolve().parent.parent


def build(scene_class, tmp_path, skip_animations=True):
    """Run construct() fully. Skipping jumps each animation to its end state (the numbers and
    the rest layout are the same, twice as fast); the real render test plays every frame."""
    from manim import tempconfig
    with tempconfig({"dry_run": True, "quality": "low_quality", "disable_caching": True,
                     "media_dir": str(tmp_path), "progress_bar": "none", "verbosity": "WARNING"}):
        scene = scene_class(skip_animations=skip_animations)
        scene.render()
    return scene


def load_module(path, name: str):
    """Import a file as a module under `name`, as `manim FILE` does (each call runs it again)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def import_phrase_module(name="phrase_under_test"):
    return load_module(ROOT / "scenes" / "phrase.py", name)


def display_strings(script, trace) -> set[str]:
    """Every string attnmath's display rounding makes from this trace and its model."""
    shown = set()
    arrays = [trace.embeddings, trace.positions, trace.positioned, trace.search, trace.offer,
              trace.scores, trace.values, trace.outputs, script.model.W_search, script.model.W_offer]
    for a in arrays:
        for row in a:
            shown.update(format_number(x) for x in row)
    for row in trace.weights:
        weights = format_weights(row)
        shown.update(weights)
        shown.add(f"{sum(Decimal(x) for x in weights):.2f}")
    return shown
