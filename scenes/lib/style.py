"""One look for every video: a dark background, one colour per word (the same in every video
and section), search vectors in a blue family and offer vectors in an orange family."""
from typing import Iterable

from manim import ManimColor

from .colour_science import stable_index

BACKGROUND = "#101218"
GRID = "#2E4A6B"
AXIS = "#8090A8"
TEXT = "#E8E8E8"
MUTED = "#8A8F98"
HIDDEN = "#3A3D44"        # a weight bar the mask hides
CELL = "#1A1E28"          # a visible score cell: a shade above the background
MASKED = "#07080B"        # a cell the mask hides: darker than the background, so it recedes
MASKED_EDGE = "#1C2230"
HIGHLIGHT = "#FFFFFF"

SEARCH = "#58A6FF"        # search vectors (query): blues
SEARCH_LIGHT = "#A8D1FF"
OFFER = "#FF9F43"         # offer vectors (key): oranges
OFFER_LIGHT = "#FFD0A0"
OUTPUT = "#FFE066"        # the weighted sum

# Colours that carry a meaning; no word colour may be mistaken for one of them. W_search and
# W_offer are drawn in SEARCH and OFFER, so they need no entries of their own.
RESERVED = {
    "search": SEARCH,
    "search light": SEARCH_LIGHT,
    "offer": OFFER,
    "offer light": OFFER_LIGHT,
    "result": OUTPUT,
    "highlight": HIGHLIGHT,
    "text": TEXT,
    "muted": MUTED,
}

# One colour per word (case-folded), whatever its position or phrase. Chosen by computer
# (scenes/lib/colour_science.py): candidates on a CIE LCh grid (L* 60-85, C* 35-70) at least
# MIN_RESERVED_DISTANCE from every RESERVED colour, 12 picked to maximise the smallest pairwise
# CIEDE2000 (17.4; each is >= 20.7 from every reserved colour), then ordered so cat, the focus
# of every shipped phrase and drawn beside its orange offer and blue search, gets the colour
# furthest from them (pink, 44 from every reserved colour), words that share a shipped phrase
# are >= 19 apart and the targets sat, typed, Is >= 39. The shipped model's words, in its order,
# take the first 11: black, Brian, cat, into, Is, on, sat, the, typed, warm, your.
# tests/test_word_colours.py checks every threshold.
WORD_COLOURS = ["#FCC2F8", "#A1E866", "#F651A4", "#D284FD", "#5BA221", "#15A47F",
                "#ED674A", "#A7974F", "#1CEBF5", "#21F0BB", "#03A7B7", "#F9A1A8"]
MIN_WORD_LIGHTNESS = 55.0       # CIELAB L*: legible on BACKGROUND
MIN_WORD_DISTANCE = 15.0        # CIEDE2000 between any two word colours
MIN_RESERVED_DISTANCE = 20.0    # CIEDE2000 from a word colour to any RESERVED colour

FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"


def word_colour(word: str, vocabulary: Iterable[str]) -> ManimColor:
    """A word's one colour: its index among the case-folded, de-duplicated vocabulary (the
    model's embedding words in the model's order), modulo the palette. A word outside the
    vocabulary gets a colour from a stable hash of its case-folded text."""
    key = word.casefold()
    folded = list(dict.fromkeys(w.casefold() for w in vocabulary))
    i = folded.index(key) if key in folded else stable_index(key, len(WORD_COLOURS))
    return ManimColor(WORD_COLOURS[i % len(WORD_COLOURS)])
