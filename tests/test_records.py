"""The files passed between a manim process, the pipeline and a bundle's readers: each record
reads back what it wrote, tolerates what is missing or broken, and keeps the JSON on disk as
it always was (manifest.json is published: README, "Publishing")."""
import json
import re

import pytest

from attnvid.publish import pages
from attnvid.publish.records import CacheEntry, Manifest, Section, Timeline, write_atomic
from conftest import ROOT
from render_support import MANIFEST_KEYS, NARRATED_KEYS, SECTION_KEYS, readme_bundle_files

# A manifest.json written by `attnvid render scripts/cat_sat.yaml` before these records existed.
SAMPLE = ROOT / "tests" / "reference" / "manifest_cat_sat.json"


def test_a_timeline_reads_back_and_is_the_json_scenes_always_wrote(tmp_path):
    t = Timeline(True, sections=[("title", 0.0), ("embeddings", 7.5)], cues=[(0, 0.0, 7.5, "“cat” & <b>")],
                 beats=[("title", 0.0, 7.5)])
    path = tmp_path / "timeline.json"
    t.write(path)
    assert Timeline.read(path) == t
    assert path.read_text(encoding="utf-8") == (
        '{"finished": true, "sections": [{"name": "title", "start": 0.0}, {"name": "embeddings", "start": 7.5}], '
        '"cues": [{"section": 0, "start": 0.0, "end": 7.5, "text": "“cat” & <b>"}], '
        '"beats": [{"name": "title", "start": 0.0, "end": 7.5}]}')
    assert [p.name for p in tmp_path.iterdir()] == ["timeline.json"]      # no temporary file left


@pytest.mark.parametrize("text", [None, "", '{"finished": false, "sections": [{"name": "title"', '{"sections": []}',
                                  "[1, 2]"])
def test_a_timeline_not_yet_written_or_unreadable_is_empty(tmp_path, text):
    path = tmp_path / "timeline.json"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    assert Timeline.read(path) == Timeline() and Timeline().sections == ()


def test_spoken_lines_go_through_a_timeline_and_a_cache_entry_unchanged(tmp_path):
    spoken = [(0, 0.25, 2.5, "W_search → [1.00, 0.60]", "W search leads to 1 and 0.6")]
    Timeline(True, [("title", 0.0)], [(0, 0.0, 3.0, "x")], [("title", 0.0, 3.0)], spoken).write(tmp_path / "t.json")
    assert Timeline.read(tmp_path / "t.json").spoken == tuple(map(tuple, spoken))
    entry = CacheEntry("title", "clip.mp4", [], [], "ab" * 32, 10, 3.0, [(0.25, 2.5, "x", "y")])
    entry.write(tmp_path / "clip.json")
    assert CacheEntry.read(tmp_path / "clip.json") == entry


def test_a_cache_entry_reads_back_and_a_broken_one_is_none(tmp_path):
    entry = CacheEntry("dot_product", "clip.mp4", [(0.0, 1.5, "words")], [("dot_product", 0.0, 1.5)],
                       "ab" * 32, 1234, 1.5)
    path = tmp_path / "clip.json"
    entry.write(path)
    assert CacheEntry.read(path) == entry
    assert path.read_text(encoding="utf-8") == ('{"name": "dot_product", "file": "clip.mp4", '
                                                '"cues": [[0.0, 1.5, "words"]], "beats": [["dot_product", 0.0, 1.5]], '
                                                f'"sha256": "{"ab" * 32}", "size": 1234, "duration": 1.5}}')
    path.write_text('{"name": "dot_product"}', encoding="utf-8")
    assert CacheEntry.read(path) is None
    assert CacheEntry.read(tmp_path / "missing.json") is None
    good = json.loads(json.dumps(entry.as_json()))
    for broken in ({"file": "../../etc/passwd"}, {"sha256": "xyz"}, {"size": 0}, {"duration": float("nan")},
                   {"cues": [[2.0, 1.0, "ends before it starts"]]}, {"cues": [["soon", 1.0, "t"]]},
                   {"beats": [[1, 0.0, 1.0]]}, {"cues": [[0.0, 99.0, "past the clip's end"]]}, {"name": 3},
                   {"spoken": [[0.0, 1.0, "words"]]}, {"spoken": [[1.0, 0.5, "words", "words"]]},
                   {"spoken": [[0.0, 1.0, "words", None]]}):
        path.write_text(json.dumps({**good, **broken}), encoding="utf-8")
        assert CacheEntry.read(path) is None, broken
    path.write_text("[1, 2]", encoding="utf-8")
    assert CacheEntry.read(path) is None


def test_a_manifest_from_before_the_records_reads_back_to_the_same_bytes(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    m = Manifest.read(SAMPLE)
    assert m is not None and len(m.sections) == 8 and m.sections[1].cues[0][0] == 0.0
    assert list(json.loads(text)) == [k for k in MANIFEST_KEYS if k != "gif_span"]     # the sample has no gif
    m.write(tmp_path / "manifest.json")
    assert (tmp_path / "manifest.json").read_text(encoding="utf-8") == text
    assert Manifest.read(tmp_path / "manifest.json") == m


def test_the_manifest_keys_stay_in_their_published_order():
    m = Manifest("v", "T", "v.yaml", "l", False, True, 854, 480, 15.0, 2.0, {"srt": "v.srt"},
                 [Section("a", "sections/01-a.mp4", 0.0, 2.0, [(0.0, 2.0, "x")])], [(0.0, 2.0, "x")],
                 gif_span=(0.5, 1.5), sizes={"v.srt": 10})
    data = m.as_json()
    assert list(data) == MANIFEST_KEYS and data["gif_span"] == [0.5, 1.5]
    assert list(data["sections"][0]) == SECTION_KEYS and data["cues"] == [[0.0, 2.0, "x"]]
    assert Manifest.from_json(json.loads(json.dumps(data))) == m


def test_every_manifest_field_the_pages_read_is_written():
    source = (ROOT / "attnvid" / "publish" / "pages.py").read_text(encoding="utf-8")
    used = set(re.findall(r'\bm\["(\w+)"\]', source)) | set(re.findall(r'\bm\.get\("(\w+)"', source))
    assert {"title", "files", "sections", "cues", "sizes", "captions_on_screen"} <= used     # the pattern finds them
    assert used <= set(MANIFEST_KEYS + NARRATED_KEYS)
    assert set(re.findall(r'\bs\["(\w+)"\]', source)) <= set(SECTION_KEYS)
    m = Manifest.read(SAMPLE).as_json()
    pages.index_page(m), pages.presenter_page(m), pages.folder_index([m])     # and they take the record's JSON


def test_the_readme_table_names_every_file_a_manifest_lists():
    files = set(Manifest.read(SAMPLE).files.values())          # an mp4,webm bundle: no gif
    assert readme_bundle_files() == files | {"cat_sat.gif", "sections/", "manifest.json"}


def test_a_write_that_fails_leaves_the_old_file(tmp_path):
    path = tmp_path / "index.html"
    write_atomic(path, "old")
    (tmp_path / ".attnvid-staging-index.html").mkdir()          # the temporary file cannot be written
    with pytest.raises(OSError):
        write_atomic(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
