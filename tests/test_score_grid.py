"""The score grid reads at a glance: hidden cells recede, headers never run together."""
import itertools

import numpy as np
import pytest
from manim import ManimColor

from scenes.lib import style
from scenes.lib.beats import GRID_BIG
from scenes.lib.layout import FRAME
from scenes.lib.pieces import ScoreGrid, box_of

PHRASES = [
    "The cat sat on the".split(),
    "Is your warm black cat".split(),
    "Brian typed cat into the".split(),
    ["café", "extraordinarilylongword", "neighbour's", "moon", "over", "the", "jumped", "tonight", "a", "b"],
]


def luminance(colour) -> float:
    r, g, b = ManimColor(colour).to_rgb()
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("tokens", PHRASES, ids=lambda t: f"{len(t)} words")
def test_headers_never_touch_and_stay_readable(tokens):
    n = len(tokens)
    grid = ScoreGrid(tokens, ["#FFFFFF"] * n, GRID_BIG, hidden=np.triu(np.ones((n, n), bool), 1))
    boxes = [box_of(label) for label in grid.col_labels]
    for (a, b), (c, d) in itertools.combinations(enumerate(boxes), 2):
        assert not b.overlaps(d, gap=0.12), f"headers {tokens[a]!r} and {tokens[c]!r} run together"   # a space apart
    if n <= 5:          # the shipped phrases: 1.6 % of the frame height (8 px at 480p) for x-height text
        for label, tok in zip(grid.col_labels, tokens):
            assert label.height >= 0.016 * FRAME.h, tok
    assert box_of(grid).inside(GRID_BIG)


def test_hidden_cells_are_darker_than_visible_ones_and_the_background():
    grid = ScoreGrid(["a", "b", "c"], ["#FFFFFF"] * 3, GRID_BIG, hidden=np.triu(np.ones((3, 3), bool), 1))
    hidden, seen = grid.cells[0][2].get_fill_color(), grid.cells[2][0].get_fill_color()
    assert luminance(hidden) < luminance(style.BACKGROUND) < luminance(seen)


@pytest.mark.parametrize("tokens", PHRASES, ids=lambda t: f"{len(t)} words")
def test_a_grid_too_small_to_read_is_magnified_around_its_focus_row(tokens):
    """Ten words leave cells too small for numbers at 480p: the focus row then runs across the
    panel with numbers of readable size, and the grid below it is a heat map with readable labels."""
    from scenes.lib.legibility import too_small
    n = len(tokens)
    focus = n - 1
    grid = ScoreGrid(tokens, ["#FFFFFF"] * n, GRID_BIG, hidden=np.triu(np.ones((n, n), bool), 1), focus=focus)
    assert grid.magnified == (n == 10)
    numbers = [grid.number(focus, j, "-10.53") for j in range(n)]
    assert not too_small([grid, *numbers])
    for j, number in enumerate(numbers):
        assert box_of(number).inside(box_of(grid.cells[focus][j])), j
    assert box_of(grid).inside(GRID_BIG)
    if grid.magnified:
        strip_bottom = min(box_of(c).bottom for c in grid.cells[focus])
        heat_top = max(box_of(c).top for row in grid.heat for c in row)
        assert heat_top < strip_bottom, "the heat map sits under the magnified row"
        # the magnifier's lines cross no row label (they run outside the labels and the map)
        strip, heat, outline, lens = grid.grid
        for line in lens:
            a, b = line.get_start(), line.get_end()
            for label in grid.row_labels:
                box = box_of(label)
                for t in np.linspace(0, 1, 200):
                    x, y = (a + (b - a) * t)[:2]
                    assert not (box.left < x < box.right and box.bottom < y < box.top), label.text
        shades = [grid.shade(focus, j, level) for j, level in ((0, 0.0), (1, 1.0))]
        assert luminance(shades[0].get_fill_color()) < luminance(shades[1].get_fill_color())
