"""Every class of mistake a user can make gets FILE:LINE, the problem and a way to fix it."""
import os

import pytest

from attnvid.problems import ScriptError
from attnvid.script import MAX_TOKENS, load_script
from conftest import INLINE_MODEL


def problems_of(path):
    with pytest.raises(ScriptError) as info:
        load_script(path)
    return [str(p) for p in info.value.problems]


def one_problem(path, line, *fragments):
    found = problems_of(path)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}:{line}: "), found[0]
    for fragment in fragments:
        assert fragment in found[0], found[0]
    return found[0]


def test_yaml_syntax_error_names_the_line(write):
    p = write("s.yaml", "phrase: The cat\nembeddings:\n  cat: [1, 2\n  sat: [0, 1]\n")
    one_problem(p, 4, "YAML syntax error")


def test_tabs_get_a_hint(write):
    p = write("s.yaml", "embeddings:\n\tcat: [1, 2]\n")
    one_problem(p, 2, "tabs")


def test_empty_file(write):
    one_problem(write("s.yaml", ""), 1, "empty")
    one_problem(write("c.yaml", "# only a comment\n"), 1, "empty")


def test_top_level_must_be_a_mapping(write):
    one_problem(write("s.yaml", "- The cat\n- sat\n"), 1, "top level must be a mapping", "a list")


def test_unknown_key_suggests_the_right_one(write):
    p = write("s.yaml", INLINE_MODEL + "W_serach: [[1, 0], [0, 1]]\nphrase: the cat\n")
    one_problem(p, 14, "unknown key 'W_serach'", "did you mean 'W_search'")


def test_unknown_phrase_key(write):
    p = write("s.yaml", INLINE_MODEL + "phrase:\n  text: the cat\n  focuss: cat\n")
    one_problem(p, 16, "unknown key 'focuss'", "did you mean 'focus'")


def test_token_without_embedding_is_named_with_the_known_ones(write):
    p = write("s.yaml", INLINE_MODEL + "phrase: the cta sat\n")
    one_problem(p, 14, "no embedding for 'cta'", "did you mean 'cat'", "known: the, cat, sat, on")


def test_vector_of_the_wrong_length(write):
    p = write("s.yaml", INLINE_MODEL.replace("sat: [0.70, 0.90]", "sat: [0.70, 0.90, 0.1]") + "phrase: the cat\n")
    one_problem(p, 4, "the embedding of 'sat' has 3 numbers", "have 2")


@pytest.mark.parametrize("bad, fragment", [
    ("zero", "must be a number like 0.25, not 'zero'"),
    (".nan", "only finite numbers"),
    ("-.inf", "only finite numbers"),
    ("'0.5'", "write the number without quotes"),
    ("1e9", "keep numbers within"),
])
def test_non_numbers_nan_and_infinity(write, bad, fragment):
    p = write("s.yaml", INLINE_MODEL.replace("cat: [1.00, 0.50]", f"cat: [{bad}, 0.50]") + "phrase: the cat\n")
    one_problem(p, 3, fragment)


def test_phrase_longer_than_the_positions(write):
    p = write("s.yaml", INLINE_MODEL + "phrase: the cat sat on the cat\n")
    one_problem(p, 14, "6 words but only 5 positions")


@pytest.mark.parametrize("key, value, fragment", [
    ("W_search", "[[1, 0, 0], [0, 1, 0], [0, 0, 1]]", "has 3 rows; it needs 2 rows"),
    ("W_offer", "[[1, 0, 0], [0, 1, 0]]", "W_offer has 3 columns; it needs 2 to match W_search"),
    ("W_search", "[[1, 0], [0]]", "differ in length"),
    ("W_offer", "[1, 0]", "row 1 of W_offer must be a list"),
])
def test_matrices_of_the_wrong_shape(write, key, value, fragment):
    model = "\n".join(l for l in INLINE_MODEL.splitlines() if not l.startswith(key))
    p = write("s.yaml", model + f"\n{key}: {value}\nphrase: the cat\n")
    one_problem(p, 13, fragment)


def test_unknown_mask_and_scale(write):
    p = write("s.yaml", INLINE_MODEL + "mask: casual\nscale: sqr\nphrase: the cat\n")
    found = problems_of(p)
    assert found == [f"{p}:14: mask 'casual' is not one of none, causal (did you mean 'causal'?)",
                     f"{p}:15: scale 'sqr' is not one of none, sqrt (did you mean 'sqrt'?)"]


def test_empty_phrase(write):
    one_problem(write("s.yaml", INLINE_MODEL + "phrase: ''\n"), 14, "the phrase is empty")
    one_problem(write("t.yaml", INLINE_MODEL + "phrases: []\n"), 14, "empty list")


@pytest.mark.parametrize("field", ["focus", "target"])
def test_focus_or_target_not_in_the_phrase(write, field):
    p = write("s.yaml", INLINE_MODEL + f"phrase:\n  text: the cat sat\n  {field}: dog\n")
    one_problem(p, 16, f"{field} 'dog' is not a word of the phrase (the cat sat)")


def test_focus_by_position_and_ambiguous_words(write):
    p = write("s.yaml", INLINE_MODEL + "phrase:\n  text: the cat on the\n  focus: the\n")
    one_problem(p, 16, "appears 2 times (positions 0, 3)", "focus: 3")
    p = write("t.yaml", INLINE_MODEL + "phrase:\n  text: the cat on the\n  focus: 3\n  target: 7\n")
    one_problem(p, 17, "target position 7 is past the end of the phrase (positions 0 to 3)")
    ok = write("u.yaml", INLINE_MODEL + "phrase:\n  text: the cat on the\n  focus: 3\n  target: CAT\n")
    phrase = load_script(ok).phrases[0]
    assert (phrase.focus, phrase.target) == (3, 1)


def test_causal_target_after_the_focus_is_refused(write):
    p = write("s.yaml", INLINE_MODEL + "mask: causal\nphrase: {text: the cat sat, focus: cat, target: sat}\n")
    one_problem(p, 15, "comes after focus 'cat'", "use `mask: none`")


def test_missing_and_unreadable_files(write, tmp_path):
    missing = tmp_path / "nope.yaml"
    one_problem(missing, 1, "no such file")
    one_problem(tmp_path, 1, "is a folder")
    p = write("s.yaml", "model: modle.yaml\nphrase: the cat\n")
    write("model.yaml", INLINE_MODEL)
    one_problem(p, 1, "model file", "does not exist", "did you mean 'model.yaml'")
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"phrase: caf\xe9\n")
    one_problem(binary, 1, "not UTF-8")
    if os.geteuid() != 0:  # root reads everything, so only a normal user can see this one
        locked = write("locked.yaml", "phrase: x\n")
        locked.chmod(0)
        one_problem(locked, 1, "cannot read")


def test_yaml_tags_are_refused_and_nothing_runs(write, tmp_path):
    marker = tmp_path / "ran"
    p = write("s.yaml", INLINE_MODEL + f"phrase: !!python/object/apply:os.system ['touch {marker}']\n")
    one_problem(p, 14, "tags such as '!!python/object/apply:os.system' are not allowed")
    assert not marker.exists()
    p = write("t.yaml", INLINE_MODEL + "phrase: !custom the cat\n")
    one_problem(p, 14, "'!custom' are not allowed")


def test_sizes_are_capped(write):
    words = " ".join(["cat"] * (MAX_TOKENS + 1))
    one_problem(write("s.yaml", INLINE_MODEL + f"phrase: {words}\n"), 14, f"at most {MAX_TOKENS}")
    big = write("big.yaml", "phrase: " + "x" * 300_000 + "\n")
    one_problem(big, 1, "larger than")


def test_alias_bombs_are_stopped(write):
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        bomb.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    p = write("s.yaml", "\n".join(bomb) + "\n")
    assert "more than" in problems_of(p)[0]


def test_duplicate_keys_are_caught(write):
    p = write("s.yaml", INLINE_MODEL + "phrase: the cat\nphrase: the sat\n")
    one_problem(p, 15, "'phrase' appears twice", "line 14")


def test_phrase_and_phrases_together_or_neither(write):
    one_problem(write("s.yaml", INLINE_MODEL + "phrase: the cat\nphrases: [the sat]\n"), 15, "not both")
    one_problem(write("t.yaml", INLINE_MODEL), 1, "no phrase")
    one_problem(write("u.yaml", INLINE_MODEL + "phrases: the cat\n"), 14, "must be a list")


def test_missing_model_parts_say_where_they_can_go(write):
    p = write("s.yaml", "phrase: the cat\n")
    found = problems_of(p)
    assert len(found) == 4 and all(f.startswith(f"{p}:1: no ") for f in found)
    assert any("W_search" in f and "model: model.yaml" in f for f in found)


def test_every_problem_is_reported_at_once(write):
    p = write("s.yaml", INLINE_MODEL + "mask: sometimes\nphrase:\n  text: the dgo\n  focus: cat\n")
    found = problems_of(p)
    assert len(found) == 3, found
    assert [f.split(":")[1] for f in found] == ["14", "16", "17"]


def test_errors_in_an_included_model_name_the_model_file(write):
    write("model.yaml", INLINE_MODEL.replace("[0.70, 0.90]", "[0.70, oops]"))
    p = write("s.yaml", "model: model.yaml\nphrase: the cat\n")
    found = problems_of(p)
    assert found == [f"{p.parent / 'model.yaml'}:4: a number of the embedding of 'sat' must be a number like 0.25, not 'oops'"]


def test_a_model_file_given_as_a_script(write):
    p = write("model.yaml", INLINE_MODEL)
    one_problem(p, 1, "this is a model file")


def test_instead_names_words_the_focus_can_see(write):
    """`instead:` (the counterfactuals): words of the phrase, visible to the focus, each once."""
    head = INLINE_MODEL + "mask: causal\nphrase:\n  text: the cat sat on\n  focus: sat\n  instead:\n"
    ok = write("ok.yaml", head + "    the cat: a nap\n    sat: food\n")
    assert load_script(ok).phrases[0].instead == (((0, 1), "a nap"), ((2,), "food"))
    one_problem(write("a.yaml", head + "    the dog: a nap\n"), 19, "'dog' is not a word of the phrase")
    one_problem(write("b.yaml", head + "    cat on: a nap\n"), 19, "'on' (position 3) comes after 'sat'",
                "causal mask hides it")
    one_problem(write("c.yaml", head + "    cat cat: a nap\n"), 19, "names a word twice")
    one_problem(write("d.yaml", head + "    cat: [a, b]\n"), 19, "instead 'cat'")
    one_problem(write("e.yaml", head + "".join(f"    {w}: x\n" for w in ("the", "cat", "sat", "the cat", "cat sat"))),
                19, "at most 4")
    one_problem(write("f.yaml", head.replace("  instead:\n", "  instead: on the\n")), 18, "instead")
    unmasked = write("g.yaml", head.replace("mask: causal", "mask: none") + "    on: x\n")
    assert load_script(unmasked).phrases[0].instead == (((3,), "x"),)
