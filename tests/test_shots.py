"""The explainer's alignment is rendered as shots (its roadmap, then one per beat of each
phrase) and shipped as one section: planned from the registry, and joined back in the bundle so the
section clip, its captions and the manifest's sections are what one clip would have made."""
import subprocess
from pathlib import Path

import pytest

from attnvid.publish.bundle import Bundle
from attnvid.publish.plan import Video, plan_video, split_video
from attnvid.publish.records import Manifest
from attnvid.publish.worker import Clip
from attnvid.story import EXPLAINER, explainer_shots, replay_from
from attnvid.story.registry import phrase_beats
from conftest import SCRIPTS, VOICE_INSTALLED
from render_support import MANIFEST_KEYS, SHOTS_KEYS


def test_the_explainer_plans_one_shot_per_section_and_per_beat_of_each_phrase_of_the_alignment():
    full = plan_video(SCRIPTS / "explainer.yaml")
    phrases = len(full.script.phrases)
    assert phrases == 3
    assert list(dict.fromkeys(full.shipped_as())) == list(EXPLAINER.names)   # every section, in order
    beats = [phrase_beats(k == 0) for k in range(phrases)]
    assert full.shipped_as().count("alignment") == 1 + sum(map(len, beats))
    at = full.sections.index("alignment")
    alignment = full.shots[at:at + full.shipped_as().count("alignment")]
    assert [s.phrase for s in alignment] == [None] + [k for k in range(phrases) for _ in beats[k]]
    assert [s.beats for s in alignment[1:]] == [(b,) for k in range(phrases) for b in beats[k]]
    # a phrase's title shot keeps the phrase's name, its later beats add theirs
    assert [s.name for s in alignment[:3]] == ["alignment", "alignment phrase 1", "alignment phrase 1: projections"]
    assert [s.name for s in alignment if s.fresh] == ["alignment"] + [f"alignment phrase {k + 1}" for k in range(phrases)]
    assert len(set(full.sections)) == len(full.sections)
    # a script without the alignment has one shot per section; a walkthrough, one per beat
    assert [s.name for s in explainer_shots(("names", "recap"), 3)] == ["names", "recap"]
    walk = plan_video(SCRIPTS / "cat_sat.yaml")
    assert walk.shots == () and walk.shipped_as() == walk.sections


def test_a_process_replays_back_to_the_shot_that_cleared_the_stage_before_its_first_picture():
    """A shot that clears the stage fades out the last picture of the shot before, which a
    phrase's later beat builds on its phrase's earlier ones; so a process drawing from shot i
    plays from replay_from(i), and no earlier shot is needed."""
    shots = explainer_shots(("dot_product", "alignment", "names"), 2)
    names = [s.name for s in shots]
    at = names.index

    def check(first_drawn, expected):
        start = replay_from(shots, first_drawn)
        assert names[start] == expected, (names[first_drawn], names[start])
        assert shots[start].fresh and start <= first_drawn
    check(0, "dot_product")
    check(at("alignment"), "dot_product")
    check(at("alignment phrase 1"), "alignment")
    check(at("alignment phrase 1: scores"), "alignment phrase 1")
    check(at("alignment phrase 2"), "alignment phrase 1")        # it fades phrase 1's takeaway out
    check(at("alignment phrase 2: takeaway"), "alignment phrase 2")
    check(at("names"), "alignment phrase 2")
    # a run's replay is what the split charges it
    video = plan_video(SCRIPTS / "explainer.yaml")
    for i in range(len(video.sections)):
        assert video.replay_from(i) == replay_from(video.shots, i)
    runs = split_video(video, [1.0] * len(video.sections), list(range(len(video.sections))), 2)
    assert [i for run in runs for i in run] == list(range(len(video.sections)))


def clip_of(path: Path, seconds: float, colour: str) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"color=c={colour}:s=64x48:r=15:d={seconds}",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def frames(video: Path) -> list[str]:
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(video), "-map", "0:v", "-f", "framemd5", "-"],
                         check=True, capture_output=True, text=True).stdout
    return [line.rsplit(",", 1)[1].strip() for line in out.splitlines() if line and not line.startswith("#")]


def test_a_sections_shots_are_joined_into_one_section_clip_with_their_captions_moved(tmp_path):
    # a section's shot, then the alignment's roadmap and a phrase's first two beats, then another section
    shots = explainer_shots(("dot_product", "alignment", "names"), 1)
    shots = shots[:4] + shots[-1:]
    assert [s.name for s in shots] == ["dot_product", "alignment", "alignment phrase 1",
                                       "alignment phrase 1: projections", "names"]
    video = Video(tmp_path / "v.yaml", "v", "V", SCRIPTS / "explainer.py", "Explainer",
                  tuple(s.name for s in shots), independent_sections=True, shots=shots)
    lengths = [1.0, 0.4, 0.6, 0.8, 0.6]
    clips = [Clip(i, s.name, clip_of(tmp_path / f"{i}.mp4", n, c), ((0.1, n - 0.1, f"said in {s.name}"),),
                  ((s.name, 0.0, n),))
             for i, (s, n, c) in enumerate(zip(shots, lengths, ("red", "green", "blue", "white", "black")))]
    folder = tmp_path / "bundle"
    folder.mkdir()
    m: Manifest = Bundle(video, folder, formats=("mp4",)).write_media(clips)

    assert [s.name for s in m.sections] == ["dot_product", "alignment", "names"]
    assert [s.file for s in m.sections] == ["sections/01-dot-product.mp4", "sections/02-alignment.mp4",
                                            "sections/03-names.mp4"]
    alignment = m.sections[1]
    assert (alignment.start, alignment.duration) == (1.0, 1.8)
    # its clip is its three shots' frames, which are the master's from 1 s to 2.8 s
    whole = frames(folder / "v.mp4")
    joined = frames(folder / alignment.file)
    assert len(whole) == 15 * 3.4 and joined == whole[15:15 + 27]
    assert joined == frames(clips[1].path) + frames(clips[2].path) + frames(clips[3].path)
    # each shot's captions moved to where the shot starts in the section and in the video
    assert [c[0] for c in alignment.cues] == [0.1, 0.5, 1.1]
    assert [c[2] for c in alignment.cues] == ["said in alignment", "said in alignment phrase 1",
                                              "said in alignment phrase 1: projections"]
    assert [c[0] for c in m.cues] == [0.1, 1.1, 1.5, 2.1, 2.9]
    assert (folder / "sections/02-alignment.vtt").read_text(encoding="utf-8").count("said in") == 3
    # the shots, for the next run's split; nothing half-made is left behind
    assert m.shots == tuple((s.name, n) for s, n in zip(shots, lengths))
    assert Manifest.from_json(m.as_json()) == m
    assert list(m.as_json()) == [k for k in MANIFEST_KEYS if k != "gif_span"] + SHOTS_KEYS
    assert sorted(p.name for p in (folder / "sections").iterdir()) == [
        "01-dot-product.mp4", "01-dot-product.vtt", "02-alignment.mp4", "02-alignment.vtt", "03-names.mp4",
        "03-names.vtt"]


def test_a_bundle_whose_sections_are_one_clip_each_lists_no_shots(tmp_path):
    video = Video(tmp_path / "v.yaml", "v", "V", SCRIPTS / "phrase.py", "Phrase", ("title", "embeddings"))
    clips = [Clip(i, name, clip_of(tmp_path / f"{i}.mp4", 0.6, "red"), (), ()) for i, name in enumerate(video.sections)]
    folder = tmp_path / "bundle"
    folder.mkdir()
    m = Bundle(video, folder, formats=("mp4",)).write_media(clips)
    assert [s.name for s in m.sections] == ["title", "embeddings"] and m.shots == ()
    assert "shots" not in m.as_json()


@pytest.mark.parametrize("voiced", [False, pytest.param(True, marks=pytest.mark.skipif(
    not VOICE_INSTALLED, reason="the voice extra is not installed"))])
def test_a_bundle_written_by_two_ffmpeg_processes_at_once_is_the_one_written_by_one(tmp_path, voiced):
    """With --jobs 2 and one video, the video's two processes are idle once its frames are
    drawn, so the bundle encodes the master's narration and the sections' side by side: every
    file and the manifest come out byte for byte as when written one after another."""
    from attnvid.narration.synthesis import find_voice
    shots = explainer_shots(("dot_product", "alignment", "names"), 1)
    shots = shots[:4] + shots[-1:]
    video = Video(tmp_path / "v.yaml", "v", "V", SCRIPTS / "explainer.py", "Explainer",
                  tuple(s.name for s in shots), independent_sections=True, shots=shots)
    lengths = [1.0, 0.4, 0.6, 0.8, 0.6]
    clips = [Clip(i, s.name, clip_of(tmp_path / f"{i}.mp4", n, c), ((0.1, n - 0.1, f"cue {i}"),),
                  ((s.name, 0.0, n),), ((0.05, n - 0.1, f"cue {i}", "Yes."),) if voiced else ())
             for i, (s, n, c) in enumerate(zip(shots, lengths, ("red", "green", "blue", "white", "black")))]
    written = {}
    for workers in (1, 2):
        folder = tmp_path / f"bundle{workers}"
        folder.mkdir()
        m = Bundle(video, folder, formats=("mp4",), voice=find_voice("joe") if voiced else None,
                   workers=workers).write_media(clips)
        written[workers] = (m, {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()})
    assert written[1][0] == written[2][0]
    assert written[1][1].keys() == written[2][1].keys() and len(written[1][1]) == 10   # video, srt, vtt, poster, 3 x 2
    for name, data in written[1][1].items():
        assert written[2][1][name] == data, name
    if voiced:
        assert written[2][0].voice == "joe"
