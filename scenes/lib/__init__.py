"""The scene library: what the entry files in scenes/ are made of. It draws; attnmath and
attnvid.story compute every number and every claim it shows.

- style.py: colours (one per word, per phrase; search blue, offer orange) and fonts;
- layout.py: where things go, in plain numbers (boxes, plane views, label placement);
- fading.py: copy-free FadeIn/FadeOut;
- pieces.py: reusable mobjects (a live plane with riding vectors, chips, matrices, score grid,
  weight bars, caption);
- base.py: NarratedScene and its `with scene.beat(name, caption):` blocks, ScriptScene;
- beats.py: the walkthrough's beats, one drawing function each;
- walkthrough.py: the walkthrough played beat by beat, and its scene classes;
- learning.py: the Learning and Cramped scenes' beats;
- explainer.py: the explainer's sections;
- slideshow.py, slides_compat.py: the walkthrough as manim-slides slides, and the bridge that
  lets manim-slides 5.7.0 run on manim 0.22.

No module here is imported by `scenes/__init__.py` or this file, so importing one piece (the
slides bridge, say) loads nothing else.
"""
