"""Two heads side by side:  manim -pql scenes/heads.py TwoHeads

Reads scripts/two_heads.yaml (or the script named by ATTN_SCRIPT): a model with `heads:` and a
phrase naming several `targets:`. The beats are in scenes/lib/heads.py; the explainer plays them
as its two_heads section.
"""
from attnvid.story.heads import HeadsData
from scenes.lib.base import ComputedScene, default_script
from scenes.lib.heads import play_two_heads


class TwoHeads(ComputedScene):
    script_path = default_script("two_heads.yaml")
    compute = HeadsData
    draw = staticmethod(play_two_heads)
