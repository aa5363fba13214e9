"""The article's own numbers, exactly as a viewer reads them, from the shipped scripts."""
import pytest

from attnmath import format_vector
from attnvid.script import load_script
from conftest import SCRIPTS

# The article's "three phrases, fully positioned" table.
ARTICLE = {
    "The cat sat on the": ["[0.40, 0.80]", "[1.00, 0.60]", "[0.80, 1.00]", "[0.20, 0.50]", "[0.50, 0.80]"],
    "Brian typed cat into the": ["[0.70, 0.40]", "[0.50, 0.80]", "[1.10, 0.60]", "[0.30, 0.60]", "[0.50, 0.80]"],
    "Is your warm black cat": ["[0.50, 0.60]", "[0.30, 0.60]", "[0.90, 0.40]", "[0.20, 0.90]", "[1.20, 0.50]"],
}


@pytest.fixture(scope="module")
def traces():
    return {t.text: t for t in load_script(SCRIPTS / "explainer.yaml").traces()}


def test_all_fifteen_positioned_vectors(traces):
    assert set(traces) == set(ARTICLE)
    for text, expected in ARTICLE.items():
        assert [format_vector(v) for v in traces[text].positioned] == expected
        # and not just after rounding: the sums are exact to float precision
        for v, shown in zip(traces[text].positioned, expected):
            assert v == pytest.approx([float(x) for x in shown.strip("[]").split(",")], abs=1e-12)


def test_cat_is_three_different_vectors(traces):
    cats = [format_vector(t.positioned[t.tokens.index("cat")]) for t in traces.values()]
    assert cats == ["[1.00, 0.60]", "[1.10, 0.60]", "[1.20, 0.50]"]


def test_the_addition_step_as_the_article_writes_it(traces):
    t = traces["The cat sat on the"]
    assert (format_vector(t.embeddings[0]), format_vector(t.positions[0]), format_vector(t.positioned[0])) == \
        ("[0.30, 0.80]", "[0.10, 0.00]", "[0.40, 0.80]")
    assert (format_vector(t.embeddings[1]), format_vector(t.positions[1]), format_vector(t.positioned[1])) == \
        ("[1.00, 0.50]", "[0.00, 0.10]", "[1.00, 0.60]")


def test_phrase_two_typed_and_the_share_a_vector(traces):
    t = traces["Brian typed cat into the"]
    assert t.ties_with(1) == (4,)
    assert format_vector(t.positioned[1]) == format_vector(t.positioned[4]) == "[0.50, 0.80]"


@pytest.mark.parametrize("name, focus, target", [("cat_sat", "cat", "sat"), ("brian_typed", "cat", "typed")])
def test_the_shipped_matrices_do_what_the_article_wants(name, focus, target):
    """The hand-picked W_search/W_offer must make the target cat's strongest weight, strictly."""
    (t,) = load_script(SCRIPTS / f"{name}.yaml").traces()
    assert t.tokens[t.focus] == focus and t.tokens[t.target] == target
    row = t.weights[t.focus]
    others = [w for j, w in enumerate(row) if j != t.target]
    assert row[t.target] > max(others)


def test_cat_at_position_one_sees_sat_only_without_a_causal_mask():
    (t,) = load_script(SCRIPTS / "cat_sat.yaml").traces()
    assert t.mask == "none" and t.visible[1, 2]
    (b,) = load_script(SCRIPTS / "brian_typed.yaml").traces()
    assert b.mask == "causal" and not b.visible[2, 4]  # "the" is hidden, so it cannot tie with typed


def test_shipped_scripts_follow_cat_towards_the_articles_words():
    expected = {"cat_sat": ("sat", "mat"), "brian_typed": ("typed", "terminal"),
                "warm_black_cat": ("Is", "happy")}
    for name, (target, predict) in expected.items():
        (t,) = load_script(SCRIPTS / f"{name}.yaml").traces()
        assert (t.tokens[t.focus], t.tokens[t.target], t.predict) == ("cat", target, predict)
