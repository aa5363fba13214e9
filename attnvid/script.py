"""The script layer: a YAML file in, a validated, typed, immutable `Script` out.

A script names a model (token embeddings, position vectors, W_search, W_offer, optionally
W_value, a mask and a scale), either inline or through `model: some_file.yaml` (relative to the
script), and one or more phrases. Instead of one W_search and W_offer a model may give `heads:`,
a list of up to MAX_HEADS heads, each its own W_search, W_offer and optional W_value; a phrase
may name several `targets:` instead of one `target:`. Everything a user can get wrong is reported at once, each as
`FILE:LINE: what is wrong, and what would be right`; nothing here computes attention.
"""
from __future__ import annotations

import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from functools import cached_property
from types import MappingProxyType
from typing import Mapping, Optional, Sequence

import numpy as np

from attnmath import MASKS, SCALES, PhraseTrace, joined_outputs, trace_phrase
from attnmath.shown import shown_trace

from .problems import Problem, Problems, ScriptError, Suggester, Where, listing
from .story import EXPLAINER, KINDS, Part, narration_keys, narration_part, placeholders_in
from .narration.synthesis import BUNDLED, DEFAULT_VOICE, NO_VOICE
from .story.length import estimated_seconds
from .yamlnodes import Node, read_nodes


MODEL_KEYS = ("embeddings", "positions", "W_search", "W_offer", "W_value", "heads", "mask", "scale")
HEAD_KEYS = ("W_search", "W_offer", "W_value")   # what one head gives; `heads:` lists them
PRESENTATION_KEYS = ("title", "narration", "pace", "captions", "sections", "voice", "two_heads")
SCRIPT_KEYS = ("model",) + MODEL_KEYS + ("phrase", "phrases") + PRESENTATION_KEYS
CAPTIONS = ("screen", "subtitles")   # screen: on the frame and in the .srt; subtitles: .srt only
PACE_RANGE = (0.25, 4.0)
PHRASE_KEYS = ("text", "predict", "focus", "target", "targets", "mask", "instead")
MAX_INSTEAD = 4          # alternatives per phrase: the section draws each beside the real one
MAX_TARGETS = 4          # words one focus may be asked to lean on at once (`targets:`)
MAX_HEADS = 4            # attention heads a model may give (`heads:`)
SHARE_SLACK = 1e-9       # shares written as 0.1 + 0.2 + 0.7 add up to a hair over 1 in floats

MAX_TOKENS = 32          # per phrase; the scenes lay out at most 10 well, tables many more
MAX_PHRASES = 16
MAX_VOCABULARY = 2000
MAX_POSITIONS = 64
MAX_DIMENSIONS = 16
MAX_TOKEN_CHARS = 40
MAX_TEXT_CHARS = 400
MAX_MAGNITUDE = 1e4      # far past anything a plane can show, far below overflow
MAX_MINUTES = 45         # of video a script may ask for (the explainer is 10 at pace 1, 39 at pace 4)
MAX_PLACEHOLDER_USES = 2  # of one placeholder in one caption (the estimate counts each as 40 characters)

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_POSITION = re.compile(r"[0-9]{1,6}")   # ASCII digits only: '²'.isdigit() is True, int('²') fails
_NOT_FINITE = {"nan", ".nan", "inf", ".inf", "+inf", "+.inf", "-inf", "-.inf",
               "infinity", "+infinity", "-infinity"}
_KIND_NAMES = {"map": "a mapping", "seq": "a list", "scalar": "text"}


@dataclass(frozen=True)
class Head:
    """One attention head's matrices: each head reads the same positioned vectors with its own
    W_search and W_offer (and W_value, else it averages the positioned vectors themselves)."""

    W_search: tuple[tuple[float, ...], ...]
    W_offer: tuple[tuple[float, ...], ...]
    W_value: Optional[tuple[tuple[float, ...], ...]] = None


@dataclass(frozen=True)
class Model:
    """The numbers shared by every phrase of a script. Vectors are tuples; d is their length.

    `heads` always holds at least one head, and W_search, W_offer and W_value are the first
    head's: code written for one head (the scenes, the fit) keeps reading those and sees head 1.
    """

    embeddings: Mapping[str, tuple[float, ...]]
    positions: tuple[tuple[float, ...], ...]
    W_search: tuple[tuple[float, ...], ...]
    W_offer: tuple[tuple[float, ...], ...]
    W_value: Optional[tuple[tuple[float, ...], ...]]
    mask: str
    scale: str
    heads: tuple[Head, ...] = ()

    def __post_init__(self):
        first = Head(self.W_search, self.W_offer, self.W_value)
        if not self.heads:
            object.__setattr__(self, "heads", (first,))
            return
        object.__setattr__(self, "heads", tuple(self.heads))
        if self.heads[0] != first:    # e.g. dataclasses.replace(model, W_search=...) kept the old heads
            raise ValueError("a model's W_search, W_offer and W_value must be its first head's; "
                             "give heads=() to make them its only head")

    @property
    def dimensions(self) -> int:
        return len(self.positions[0])

    def vocabulary_key(self, token: str) -> Optional[str]:
        """The embedding a token uses: exact spelling first, then ignoring case (None if none)."""
        return _lookup(token, self.embeddings, self._folded)

    @cached_property
    def _folded(self) -> dict[str, list[str]]:
        return folded_index(self.embeddings)


@dataclass(frozen=True)
class Phrase:
    """One phrase: its text as written, its words, its mask, and what the walkthrough follows."""

    text: str
    tokens: tuple[str, ...]
    mask: str
    predict: Optional[str]
    focus: Optional[int]
    target: Optional[int]
    where: Where
    # `instead:` the article's counterfactuals: had the focus leaned only on these positions
    # (evenly), these words could come next. Each leaned word is one the focus can see.
    instead: tuple[tuple[tuple[int, ...], str], ...] = ()
    # Every word the focus should lean on, in the order written; `target` is the first of them
    # (so the one-target walkthrough still has one to follow). () when there is no target.
    targets: tuple[int, ...] = ()
    # `targets: {typed: 0.6, Brian: 0.3}`: the part of the focus's weight each target should
    # get, in the order of `targets`; None when no share was given (a list, or `target:`).
    shares: Optional[tuple[float, ...]] = None

    def __post_init__(self):
        if not self.targets and self.target is not None:    # built with `target` alone
            object.__setattr__(self, "targets", (self.target,))
        if self.shares is not None and len(self.shares) != len(self.targets):
            raise ValueError(f"{len(self.shares)} shares for {len(self.targets)} targets")


@dataclass(frozen=True)
class Script:
    """A validated script. `traces()` runs every phrase through attnmath in exact floats;
    `shown_traces()` as the videos show it, on its own rounded numbers."""

    path: str
    model: Model
    phrases: tuple[Phrase, ...]
    title: Optional[str] = None              # shown instead of the phrase in the title beat
    narration: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # beat -> caption
    pace: float = 1.0                        # multiplies every run time and pause
    captions: str = "screen"
    sections: tuple[str, ...] = field(default_factory=lambda: EXPLAINER.names)   # the explainer's, in order
    voice: str = DEFAULT_VOICE               # who narrates: "joe", "none" or a Piper .onnx path (resolved)
    # `two_heads: FILE`: the script whose heads and targets the explainer's two_heads section shows
    two_heads: Optional["Script"] = None

    @property
    def heads_source(self) -> Optional["Script"]:
        """What the two_heads pictures draw: the named script, or this one if its model has heads."""
        return self.two_heads if self.two_heads is not None else \
            (self if len(self.model.heads) > 1 else None)

    def trace(self, phrase: Phrase) -> PhraseTrace:
        m = self.model
        keys = [m.vocabulary_key(t) for t in phrase.tokens]
        return trace_phrase(
            phrase.tokens, [m.embeddings[k] for k in keys], m.positions[:len(phrase.tokens)],
            m.W_search, m.W_offer, m.W_value, mask=phrase.mask, scale=m.scale, text=phrase.text,
            focus=phrase.focus, target=phrase.target, predict=phrase.predict, targets=phrase.targets,
            shares=phrase.shares)

    def traces(self) -> tuple[PhraseTrace, ...]:
        return tuple(self.trace(p) for p in self.phrases)

    def shown_trace(self, phrase: Phrase) -> PhraseTrace:
        """The phrase as the videos show it: each step computed from the previous step's shown
        (two-decimal) numbers, so every equation on screen holds by hand (attnmath.shown)."""
        m = self.model
        return shown_trace(self.trace(phrase), m.W_search, m.W_offer, m.W_value)

    def shown_traces(self) -> tuple[PhraseTrace, ...]:
        return tuple(self.shown_trace(p) for p in self.phrases)

    def head_traces(self, phrase: Phrase) -> tuple[PhraseTrace, ...]:
        """The phrase through every head, in script order: the same positioned vectors, each
        head's own matrices. The first is `trace(phrase)`; a one-head model gives just that."""
        m = self.model
        keys = [m.vocabulary_key(t) for t in phrase.tokens]
        return tuple(trace_phrase(
            phrase.tokens, [m.embeddings[k] for k in keys], m.positions[:len(phrase.tokens)],
            h.W_search, h.W_offer, h.W_value, mask=phrase.mask, scale=m.scale, text=phrase.text,
            focus=phrase.focus, target=phrase.target, predict=phrase.predict, targets=phrase.targets,
            shares=phrase.shares) for h in m.heads)

    def shown_head_traces(self, phrase: Phrase) -> tuple[PhraseTrace, ...]:
        """Every head's trace as the videos would show it (attnmath.shown), each on its own
        head's shown matrices."""
        return tuple(shown_trace(t, h.W_search, h.W_offer, h.W_value)
                     for t, h in zip(self.head_traces(phrase), self.model.heads))

    @staticmethod
    def joined_outputs(traces: Sequence[PhraseTrace]) -> np.ndarray:
        """See attnmath.joined_outputs."""
        return joined_outputs(traces)


def draws_something(text: str) -> bool:
    """True when some character of `text` leaves ink: a letter, digit, punctuation or symbol
    (not only spaces, zero-width or format characters, or combining marks with no base)."""
    return any(unicodedata.category(c)[0] in "LNPS" for c in text)


def check_drawable(script: Script) -> None:
    """The scenes draw 2D vectors; other dimensions are for `attnvid numbers` and `fit`."""
    if script.model.dimensions != 2:
        raise ScriptError([Problem(Where(script.path, 1), "the scenes draw 2D vectors, but this model's vectors "
                                   f"have {script.model.dimensions} numbers; `attnvid numbers` shows any dimension")])


def _placeholder_problem(name: str, part: Part, did_you_mean: Suggester) -> str:
    """Why {name} cannot be used in this caption, and what can."""
    allowed = ", ".join("{" + p + "}" for p in part.placeholders)
    can = f"it can use {allowed}" if allowed else "it takes no placeholders"
    elsewhere = []
    for kind in KINDS:
        having = [p.name for p in kind if name in p.placeholders]
        if len(having) == len(kind.parts):
            elsewhere.append(f"every {kind.name} caption")
        elif having:
            elsewhere.append(f"the {kind.name} caption{'s' if len(having) > 1 else ''} {', '.join(having)}")
    if elsewhere:
        return (f"{{{name}}} is not a placeholder of the {part.name} caption ({can}); "
                f"it belongs to {' and '.join(elsewhere)}")
    every = sorted({p for kind in KINDS for q in kind for p in q.placeholders})
    return f"unknown placeholder {{{name}}}{did_you_mean(name, every)}; the {part.name} caption {can.replace('it ', '', 1)}"


def _phrase_count(root: Node) -> int:
    """How many phrases the script gives (as written; each may still have problems)."""
    many = root.value.get("phrases")
    return len(many.value) if many is not None and many.kind == "seq" else 1


def folded_index(vocabulary: Mapping[str, object]) -> dict[str, list[str]]:
    """The vocabulary's words by their casefold(), built once instead of a scan per word."""
    index: dict[str, list[str]] = {}
    for k in vocabulary:
        index.setdefault(k.casefold(), []).append(k)
    return index


def _lookup(token: str, vocabulary: Mapping[str, object], folded: dict[str, list[str]]) -> Optional[str]:
    if token in vocabulary:
        return token
    same = folded.get(token.casefold(), [])
    return same[0] if len(same) == 1 else None


@dataclass(frozen=True)
class ModelFile:
    """A file holding only a model (no phrase), made to be included with `model: FILE`."""

    path: str
    model: Model


def load_script(path) -> Script:
    """Read and validate a script file. Raises ScriptError listing every problem found."""
    loaded = load(path)
    if isinstance(loaded, ModelFile):
        raise ScriptError([Problem(Where(str(path), 1), "this is a model file (it has no phrase); "
                                   "scripts include it with `model: <its name>`, so give a script instead")])
    return loaded


def load(path) -> "Script | ModelFile":
    """A script, or a model file (a mapping of model keys only, with no phrase and no `model:`)."""
    return _ScriptReader(str(path)).read()


class _ScriptReader:
    def __init__(self, path: str):
        self.path = path
        self.problems = Problems()
        self.did_you_mean = Suggester()
        self._folded: Optional[dict[str, list[str]]] = None   # the vocabulary by casefold()
        self.dim: Optional[int] = None
        self.dim_origin = ""
        self.include_failed = False       # then "no W_search" etc. would only be noise
        self.vocabulary: Optional[dict] = None   # kept apart from the Model so that phrases
        self.positions: Optional[tuple] = None   # are checked even when a matrix is wrong

    # -- small readers: each returns None after reporting a problem -------------------------

    def expect(self, node: Node, kind: str, what: str) -> bool:
        if node.kind == kind:
            return True
        self.problems.add(node.where, f"{what} must be {_KIND_NAMES[kind]}, "
                                      f"but this is {_KIND_NAMES[node.kind]}")
        return False

    def number(self, node: Node, what: str) -> Optional[float]:
        if node.kind != "scalar":
            self.problems.add(node.where, f"{what} must be a number, but this is {_KIND_NAMES[node.kind]}")
            return None
        text = node.value.strip()
        if text.lower() in _NOT_FINITE:
            self.problems.add(node.where, f"{what} is '{text}'; only finite numbers can be drawn and checked")
            return None
        if not _NUMBER.fullmatch(text):
            hint = " (write it without quotes)" if node.quoted and _NUMBER.fullmatch(text) else ""
            self.problems.add(node.where, f"{what} must be a number like 0.25, not '{text}'{hint}")
            return None
        if node.quoted:
            self.problems.add(node.where, f"{what} is quoted text '{text}'; write the number without quotes")
            return None
        value = float(text)
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            self.problems.add(node.where, f"{what} is {text}; keep numbers within ±{MAX_MAGNITUDE:g}")
            return None
        return value

    def vector(self, node: Node, what: str) -> Optional[tuple[float, ...]]:
        """A list of numbers whose length is the model's dimension (the first vector sets it)."""
        if not self.expect(node, "seq", what):
            return None
        if not node.value:
            self.problems.add(node.where, f"{what} is an empty list; write it like [0.30, 0.80]")
            return None
        numbers = [self.number(item, f"a number of {what}") for item in node.value]
        if any(x is None for x in numbers):
            return None
        if self.dim is None:
            if len(numbers) > MAX_DIMENSIONS:
                self.problems.add(node.where, f"{what} has {len(numbers)} numbers; at most {MAX_DIMENSIONS} are allowed")
                return None
            self.dim, self.dim_origin = len(numbers), f"{what} on line {node.line}"
        elif len(numbers) != self.dim:
            self.problems.add(node.where, f"{what} has {len(numbers)} numbers, but vectors here have "
                                          f"{self.dim} (as {self.dim_origin})")
            return None
        return tuple(numbers)

    def matrix(self, node: Node, what: str, columns: Optional[int]) -> Optional[tuple]:
        """A list of rows: one row per dimension (d rows), `columns` numbers each (any, if None)."""
        if not self.expect(node, "seq", what):
            return None
        rows = []
        for r, row_node in enumerate(node.value):
            if not self.expect(row_node, "seq", f"row {r + 1} of {what}"):
                return None
            row = [self.number(x, f"a number of {what}") for x in row_node.value]
            if any(x is None for x in row):
                return None
            rows.append(tuple(row))
        shape_hint = f"{self.dim} rows" + (f" of {columns} numbers" if columns else "")
        if self.dim is not None and len(rows) != self.dim:
            self.problems.add(node.where, f"{what} has {len(rows)} rows; it needs {shape_hint}, "
                                          f"one row per dimension of the vectors, e.g. [[1, 0], [0, 1]]")
            return None
        widths = {len(r) for r in rows}
        if len(widths) != 1 or 0 in widths:
            self.problems.add(node.where, f"the rows of {what} differ in length ({sorted(widths)}); "
                                          "every row needs the same number of columns")
            return None
        width = widths.pop()
        if columns is not None and width != columns:
            self.problems.add(node.where, f"{what} has {width} columns; it needs {columns} to match W_search")
            return None
        if width > MAX_DIMENSIONS:
            self.problems.add(node.where, f"{what} has {width} columns; at most {MAX_DIMENSIONS} are allowed")
            return None
        return tuple(rows)

    def text(self, node: Node, what: str, limit: int = MAX_TEXT_CHARS, shown: bool = False) -> Optional[str]:
        """A scalar's text; `shown`: it reaches the screen, so it must draw something."""
        if not self.expect(node, "scalar", what):
            return None
        if len(node.value) > limit:
            self.problems.add(node.where, f"{what} is {len(node.value)} characters long; at most {limit}")
            return None
        if shown and not draws_something(node.value):
            self.problems.add(node.where, f"{what} is empty or only invisible characters, so it would show "
                                          "nothing; write some text, or remove the key for the default")
            return None
        return node.value

    def choice(self, node: Node, what: str, options) -> Optional[str]:
        value = self.text(node, what)
        if value is None:
            return None
        if value not in options:
            self.problems.add(node.where, f"{what} '{value}' is not one of {', '.join(options)}"
                                          + self.did_you_mean(value, options))
            return None
        return value

    def known_keys(self, node: Node, allowed, what: str) -> None:
        for key, key_node in node.keys.items():
            if key not in allowed:
                hint = self.did_you_mean(key, allowed) or f"; the keys are {', '.join(allowed)}"
                self.problems.add(key_node.where, f"unknown key '{key}' in {what}{hint}")

    # -- the script ---------------------------------------------------------------------------

    def read(self) -> "Script | ModelFile":
        root = read_nodes(self.path)
        if root.kind != "map":
            raise ScriptError([self._problem(root, "the top level must be a mapping of keys such as "
                                                   f"`model:` and `phrase:`, but this is {_KIND_NAMES[root.kind]}")])
        if set(root.value) & set(MODEL_KEYS) and not set(root.value) & {"model", "phrase", "phrases"}:
            self.known_keys(root, MODEL_KEYS, "the model file")
            model = self._model(self._heads_or_matrices(root, dict(root.value)), root)
            self.problems.raise_if_any()
            return ModelFile(self.path, model)
        self.known_keys(root, SCRIPT_KEYS, "the script")
        fields = self._merged_model_fields(root)
        model = self._model(fields, root)
        phrases = self._phrases(root, model)
        presentation = self._presentation(root)
        self._sections_playable(root, model, presentation)
        self.problems.raise_if_any()
        self._running_time(root, len(phrases), presentation)
        self.problems.raise_if_any()
        return Script(self.path, model, tuple(phrases), **presentation)

    def _sections_playable(self, root: Node, model: Optional[Model], presentation: dict) -> None:
        """The two_heads section needs two heads: `two_heads: FILE`, or this model's `heads:`.
        Without them it is left out of the default sections, and listing it is a problem."""
        has_heads = presentation.get("two_heads") is not None or (model is not None and len(model.heads) > 1)
        if has_heads or "two_heads" in root.value:
            return
        if "sections" not in root.value:
            presentation["sections"] = tuple(n for n in EXPLAINER.names if n != "two_heads")
        elif "two_heads" in (presentation.get("sections") or ()):
            self.problems.add(root.value["sections"].where,
                              "the two_heads section needs two heads: name a script whose model gives `heads:` "
                              "with `two_heads: two_heads.yaml`, give this model `heads:`, or drop the section")

    def _two_heads(self, node: Node) -> Optional["Script"]:
        """`two_heads: FILE` (relative to this script): a script with `heads:` and a phrase naming
        several `targets:`, read and checked as any script is; its problems are reported as its own."""
        name = self.text(node, "two_heads", 300)
        if name is None:
            return None
        path = os.path.join(os.path.dirname(self.path), name)
        if not os.path.isfile(path):
            self.problems.add(node.where, f"two_heads file '{path}' does not exist or is not a file "
                                          "(the path is relative to the script's folder)")
            return None
        if os.path.realpath(path) == os.path.realpath(self.path):
            self.problems.add(node.where, "two_heads names this script itself; give its model `heads:` instead")
            return None
        try:
            other = load_script(path)
        except ScriptError as e:
            for p in e.problems:
                self.problems.add(p.where, p.message)
            self.problems.add(node.where, f"the two_heads script '{name}' has the problems above")
            return None
        if other.two_heads is not None:
            self.problems.add(node.where, f"the two_heads script '{name}' names a two_heads script of its own; "
                                          "one level is enough: remove its `two_heads:`")
            return None
        several = [p for p in other.phrases if p.focus is not None and len(p.targets) > 1]
        if len(other.model.heads) < 2 or not several or other.model.dimensions != 2:
            self.problems.add(node.where, f"the two_heads script '{name}' needs a 2D model with `heads:` (at least "
                                          "two) and a phrase naming a focus and several `targets:`")
            return None
        return other

    def _running_time(self, root: Node, phrase_count: int, presentation: dict) -> None:
        """A script may not ask for more than MAX_MINUTES of video (attnvid.story.length)."""
        sections = presentation.get("sections", EXPLAINER.names)
        pace = presentation.get("pace", 1.0)
        minutes = estimated_seconds(sections, phrase_count, presentation.get("narration", {}), pace) / 60
        if minutes > MAX_MINUTES:
            where = root.value["pace"].where if "pace" in root.value else \
                root.value["narration"].where if "narration" in root.value else Where(self.path, 1)
            self.problems.add(where, f"this script asks for about {minutes:.0f} minutes of video (its captions' "
                                     f"reading time at pace {pace:g}); at most {MAX_MINUTES} are allowed: lower "
                                     "`pace`, shorten the narration, or drop phrases or sections")

    def _sections(self, node: Node) -> Optional[tuple[str, ...]]:
        """The explainer's sections in the order given: drop or reorder them freely."""
        if not self.expect(node, "seq", "sections"):
            return None
        if not node.value:
            self.problems.add(node.where, f"sections is empty; list some of: {', '.join(EXPLAINER.names)}")
            return None
        if len(node.value) > len(EXPLAINER.names):
            self.problems.add(node.where, f"sections lists {len(node.value)} entries, but there are "
                                          f"{len(EXPLAINER.names)} sections and each plays at most once")
            return None
        names: list[str] = []
        for item in node.value:
            name = self.choice(item, "section", EXPLAINER.names)
            if name is not None and name in names:
                self.problems.add(item.where, f"section '{name}' is listed twice; each section plays once")
                return None
            if name is not None:
                names.append(name)
        return tuple(names) if len(names) == len(node.value) else None

    def _presentation(self, root: Node) -> dict:
        """Title, narration overrides, pace and captions: how the video tells it."""
        out: dict = {}
        if "title" in root.value:
            out["title"] = self.text(root.value["title"], "title", 80, shown=True)
        if "pace" in root.value:
            pace = self.number(root.value["pace"], "pace")
            if pace is not None and not PACE_RANGE[0] <= pace <= PACE_RANGE[1]:
                self.problems.add(root.value["pace"].where, f"pace {pace:g} is outside {PACE_RANGE[0]} to "
                                  f"{PACE_RANGE[1]} (1 is the default; 2 is twice as slow)")
                pace = None
            out["pace"] = pace
        if "captions" in root.value:
            out["captions"] = self.choice(root.value["captions"], "captions", CAPTIONS)
        if "narration" in root.value:
            out["narration"] = self._narration(root.value["narration"], _phrase_count(root) > 1)
        if "sections" in root.value:
            out["sections"] = self._sections(root.value["sections"])
        if "voice" in root.value:
            out["voice"] = self._voice(root.value["voice"])
        if "two_heads" in root.value:
            out["two_heads"] = self._two_heads(root.value["two_heads"])
        return {k: v for k, v in out.items() if v is not None}

    def _voice(self, node: Node) -> Optional[str]:
        """A voice we ship by name, "none", or a Piper .onnx file (relative to the script's
        folder). Whether it is installed is the render's question: without it, the render says
        how to get it and comes out silent."""
        value = self.text(node, "voice", 300)
        if value is None or value in (*BUNDLED, NO_VOICE):
            return value
        if not value.endswith(".onnx"):
            self.problems.add(node.where, f"voice '{value}' is not one of {', '.join((*BUNDLED, NO_VOICE))} nor "
                                          "a Piper voice file (.onnx)" + self.did_you_mean(value, (*BUNDLED, NO_VOICE)))
            return None
        return str((Path(self.path).parent / Path(value).expanduser()).resolve())

    def _narration(self, node: Node, several_phrases: bool) -> Optional[Mapping[str, str]]:
        """Caption overrides, each checked against the placeholders of the beat or section it
        replaces (a script with several phrases is the explainer, so its `embeddings` is the
        explainer's section; a one-phrase script's is the walkthrough's beat)."""
        if not self.expect(node, "map", "narration"):
            return None
        self.known_keys(node, narration_keys(), "narration (its keys are beats and sections)")
        lines = {}
        for name, text_node in node.value.items():
            text = self.text(text_node, f"the narration for {name}", shown=True)
            part = narration_part(name, several_phrases)
            if text is None or part is None:
                continue
            used = placeholders_in(text)
            for unknown in dict.fromkeys(p for p in used if p not in part.placeholders):
                self.problems.add(text_node.where, _placeholder_problem(unknown, part, self.did_you_mean))
            for many in dict.fromkeys(p for p in used if used.count(p) > MAX_PLACEHOLDER_USES):
                self.problems.add(text_node.where, f"{{{many}}} appears {used.count(many)} times in the narration "
                                                   f"for {name}; at most {MAX_PLACEHOLDER_USES}")
            lines[name] = text
        return MappingProxyType(lines)

    @staticmethod
    def _problem(node: Node, message: str) -> Problem:
        return Problem(node.where, message)

    def _merged_model_fields(self, root: Node) -> dict[str, Node]:
        """Model keys from the included file, overridden by the script's own; embeddings merge."""
        included: dict[str, Node] = {}
        if "model" in root.value:
            included = self._included_model(root.value["model"])
        fields = dict(included)
        mine = self._heads_or_matrices(root, {k: root.value[k] for k in MODEL_KEYS if k in root.value})
        if "heads" in root.value:           # the script's heads replace the included matrices
            fields = {k: v for k, v in fields.items() if k not in HEAD_KEYS}
        elif {"W_search", "W_offer"} & set(root.value):    # and its matrices the included heads
            fields.pop("heads", None)
        elif "heads" in included and "W_value" in root.value:
            self.problems.add(root.keys["W_value"].where,
                              "the included model gives `heads:`, so a W_value here belongs to no head; "
                              "give it inside a head of `heads:`, or give W_search and W_offer here too")
            del mine["W_value"]
        fields.update(mine)
        if "embeddings" in included and "embeddings" in root.value:
            mine, theirs = root.value["embeddings"], included["embeddings"]
            if mine.kind == theirs.kind == "map":
                fields["embeddings"] = Node("map", {**theirs.value, **mine.value}, mine.where,
                                            keys={**theirs.keys, **mine.keys})
        return fields

    def _included_model(self, node: Node) -> dict[str, Node]:
        self.include_failed = True
        name = self.text(node, "model")
        if name is None:
            return {}
        path = os.path.join(os.path.dirname(self.path), name)
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            folder = os.path.dirname(path) or "."
            yamls = sorted(f for f in os.listdir(folder) if f.endswith((".yaml", ".yml"))) \
                if os.path.isdir(folder) else []
            self.problems.add(node.where, f"model file '{path}' does not exist (the path is relative "
                                          f"to the script's folder){self.did_you_mean(name, yamls)}")
            return {}
        except OSError as e:     # a symlink loop, a name too long, a folder we may not enter
            self.problems.add(node.where, f"model file '{path}' cannot be read: {e.strerror or e}")
            return {}
        if stat.S_ISDIR(mode):
            self.problems.add(node.where, f"model file '{path}' is a folder; name a YAML file in it")
            return {}
        if not stat.S_ISREG(mode):
            self.problems.add(node.where, f"model file '{path}' is not a regular file (a FIFO, a device "
                                          "or a socket); name a YAML file saved on disk")
            return {}
        try:
            model_root = read_nodes(path)
        except ScriptError as e:
            for p in e.problems:
                self.problems.add(p.where, p.message)
            return {}
        if model_root.kind != "map":
            self.problems.add(model_root.where, "a model file must be a mapping with keys such as "
                                                "`embeddings:` and `W_search:`")
            return {}
        if "model" in model_root.value:
            self.problems.add(model_root.keys["model"].where,
                              "a model file cannot include another model; copy what you need into this file")
        self.known_keys(model_root, ("model",) + MODEL_KEYS, "the model file")
        self.include_failed = False
        return self._heads_or_matrices(model_root, {k: v for k, v in model_root.value.items() if k in MODEL_KEYS})

    def _heads_or_matrices(self, root: Node, fields: dict[str, Node]) -> dict[str, Node]:
        """One file gives `heads:` or W_search and W_offer, not both. When it gives both, that is
        reported once, on the `heads` line, and the file is read as its heads alone, so that the
        same mistake does not also bring a "no W_search" or a second problem."""
        if "heads" in root.value and set(HEAD_KEYS) & set(root.value):
            given = ", ".join(k for k in HEAD_KEYS if k in root.value)
            self.problems.add(root.keys["heads"].where,
                              "give either `heads:` or W_search and W_offer, not both (this file also "
                              f"gives {given}); with heads, each head gives its own W_search and W_offer")
            return {k: v for k, v in fields.items() if k not in HEAD_KEYS}
        return fields

    def _model(self, fields: dict[str, Node], root: Node) -> Optional[Model]:
        top = Where(self.path, 1)
        has_heads = "heads" in fields     # then the matrices are each head's, not the model's
        for key, example in (("embeddings", "`embeddings:` with one vector per word"),
                             ("positions", "`positions:`, a list with one vector per position"),
                             ("W_search", "`W_search: [[1, 0], [0, 1]]`"),
                             ("W_offer", "`W_offer: [[1, 0], [0, 1]]`")):
            if key not in fields and not self.include_failed and not (has_heads and key in HEAD_KEYS):
                self.problems.add(top, f"no {key}: add {example} here, or include a model file with `model: model.yaml`")
        embeddings = self._embeddings(fields["embeddings"]) if "embeddings" in fields else None
        positions = self._positions(fields["positions"]) if "positions" in fields else None
        self.vocabulary, self.positions = embeddings, positions
        if has_heads:
            heads = self._heads(fields["heads"])
        else:
            head = self._head(fields, "", None)
            heads = None if head is None else (head,)
        mask = self.choice(fields["mask"], "mask", MASKS) if "mask" in fields else "none"
        scale = self.choice(fields["scale"], "scale", SCALES) if "scale" in fields else "none"
        if None in (embeddings, positions, heads, mask, scale):
            return None
        first = heads[0]
        return Model(MappingProxyType(embeddings), positions, first.W_search, first.W_offer, first.W_value,
                     mask, scale, heads)

    def _head(self, fields: Mapping[str, Node], of: str, missing_at: Optional[Where]) -> Optional[Head]:
        """W_search, W_offer (as many columns) and an optional W_value, named `W_search{of}` in
        problems. A missing matrix is reported at `missing_at` (a head's own line); the model's
        own are reported with the other missing model keys, or not at all when an include failed."""
        w_search = self.matrix(fields["W_search"], f"W_search{of}", None) if "W_search" in fields else None
        k = len(w_search[0]) if w_search else None
        w_offer = self.matrix(fields["W_offer"], f"W_offer{of}", k) if "W_offer" in fields else None
        w_value = self.matrix(fields["W_value"], f"W_value{of}", None) if "W_value" in fields else None
        for key in ("W_search", "W_offer"):
            if key not in fields and missing_at is not None:
                self.problems.add(missing_at, f"no {key}{of}: every head needs W_search and W_offer, "
                                              f"e.g. `{key}: [[1, 0], [0, 1]]`")
        if None in (w_search, w_offer) or ("W_value" in fields and w_value is None):
            return None
        return Head(w_search, w_offer, w_value)

    def _heads(self, node: Node) -> Optional[tuple[Head, ...]]:
        """`heads:` a list of 1 to MAX_HEADS mappings, each a head's W_search, W_offer and optional
        W_value. Heads may differ in their number of columns; all read the same vectors."""
        if not self.expect(node, "seq", "heads (a list of `- W_search: ...` mappings)"):
            return None
        if not node.value:
            self.problems.add(node.where, "heads is an empty list; give each head its W_search and W_offer, "
                                          "e.g. `- {W_search: [[1, 0], [0, 1]], W_offer: [[0, 1], [1, 0]]}`")
            return None
        if len(node.value) > MAX_HEADS:
            self.problems.add(node.where, f"{len(node.value)} heads; at most {MAX_HEADS}")
            return None
        heads = []
        for h, head_node in enumerate(node.value, 1):
            if not self.expect(head_node, "map", f"head {h} (its W_search and W_offer)"):
                heads.append(None)
                continue
            self.known_keys(head_node, HEAD_KEYS, f"head {h}")
            heads.append(self._head(head_node.value, f" of head {h}", head_node.where))
        return None if None in heads else tuple(heads)

    def _embeddings(self, node: Node) -> Optional[dict]:
        if not self.expect(node, "map", "embeddings"):
            return None
        if not node.value:
            self.problems.add(node.where, "embeddings is empty; give each word a vector, e.g. `cat: [1.00, 0.50]`")
            return None
        if len(node.value) > MAX_VOCABULARY:
            self.problems.add(node.where, f"{len(node.value)} embeddings; at most {MAX_VOCABULARY}")
            return None
        table, ok = {}, True
        for word, vec_node in node.value.items():
            where = node.keys[word].where
            if not word.strip() or len(word.split()) != 1 or word != word.strip():
                self.problems.add(where, f"'{word}' is not a single word; phrases are split on spaces, "
                                         "so an embedding's name cannot contain one")
                ok = False
                continue
            if len(word) > MAX_TOKEN_CHARS:
                self.problems.add(where, f"the word '{word[:20]}...' is longer than {MAX_TOKEN_CHARS} characters")
                ok = False
                continue
            vec = self.vector(vec_node, f"the embedding of '{word}'")
            ok = ok and vec is not None
            table[word] = vec
        return table if ok else None

    def _positions(self, node: Node) -> Optional[tuple]:
        if not self.expect(node, "seq", "positions"):
            return None
        if not node.value:
            self.problems.add(node.where, "positions is empty; give one vector per position, e.g. - [0.10, 0.00]")
            return None
        if len(node.value) > MAX_POSITIONS:
            self.problems.add(node.where, f"{len(node.value)} positions; at most {MAX_POSITIONS}")
            return None
        vectors = [self.vector(v, f"position {i}") for i, v in enumerate(node.value)]
        return None if None in vectors else tuple(vectors)

    # -- phrases ------------------------------------------------------------------------------

    def _phrases(self, root: Node, model: Optional[Model]) -> list[Phrase]:
        has_one, has_many = "phrase" in root.value, "phrases" in root.value
        if has_one and has_many:
            self.problems.add(root.keys["phrases"].where,
                              "give either `phrase:` (one) or `phrases:` (a list), not both")
            return []
        if not (has_one or has_many):
            self.problems.add(Where(self.path, 1), "no phrase: add `phrase: The cat sat on the` "
                                                   "or a `phrases:` list")
            return []
        if has_one:
            nodes = [root.value["phrase"]]
        else:
            many = root.value["phrases"]
            if many.kind == "scalar":
                self.problems.add(many.where, "phrases must be a list (`- The cat sat`); "
                                              "for a single phrase write `phrase: ...`")
                return []
            if not self.expect(many, "seq", "phrases"):
                return []
            if not many.value:
                self.problems.add(many.where, "phrases is an empty list; add at least one phrase")
                return []
            if len(many.value) > MAX_PHRASES:
                self.problems.add(many.where, f"{len(many.value)} phrases; at most {MAX_PHRASES} per script")
                return []
            nodes = many.value
        default_mask = model.mask if model else "none"
        phrases = [self._phrase(node, model, default_mask) for node in nodes]
        return [p for p in phrases if p is not None]

    def _phrase(self, node: Node, model: Optional[Model], default_mask: str) -> Optional[Phrase]:
        if node.kind == "scalar":
            fields = {"text": node}
        elif self.expect(node, "map", "a phrase (text, or a mapping with `text:`)"):
            self.known_keys(node, PHRASE_KEYS, "a phrase")
            fields = node.value
            if "text" not in fields:
                self.problems.add(node.where, "this phrase has no `text:`; add e.g. `text: The cat sat on the`")
                return None
        else:
            return None
        text = self.text(fields["text"], "the phrase")
        mask = self.choice(fields["mask"], "mask", MASKS) if "mask" in fields else default_mask
        predict = self.text(fields["predict"], "predict", MAX_TOKEN_CHARS, shown=True) if "predict" in fields else None
        if text is None or mask is None:
            return None
        where = fields["text"].where
        tokens = tuple(text.split())
        if not tokens:
            self.problems.add(where, "the phrase is empty; write its words, e.g. `phrase: The cat sat on the`")
            return None
        blank = [t for t in tokens if not draws_something(t)]
        if blank:
            self.problems.add(where, f"the word '{blank[0]}' is only invisible characters (such as a zero-width "
                                     "space), so it would draw nothing; remove it or write a visible word")
            return None
        if len(tokens) > MAX_TOKENS:
            self.problems.add(where, f"the phrase has {len(tokens)} words; at most {MAX_TOKENS}")
            return None
        ok = self._tokens_known(tokens, where)
        if "target" in fields and "targets" in fields:
            self.problems.add(node.keys["targets"].where,
                              "give either `target:` (one word) or `targets:` (a list), not both")
            return None
        focus = self._position(fields["focus"], "focus", tokens) if "focus" in fields else None
        target = self._position(fields["target"], "target", tokens) if "target" in fields else None
        if (("focus" in fields and focus is None) or ("target" in fields and target is None)
                or not ok):
            return None
        if "target" in fields and self._hidden_target(fields["target"], tokens, mask, focus, target):
            return None
        targets, shares = ((target,) if target is not None else ()), None
        if "targets" in fields:
            many = self._targets(fields["targets"], node.keys["targets"].where, tokens, mask, focus)
            if many is None:
                return None
            targets, shares = many
            target = targets[0]
        instead = self._instead(fields["instead"], tokens, mask, focus) if "instead" in fields else ()
        if instead is None:
            return None
        return Phrase(text, tokens, mask, predict, focus, target, where, instead, targets, shares)

    def _hidden_target(self, node: Node, tokens, mask: str, focus: Optional[int], target: int) -> bool:
        """True, after saying so, when the causal mask hides the target from the focus."""
        if mask == "causal" and focus is not None and target > focus:
            self.problems.add(node.where,
                              f"target '{tokens[target]}' (position {target}) comes after focus "
                              f"'{tokens[focus]}' (position {focus}), so the causal mask hides it; "
                              "use `mask: none` for this phrase or pick an earlier target")
            return True
        return False

    def _targets(self, node: Node, at: Where, tokens, mask: str, focus: Optional[int]
                 ) -> Optional[tuple[tuple[int, ...], Optional[tuple[float, ...]]]]:
        """`targets:` several words the focus should lean on: a list (`[typed, Brian]`), or a
        mapping from each word to the share of the focus's weight it should get (`{typed: 0.6,
        Brian: 0.3}`). Each is read as `target:` is and checked as it is. (positions, shares or
        None), or None after reporting; problems of the whole list are reported `at` its key."""
        example = "`targets: [typed, Brian]` or, with shares, `targets: {typed: 0.6, Brian: 0.3}`"
        if node.kind == "scalar":
            self.problems.add(at, f"targets must be a list or a mapping, e.g. {example}; "
                                          "for one word write `target:`")
            return None
        named = node.value if node.kind == "seq" else [node.keys[key] for key in node.value]
        if not named:
            self.problems.add(at, f"targets is empty; name at least one word, e.g. {example}")
            return None
        if len(named) > MAX_TARGETS:
            self.problems.add(at, f"targets names {len(named)} words; at most {MAX_TARGETS}")
            return None
        positions = [self._position(item, "target", tokens) for item in named]
        if None in positions:
            return None
        for k, (item, t) in enumerate(zip(named, positions)):
            if t in positions[:k]:
                first = named[positions.index(t)]
                self.problems.add(item.where, f"targets names '{tokens[t]}' (position {t}) twice (first as "
                                              f"'{first.value}' on line {first.line}); name each word once")
                return None
        if any(self._hidden_target(item, tokens, mask, focus, t) for item, t in zip(named, positions)):
            return None
        if node.kind == "seq":
            return tuple(positions), None
        shares = [self._share(node.value[item.value], item.value) for item in named]
        if None in shares:
            return None
        if sum(shares) > 1 + SHARE_SLACK:
            self.problems.add(at, f"the shares of targets add up to {sum(shares):g}; each is a part of "
                                  "the focus's weight, so together they can be at most 1")
            return None
        return tuple(positions), tuple(shares)

    def _share(self, node: Node, word: str) -> Optional[float]:
        """A target's share of the focus's weight: more than 0, at most 1."""
        share = self.number(node, f"the share of target '{word}'")
        if share is not None and not 0 < share <= 1:
            self.problems.add(node.where, f"the share of target '{word}' is {share:g}; a share is a part of "
                                          "the focus's weight, more than 0 and at most 1 (e.g. 0.6)")
            return None
        return share

    def _instead(self, node: Node, tokens, mask: str, focus: Optional[int]):
        """`instead:` maps words of the phrase ("on the") to what could come next had the focus
        leaned on them ("table, floor, roof"). Every word must be one the focus can see."""
        if not self.expect(node, "map", "instead (e.g. `on the: table, floor`)"):
            return None
        if len(node.value) > MAX_INSTEAD:
            self.problems.add(node.where, f"instead has {len(node.value)} entries; at most {MAX_INSTEAD}")
            return None
        seer = len(tokens) - 1 if focus is None else focus
        out = []
        for key, value in node.value.items():
            key_node = node.keys[key]
            words = key.split()
            if not words:
                self.problems.add(key_node.where, "an `instead:` entry names no word; write the words the "
                                                  "focus would lean on, e.g. `on the: table, floor`")
                return None
            positions = []
            for w in words:
                found = self._position(Node("scalar", w, key_node.where, quoted=True), "instead word", tokens)
                if found is None:
                    return None
                if mask == "causal" and found > seer:
                    self.problems.add(key_node.where, f"'{tokens[found]}' (position {found}) comes after "
                                                      f"'{tokens[seer]}' (position {seer}), so the causal mask "
                                                      "hides it: it cannot lean there; name earlier words")
                    return None
                positions.append(found)
            if len(set(positions)) != len(positions):
                self.problems.add(key_node.where, f"'{key}' names a word twice")
                return None
            said = self.text(value, f"instead '{key}'", MAX_TOKEN_CHARS * 2, shown=True)
            if said is None:
                return None
            out.append((tuple(positions), said.strip()))
        return tuple(out)

    def _tokens_known(self, tokens, where: Where) -> bool:
        """Every word has an embedding and a position (unchecked where those are broken)."""
        ok = True
        if self.positions is not None and len(tokens) > len(self.positions):
            self.problems.add(where, f"the phrase has {len(tokens)} words but only "
                                     f"{len(self.positions)} positions are given; add position "
                                     "vectors or shorten the phrase")
            ok = False
        vocabulary = self.vocabulary or {}
        if self.vocabulary is None:
            return ok  # the embeddings' own problems are already reported
        if self._folded is None:
            self._folded = folded_index(vocabulary)
        for token in dict.fromkeys(tokens):
            if _lookup(token, vocabulary, self._folded) is not None:
                continue
            same = self._folded.get(token.casefold(), [])
            if len(same) > 1:
                self.problems.add(where, f"'{token}' matches {', '.join(same)} only when case is ignored; "
                                         "add an embedding spelled exactly as in the phrase")
            else:
                self.problems.add(where, f"no embedding for '{token}'{self.did_you_mean(token, vocabulary)}; "
                                         f"add `{token}: [x, y]` to embeddings (known: {listing(vocabulary)})")
            ok = False
        return ok

    def _position(self, node: Node, what: str, tokens) -> Optional[int]:
        """A word of the phrase (exact, then ignoring case) or a 0-based position number."""
        value = self.text(node, what, MAX_TOKEN_CHARS)
        if value is None:
            return None
        value = value.strip()
        if _POSITION.fullmatch(value) and not node.quoted:
            i = int(value)
            if i >= len(tokens):
                self.problems.add(node.where, f"{what} position {i} is past the end of the phrase "
                                              f"(positions 0 to {len(tokens) - 1})")
                return None
            return i
        found = [i for i, t in enumerate(tokens) if t == value] or \
                [i for i, t in enumerate(tokens) if t.casefold() == value.casefold()]
        if not found:
            self.problems.add(node.where, f"{what} '{value}' is not a word of the phrase "
                                          f"({' '.join(tokens)}){self.did_you_mean(value, tokens)}")
            return None
        if len(found) > 1:
            self.problems.add(node.where, f"{what} '{value}' appears {len(found)} times (positions "
                                          f"{', '.join(map(str, found))}); give the position as a "
                                          f"number instead, e.g. `{what}: {found[-1]}`")
            return None
        return found[0]
