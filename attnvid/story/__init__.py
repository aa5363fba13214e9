"""What the videos say, and what each video is made of; no Manim here.

- registry.py: every walkthrough beat, Learning/Cramped beat and explainer section, declared
  once (name, default caption, placeholders, what it reads, poster and gif marks);
- walkthrough.py: the facts a phrase walkthrough states (who wins, the verdict);
- explainer.py: the explainer's own numbers (dot products, order-blindness, baselines);
- learning.py: the fit, the 2D verdicts and the dimension sweep the learning scenes show;
- heads.py: two heads side by side, their joined output, and what more heads cannot do.
"""
from .registry import (CRAMPED, EXPLAINER, KINDS, LEARNING, TWO_HEADS, WALKTHROUGH, Kind, Part, Shot,
                       explainer_shots, fill, gif_beats,
                       narration_keys, narration_part, narration_read_by, placeholders_in, poster_beat,
                       replay_from)

__all__ = ["CRAMPED", "EXPLAINER", "KINDS", "LEARNING", "TWO_HEADS", "WALKTHROUGH", "Kind", "Part", "Shot",
           "explainer_shots", "fill", "gif_beats",
           "narration_keys", "narration_part", "narration_read_by", "placeholders_in", "poster_beat", "replay_from"]
