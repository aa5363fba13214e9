"""Manim scenes that draw what an attnmath trace says.

style.py (colours, fonts), layout.py (where things go, pure numpy), pieces.py (small reusable
mobjects: a live plane with riding vectors, token chips, a score grid, weight bars, a matrix),
beats.py (one function per step of the walkthrough), base.py (sections, captions, the record of
every number shown), walkthrough.py (the phrase video), phrase.py (the file `manim` renders).
"""
