"""attnvid: YAML scripts in, self-attention explainers out. Layers, each using only those above:

- the script layer: problems.py (FILE:LINE errors), yamlnodes.py (safe YAML with line
  numbers), script.py (validation; the typed, immutable Script);
- story/: what the videos say and what each video is made of (the registry of beats and
  sections, and the facts their captions state), computed, never hand-written;
- the terminal: report.py (`attnvid numbers` tables, Markdown, CSV, JSON), fitting.py
  (`attnvid fit`: verdicts in words, model files);
- publish/: `attnvid render`, from manim processes to publishable bundles;
- cli.py: the `attnvid` command, thin.

The numbers themselves come from attnmath; the pictures from scenes/.
"""
