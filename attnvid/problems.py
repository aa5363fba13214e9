"""Errors a user can act on: every one names a file and a line, says what is wrong and what would be right."""
from __future__ import annotations

import difflib
import sys
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterable, Iterator


# Characters that move the cursor, hide text or reorder it on a terminal: control characters
# (ESC starts the sequences that clear a screen), lone surrogates, format characters (zero-width
# and bidi controls) and line or paragraph separators.
_UNSHOWN_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")
_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escaped(text: str) -> str:
    """`text` safe to echo on one line of a terminal or a log: every character a script could
    use to clear the screen, forge a line or reorder what follows is written as an escape
    (\\n, \\x1b, \\u202e); everything else, accents and emoji included, is kept as it is."""
    if text.isprintable():
        return text
    out = []
    for c in text:
        if c in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[c])
        elif unicodedata.category(c) in _UNSHOWN_CATEGORIES:
            n = ord(c)
            out.append(f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}")
        else:
            out.append(c)
    return "".join(out)


@dataclass(frozen=True, order=True)
class Where:
    """A place in a script: the path as the user named it, and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    where: Where
    message: str

    def __str__(self) -> str:
        """One line, whatever the script's text held (see `escaped`)."""
        return escaped(f"{self.where}: {self.message}")


class ScriptError(Exception):
    """One or more problems with a script; str() lists them as FILE:LINE: message."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """Collects problems so a user sees all of them at once, not one per run."""

    def __init__(self) -> None:
        self._found: list[Problem] = []

    def add(self, where: Where, message: str) -> None:
        self._found.append(Problem(where, message))

    def raise_if_any(self) -> None:
        if self._found:
            raise ScriptError(self._found)


def print_problems(error: ScriptError) -> int:
    """Show a script's problems as `attnvid check` does (FILE:LINE: message, on stderr); the
    exit status for them."""
    print(error, file=sys.stderr)
    return 2


@contextmanager
def exit_on_problems() -> Iterator[None]:
    """For a scene file: a script with problems stops the render before any frame, with the
    same messages and status as `attnvid check`, never a traceback."""
    try:
        yield
    except ScriptError as e:
        raise SystemExit(print_problems(e)) from None


SHORTLIST = 24          # candidates difflib compares in full, out of a long list of choices
MAX_SUGGESTIONS = 12    # "did you mean" hints per file; the rest of its problems go without


def _bigrams(text: str) -> set[str]:
    text = f" {text.lower()} "
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _shortlist(word: str, choices: list[str]) -> list[str]:
    """The choices sharing the most letter pairs with `word`: a set intersection each, where
    difflib's ratio is a quadratic match. A file of 2,000 look-alike words stays quick."""
    if len(choices) <= SHORTLIST:
        return choices
    mine = _bigrams(word)
    return sorted(choices, key=lambda c: -len(mine & _bigrams(c)))[:SHORTLIST]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''."""
    choices = _shortlist(word, list(choices))
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    return f" (did you mean '{close[0]}'?)" if close else ""


class Suggester:
    """did_you_mean with a budget: one file can hold thousands of unknown words or keys, and a
    hint for each would make checking it slow; the first MAX_SUGGESTIONS get one."""

    def __init__(self, budget: int = MAX_SUGGESTIONS) -> None:
        self.left = budget

    def __call__(self, word: str, choices: Iterable[str]) -> str:
        if self.left <= 0:
            return ""
        self.left -= 1
        return did_you_mean(word, choices)


def listing(names: Iterable[str], most: int = 24) -> str:
    """'a, b, c' or 'a, b, ... and 12 more' for long lists."""
    names = list(names)
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown}, ... and {len(names) - most} more"
