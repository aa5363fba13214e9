"""Reads a YAML file into a small tree of located nodes, safely and with size caps.

Why not yaml.safe_load: it forgets line numbers (our errors need them), it silently keeps the
last of two equal keys, and YAML 1.1 turns the words `on`, `off`, `yes`, `no`, `null` and `~`
into booleans and None; `on` is a word of the article's own phrases. Here no scalar is
interpreted at all: every scalar keeps its text, and the script layer reads numbers where it
expects numbers. Tags are refused, so nothing can ask for a Python object to be built.
"""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .problems import Problem, ScriptError, Where

MAX_FILE_BYTES = 256 * 1024   # a script is a page of text; this is generous
MAX_NODES = 20_000            # also bounds alias expansion ("billion laughs")
MAX_DEPTH = 16
MAX_TOKEN_DEPTH = MAX_DEPTH + 2   # the composer's own count (see _NodeLoader.compose_node)
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

PLAIN_TAGS = {BaseResolver.DEFAULT_SCALAR_TAG, BaseResolver.DEFAULT_SEQUENCE_TAG,
              BaseResolver.DEFAULT_MAPPING_TAG}


class _TooDeep(Exception):
    def __init__(self, line: int):
        self.line = line


class _NodeLoader(Reader, Scanner, Parser, Composer, BaseResolver):
    """Composes nodes only (never constructs objects); BaseResolver resolves no implicit types."""

    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent, index):
        """PyYAML's composer recurses once per level, so hundreds of brackets would overflow
        Python's stack before _Walker could count them: stop at MAX_TOKEN_DEPTH here."""
        self._depth += 1
        try:
            if self._depth > MAX_TOKEN_DEPTH:
                raise _TooDeep(self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass(frozen=True, eq=False)
class Node:
    """A located YAML value: `kind` is 'map', 'seq' or 'scalar'.

    map: `value` is a dict from key text to Node and `keys` a dict from key text to the key's
    own Node (for its line); seq: a list of Nodes; scalar: the text exactly as written.
    """

    kind: str
    value: Union[dict, list, str]
    where: Where
    quoted: bool = False
    keys: dict = field(default_factory=dict)

    @property
    def line(self) -> int:
        return self.where.line


_HINTS = {
    "found character '\\t' that cannot start any token":
        "YAML does not allow tabs for indentation; indent with spaces",
    "mapping values are not allowed here":
        "a second ':' on one line; put quotes around a value that contains ': '",
    "could not find expected ':'":
        "a key without ':'; write it as `key: value`",
    "expected <block end>, but found '-'":
        "a list item indented differently from its neighbours; line the '-' up",
    "but found another document":
        "one script per file; remove the extra '---'",
}


def _syntax_problem(path: str, err: yaml.MarkedYAMLError) -> Problem:
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark else 1
    what = err.problem or "invalid YAML"
    hint = next((h for k, h in _HINTS.items() if k in str(err)), "")
    return Problem(Where(path, line), f"YAML syntax error: {what}" + (f"; {hint}" if hint else ""))


def _read_bytes(path: Union[str, Path], start: Where) -> bytes:
    """The file's bytes, refusing anything but a regular file: a FIFO or a device would block
    a read forever (O_NONBLOCK lets the open return, fstat then says what it is)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ScriptError([Problem(start, "no such file")]) from None
    except IsADirectoryError:
        raise ScriptError([Problem(start, "is a folder, not a YAML file")]) from None
    except OSError as e:
        raise ScriptError([Problem(start, f"cannot read the file: {e.strerror or e}")]) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ScriptError([Problem(start, "is a folder, not a YAML file")])
        if not stat.S_ISREG(mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else \
                "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
                "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
            raise ScriptError([Problem(start, f"is {kind}, not a file; give a YAML file saved on disk")])
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ScriptError([Problem(start, f"cannot read the file: {e.strerror or e}")]) from None
    finally:
        os.close(fd)


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, max(0, position)) + 1


def _reader_problem(path: str, text: str, err: yaml.reader.ReaderError) -> Problem:
    """PyYAML's message spans lines and counts characters; ours names the line and the character."""
    c = err.character if isinstance(err.character, str) else chr(err.character)
    name = unicodedata.name(c, "a control character").lower()
    return Problem(Where(path, _line_at(text, err.position)),
                   f"the character U+{ord(c):04X} ({name}) is not allowed in a YAML file; remove it")


_BIG_ESCAPE = re.compile(r"\\U([0-9A-Fa-f]{8})")


def _escape_problem(path: str, text: str) -> Problem:
    """A `\\U` escape past U+10FFFF makes PyYAML's scanner raise a bare ValueError; find it."""
    for m in _BIG_ESCAPE.finditer(text):
        if int(m.group(1), 16) > 0x10FFFF:
            return Problem(Where(path, _line_at(text, m.start())),
                           f"the escape \\U{m.group(1)} is past the last Unicode character (U+10FFFF)")
    return Problem(Where(path, 1), "an escape in a quoted value is not a Unicode character")


def read_nodes(path: Union[str, Path]) -> Node:
    """The file's top-level node. Raises ScriptError naming the file and line on any problem."""
    shown = str(path)
    start = Where(shown, 1)
    raw = _read_bytes(path, start)
    if len(raw) > MAX_FILE_BYTES:
        raise ScriptError([Problem(start, f"file is larger than {MAX_FILE_BYTES // 1024} KiB; "
                                          "a script should be a page of text")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise ScriptError([Problem(Where(shown, line), "not UTF-8 text; save the file as UTF-8")]) from None
    try:
        root = yaml.compose(text, Loader=_NodeLoader)
    except yaml.reader.ReaderError as e:
        raise ScriptError([_reader_problem(shown, text, e)]) from None
    except yaml.MarkedYAMLError as e:
        raise ScriptError([_syntax_problem(shown, e)]) from None
    except yaml.YAMLError as e:
        raise ScriptError([Problem(start, f"YAML error: {e}")]) from None
    except _TooDeep as e:
        raise ScriptError([Problem(Where(shown, e.line), f"nested more than {MAX_DEPTH} levels deep")]) from None
    except ValueError:
        raise ScriptError([_escape_problem(shown, text)]) from None
    if root is None:
        raise ScriptError([Problem(start, "the file is empty; a script needs at least a model and a phrase")])
    return _Walker(shown).walk(root, 0)


class _Walker:
    """Turns composed yaml nodes into Nodes, refusing tags, duplicate keys and runaway sizes."""

    def __init__(self, path: str):
        self.path = path
        self.count = 0

    def where(self, node) -> Where:
        return Where(self.path, node.start_mark.line + 1)

    def fail(self, node, message: str):
        raise ScriptError([Problem(self.where(node), message)])

    def text(self, node) -> str:
        """A scalar's text, with JSON-style surrogate pairs ("\\ud83d\\ude00") joined into the
        character they spell; refused if it holds what no caption, word or terminal should: a
        lone surrogate, a control character (only tab and newline pass) or a bidi control."""
        value = node.value
        if not value.isprintable():
            try:
                value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            except UnicodeDecodeError:
                self.fail(node, "a lone surrogate escape (\\ud800 to \\udfff) is half of a character; "
                                "write the character itself, or both halves of its pair")
            for c in value:
                if c in BIDI_CONTROLS:
                    self.fail(node, f"the bidi control U+{ord(c):04X} reorders the text around it; remove it")
                if unicodedata.category(c) == "Cc" and c not in "\t\n":
                    self.fail(node, f"the control character U+{ord(c):04X} cannot be shown; remove it")
        return value

    def walk(self, node, depth: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(node, f"more than {MAX_NODES} values (aliases included); a script is far smaller")
        if depth > MAX_DEPTH:
            self.fail(node, f"nested more than {MAX_DEPTH} levels deep")
        if node.tag not in PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(node, f"YAML tags such as '{tag}' are not allowed; write plain values "
                            "(nothing in a script is turned into a Python object)")
        if isinstance(node, yaml.ScalarNode):
            return Node("scalar", self.text(node), self.where(node), quoted=node.style in ("'", '"'))
        if isinstance(node, yaml.SequenceNode):
            return Node("seq", [self.walk(item, depth + 1) for item in node.value], self.where(node))
        values, keys = {}, {}
        for key_node, value_node in node.value:
            key = self.walk(key_node, depth + 1)
            if key.kind != "scalar":
                self.fail(key_node, "a key must be a plain word, not a list or mapping")
            if key.value in values:
                self.fail(key_node, f"'{key.value}' appears twice in this mapping (first on line "
                                    f"{keys[key.value].line}); keep one")
            keys[key.value] = key
            values[key.value] = self.walk(value_node, depth + 1)
        return Node("map", values, self.where(node), keys=keys)
