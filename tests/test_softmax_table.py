"""The softmax table: its lines never run into each other, whatever the row."""
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from attnmath.shown import softmax_shown
from scenes.lib.layout import PANEL
from scenes.lib.pieces import SoftmaxTable, box_of


def parts(table: SoftmaxTable):
    cells = [m for c in table.COLUMNS for m in table.column(c) if len(m)]
    return [("sum", table.sum_line), ("total", table.total_line), ("note", table.note)] + \
        [(f"cell {k}", m) for k, m in enumerate(cells)] + [(f"word {k}", m) for k, m in enumerate(table.words)]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(-4000, 4000).map(lambda u: u / 100), min_size=2, max_size=10), st.data())
def test_no_two_lines_of_a_softmax_table_overlap_and_it_stays_in_the_panel(scores, data):
    visible = data.draw(st.lists(st.booleans(), min_size=len(scores), max_size=len(scores)))
    visible[0] = True
    tokens = [f"w{k}" for k in range(len(scores))]
    table = SoftmaxTable(tokens, ["#FFFFFF"] * len(scores), softmax_shown(scores, visible), PANEL)
    for (n1, a), (n2, b) in itertools.combinations(parts(table), 2):
        assert not box_of(a).overlaps(box_of(b)), (n1, n2)
    assert box_of(table).inside(PANEL)
