"""Tables of words and numbers (scenes/lib/beats.table_rows): each column reads straight down."""
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import Rectangle

from scenes.lib.beats import panel_column, table_rows
from scenes.lib.layout import Box

widths = st.floats(0.1, 3.0)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4).flatmap(lambda cols: st.lists(st.lists(widths, min_size=cols, max_size=cols),
                                                        min_size=1, max_size=7)),
       st.floats(0.05, 0.5))
def test_each_column_shares_a_left_edge_and_no_cell_runs_into_the_next(sizes, buff):
    cells = [[Rectangle(width=w, height=0.3) for w in row] for row in sizes]
    rows = table_rows(cells, buff=buff)
    panel_column(rows, Box(0, 0, 6.0, 4.0))               # stacked and shrunk, as the panels do
    for k in range(len(sizes[0])):
        lefts = [r[k].get_left()[0] for r in rows]
        assert max(lefts) - min(lefts) < 1e-6, lefts
    for r in rows:
        for a, b in zip(r, r[1:]):
            assert a.get_right()[0] <= b.get_left()[0] + 1e-6
    # the widest cell of each column sits exactly `buff` (as shrunk) from the next column
    scale = rows[0][0].width / sizes[0][0]
    for k in range(len(sizes[0]) - 1):
        widest = max(range(len(rows)), key=lambda i: sizes[i][k])
        gap = rows[widest][k + 1].get_left()[0] - rows[widest][k].get_right()[0]
        assert abs(gap - buff * scale) < 1e-6
