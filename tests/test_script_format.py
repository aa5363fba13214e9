"""What the script format accepts: words YAML 1.1 would mangle, includes, overrides, look-ups."""
import numpy as np
import pytest

from attnvid.problems import ScriptError

from attnvid.script import load, load_script, ModelFile
from conftest import INLINE_MODEL, SCRIPTS

YAML11_WORDS = ["on", "off", "yes", "no", "null", "~", "true", "y", "n"]


def test_yaml_11_booleans_and_nulls_stay_words(write):
    """`on` is one of the article's words; unquoted, it must stay a word as key and as token."""
    embeddings = "\n".join(f"  {w}: [{i / 10:.1f}, 0.5]" for i, w in enumerate(YAML11_WORDS))
    positions = "\n".join("  - [0.0, 0.0]" for _ in YAML11_WORDS)
    p = write("s.yaml", f"""\
embeddings:
{embeddings}
positions:
{positions}
W_search: [[1, 0], [0, 1]]
W_offer: [[1, 0], [0, 1]]
phrase:
  text: {' '.join(YAML11_WORDS[:-1])}
  focus: on
  target: no
  predict: yes
""")
    script = load_script(p)
    assert set(script.model.embeddings) == set(YAML11_WORDS)
    phrase = script.phrases[0]
    assert phrase.tokens == tuple(YAML11_WORDS[:-1])
    assert (phrase.focus, phrase.target, phrase.predict) == (0, 3, "yes")
    (trace,) = script.traces()
    assert trace.embeddings[0].tolist() == [0.0, 0.5]  # "on" is the first word, not True


def test_the_shared_model_file_is_included_relative_to_the_script():
    script = load_script(SCRIPTS / "cat_sat.yaml")
    assert "on" in script.model.embeddings and len(script.model.positions) == 5
    assert isinstance(load(SCRIPTS / "model.yaml"), ModelFile)


def test_script_values_override_the_model_and_embeddings_merge(write):
    write("model.yaml", INLINE_MODEL)
    p = write("s.yaml", """\
model: model.yaml
embeddings:
  dog: [0.9, 0.4]
  cat: [0.0, 1.0]
W_search: [[1, 0], [0, 1]]
mask: causal
phrase: the dog cat
""")
    s = load_script(p)
    assert s.model.embeddings["dog"] == (0.9, 0.4) and s.model.embeddings["cat"] == (0.0, 1.0)
    assert s.model.embeddings["sat"] == (0.7, 0.9)           # still there from the model
    assert s.model.W_search == ((1.0, 0.0), (0.0, 1.0))       # the script's own
    assert s.model.W_offer == ((0.0, 1.0), (2.0, 0.0))        # the model's
    assert s.phrases[0].mask == "causal"


def test_lookup_is_exact_first_then_ignores_case(write):
    p = write("s.yaml", INLINE_MODEL.replace("embeddings:\n", "embeddings:\n  The: [0.0, 0.0]\n")
              + "phrase: The CAT the\n")
    (t,) = load_script(p).traces()
    assert t.tokens == ("The", "CAT", "the")                    # spelling kept as written
    np.testing.assert_array_equal(t.embeddings[0], [0.0, 0.0])  # exact "The" wins over "the"
    np.testing.assert_array_equal(t.embeddings[1], [1.0, 0.5])  # "CAT" finds "cat"
    np.testing.assert_array_equal(t.embeddings[2], [0.3, 0.8])  # exact "the"


def test_a_word_matching_two_spellings_is_ambiguous(write):
    p = write("s.yaml", INLINE_MODEL.replace("embeddings:\n", "embeddings:\n  The: [0.0, 0.0]\n")
              + "phrase: THE cat\n")
    with pytest.raises(ScriptError, match="'THE' matches The, the only when case is ignored"):
        load_script(p)


def test_phrase_forms_and_per_phrase_masks(write):
    p = write("s.yaml", INLINE_MODEL + """\
mask: causal
phrases:
  - the cat
  - {text: the cat sat, mask: none, focus: cat, target: sat, predict: mat}
""")
    a, b = load_script(p).phrases
    assert (a.text, a.mask, a.focus) == ("the cat", "causal", None)
    assert (b.mask, b.focus, b.target, b.predict) == ("none", 1, 2, "mat")


def test_numbers_in_many_spellings(write):
    p = write("s.yaml", INLINE_MODEL.replace("[0.30, 0.80]", "[3e-1, +.8]").replace("[1.00, 0.50]", "[1, -0.5]")
              + "phrase: the cat\n")
    m = load_script(p).model
    assert m.embeddings["the"] == (0.3, 0.8) and m.embeddings["cat"] == (1.0, -0.5)


def test_unicode_tokens(write):
    p = write("s.yaml", INLINE_MODEL.replace("embeddings:\n", "embeddings:\n  café: [0.1, 0.2]\n  猫: [0.3, 0.4]\n")
              + "phrase: café 猫\n")
    (t,) = load_script(p).traces()
    assert t.tokens == ("café", "猫")
