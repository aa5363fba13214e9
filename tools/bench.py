"""The render benchmark (`make bench`): how long a preview takes, against the floor.

For each video, at the preview quality (-ql) and the publishing one (`--quality p`, 1080p at
30 fps, what `make video` makes), it renders two ways, each in fresh processes with manim's cache off:
plain `manim` (one process: the baseline) and `attnvid render --formats mp4 --no-cache` (our
pipeline: sections shared out between --jobs processes and joined losslessly). Then it encodes
the same frames with ffmpeg alone: the floor, what any renderer must at least pay for encoding.
It reports wall time, video seconds, wall time / running time, wall time / floor, peak memory
(the largest single process) and frames per second; the median of several runs, with min-max.
It also times the edit-to-preview loop: render the explainer with the section cache, change one
phrase, render again, then change one caption and render again (and, from the keys alone, the
share of the explainer a phrase, a caption or the pace edit draws again); and the narration:
`attnvid say` on the explainer, in wall and CPU time: with nothing kept at all, with only the
speech cache empty (every line synthesised by Piper) and with everything kept. `attnvid render`
narrates with the default voice, from the speech cache the earlier runs filled. Writes
bench-out/bench.json and bench-out/bench.md and prints the table.

    python tools/bench.py [--runs 3] [--runs-hq 1] [--quick] [--only attnvid] [--case Explainer] [--out bench-out]
    python tools/bench.py --redrawn BUNDLE/manifest.json     # the edit shares alone, no render
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from attnvid.publish.records import ATTN_SCRIPT
from attnvid.publish.worker import QUALITY_FLAGS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CASES = [("CatSat", "scenes/phrase.py", "CatSat", "scripts/cat_sat.yaml"),
         ("Explainer", "scenes/explainer.py", "Explainer", "scripts/explainer.yaml")]
JOBS = os.cpu_count() or 1
QUALITY_NAMES = {"l": "-ql (480p15)", "p": "publishing (1080p30)"}


def timed(cmd, env=None) -> tuple[float, int, float]:
    """(wall seconds, peak RSS in MiB, CPU seconds) of one child process; the CPU time (user +
    system) counts the processes it started and waited for too (Linux's wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(map(str, cmd))}\n{proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def probe(video: Path) -> tuple[float, int]:
    out = subprocess.run(["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0",
                          "-show_entries", "stream=nb_read_packets:format=duration", "-of", "json", str(video)],
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    return float(data["format"]["duration"]), int(data["streams"][0]["nb_read_packets"])


def render(scene_file, scene, quality, media, env=None):
    cmd = [str(BIN / "manim"), *QUALITY_FLAGS[quality], "--disable_caching", "--progress_bar", "none",
           "--media_dir", str(media), scene_file, scene]
    wall, rss, _ = timed(cmd, env)
    (video,) = [v for v in Path(media, "videos").rglob(f"{scene}.mp4") if "partial" not in str(v)]
    return wall, rss, video


def pipeline(script, quality, out, env=None, cache=False):
    """attnvid render: the mp4 only (what a preview needs), JOBS processes."""
    cmd = [str(BIN / "attnvid"), "render", script, "--quality", quality, "--formats", "mp4",
           "--out", str(out), "--jobs", str(JOBS), *([] if cache else ["--no-cache"])]
    wall, rss, _ = timed(cmd, env)
    (video,) = [v for v in Path(out).glob("*/*.mp4")]
    return wall, rss, video


def floor(video: Path) -> float:
    """ffmpeg alone: decode the rendered frames and encode them again as manim does (H.264, yuv420p)."""
    with tempfile.TemporaryDirectory() as tmp:
        wall, _, _ = timed(["ffmpeg", "-v", "error", "-y", "-i", str(video), "-c:v", "libx264",
                         "-pix_fmt", "yuv420p", "-an", str(Path(tmp) / "floor.mp4")])
    return wall


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def cold_env(tmp: str) -> dict:
    """An environment whose kept glyphs and fits (attnvid/kept.py) are empty, as on a first
    render; the speech cache stays the user's (synthesis is measured on its own, below)."""
    from attnvid.kept import cache_home
    home = Path(tmp) / "xdg"
    (home / "attnvid").mkdir(parents=True)
    if (cache_home() / "speech").exists():
        (home / "attnvid" / "speech").symlink_to(cache_home() / "speech")
    return {**os.environ, "XDG_CACHE_HOME": str(home), "ATTN_GLYPH_CACHE": str(Path(tmp) / "glyphs")}


def measure(name, scene_file, scene, script, quality, runs, way, cold=False):
    walls, rsss, floors = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as media:
            env = cold_env(media) if cold else None
            if way == "manim":
                wall, rss, video = render(scene_file, scene, quality, Path(media) / "media", env)
            else:
                wall, rss, video = pipeline(script, quality, Path(media) / "out", env)
            duration, frames = probe(video)
            walls.append(wall)
            rsss.append(rss)
            if not floors:          # ffmpeg alone is steady: once per video and quality
                floors.append(floor(video))
    w = summary(walls)
    return {"case": name, "way": way, "quality": quality, "kept": "cold" if cold else "warm", "wall": w, "video_seconds": duration, "frames": frames,
            "ratio_to_running_time": w["median"] / duration,
            "ratio_to_floor": w["median"] / statistics.median(floors), "floor": summary(floors),
            "peak_mib": max(rsss), "fps": frames / w["median"]}


def shipped_explainer() -> str:
    """scripts/explainer.yaml with its model and two_heads paths made absolute, so an edited
    copy can be written anywhere."""
    return (ROOT / "scripts" / "explainer.yaml").read_text().replace(
        "model: model.yaml", f"model: {ROOT / 'scripts' / 'model.yaml'}").replace(
        "two_heads: two_heads.yaml", f"two_heads: {ROOT / 'scripts' / 'two_heads.yaml'}")


def edit_to_preview() -> dict:
    """Seconds from changing one phrase of the explainer to a fresh -ql preview: plain manim
    (renders everything again) and attnvid render with a warm section cache; then from changing
    one caption to the next preview."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "explainer.yaml"
        text = shipped_explainer()
        old, new = "Is your warm black cat", "Is your black warm cat"
        assert old in text
        script.write_text(text.replace(old, new))
        env = {**os.environ, ATTN_SCRIPT: str(script), "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        manim_wall, _, _ = render("scenes/explainer.py", "Explainer", "l", Path(tmp) / "media", env)
        script.write_text(text)
        pipeline(str(script), "l", Path(tmp) / "site", env, cache=True)          # warms the cache
        shares = redrawn_shares(Path(tmp) / "site" / "explainer" / "manifest.json")
        script.write_text(text.replace(old, new))
        cached_wall, _, _ = pipeline(str(script), "l", Path(tmp) / "site", env, cache=True)
        # one caption: the dot_product section's, which it and the section after it show
        script.write_text(text.replace(old, new) + "\nnarration:\n  dot_product: \"The dot product of two arrows "
                          "grows as they point the same way and as they grow longer.\"\n")
        caption_wall, _, _ = pipeline(str(script), "l", Path(tmp) / "site", env, cache=True)
    return {"manim": manim_wall, "attnvid_cached": cached_wall, "attnvid_caption_edit": caption_wall,
            "redrawn_share": shares}


# The edits the target names, each as (what, text replaced, its replacement) in the
# shipped explainer's script (an empty `old` appends `new`)
EDITS = (("one phrase (the third)", "Is your warm black cat", "Is your black warm cat"),
         ("one caption (dot_product's)", "", "\nnarration:\n  dot_product: \"The dot product grows as two arrows "
                                             "point the same way and as they grow longer.\"\n"),
         ("one caption of a phrase walked through (softmax's)", "",
          "\nnarration:\n  softmax: \"Softmax turns the scores into weights that add up to 1.\"\n"),
         ("the caption every phrase says (the takeaway's)", "",
          "\nnarration:\n  takeaway: \"So the weights, not the words, decide what the last word hears.\"\n"),
         ("the pace", "", "\npace: 1.1\n"))


def redrawn_shares(manifest: Path) -> dict[str, float]:
    """For each of EDITS, the share of the explainer's running time the section cache draws
    again (the shots whose keys the edit changes, timed by `manifest`, a bundle of the shipped
    explainer): what an edit costs, without rendering it."""
    from attnvid.publish.cache import section_keys
    from attnvid.publish.plan import plan_video
    from attnvid.publish.records import Manifest
    m = Manifest.read(manifest)
    seconds = dict(m.shots or [(sec.name, sec.duration) for sec in m.sections])
    text = shipped_explainer()
    with tempfile.TemporaryDirectory() as tmp:
        def keys(body: str) -> dict[str, str]:
            path = Path(tmp) / "explainer.yaml"
            path.write_text(body)
            video = plan_video(path)
            return dict(zip(video.sections, section_keys(video, video.script, "l", False, "code")))
        base, shares = keys(text), {}
        for what, old, new in EDITS:
            assert old in text
            edited = keys(text.replace(old, new) if old else text + new)
            shares[what] = sum(seconds[n] for n in base if base[n] != edited[n]) / sum(seconds.values())
    return shares


def narration() -> dict:
    """`attnvid say scripts/explainer.yaml` three times in one empty cache folder: a first run
    (outlines, fits and speech all made), then with only the speech cache emptied (every line
    synthesised by Piper, the rest kept), then with everything kept. What synthesis costs is the
    CPU time of the second less the third: the rest (playing the scene without drawing, laying
    and normalising the track) is the same in both."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "cache")}
        cmd = [str(BIN / "attnvid"), "say", "scripts/explainer.yaml", "--out", str(Path(tmp) / "explainer.wav")]
        first = timed(cmd, env)
        shutil.rmtree(Path(env["XDG_CACHE_HOME"], "attnvid", "speech"))    # kept.cache_home() / "speech"
        speech_cold = timed(cmd, env)
        cached = timed(cmd, env)
        seconds = probe_audio(Path(tmp) / "explainer.wav")
    return {"cold": speech_cold[0], "cached": cached[0], "peak_mib": speech_cold[1], "narration_seconds": seconds,
            "first_run": first[0], "cpu": {"first_run": first[2], "cold": speech_cold[2], "cached": cached[2]},
            "synthesis_cpu": speech_cold[2] - cached[2]}


def probe_audio(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return float(out)


def table(results, edit, said=None) -> str:
    lines = ["| video | quality | how | wall (median, min-max) | video s | × running time | × floor | floor s | peak MiB | frames/s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        w = r["wall"]
        how = "manim, 1 process" if r["way"] == "manim" else f"attnvid render, {JOBS} jobs"
        how += ", nothing kept" if r.get("kept") == "cold" else ""
        lines.append(f"| {r['case']} | {QUALITY_NAMES.get(r['quality'], r['quality'])} | {how} | {w['median']:.1f} s ({w['min']:.1f}-{w['max']:.1f}, {w['runs']} runs) "
                     f"| {r['video_seconds']:.1f} | {r['ratio_to_running_time']:.2f} | {r['ratio_to_floor']:.1f} "
                     f"| {r['floor']['median']:.1f} | {r['peak_mib']} | {r['fps']:.1f} |")
    if edit is not None:
        lines.append("")
        lines.append(f"Edit one phrase of scripts/explainer.yaml, then a fresh -ql preview: {edit['manim']:.1f} s "
                     f"with plain manim, {edit['attnvid_cached']:.1f} s with `attnvid render` and its section cache; "
                     f"then one caption edited (dot_product's): {edit['attnvid_caption_edit']:.1f} s.")
        lines += ["", redrawn_table(edit["redrawn_share"])]
    if said is not None:
        lines.append("")
        cpu = said["cpu"]
        lines.append(f"Narration of the explainer ({said['narration_seconds']:.0f} s of speech), `attnvid say`: "
                     f"{said['cold']:.1f} s ({cpu['cold']:.1f} CPU-s) with an empty speech cache, "
                     f"{said['cached']:.1f} s ({cpu['cached']:.1f} CPU-s) with it full, "
                     f"{said['first_run']:.1f} s ({cpu['first_run']:.1f} CPU-s) with nothing kept "
                     f"(the fits and outlines made too; peak {said['peak_mib']} MiB): synthesis, the difference "
                     f"of the first two, {said['synthesis_cpu']:.1f} CPU-s.")
    return "\n".join(lines)


def redrawn_table(shares: dict[str, float]) -> str:
    rows = "\n".join(f"| {what} | {share:.0%} |" for what, share in shares.items())
    return f"| an edit of the explainer | share of its running time drawn again |\n| --- | --- |\n{rows}"


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    import manim
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, manim {manim.__version__}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per case at -ql (median quoted)")
    ap.add_argument("--runs-hq", type=int, default=1, help="runs per case at the publishing quality (1080p30)")
    ap.add_argument("--quick", action="store_true", help="one run, -ql only, no edit loop")
    ap.add_argument("--out", default="bench-out")
    ap.add_argument("--only", choices=("manim", "attnvid"), help="measure one way only")
    ap.add_argument("--case", choices=[c[0] for c in CASES], help="measure one video only")
    ap.add_argument("--publishing-only", action="store_true", help="the publishing quality only, no edit loop")
    ap.add_argument("--cold", action="store_true", help="every run starts with no kept glyphs or fits "
                    "(attnvid/kept.py), as a first render does; by default they are the user's, warm after a run")
    ap.add_argument("--redrawn", metavar="MANIFEST", help="only print what share of the explainer each "
                    "edit draws again, timed by this bundle's manifest.json (no render)")
    args = ap.parse_args()
    if args.redrawn:
        print(redrawn_table(redrawn_shares(Path(args.redrawn))))
        return
    ways = [args.only] if args.only else ["manim", "attnvid"]
    cases = [c for c in CASES if args.case in (None, c[0])]
    plan = [] if args.publishing_only else [(c, "l", 1 if args.quick else args.runs, w) for c in cases for w in ways]
    if not args.quick:
        plan += [(c, "p", args.runs_hq, w) for c in cases for w in ways]
    results = []
    for (name, scene_file, scene, script), quality, runs, way in plan:
        print(f"rendering {name} at -q{quality} with {way}, {runs} run(s)...", file=sys.stderr, flush=True)
        results.append(measure(name, scene_file, scene, script, quality, runs, way, cold=args.cold))
    edit = None if args.quick or args.publishing_only else edit_to_preview()
    said = None if args.quick or args.publishing_only else narration()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    report = {"machine": machine(), "results": results, "edit_to_preview_seconds": edit, "narration_seconds": said}
    (out / "bench.json").write_text(json.dumps(report, indent=2))
    md = f"Measured on {report['machine']}.\n\n" + table(results, edit, said) + "\n"
    (out / "bench.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
