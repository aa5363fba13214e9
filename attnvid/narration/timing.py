"""When each word of a spoken line is said, to the sample: so a picture can land on its word.

Piper's voices are VITS models: a duration predictor gives every phoneme id a whole number of
spectrogram frames (`ceil(w)`, each `hop_length` samples), then the decoder makes exactly that
many samples. With the noise scales at 0 the durations are fixed, so running only the model's
duration path on the phonemes Piper logged for a line (`Speech.phonemes`) gives each phoneme's
first sample. `WordClock.spoken` holds that to account: the durations must add up to the WAV's
length exactly, or the clock gives no times at all.

This runs the voice's own ONNX graph with onnxruntime (MIT), cut down with the `onnx` package
(Apache-2.0) to the duration tensor; Piper (GPL) is still never imported. The id layout (BOS,
a pad after every id, EOS) is the one every Piper voice is trained with.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

import numpy as np

from .synthesis import Phonemes, Speech, Voice

__all__ = ["WordClock", "WordFinder", "Spoken", "ClockUnavailable", "clock_available", "sounds_of", "sayings_before"]

STRESS = "ˈˌ"                 # stress marks: how hard a word is said, not which word it is
PUNCTUATION = set(",.;:!?—–-\"'()")
BOS, EOS, PAD, SPACE = "^", "$", "_", " "


class ClockUnavailable(RuntimeError):
    """Word times cannot be had for this voice (the onnx package missing, or a model without a
    duration tensor); pictures then land on their phrase, not their word."""


def clock_available() -> bool:
    import importlib.util
    return all(importlib.util.find_spec(m) is not None for m in ("onnx", "onnxruntime"))


@dataclass(frozen=True)
class Spoken:
    """A line as said: its phonemes in one string (stress marks and punctuation left out, words
    split by spaces), and the second at which each of those characters starts sounding."""
    sounds: str
    starts: tuple[float, ...]
    seconds: float

    def find(self, word: str, nth: int = 0) -> float | None:
        """The second at which the `nth` saying of `word` (its sounds, in this alphabet) starts,
        or None if it is not said that often. Matches that start a word are counted when there
        are enough of them, else any match (espeak writes weak words joined: "on the" is one)."""
        if not word:
            return None
        hits = list(_occurrences(self.sounds, word))
        starting = [i for i in hits if i == 0 or self.sounds[i - 1] == SPACE]
        chosen = starting if len(starting) > nth else hits
        return self.starts[chosen[nth]] if len(chosen) > nth else None


def sayings_before(line: str, word: str, after: str = "") -> int:
    """How many times `line` says `word` (whole words, any case) before the saying that follows
    the first `after`; 0 without `after` or when the line does not have it."""
    where = line.lower().find(after.lower()) if after.strip() else -1
    if where < 0:
        return 0
    pattern = re.compile(r"(?<!\w)" + re.escape(word.lower()) + r"(?!\w)")
    return len(pattern.findall(line.lower()[:where + len(after)]))


def _occurrences(text: str, part: str):
    i = text.find(part)
    while i >= 0:
        yield i
        i = text.find(part, i + 1)


def sounds_of(phonemes: Phonemes) -> str:
    """The phonemes of a (short) text as one string in `Spoken.sounds`' alphabet."""
    return " ".join(w for sentence in phonemes for w in _plain(sentence).split())


def _plain(sentence: Sequence[str]) -> str:
    return "".join(SPACE if p in PUNCTUATION else p for p in sentence if p not in STRESS)


class WordClock:
    """Times a voice's lines: `spoken(speech)` gives where each of its sounds starts."""

    def __init__(self, voice: Voice):
        self.voice = voice
        config = json.loads(voice.config.read_text(encoding="utf-8"))
        self.ids: dict[str, list[int]] = config["phoneme_id_map"]
        self.hop = int(config.get("audio", {}).get("hop_length", config.get("hop_length", 256)))
        self.rate = int(config["audio"]["sample_rate"])

    @cached_property
    def _session(self):
        """The voice's graph cut at its duration tensor (the decoder, most of the work, left
        out): about 40 ms a sentence on one thread."""
        if not clock_available():
            raise ClockUnavailable("word times need the onnx package: pip install 'attnvid[voice]'")
        import onnx
        import onnxruntime
        try:
            model = onnx.load(str(self.voice.model))
            ceil = [o for node in model.graph.node if node.op_type == "Ceil" for o in node.output]
            if len(ceil) != 1:
                raise ClockUnavailable(f"{self.voice.model.name}: no single duration tensor (found {len(ceil)})")
            inputs = [i.name for i in model.graph.input]
            cut = onnx.utils.Extractor(model).extract_model(inputs, ceil)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            return onnxruntime.InferenceSession(cut.SerializeToString(), options,
                                                providers=["CPUExecutionProvider"])
        except ClockUnavailable:
            raise
        except Exception as e:              # a model onnx cannot read or cut: no word times, say why
            raise ClockUnavailable(f"{self.voice.model.name}: {type(e).__name__}: {e}") from e

    def samples(self, sentence: Sequence[str]) -> np.ndarray:
        """Samples per phoneme id of one sentence: [BOS, PAD, p1, PAD, p2, PAD, ..., EOS]."""
        ids = [*self.ids[BOS], *self.ids[PAD]]
        for p in sentence:
            if p in self.ids:            # Piper drops a phoneme its voice has no id for
                ids += [*self.ids[p], *self.ids[PAD]]
        ids += self.ids[EOS]
        feed = {"input": np.array([ids], dtype=np.int64), "input_lengths": np.array([len(ids)], dtype=np.int64),
                "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32)}     # SETTINGS: no noise, length 1
        if any(i.name == "sid" for i in self._session.get_inputs()):
            feed["sid"] = np.array([0], dtype=np.int64)       # Piper's first speaker, as it speaks by default
        (frames,) = self._session.run(None, feed)
        return frames.reshape(-1).astype(np.int64) * self.hop

    def spoken(self, speech: Speech) -> Spoken:
        """Where each sound of `speech` starts. Raises ClockUnavailable unless the durations
        add up to the WAV's length exactly (then they are the ones Piper used)."""
        if not speech.phonemes:
            raise ClockUnavailable(f"no phonemes recorded for {speech.text[:40]!r}")
        sounds: list[str] = []
        starts: list[float] = []
        offset = 0
        for sentence in speech.phonemes:
            per_id = self.samples(sentence)
            kept = [p for p in sentence if p in self.ids]
            begins = offset + np.concatenate([[0], np.cumsum(per_id)])
            for k, p in enumerate(kept):
                if p in STRESS:
                    continue
                ch = SPACE if p in PUNCTUATION else p
                if ch == SPACE and (not sounds or sounds[-1] == SPACE):
                    continue
                for c in ch:
                    sounds.append(c)
                    starts.append(float(begins[2 + 2 * k]) / self.rate)
            if sounds and sounds[-1] != SPACE:
                sounds.append(SPACE)
                starts.append(float(offset + per_id.sum()) / self.rate)
            offset += int(per_id.sum())
        length = round(speech.seconds * self.rate)
        if offset != length:
            raise ClockUnavailable(f"durations give {offset} samples, the speech has {length}: "
                                   f"{speech.text[:40]!r} was not said as its phonemes say")
        return Spoken("".join(sounds).rstrip(), tuple(starts[:len("".join(sounds).rstrip())]), speech.seconds)


class WordFinder:
    """`start(line, word, after)`: the second into a narrator's speech of `line` at which `word`
    is said (after the words `after`, if given), or None (not said, or no clock for this voice:
    `problem` says why). All are spoken (speakable) text. Which saying of the word is meant is
    read from the text (sayings_before); the word is phonemized on its own, by the same voice,
    and that saying looked for among the line's sounds. (Not `after` as sounds: a weak word is
    said differently alone, "to" as "too", and in a line, "tuh".)"""

    def __init__(self, narrator):
        self.narrator = narrator
        self.clock = WordClock(narrator.voice)
        self.problem: str | None = None
        self._lines: dict[str, Spoken] = {}

    def start(self, line: str, word: str, after: str = "") -> float | None:
        try:
            spoken = self._lines.get(line)
            if spoken is None:
                spoken = self._lines[line] = self.clock.spoken(self.narrator.speak(line))
        except ClockUnavailable as e:
            self.problem = str(e)
            return None
        return spoken.find(sounds_of(self.narrator.speak(word).phonemes), sayings_before(line, word, after))
