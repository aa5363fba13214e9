"""ffmpeg and ffprobe, for the files a bundle ships: each function writes one output file from
finished inputs and nothing else. Every command is run with a clear error on failure.

- join: sections rendered by separate processes become one video without re-encoding (they
  share codec, size and frame rate, so the concat demuxer copies the packets);
- faststart: the moov atom (the index) moves to the front so a browser plays while downloading;
  manim writes it at the end.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .process import run

GIF_WIDTH = 480     # README-sized
GIF_FPS = 10


class MediaError(RuntimeError):
    pass


def _ffmpeg(*args: str) -> None:
    result = run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args])
    if result.returncode != 0:
        raise MediaError(f"ffmpeg failed: {result.stderr.strip()[-600:]}")


def probe(path: Path) -> dict:
    """Codec, pix_fmt, size, frame count and duration of the first video stream."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=codec_name,pix_fmt,width,height,avg_frame_rate,r_frame_rate,nb_frames:format=duration",
                          "-of", "json", str(path)], capture_output=True, text=True)
    if out.returncode != 0:
        raise MediaError(f"ffprobe cannot read {path}: {out.stderr.strip()[-300:]}")
    data = json.loads(out.stdout)
    return {**data["streams"][0], "duration": float(data["format"]["duration"])}


def moov_before_mdat(path: Path) -> bool:
    """True when the file is 'faststart': the index comes before the media data."""
    with open(path, "rb") as f:
        offset, size = 0, path.stat().st_size
        while offset < size:
            f.seek(offset)
            header = f.read(16)
            if len(header) < 8:
                return False
            length, kind = int.from_bytes(header[:4], "big"), header[4:8]
            if length == 1:
                length = int.from_bytes(header[8:16], "big")
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if length < 8:
                return False
            offset += length
    return False


def join(clips: list[Path], out: Path) -> None:
    """Concatenate clips losslessly (packets copied), moov first for mp4/mov."""
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{_quote(c)}'\n" for c in clips), encoding="utf-8")
    try:
        _ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", "-movflags", "+faststart", str(out))
    finally:
        listing.unlink(missing_ok=True)


def _quote(path: Path) -> str:
    return str(Path(path).resolve()).replace("'", "'\\''")


def faststart(src: Path, out: Path) -> None:
    _ffmpeg("-i", str(src), "-c", "copy", "-movflags", "+faststart", str(out))


# speech in the mp4 (and the transparent .mov). ffmpeg's fast coder encodes 3.5x as fast as its
# default (twoloop), and for speech at 160 kb/s loses nothing measurable: 39.7 dB SNR against
# Piper's WAV, 32.2 for twoloop (docs/performance.md)
AAC = ("-c:a", "aac", "-b:a", "160k", "-aac_coder", "fast")
OPUS = ("-c:a", "libopus", "-b:a", "96k")     # speech in the webm


def with_audio(src: Path, audio: Path, out: Path) -> None:
    """The video of `src` (packets copied) with `audio` (a WAV of the same length) as AAC,
    moov first."""
    _ffmpeg("-i", str(src), "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", *AAC,
            "-movflags", "+faststart", str(out))


def webm(src: Path, out: Path, alpha: bool = False, audio: Path | None = None) -> None:
    """VP9 at constant quality; with alpha when the source has it (a transparent render); with
    `audio` (a WAV) as Opus, else silent."""
    sound = ("-i", str(audio)) if audio is not None else ()
    maps = ("-map", "0:v:0", "-map", "1:a:0", *OPUS) if audio is not None else ("-an",)
    _ffmpeg("-i", str(src), *sound, "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "36", "-deadline", "realtime",
            "-cpu-used", "6", "-row-mt", "1", "-pix_fmt", "yuva420p" if alpha else "yuv420p",
            *(("-auto-alt-ref", "0") if alpha else ()), *maps, str(out))


def gif(src: Path, out: Path, start: float, end: float, width: int = GIF_WIDTH, fps: int = GIF_FPS) -> None:
    """The stretch [start, end] with a palette made for it (only the colours it uses) and
    diff-rectangle dithering, so the still parts of a frame cost almost nothing."""
    graph = (f"fps={fps},scale={width}:-2:flags=lanczos,split[a][b];"
             "[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle")
    _ffmpeg("-ss", f"{start:.3f}", "-to", f"{end:.3f}", "-i", str(src), "-vf", graph, "-loop", "0", str(out))


def still(src: Path, at: float, out: Path) -> None:
    """One frame as PNG (the poster)."""
    _ffmpeg("-ss", f"{max(0.0, at):.3f}", "-i", str(src), "-frames:v", "1", "-update", "1", str(out))


BACKGROUND = "0x101218"   # scenes/lib/style.py BACKGROUND: a transparent render flattened looks as usual


def flatten(src: Path, out: Path, background: str = BACKGROUND) -> None:
    """A transparent render laid on the scenes' background, as H.264 (for the page and players
    that ignore alpha)."""
    _ffmpeg("-i", str(src), "-filter_complex",
            f"color=c={background}:s=16x16[bg];[bg][0:v]scale2ref[bg][v];[bg][v]overlay=shortest=1,format=yuv420p",
            "-map", "0:a?", "-c:a", "copy", "-c:v", "libx264", "-crf", "18", "-movflags", "+faststart", str(out))
