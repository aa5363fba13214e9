"""Learning W_search and W_offer, and why two dimensions are cramped:

    manim -pql scenes/learning.py Learning   # random matrices, training, what was learned
    manim -pql scenes/learning.py Cramped    # the convex-hull argument, then more dimensions

Both read scripts/explainer.yaml (or the script named by ATTN_SCRIPT) and use its phrases'
focus -> target pairs; the beats are in scenes/lib/learning.py.
"""
from attnvid.story.learning import CrampedData, LearningData
from scenes.lib.base import ComputedScene, default_script
from scenes.lib.learning import play_cramped, play_learning


class Learning(ComputedScene):
    script_path = default_script()
    compute = LearningData
    draw = staticmethod(play_learning)


class Cramped(ComputedScene):
    script_path = default_script()
    compute = CrampedData
    draw = staticmethod(play_cramped)
