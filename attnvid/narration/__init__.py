"""The narrating voice, outside Manim.

- synthesis.py: which voice (`find_voice`), one Piper process speaking line by line
  (`Narrator`), and the speech cache, so nothing is synthesised twice;
- track.py: the spoken lines a render placed on its clock become one loudness-normalised
  narration track, cut per section, muxed into the published files.

Piper (GPL-3.0-or-later) only ever runs in its own process (`python -m piper`); nothing here
imports it.
"""
