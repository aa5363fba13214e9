"""Render the full explainer: every idea of the article, one section each, in the order
scripts/explainer.yaml lists them (or the script named by ATTN_SCRIPT).

    manim -pql scenes/explainer.py Explainer                 # the whole video
    manim -pql --save_sections scenes/explainer.py Explainer # plus one clip per section

The sections are drawn in scenes/lib/explainer.py; the script decides which run and in what order.
"""
from scenes.lib.base import ScriptScene, default_script
from scenes.lib.explainer import play_explainer


class Explainer(ScriptScene):
    script_path = default_script()

    def setup(self):
        super().setup()
        self.traces = self.script.shown_traces()

    def construct(self):
        play_explainer(self, self.script, self.traces)
