"""How long a script's video will run, estimated before anything is drawn, so `check` can
refuse a script that asks for hours (repeated placeholders at `pace: 4` once asked for 100
minutes from 1 KB of YAML).

Our scenes pace every beat to its caption: the picture keeps moving while the viewer reads
(scenes/lib/base.py, `stretched`). So a video lasts about as long as its captions take to
read, phrase by phrase (captions.reading_seconds), each part lasting at least PART_FLOOR for
its animation, all times `pace`. A placeholder counts as PLACEHOLDER_CHARS characters, whatever
it fills in; the script layer lets each appear at most twice in a caption, so no caption can
grow far past its estimate.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from .captions import phrases, reading_seconds
from .registry import EXPLAINER, PLACEHOLDER, PLAYS_BEATS_OF, WALKTHROUGH, Part, Shot, explainer_shots

__all__ = ["PART_FLOOR", "PLACEHOLDER_CHARS", "estimated_seconds", "estimated_shot_seconds",
           "estimated_beat_seconds"]

PART_FLOOR = 4.0           # seconds a part's animation takes even under a one-line caption
PLACEHOLDER_CHARS = 40     # what a filled placeholder is counted as


def _reading(template: str) -> float:
    text = PLACEHOLDER.sub("x" * PLACEHOLDER_CHARS, template)
    return sum(reading_seconds(p) for p in phrases(text))


def _part_seconds(part: Part, narration: Mapping[str, str], again: bool = False) -> float:
    template = part.again if again and part.again is not None else narration.get(part.name, part.caption or "")
    return max(PART_FLOOR, _reading(template))


def _shot_parts(shot: Shot) -> Iterable[tuple[Part, bool]]:
    """(part, played again for a later phrase) for every part an explainer shot plays."""
    if shot.phrase is None:
        if EXPLAINER[shot.section].caption is not None:
            yield EXPLAINER[shot.section], False
        if shot.section in PLAYS_BEATS_OF:
            yield from ((p, False) for p in PLAYS_BEATS_OF[shot.section])
        return
    # beats of a phrase of the alignment, the later phrases' shorter
    yield from ((WALKTHROUGH[b], shot.phrase > 0) for b in shot.beats)


def _parts_played(sections: Iterable[str], phrase_count: int) -> Iterable[tuple[Part, bool]]:
    """(part, played again for a later phrase) for every part the video plays, in order."""
    if phrase_count == 1:
        yield from ((p, False) for p in WALKTHROUGH)
        return
    for shot in explainer_shots(tuple(sections), phrase_count):
        yield from _shot_parts(shot)


def estimated_seconds(sections: Iterable[str], phrase_count: int, narration: Mapping[str, str],
                      pace: float) -> float:
    """The video's running time, about: see the module's docstring."""
    return pace * sum(_part_seconds(p, narration, again) for p, again in _parts_played(sections, phrase_count))


def estimated_shot_seconds(shots: Iterable[Shot], narration: Mapping[str, str]) -> list[float]:
    """Each explainer shot's running time, about (at pace 1): how `attnvid render` shares out a
    first render, before a bundle has measured them."""
    return [sum(_part_seconds(p, narration, again) for p, again in _shot_parts(shot)) for shot in shots]


def estimated_beat_seconds(narration: Mapping[str, str]) -> list[float]:
    """Each beat of a walkthrough's running time, about (at pace 1), in WALKTHROUGH's order:
    how `attnvid render` shares a first render out, before a bundle has measured them (beats
    run 4 to 35 s, so counting them all equal cut CatSat after 96 of its 138 s)."""
    return [_part_seconds(p, narration) for p in WALKTHROUGH]
