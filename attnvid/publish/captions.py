"""Captions as .srt (video editors, YouTube) and .vtt (the browser's <track>).

A cue is (start, end, text) in seconds on the video's own clock. Times are written to the
millisecond, rounded so a cue never ends after the next one starts.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str

    def shifted(self, by: float) -> "Cue":
        return Cue(self.start + by, self.end + by, self.text)


def _stamp(seconds: float, separator: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{separator}{ms:03d}"


def _clean(text: str) -> str:
    """One cue's text: no blank lines (they end a cue in both formats) and no "-->"."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line).replace("-->", "->")


def to_srt(cues: list[Cue]) -> str:
    blocks = [f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{_clean(c.text)}\n"
              for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def to_vtt(cues: list[Cue]) -> str:
    """WebVTT; text is escaped because a browser reads <b> or &amp; in a cue as markup."""
    def escape(t: str) -> str:
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    blocks = [f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{escape(_clean(c.text))}\n" for c in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)
