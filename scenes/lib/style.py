"""One look for every video: a dark background, one colour per token for the whole video,
search vectors in a blue family and offer vectors in an orange family."""
from manim import ManimColor

BACKGROUND = "#101218"
GRID = "#2E4A6B"
AXIS = "#8090A8"
TEXT = "#E8E8E8"
MUTED = "#8A8F98"
HIDDEN = "#3A3D44"
HIGHLIGHT = "#FFFFFF"

SEARCH = "#58A6FF"        # search vectors (query): blues
SEARCH_LIGHT = "#A8D1FF"
OFFER = "#FF9F43"         # offer vectors (key): oranges
OFFER_LIGHT = "#FFD0A0"
OUTPUT = "#FFE066"        # the weighted sum

# Token colours avoid the search blues and offer oranges so a vector's family and its word
# never compete.
TOKEN_COLOURS = ["#FF6B9A", "#6BE3A4", "#C792EA", "#F7E26B", "#FF8A80",
                 "#7FDBDA", "#B5E655", "#E6A8D7", "#D4B483", "#9FA8FF"]

# One colour per phrase where several phrases share a picture (the explainer, the learning scenes).
PHRASE_COLOURS = ["#FF6B9A", "#6BE3A4", "#C792EA", "#F7E26B", "#7FDBDA"]

FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"


def token_colour(i: int) -> ManimColor:
    return ManimColor(TOKEN_COLOURS[i % len(TOKEN_COLOURS)])


def phrase_colour(k: int) -> ManimColor:
    return ManimColor(PHRASE_COLOURS[k % len(PHRASE_COLOURS)])
