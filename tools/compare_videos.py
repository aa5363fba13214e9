"""Are two renders the same video? For a change of structure, which must leave every frame as
it was (within manim's own run-to-run noise: a few frames a shade off on a busy machine).

    python tools/compare_videos.py BEFORE_DIR AFTER_DIR     # every *.mp4 in both, by name
    python tools/compare_videos.py before.mp4 after.mp4

Decodes both videos frame by frame (ffmpeg, RGB) and reports, per video: the frame counts, how
many frames differ at all, how many differ visibly (some pixel by more than 32 of 255 in more
than 0.1 % of the frame), and the largest difference. Exits 1 when a video is missing, the
counts differ, or any frame differs visibly.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

VISIBLE = 32          # a difference of a shade stays under this (0-255)
VISIBLE_SHARE = 0.001


def _size(video: Path) -> tuple[int, int]:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height", "-of", "json", str(video)], capture_output=True, text=True, check=True)
    s = json.loads(out.stdout)["streams"][0]
    return int(s["width"]), int(s["height"])


def _frames(video: Path, width: int, height: int):
    proc = subprocess.Popen(["ffmpeg", "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                            stdout=subprocess.PIPE)
    size = width * height * 3
    try:
        while True:
            raw = proc.stdout.read(size)
            if len(raw) < size:
                return
            yield np.frombuffer(raw, np.uint8).reshape(height, width, 3)
    finally:
        proc.stdout.close()
        proc.wait()


def compare(a: Path, b: Path) -> dict:
    (w, h), size_b = _size(a), _size(b)
    if (w, h) != size_b:
        return {"frames": None, "error": f"sizes differ: {(w, h)} and {size_b}"}
    count_a = count_b = changed = visible = 0
    largest = 0
    fa, fb = _frames(a, w, h), _frames(b, w, h)
    for x in fa:
        count_a += 1
        y = next(fb, None)
        if y is None:
            continue
        count_b += 1
        d = np.abs(x.astype(np.int16) - y.astype(np.int16)).max(axis=2)
        if d.any():
            changed += 1
            largest = max(largest, int(d.max()))
            if (d > VISIBLE).mean() > VISIBLE_SHARE:
                visible += 1
    count_b += sum(1 for _ in fb)
    return {"frames": (count_a, count_b), "changed": changed, "visible": visible, "largest": largest}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("before", type=Path)
    p.add_argument("after", type=Path)
    args = p.parse_args(argv)
    if args.before.is_dir():
        pairs = []
        for v in sorted(args.before.rglob("*.mp4")):
            if "partial_movie_files" in v.parts or "sections" in v.parts:
                continue
            found = [w for w in args.after.rglob(v.name) if "partial_movie_files" not in w.parts and "sections" not in w.parts]
            pairs.append((v, found[0] if found else None))
    else:
        pairs = [(args.before, args.after)]
    ok = True
    for a, b in pairs:
        if b is None:
            print(f"{a.name}: missing from {args.after}")
            ok = False
            continue
        r = compare(a, b)
        if r["frames"] is None:
            print(f"{a.name}: {r['error']}")
            ok = False
            continue
        same_count = r["frames"][0] == r["frames"][1]
        ok = ok and same_count and r["visible"] == 0
        print(f"{a.name}: frames {r['frames'][0]} / {r['frames'][1]}, {r['changed']} differ at all, "
              f"{r['visible']} visibly, largest difference {r['largest']}/255")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
