"""How a caption reaches the viewer: in phrases short enough to read while the picture moves.

A beat's caption can be several sentences. Shown whole, it is a block of text the viewer reads
instead of watching; so it is cut into phrases of at most two lines, one sentence each where
it can be (very short sentences join their neighbour, a sentence too long for two lines is cut
at a comma or semicolon), and each phrase stays up long enough to read at CHARS_PER_SECOND.
A beat's drawing code can move to the next phrase when its animation reaches what the phrase
says (`with scene.beat(...) as cue: ... cue.next()`); phrases it does not reach are shown in
turn after its animations end.
"""
from __future__ import annotations

import re

__all__ = ["LINE_CHARS", "MAX_LINES", "CHARS_PER_SECOND", "MIN_SECONDS", "phrases", "wrap", "reading_seconds"]

LINE_CHARS = 80          # a caption line at the one caption size (DejaVu Sans 22 holds ~84 in CAPTION)
MAX_LINES = 2
CHARS_PER_SECOND = 15.0  # a reading speed that leaves the eyes time for the picture
MIN_SECONDS = 2.0        # even a short phrase stays up this long
SHORT = 20               # a fragment shorter than this joins its neighbour

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?]”)\s+")   # after . ! ? (and a closing quote)
_SOFT_BREAK = re.compile(r"(?<=[,;:])\s+")


def wrap(s: str, width: int = LINE_CHARS) -> list[str]:
    """Greedy word wrap at `width` characters (a word longer than that gets a line of its own)."""
    lines, line = [], ""
    for w in s.split():
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    return lines + ([line] if line else [])


def _fits(s: str) -> bool:
    return len(wrap(s)) <= MAX_LINES


def _cut(sentence: str) -> list[str]:
    """A sentence too long for two lines, cut at the soft break nearest its middle (recursively),
    else between words."""
    if _fits(sentence):
        return [sentence]
    breaks = [m.end() for m in _SOFT_BREAK.finditer(sentence)]
    middle = len(sentence) / 2
    if breaks:
        at = min(breaks, key=lambda b: abs(b - middle))
    else:
        words = sentence.split()
        half = len(words) // 2
        at = len(" ".join(words[:half])) + 1
    head, tail = sentence[:at].strip(), sentence[at:].strip()
    if not head or not tail:          # one unbreakable run of text: wrap it, two lines at a time
        lines = wrap(sentence)
        return [" ".join(lines[i:i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)]
    return _cut(head) + _cut(tail)


def phrases(caption: str) -> list[str]:
    """The caption as the phrases shown one after another; joined with spaces they give the
    caption back (up to whitespace). An empty caption has none."""
    sentences = [p for s in _SENTENCE_END.split(" ".join(caption.split())) if s for p in _cut(s)]
    out: list[str] = []
    for s in sentences:
        if out and (len(s) < SHORT or len(out[-1]) < SHORT) and _fits(f"{out[-1]} {s}"):
            out[-1] = f"{out[-1]} {s}"
        else:
            out.append(s)
    return out


def reading_seconds(phrase: str) -> float:
    """How long a phrase stays up (before the scene's pace): CHARS_PER_SECOND, at least MIN_SECONDS."""
    return max(MIN_SECONDS, len(phrase) / CHARS_PER_SECOND)
