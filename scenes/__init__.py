"""Manim scenes that draw what an attnmath trace says.

The files `manim` renders sit here, one class per video:
- phrase.py: one walkthrough class per single-phrase script in scripts/ (CatSat, ...);
- explainer.py: Explainer, the full explainer;
- learning.py: Learning and Cramped;
- slides.py: the walkthroughs as manim-slides slides (CatSatSlides, ...).

What they are made of is the scene library, scenes/lib/.
"""
