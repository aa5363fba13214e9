"""A phrase that names several targets: the walkthrough's sentences, its softmax and takeaway
pictures and `attnvid numbers` follow the whole set. Every claim is recomputed here from the
trace's shown weights; a one-target phrase says exactly what it always did."""
import re
from decimal import Decimal

import pytest

from attnmath import format_number, format_weights
from attnvid.report import describe_focus, render
from attnvid.script import load_script
from attnvid.story import WALKTHROUGH
from attnvid.story.walkthrough import focus_facts, miss_note, missed, verdict
from conftest import SCRIPTS

MODEL = SCRIPTS / "model.yaml"

TYPED_BRIAN = f"""\
model: {MODEL}
mask: causal
phrase:
  text: Brian typed cat into the
  predict: terminal
  focus: cat
  targets: [typed, Brian]
"""
WARM_BLACK = f"""\
model: {MODEL}
mask: causal
phrase:
  text: Is your warm black cat
  predict: happy
  focus: cat
  targets: [Is, warm, black]
"""
TWO_CLAUSES = WARM_BLACK.replace("targets: [Is, warm, black]", "targets: [Is, warm]")   # black, a rival now
SHARES = TYPED_BRIAN.replace("targets: [typed, Brian]", "targets: {typed: 0.6, Brian: 0.3}")
LEADING = f"""\
model: {MODEL}
phrase:
  text: The cat sat on the
  predict: mat
  focus: cat
  targets: [sat, The, the]
"""
EXAMPLES = {"typed_brian": TYPED_BRIAN, "warm_black": WARM_BLACK, "two_clauses": TWO_CLAUSES, "shares": SHARES,
            "leading": LEADING}


@pytest.fixture
def traced(write):
    """name -> (script, its one phrase's shown trace, with the shares its targets were asked)."""
    def _traced(name):
        script = load_script(write(f"{name}.yaml", EXAMPLES[name]))
        (phrase,) = script.phrases
        return script, script.shown_trace(phrase)
    return _traced


NAMED = r"\b(?!and\b)(\w+ itself|\w+) \((\d\.\d\d)\)"      # 'typed (0.93)', 'cat itself (0.06)'


class Recomputed:
    """The facts about a set of targets, worked out again from the shown weights alone."""

    def __init__(self, t):
        self.t, f = t, t.focus
        self.shown = format_weights(t.weights[f])
        self.d = [Decimal(x) for x in self.shown]
        self.targets = list(t.targets)
        self.others = [j for j in range(t.n) if t.visible[f, j] and j not in self.targets]
        self.total = sum(self.d[k] for k in self.targets)
        self.beaten = {(j, k) for k in self.targets for j in self.others if self.d[j] > self.d[k]}
        self.level = {(j, k) for k in self.targets for j in self.others if self.d[j] == self.d[k]}

    def position(self, name: str) -> int:
        """'cat itself' and 'itself' are the focus; any other name, its one position."""
        if name in ("itself", f"{self.t.tokens[self.t.focus]} itself"):
            return self.t.focus
        (i,) = [i for i, tok in enumerate(self.t.tokens) if tok == name]
        return i

    def weighed(self, part: str) -> list[int]:
        """'your (0.19) and cat itself (0.17)': the positions named, each with its shown weight."""
        pairs = re.findall(NAMED, part)
        out = [self.position(n) for n, _ in pairs]
        assert [w for _, w in pairs] == [self.shown[i] for i in out], part
        return out


def check_verdict(r: Recomputed, said: str) -> None:
    """Every number and every claim of a set's takeaway, against the recomputed facts."""
    t = r.t
    m = re.match(rf"{t.tokens[t.focus]} leans on (.*?): together (\d\.\d\d) of its attention(.*)$", said)
    assert m, said
    assert r.weighed(m.group(1)) == r.targets                   # each target, in the order written
    assert Decimal(m.group(2)) == r.total                       # adds up by hand
    rest = m.group(3)
    pairs = set()
    if rest.startswith(", but "):          # 'A (a) and B (b) outweigh C (c), and D (d) outweighs E (e)'
        clauses = re.split(r"\.(?= |$)", rest[len(", but "):])[0]
        left, right, side = [], [], "left"
        for item in re.finditer(rf"{NAMED}|\boutweighs?\b", clauses):
            if item.group(0).startswith("outweigh"):
                side = "right"
                continue
            (i,) = r.weighed(item.group(0))
            if side == "right" and i not in r.targets:        # what outweighs is never a target
                pairs |= {(j, k) for j in left for k in right}
                left, right, side = [], [], "left"
            (right if side == "right" else left).append(i)
        pairs |= {(j, k) for j in left for k in right}
    assert pairs == r.beaten, (said, r.beaten)
    leads = bool(r.others) and min(r.d[k] for k in r.targets) > max(r.d[j] for j in r.others)
    assert ("each more than any other word gets" in rest) == leads
    ties = set()
    for sentence in re.split(r"(?<=\.) ", said)[1:]:
        if tie := re.fullmatch(r"(.*) gets? as much as (.*)\.", sentence):
            ties |= {(r.position(n), k) for n in re.split(r", | and ", tie.group(1)) for k in r.weighed(tie.group(2))}
    assert ties == r.level


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_facts_of_a_set_are_its_shown_weights(traced, name):
    _, t = traced(name)
    r, facts = Recomputed(t), focus_facts(t)
    assert facts.several and facts.targets == tuple(r.targets)
    assert facts.row_weights == tuple(r.shown) and facts.target_weights == tuple(r.shown[k] for k in r.targets)
    assert Decimal(facts.targets_total) == sum(Decimal(w) for w in facts.target_weights) == r.total
    assert {(j, k) for k, js in facts.outweighed for j in js} == r.beaten
    for _, js in facts.outweighed:                               # heaviest first
        assert [r.d[j] for j in js] == sorted((r.d[j] for j in js), reverse=True)
    assert {(j, k) for k, js in facts.level for j in js} == r.level
    # what a one-target walkthrough reads stays the first target's
    assert facts.target == r.targets[0] and facts.target_weight == r.shown[r.targets[0]]
    check_verdict(r, verdict(t))
    assert WALKTHROUGH["takeaway"].text(t) == verdict(t)


def test_the_two_examples_say_this(traced):
    _, typed = traced("typed_brian")
    assert verdict(typed) == ("cat leans on typed (0.93) and Brian (0.01): together 0.94 of its attention, "
                              "but cat itself (0.06) outweighs Brian (0.01).")
    assert miss_note(typed) == " But Brian, one of the words that should lead, gets only 0.01, less than cat itself (0.06)."
    _, warm = traced("warm_black")
    assert verdict(warm) == ("cat leans on Is (0.19), warm (0.14) and black (0.31): together 0.64 of its attention, "
                             "but your (0.19) and cat itself (0.17) outweigh warm (0.14). your gets as much as Is (0.19).")
    assert miss_note(warm) == (" But warm, one of the words that should lead, gets only 0.14, less than your (0.19) "
                               "and cat itself (0.17).")
    _, two = traced("two_clauses")
    assert verdict(two) == ("cat leans on Is (0.19) and warm (0.14): together 0.33 of its attention, but black (0.31) "
                            "outweighs Is (0.19); black (0.31), your (0.19) and cat itself (0.17) outweigh warm (0.14). "
                            "your gets as much as Is (0.19).")
    assert missed(two) == ["But Is, one of the words that should lead, gets only 0.19, less than black (0.31).",
                           "warm too gets only 0.14, less than black (0.31), your (0.19) and cat itself (0.17)."]
    _, leading = traced("leading")
    assert verdict(leading) == ("cat leans on sat (0.84), The (0.08) and the (0.08): together 1.00 of its attention, "
                                "each more than any other word gets. Together they are the cue that points towards “mat”.")
    assert miss_note(leading) == ""


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_the_softmax_note_names_each_target_another_word_outweighs(traced, name):
    _, t = traced(name)
    r = Recomputed(t)
    sentences = missed(t)
    assert miss_note(t) == "".join(" " + s for s in sentences)
    assert WALKTHROUGH["softmax"].text(t).endswith(miss_note(t) or ".")
    beaten = [k for k in r.targets if any(kk == k for _, kk in r.beaten)]
    assert len(sentences) == len(beaten)
    for k, sentence in zip(beaten, sentences):
        m = re.fullmatch(rf"(?:But {t.tokens[k]}, one of the words that should lead,|{t.tokens[k]} too) gets only "
                         rf"(\d\.\d\d), less than (.*)\.", sentence)
        assert m, sentence
        assert m.group(1) == r.shown[k]
        assert set(r.weighed(m.group(2))) == {j for j, kk in r.beaten if kk == k}


def test_shares_are_said_against_the_shown_weights(traced):
    script, t = traced("shares")
    assert script.phrases[0].shares == (0.6, 0.3)
    said = verdict(t)
    assert said.endswith(" Against the shares asked, typed is 0.33 over its 0.60 and Brian is 0.29 under its 0.30.")
    r = Recomputed(t)
    for name, gap, side, share in re.findall(r"(\w+) is (\d\.\d\d) (over|under) its (\d\.\d\d)", said):
        k = r.position(name)
        asked = Decimal(format_number(script.phrases[0].shares[r.targets.index(k)]))
        assert Decimal(share) == asked
        assert r.d[k] - asked == (Decimal(gap) if side == "over" else -Decimal(gap))
    # without shares nothing is said about them
    assert "shares" not in verdict(traced("typed_brian")[1])


def test_attnvid_numbers_says_where_the_sets_weight_goes(traced):
    script, t = traced("typed_brian")
    assert describe_focus(t) == ("'cat' gives its largest weight to 'typed' (0.93); the targets 'typed' and 'Brian' "
                                 "get 0.93 and 0.01, together 0.94; 'cat' (0.06) outweighs 'Brian'")
    assert describe_focus(t) + "." in render(script, "table")
    _, warm = traced("warm_black")
    assert describe_focus(warm) == ("'cat' gives its largest weight to 'black' (0.31); the targets 'Is', 'warm' and "
                                    "'black' get 0.19, 0.14 and 0.31, together 0.64; 'your' (0.19) and 'cat' (0.17) "
                                    "outweigh 'warm'; 'your' (0.19) matches 'Is'")
    script, shares = traced("shares")
    assert describe_focus(shares).endswith("; against the shares asked, 'typed' is 0.33 over its 0.60 and 'Brian' "
                                           "is 0.29 under its 0.30")
    assert describe_focus(shares) + "." in render(script, "markdown")
    for trace in (t, warm, shares):                               # the total, added up by hand
        r = Recomputed(trace)
        assert f"together {r.total:.2f}" in describe_focus(trace)


# -- one target: every caption and sentence as it was --------------------------------------

ONE_TARGET = {
    "cat_sat": ("The largest goes to sat: 0.84.",
                "cat leans most on sat (0.84). That is the cue that points towards “mat”.",
                "'cat' gives its largest weight to 'sat' (0.84), the target"),
    "brian_typed": ("The largest goes to typed: 0.93. Later words are hidden by the causal mask: their weight is "
                    "exactly 0.",
                    "cat leans most on typed (0.93). That is the cue that points towards “terminal”.",
                    "'cat' gives its largest weight to 'typed' (0.93), the target"),
    "warm_black_cat": ("The largest goes to black: 0.31. But the word that should win is Is, and it gets only 0.19.",
                       "cat leans most on black (0.31), not on Is (0.19). These matrices do not make Is win here, "
                       "so the cue towards “happy” is lost.",
                       "'cat' gives its largest weight to 'black' (0.31); the target 'Is' gets 0.19"),
}


@pytest.mark.parametrize("stem", list(ONE_TARGET))
def test_one_target_says_what_it_always_said(stem):
    script = load_script(SCRIPTS / f"{stem}.yaml")
    (t,) = script.shown_traces()
    softmax, takeaway, numbers = ONE_TARGET[stem]
    assert t.targets == (t.target,) and not focus_facts(t).several
    assert WALKTHROUGH["softmax"].text(t).endswith("add up to 1. " + softmax)
    assert WALKTHROUGH["takeaway"].text(t) == takeaway
    assert describe_focus(t) == numbers
    assert missed(t) == []


# -- the pictures --------------------------------------------------------------------------

def _takeaway_scene():
    """The walkthrough's takeaway alone, after the chips it rings: seconds, not a whole build."""
    from scenes.lib.beats import BEATS, Walk
    from scenes.lib.layout import CHIPS
    from scenes.lib.pieces import ChipRow
    from scenes.lib.walkthrough import PhraseWalkthrough

    class TakeawayOnly(PhraseWalkthrough):
        def construct(self):
            w = self.walk = Walk(self, self.trace, self.script.model)
            w.chips = ChipRow(self.trace.tokens, w.colours, w.focus, CHIPS)
            self.add(w.chips)
            part = WALKTHROUGH["takeaway"]
            with self.beat(part.name, part.text(self.trace, self.script.narration), labels=w.rest_labels):
                BEATS[part.name](w)
    return TakeawayOnly


def rings_on(scene, chips) -> dict[int, str]:
    """Which chips a ring surrounds at the end, and the ring's colour."""
    from manim import SurroundingRectangle
    out = {}
    for m in scene.mobjects:
        if isinstance(m, SurroundingRectangle):
            for k, chip in enumerate(chips.chips):
                if abs(m.get_center() - chip.get_center()).max() < 1e-6:
                    out[k] = m.get_stroke_color().to_hex().lower()
    return out


def check_takeaway(scene, t, numbers) -> None:
    """Each target's weight, the words that outweigh or match it and the total, as drawn; each
    target's chip ringed in its word's colour, and nothing else ringed."""
    r = Recomputed(t)
    heaviest = sorted(r.others, key=lambda j: (-r.d[j], j))
    expected = []
    for k in r.targets:                 # its weight, then the words above it, then those level with it
        expected.append(r.shown[k])
        expected += [r.shown[j] for j in heaviest if (j, k) in r.beaten]
        expected += [r.shown[j] for j in heaviest if (j, k) in r.level]
    expected.append(f"{r.total:.2f}")
    if t.shares is not None:
        expected += [format_number(x) for x in t.shares]
    assert numbers == expected
    from manim import ManimColor
    from scenes.lib import style
    from scenes.lib.pieces import ChipRow
    colours = [ManimColor(style.word_colour(tok, scene.script.model.embeddings)).to_hex().lower() for tok in t.tokens]
    (chips,) = [m for m in scene.mobjects if isinstance(m, ChipRow)]
    ringed = rings_on(scene, chips)
    assert ringed == {k: colours[k] for k in r.targets}


@pytest.mark.parametrize("name", ["typed_brian", "warm_black", "shares"])
def test_the_takeaway_draws_each_target_and_the_total(write, tmp_path, name):
    from scene_support import build
    from scenes.lib.walkthrough import walkthrough_class
    path = write(f"{name}.yaml", EXAMPLES[name])
    scene = build(walkthrough_class(path, base=_takeaway_scene(), module=__name__), tmp_path)
    names = [n for n, _ in scene.sections_opened]
    check_takeaway(scene, scene.trace, scene.section_numbers[names.index("takeaway")])
    assert not any(scene.small_text.values()) and not any(scene.off_frame.values())
    assert not any(scene.caption_clashes.values())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["warm_black"])     # the richer set (typed_brian's takeaway is built above)
def test_the_walkthrough_of_a_set_marks_every_target(write, tmp_path, monkeypatch, name):
    """The whole walkthrough: its layout and every equation as for a shipped script; only the
    trace's numbers (and the set's total) on screen; the softmax lights each target another
    word outweighs as its note is read; the takeaway as above."""
    import scenes.lib.beats as beats
    from manim import Indicate
    from scene_support import build, display_strings
    from scenes.lib.pieces import ChipRow
    from scenes.lib.walkthrough import walkthrough_class
    from test_phrase_scenes import assert_clean_layout
    lit = []

    def spy(mobject, *args, **kw):
        lit.append(mobject)
        return Indicate(mobject, *args, **kw)
    monkeypatch.setattr(beats, "Indicate", spy)
    path = write(f"{name}.yaml", EXAMPLES[name])
    scene = build(walkthrough_class(path), tmp_path)
    t, r, facts = scene.trace, Recomputed(scene.trace), focus_facts(scene.trace)
    assert_clean_layout(scene)
    shown = {n for s in scene.numbers_shown for n in re.findall(r"-?\d+\.\d+", s)}
    assert shown <= display_strings(scene.script, t) | {f"{r.total:.2f}"}
    (chips,) = [m for m in scene.mobjects if isinstance(m, ChipRow)]
    chips_lit = {k for k in range(t.n) if any(m is chips[k] for m in lit)}
    beaten = {k for _, k in r.beaten}
    assert beaten and chips_lit == {facts.winner} | set(facts.hidden) | beaten
    names = [n for n, _ in scene.sections_opened]
    check_takeaway(scene, t, scene.section_numbers[names.index("takeaway")])
    said = [text for section, *_, text in scene.cues if names[section] == "softmax"]
    assert said[-len(missed(t)):] == missed(t)                    # each note its own phrase
