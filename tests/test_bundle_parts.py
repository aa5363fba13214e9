"""The pieces of `attnvid render` that need no video: captions, the plan, the pages."""
import dataclasses
import html
import json
import re

import pytest
from hypothesis import given, strategies as st

from attnvid.problems import ScriptError
from attnvid.publish import captions, pages
from attnvid.publish.bundle import gif_window, poster_time, slug
from attnvid.publish.captions import Cue
from attnvid.publish.plan import plan_video, processes_per_video, split
from attnvid.story import WALKTHROUGH
from conftest import SCRIPTS

BEATS = WALKTHROUGH.names


# -- captions -----------------------------------------------------------------------------

def test_srt_and_vtt_are_the_formats_players_read():
    cues = [Cue(0, 1.5, "first"), Cue(1.5, 3661.0126, "a <b> & c --> d\n\nsecond line")]
    assert captions.to_srt(cues) == ("1\n00:00:00,000 --> 00:00:01,500\nfirst\n\n"
                                     "2\n00:00:01,500 --> 01:01:01,013\na <b> & c -> d\nsecond line\n")
    assert captions.to_vtt(cues) == ("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nfirst\n\n"
                                     "00:00:01.500 --> 01:01:01.013\na &lt;b&gt; &amp; c -&gt; d\nsecond line\n")


def _seconds(stamp):
    h, m, s = stamp.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


@given(st.lists(st.tuples(st.floats(0, 20000), st.floats(0, 30), st.text(min_size=1, max_size=40)
                          .filter(lambda t: t.strip())), min_size=1, max_size=8))
def test_cue_times_survive_the_round_trip_to_the_millisecond(items):
    cues = [Cue(a, a + d, t) for a, d, t in items]
    stamps = re.findall(r"(\d\d:\d\d:\d\d[,.]\d{3}) --> (\d\d:\d\d:\d\d[,.]\d{3})", captions.to_srt(cues))
    assert len(stamps) == len(cues)
    for (a, b), cue in zip(stamps, cues):
        assert abs(_seconds(a) - cue.start) <= 0.0005 + 1e-9 and abs(_seconds(b) - cue.end) <= 0.0005 + 1e-9
    blocks = captions.to_vtt(cues).split("\n\n")
    assert blocks[0] == "WEBVTT" and len(blocks) == len(cues) + 1   # no cue text ever splits a block


# -- the plan -----------------------------------------------------------------------------

def test_a_one_phrase_script_is_a_walkthrough_and_the_explainer_has_its_sections():
    walk = plan_video(SCRIPTS / "cat_sat.yaml")
    assert (walk.scene_file.name, walk.scene_class, walk.sections, walk.name) == \
        ("phrase.py", "Phrase", tuple(BEATS), "cat_sat")
    assert walk.scene_file.exists()
    full = plan_video(SCRIPTS / "explainer.yaml")
    assert (full.scene_file.name, full.scene_class) == ("explainer.py", "Explainer")
    from attnvid.story import EXPLAINER
    # its manim sections are shots: one per section, the alignment's phrases one each (test_shots.py)
    assert tuple(dict.fromkeys(full.shipped_as())) == EXPLAINER.names and full.sections[0] == "hook"
    assert len(EXPLAINER.names) == 16


def test_a_model_file_or_a_3d_model_cannot_become_a_video(write):
    with pytest.raises(ScriptError, match=r"model\.yaml:1: a model file has no phrase"):
        plan_video(SCRIPTS / "model.yaml")
    path = write("three.yaml", "embeddings: {a: [1, 0, 0], b: [0, 1, 0]}\npositions: [[0, 0, 0], [0, 0, 0]]\n"
                               "W_search: [[1,0,0],[0,1,0],[0,0,1]]\nW_offer: [[1,0,0],[0,1,0],[0,0,1]]\nphrase: a b\n")
    with pytest.raises(ScriptError, match=r"three\.yaml:1: the scenes draw 2D vectors"):
        plan_video(path)


def _slowest(weights, runs, skip, replayed):
    return max(skip * replayed[r.start] + sum(weights[r.start:r.stop]) for r in runs)


@given(st.lists(st.tuples(st.floats(0.1, 10), st.floats(0, 20)), min_size=1, max_size=7), st.integers(1, 4),
       st.floats(0, 1), st.booleans())
def test_split_covers_every_section_once_in_order_and_is_optimal(sections, parts, skip, by_default):
    weights = [w for w, _ in sections]
    # what a run starting at each section replays: by default everything before it, or any cost
    replayed = [sum(weights[:a]) for a in range(len(weights))] if by_default else [r for _, r in sections]
    runs = split(weights, parts, skip) if by_default else split(weights, parts, skip, replayed)
    assert 1 <= len(runs) <= parts
    assert [i for r in runs for i in r] == list(range(len(weights)))
    assert all(len(r) > 0 for r in runs)
    # no other way of cutting does better (brute force over every set of cut points)
    import itertools
    n = len(weights)
    best = min(_slowest(weights, [range(a, b) for a, b in zip((0, *cuts), (*cuts, n))], skip, replayed)
               for k in range(0, min(parts, n)) for cuts in itertools.combinations(range(1, n), k))
    assert _slowest(weights, runs, skip, replayed) <= best + 1e-9


def test_later_runs_are_shorter_because_they_replay_what_came_before():
    first, second = split([1.0] * 8, 2)
    assert len(first) > len(second)
    # when each start replays only the section before it, the halves are even
    first, second = split([1.0] * 8, 2, replayed=[0.0] + [1.0] * 7)
    assert len(first) == len(second) == 4


def test_videos_are_split_only_when_processes_outnumber_them():
    assert processes_per_video(1, 2) == 2
    assert processes_per_video(2, 2) == 1
    assert processes_per_video(3, 2) == 1
    assert processes_per_video(2, 5) == 2


def test_the_poster_is_the_end_of_the_first_weighted_sum_never_the_first_frame():
    beats = [("title", 0, 5), ("weighted_sum", 40, 50), ("weighted_sum", 60, 70)]
    assert poster_time(beats, 80) == pytest.approx(49.6)
    assert poster_time([("embeddings", 0, 9)], 90) == 30


def test_the_gif_shows_the_first_phrases_attention_steps_or_the_first_minute():
    beats = [("title", 0, 5), ("projections", 5, 9), ("scores", 9, 12), ("weighted_sum", 12, 20),
             ("projections", 20, 25), ("weighted_sum", 25, 30)]
    assert gif_window(beats, 30) == (5, 20)
    assert gif_window([("embeddings", 0, 100)], 100) == (0, 60)
    assert gif_window([("weighted_sum", 0, 5), ("projections", 5, 9)], 9) == (0, 9)


def test_the_poster_and_the_gif_follow_the_beats_the_registry_marks(monkeypatch):
    """Marked elsewhere, they move: the poster to the end of `scores`, the gif from `title` to
    `softmax` (the registry's KINDS are what poster_beat() and gif_beats() read)."""
    from attnvid.story import registry
    assert (registry.poster_beat(), registry.gif_beats()) == ("weighted_sum", ("projections", "weighted_sum"))
    marks = {"title": {"gif": "start"}, "scores": {"poster": True}, "softmax": {"gif": "end"}}
    moved = registry.Kind("walkthrough", tuple(dataclasses.replace(p, **{"poster": False, "gif": None,
                                                                         **marks.get(p.name, {})})
                                               for p in WALKTHROUGH))
    monkeypatch.setattr(registry, "KINDS", (moved,))
    beats = [("title", 0, 5), ("projections", 5, 9), ("scores", 9, 12), ("softmax", 12, 15), ("weighted_sum", 15, 20)]
    assert poster_time(beats, 20) == pytest.approx(11.6)
    assert gif_window(beats, 20) == (0, 15)


def test_section_file_names_are_safe():
    assert slug("phrase: The cat sat") == "phrase-the-cat-sat"
    assert slug("猫") == "section"
    assert slug("../../etc") == "etc"


# -- the pages ----------------------------------------------------------------------------

EVIL = '</script><script>alert(1)</script> & "quotes" 猫'


def _manifest(title=EVIL):
    return {"name": "cat_sat", "title": title, "width": 854, "height": 480, "fps": 15.0, "duration": 20.0,
            "files": {"mp4": "cat_sat.mp4", "webm": "cat_sat.webm", "gif": "cat_sat.gif", "poster": "poster.png",
                      "srt": "cat_sat.srt", "vtt": "cat_sat.vtt", "presenter": "presenter.html"},
            "sections": [{"name": EVIL, "file": "sections/01-a.mp4", "start": 0, "duration": 10,
                          "cues": [[0, 10, EVIL]]},
                         {"name": "b", "file": "sections/02-b.mp4", "start": 10, "duration": 10, "cues": []}],
            "cues": [[0, 10, EVIL]], "sizes": {"cat_sat.mp4": 2_500_000, "poster.png": 100}}


@pytest.mark.parametrize("page", [pages.index_page, pages.presenter_page])
def test_script_text_never_becomes_markup(page):
    text = page(_manifest())
    assert "<script>alert" not in text and "</script><script>" not in text
    # the only script elements are our own
    assert text.count("<script>") == 1 and text.count("</script>") == 1
    assert "猫" in text


def test_the_cues_and_clips_travel_inline_as_json_the_page_can_read():
    text = pages.presenter_page(_manifest())
    inline = re.search(r"const clips = (.*);\n", text).group(1)
    clips = json.loads(inline)
    assert [c["src"] for c in clips] == ["sections/01-a.mp4", "sections/02-b.mp4"]
    assert clips[0]["cues"] == [[0, 10, EVIL]]


def test_the_embed_snippets_point_into_the_bundle_folder():
    s = pages.snippets(_manifest(title="The [cat]"))
    assert '<source src="cat_sat/cat_sat.mp4" type="video/mp4">' in s["html"]
    assert '<track kind="captions" src="cat_sat/cat_sat.vtt"' in s["html"]
    assert s["markdown"] == "[![The \\[cat\\]](cat_sat/cat_sat.gif)](cat_sat/cat_sat.mp4)"
    page = pages.index_page(_manifest(title="The [cat]"))
    assert html.escape(s["html"]) in page and html.escape(s["markdown"]) in page


@pytest.mark.parametrize("name", ["cat#sat", "my cat (draft)", "100%?", "naïve"])
def test_odd_script_names_give_links_that_point_at_their_files(name):
    """A script named `cat#sat.yaml` gives cat#sat/cat#sat.mp4: every link percent-encodes it
    ('#' would start a fragment, '?' a query, a space or ')' would end a Markdown link)."""
    from urllib.parse import unquote, urlsplit
    m = _manifest()
    m = {**m, "name": name, "files": {k: v.replace("cat_sat", name) for k, v in m["files"].items()},
         "sizes": {k.replace("cat_sat", name): v for k, v in m["sizes"].items()}}
    snip = pages.snippets(m)
    links = re.findall(r'(?:src|href|poster)="([^"]*)"', snip["html"] + pages.index_page(m) + pages.folder_index([m]))
    assert len(links) >= 8
    for link in links:
        parts = urlsplit(html.unescape(link))
        assert not parts.fragment and not parts.query and not parts.scheme, link
        assert " " not in link and "#" not in link
        assert unquote(parts.path).split("/")[-1] in {*m["files"].values(), *m["sizes"], "index.html",
                                                       "presenter.html", "sections/01-a.mp4".split("/")[-1],
                                                       "sections/02-b.mp4".split("/")[-1]}, link
    target = re.fullmatch(r"\[!\[[^\]]*\]\(([^()\s]+)\)\]\(([^()\s]+)\)", snip["markdown"])
    assert target, snip["markdown"]
    assert unquote(target.group(2)) == f"{name}/{name}.mp4" and unquote(target.group(1)) == f"{name}/{name}.gif"
