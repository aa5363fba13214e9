"""The Learning and Cramped scenes, built in pytest: what they show is the fit's own numbers."""
import re

import numpy as np
import pytest

from attnmath import format_number, format_weights
from attnvid.story import CRAMPED, LEARNING
from scene_support import build

pytestmark = pytest.mark.slow


def numbers_in(strings):
    return {n for s in strings for n in re.findall(r"-?\d+\.\d+", s)}


@pytest.fixture(scope="module")
def learning(tmp_path_factory):
    from scenes.learning import Learning
    return build(Learning, tmp_path_factory.mktemp("learning"))


@pytest.fixture(scope="module")
def cramped(tmp_path_factory):
    from scenes.learning import Cramped
    return build(Cramped, tmp_path_factory.mktemp("cramped"))


def test_learning_shows_only_the_historys_numbers(learning):
    data = learning.data
    allowed = set()
    for h, rows in zip(data.history, data.rows):
        allowed |= {format_number(x) for W in (h.W_search, h.W_offer) for x in W.ravel()}
        allowed |= {w for row in rows for w in format_weights(row)}
        allowed.add(format_number(h.loss, 3))
    shown = numbers_in(learning.numbers_shown)
    assert shown <= allowed, shown - allowed
    # start and end states are really on screen, and every recorded step's counter appeared
    first, last = data.history[0], data.history[-1]
    assert {format_number(x) for x in first.W_search.ravel()} <= shown
    assert {format_number(x) for x in last.W_offer.ravel()} <= shown
    for h in data.history:
        assert f"step {h.step}  loss {format_number(h.loss, 3)}" in learning.numbers_shown
    assert [b[0] for b in learning.beats_played] == list(LEARNING.names)


def test_learning_is_legible_and_nothing_overlaps_at_any_beats_end(learning):
    """One plane, one row per phrase, one strip: at every beat's end no vector label, row or
    strip overlaps another, all stay in the frame, and no text is under the 1.6 % bar."""
    import itertools
    from scenes.lib.layout import FRAME
    assert not {beat: small for beat, small in learning.small_text.items() if small}
    for beat in LEARNING.names:
        boxes = learning.rest_boxes[beat]
        names = [name for name, _ in boxes]
        assert {"row 1", "row 2", "row 3", "strip"} <= set(names), (beat, names)
        if beat != "training":                       # the labels go while the vectors move
            assert {"search 1", "sat offer", "typed offer", "Is offer"} <= set(names), (beat, names)
        for (n1, b1), (n2, b2) in itertools.combinations(boxes, 2):
            assert not b1.overlaps(b2), f"{beat}: {n1!r} and {n2!r} overlap"
        for name, b in boxes:
            assert b.inside(FRAME), f"{beat}: {name!r} leaves the frame"


def test_learning_starts_flat_and_ends_with_the_feasible_targets_on_top(learning):
    data = learning.data
    for k, req in enumerate(data.reqs):
        start, end = data.rows[0][k], data.rows[-1][k]
        assert start[req.target] < 0.5
        wins = int(np.argmax(end)) == req.target
        assert wins == (req.tokens[req.target] in ("sat", "typed"))   # Is cannot win in 2D
    assert data.history[-1].loss < data.history[0].loss


def test_learning_captions_state_the_numbers():
    from attnvid.script import load_script
    from attnvid.story.learning import LearningData
    from scenes.lib.base import default_script
    data = LearningData(load_script(default_script()))
    end = [format_weights(data.rows_end[k])[r.target] for k, r in enumerate(data.reqs)]   # rounded matrices
    text = LEARNING["learned"].text(data)
    assert text == (f"After 3000 steps, rounded to two decimals, the targets get sat {end[0]}, typed {end[1]} "
                    f"and Is {end[2]}: sat and typed now win their rows; Is still does not.")


def test_cramped_sweeps_every_direction_and_is_never_wins(cramped):
    data = cramped.data
    r = data.req
    assert r.tokens[r.target] == "Is" and data.inside
    assert r.target not in set(data.winners.tolist())
    assert set(data.winners.tolist()) == {j for j in data.rivals}   # every rival wins somewhere
    assert [b[0] for b in cramped.beats_played] == list(CRAMPED.names)


def test_cramped_shows_the_sweeps_numbers_and_they_rise(cramped):
    data = cramped.data
    allowed = {format_number(w) for _, ws in data.sweep for w in ws}
    assert numbers_in(cramped.numbers_shown) <= allowed
    first, last = data.sweep[0][1], data.sweep[-1][1]
    assert np.mean(last) > np.mean(first)
    caption = CRAMPED["sweep"].text(data)
    assert "rise" in caption and "do not rise" not in caption
    assert f"from {format_number(np.mean(first))} to {format_number(np.mean(last))}" in caption


def test_cramped_room_picture_lifts_only_the_trapped_target_and_its_sentence_says_so(cramped):
    """The third dimension: the target alone leaves the floor, above every other word, and the
    search drawn from the origin points straight up; the caption says so only when the target
    is trapped (the picture is drawn only then)."""
    from scenes.lib.learning import ROOM, _Room
    data = cramped.data
    r = data.req
    visible = [j for j in range(len(r.tokens)) if r.visible[j]]
    room = _Room([r.x[j] for j in visible], [r.tokens[j] for j in visible], ["#FFFFFF"] * len(visible),
                 visible.index(r.target), list(range(len(visible))), ROOM)
    room.angle, room.z = 1.0, room.rise_by
    room._place()
    target = visible.index(r.target)
    heights = [d.get_center()[1] for d in room.dots]
    assert heights[target] > max(h for k, h in enumerate(heights) if k != target) + 0.3
    foot, top = room.at(room.origin), room.at(room.origin, room.rise_by)
    assert abs(top[0] - foot[0]) < 1e-9 and top[1] > foot[1]          # the search points straight up
    for name, dot in zip(room.names, room.dots):                       # names beside their dots, in the room
        assert np.linalg.norm(name.get_center() - dot.get_center()) < 1.0
        assert ROOM.left - 0.5 < name.get_left()[0] and name.get_right()[0] < ROOM.right + 0.5
    caption = CRAMPED["sweep"].text(data)
    assert data.inside and f"{r.tokens[r.target]} can rise off the plane of the others" in caption
    said = [p for p in cramped.cues if "rise off the plane" in p[3]]
    assert len(said) == 1                                              # on screen, once
