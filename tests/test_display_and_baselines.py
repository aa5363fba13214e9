"""Display rounding (what a viewer reads) and the fixed-window baselines."""
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from attnmath import (bigram_weights, format_number, format_vector, format_weights, ngram_weights,
                      round_weights)


def test_numbers_round_as_a_person_rounds():
    assert format_number(0.125) == "0.13"          # half away from zero, not half-even
    assert format_number(-0.125) == "-0.13"
    assert format_number(0.1 + 0.2) == "0.30"      # float noise never shows
    assert format_number(1.005) == "1.01"
    assert format_number(-0.001) == "0.00"         # never "-0.00"
    assert format_number(2 / 3, 3) == "0.667"
    assert format_vector([0.3 + 0.1, 0.8]) == "[0.40, 0.80]"
    with pytest.raises(ValueError):
        format_number(float("nan"))


def test_thirds_show_as_a_row_that_adds_up():
    assert format_weights([1 / 3] * 3) == ["0.34", "0.33", "0.33"]
    assert format_weights([1 / 6] * 6) == ["0.17", "0.17", "0.17", "0.17", "0.16", "0.16"]


def test_hidden_weights_stay_zero_and_rounding_is_minimal():
    assert format_weights([0.5, 0.5, 0.0]) == ["0.50", "0.50", "0.00"]
    assert format_weights([0.004, 0.996]) == ["0.00", "1.00"]
    assert format_weights([0.626, 0.374]) == ["0.63", "0.37"]


@st.composite
def weight_rows(draw):
    raw = draw(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12))
    zeros = draw(st.lists(st.booleans(), min_size=len(raw), max_size=len(raw)))
    raw = [0.0 if z else r for r, z in zip(raw, zeros)]
    if sum(raw) == 0:
        raw[0] = 1.0
    total = sum(raw)
    return [r / total for r in raw]


@given(weight_rows(), st.integers(1, 4))
def test_any_row_shows_values_that_sum_to_one(row, decimals):
    shown = round_weights(row, decimals)
    assert sum(shown) == Decimal(1)
    unit = Decimal(1).scaleb(-decimals)
    for w, s in zip(row, shown):
        assert abs(Decimal(repr(w)) - s) < unit          # each moved by less than one unit
        if w == 0.0:
            assert s == 0


def test_bigram_puts_all_weight_on_the_previous_token():
    w = bigram_weights(4)
    assert w.tolist() == [[1, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]


def test_ngram_spreads_weight_evenly_over_the_last_n():
    w = ngram_weights(5, 2)
    np.testing.assert_allclose(w[4], [0, 0, 0.5, 0.5, 0])
    np.testing.assert_allclose(w[1], [1, 0, 0, 0, 0])   # only one token in the past
    np.testing.assert_allclose(ngram_weights(5, 3)[4], [0, 1 / 3, 1 / 3, 1 / 3, 0])
    assert w.shape == (5, 5)


@given(st.integers(1, 12), st.integers(1, 12))
def test_baselines_are_causal_weight_matrices(n, last):
    w = ngram_weights(n, last)
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert (np.triu(w, 1) == 0).all()             # never looks ahead
    for t in range(1, n):
        assert w[t, t] == 0                        # looks only at the past
        assert (w[t, :max(0, t - last)] == 0).all()  # and only within its window
