"""A caption as a voice should say it: the written form stays on screen, this is what is spoken.

A text-to-speech voice reads symbols badly or not at all: "→" as "right arrow", "[1.00, 0.60]"
as "one point zero zero ...", "·" as nothing, "W_search" letter by letter, "e.g." as "e g".
`speakable` rewrites exactly those, by rules a test pins one by one, and leaves the rest (words,
plain decimals, "28°" (but "1°", which Piper says as "one degrees"), "cat's", "-1", which
voices read well) as written. It only reads text:
numbers are never recomputed, so what is said is what the caption shows.
"""
from __future__ import annotations

import re

__all__ = ["speakable"]

_FRACTIONS = {(1, 2): "one half", (1, 3): "one third", (2, 3): "two thirds", (1, 4): "one quarter",
              (3, 4): "three quarters", (1, 5): "one fifth"}
_ABBREVIATIONS = {"e.g.": "for example", "i.e.": "that is", "etc.": "and so on", "vs.": "versus", "cf.": "compare"}
_SYMBOLS = {"→": " leads to ", "·": " dot ", "×": " times ", "≈": " about ", "θ": "theta", "ᵀ": " transpose",
            "√": "root ", "−": "-", "=": " equals ", "∑": "the sum of ", "Σ": "the sum of "}

_NUMBER = r"-?\d+(?:\.\d+)?"
_VECTOR = re.compile(rf"\[\s*({_NUMBER}(?:\s*,\s*{_NUMBER})*)\s*\]")
_DECIMAL = re.compile(r"(?<![\d.])(-?\d+)\.(\d*?)0+(?!\d)")       # 0.60 -> 0.6, 1.00 -> 1
_FRACTION = re.compile(r"(?<![\d./])(\d)/(\d)(?![\d/])")
_LENGTH = re.compile(r"\|\s*([^|\s][^|]{0,20}?)\s*\|")             # |a| -> the length of a
_PRODUCT = re.compile(r"(the length of \w+) (?=the length of|cos|sin)")
_SUBSCRIPT = re.compile(r"\b([A-Za-z])_([A-Za-z]+)\b")              # W_search -> W search
_ONE_DEGREE = re.compile(r"(?<![\d.])(-?)1°")                     # the voice says "one degrees"
_SPACES = re.compile(r"\s+")


def _plain_number(m: re.Match) -> str:
    whole, decimals = m.group(1), m.group(2)
    return f"{whole}.{decimals}" if decimals else whole


def _vector(m: re.Match) -> str:
    """[0.74, 0.97] -> "0.74 and 0.97": one spoken unit, so a list of vectors stays a list of
    pairs ("1 and 0.6, 1.1 and 0.6")."""
    parts = [p.strip() for p in m.group(1).split(",")]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _fraction(m: re.Match) -> str:
    a, b = int(m.group(1)), int(m.group(2))
    return _FRACTIONS.get((a, b), f"{a} over {b}")


def speakable(text: str) -> str:
    """What a voice says for this caption (see the module's docstring)."""
    for written, said in _ABBREVIATIONS.items():
        text = text.replace(written, said)
    text = _LENGTH.sub(lambda m: f"the length of {m.group(1)}", text)
    text = _PRODUCT.sub(r"\1 times ", text)            # |a| |b| cos θ: side by side is a product
    text = _VECTOR.sub(_vector, text)
    text = _FRACTION.sub(_fraction, text)
    for symbol, said in _SYMBOLS.items():
        text = text.replace(symbol, said)
    text = _SUBSCRIPT.sub(r"\1 \2", text)
    text = _DECIMAL.sub(_plain_number, text)
    text = _ONE_DEGREE.sub(r"\g<1>1 degree", text)
    return _SPACES.sub(" ", text).strip()
