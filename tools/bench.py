"""The render benchmark (`make bench`): how long a preview takes, against the floor.

For each scene and quality it renders with manim in a fresh process (caching off), then
encodes the same frames with ffmpeg alone: the floor, what any renderer must at least pay for
encoding. It reports wall time, video seconds, wall time / running time, wall time / floor,
peak memory (the render process's max RSS) and frames per second; the median of several runs,
with min-max. It also times the edit-to-preview loop: change one phrase of the explainer and
render it again. Writes bench-out/bench.json and bench-out/bench.md and prints the table.

    python tools/bench.py [--runs 3] [--runs-hq 1] [--quick] [--out bench-out]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CASES = [("CatSat", "scenes/phrase.py", "CatSat"), ("Explainer", "scenes/explainer.py", "Explainer")]


def timed(cmd, env=None) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(map(str, cmd))}\n{proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss // 1024


def probe(video: Path) -> tuple[float, int]:
    out = subprocess.run(["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0",
                          "-show_entries", "stream=nb_read_packets:format=duration", "-of", "json", str(video)],
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    return float(data["format"]["duration"]), int(data["streams"][0]["nb_read_packets"])


def render(scene_file, scene, quality, media, env=None):
    cmd = [str(BIN / "manim"), f"-q{quality}", "--disable_caching", "--progress_bar", "none",
           "--media_dir", str(media), scene_file, scene]
    wall, rss = timed(cmd, env)
    (video,) = [v for v in Path(media, "videos").rglob(f"{scene}.mp4") if "partial" not in str(v)]
    return wall, rss, video


def floor(video: Path) -> float:
    """ffmpeg alone: decode the rendered frames and encode them again as manim does (H.264, yuv420p)."""
    with tempfile.TemporaryDirectory() as tmp:
        wall, _ = timed(["ffmpeg", "-v", "error", "-y", "-i", str(video), "-c:v", "libx264",
                         "-pix_fmt", "yuv420p", "-an", str(Path(tmp) / "floor.mp4")])
    return wall


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}


def measure(name, scene_file, scene, quality, runs):
    walls, rsss, floors = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as media:
            wall, rss, video = render(scene_file, scene, quality, media)
            duration, frames = probe(video)
            walls.append(wall)
            rsss.append(rss)
            floors.append(floor(video))
    w = summary(walls)
    return {"case": name, "quality": quality, "wall": w, "video_seconds": duration, "frames": frames,
            "ratio_to_running_time": w["median"] / duration,
            "ratio_to_floor": w["median"] / statistics.median(floors), "floor": summary(floors),
            "peak_mib": max(rsss), "fps": frames / w["median"]}


def edit_to_preview() -> float:
    """Seconds from changing one phrase of the explainer to a fresh -ql preview."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "explainer.yaml"
        text = (ROOT / "scripts" / "explainer.yaml").read_text()
        script.write_text(text.replace("model: model.yaml", f"model: {ROOT / 'scripts' / 'model.yaml'}")
                          .replace("text: The cat sat on the", "text: the cat sat on the"))
        env = dict(os.environ, ATTN_SCRIPT=str(script))
        wall, _, _ = render("scenes/explainer.py", "Explainer", "l", Path(tmp) / "media", env)
    return wall


def table(results, edit) -> str:
    lines = ["| video | quality | wall (median, min-max) | video s | × running time | × floor | floor s | peak MiB | frames/s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        w = r["wall"]
        lines.append(f"| {r['case']} | -q{r['quality']} | {w['median']:.1f} s ({w['min']:.1f}-{w['max']:.1f}, {w['runs']} runs) "
                     f"| {r['video_seconds']:.1f} | {r['ratio_to_running_time']:.2f} | {r['ratio_to_floor']:.1f} "
                     f"| {r['floor']['median']:.1f} | {r['peak_mib']} | {r['fps']:.1f} |")
    if edit is not None:
        lines.append("")
        lines.append(f"Edit one phrase of scripts/explainer.yaml, then a fresh -ql preview: {edit:.1f} s.")
    return "\n".join(lines)


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    import manim
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, manim {manim.__version__}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per case at -ql (median quoted)")
    ap.add_argument("--runs-hq", type=int, default=1, help="runs per case at -qh")
    ap.add_argument("--quick", action="store_true", help="one run, -ql only, no edit loop")
    ap.add_argument("--out", default="bench-out")
    args = ap.parse_args()
    plan = [(c, "l", 1 if args.quick else args.runs) for c in CASES]
    if not args.quick:
        plan += [(c, "h", args.runs_hq) for c in CASES]
    results = []
    for (name, scene_file, scene), quality, runs in plan:
        print(f"rendering {name} at -q{quality}, {runs} run(s)...", file=sys.stderr, flush=True)
        results.append(measure(name, scene_file, scene, quality, runs))
    edit = None if args.quick else edit_to_preview()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    report = {"machine": machine(), "results": results, "edit_to_preview_seconds": edit}
    (out / "bench.json").write_text(json.dumps(report, indent=2))
    md = f"Measured on {report['machine']}.\n\n" + table(results, edit) + "\n"
    (out / "bench.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
