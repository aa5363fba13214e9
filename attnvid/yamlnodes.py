"""Reads a YAML file into a small tree of located nodes, safely and with size caps.

Why not yaml.safe_load: it forgets line numbers (our errors need them), it silently keeps the
last of two equal keys, and YAML 1.1 turns the words `on`, `off`, `yes`, `no`, `null` and `~`
into booleans and None; `on` is a word of the article's own phrases. Here no scalar is
interpreted at all: every scalar keeps its text, and the script layer reads numbers where it
expects numbers. Tags are refused, so nothing can ask for a Python object to be built.
"""
from __future__ import annotations

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

PLAIN_TAGS = {BaseResolver.DEFAULT_SCALAR_TAG, BaseResolver.DEFAULT_SEQUENCE_TAG,
              BaseResolver.DEFAULT_MAPPING_TAG}


class _NodeLoader(Reader, Scanner, Parser, Composer, BaseResolver):
    """Composes nodes only (never constructs objects); BaseResolver resolves no implicit types."""

    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)


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


def read_nodes(path: Union[str, Path]) -> Node:
    """The file's top-level node. Raises ScriptError naming the file and line on any problem."""
    shown = str(path)
    start = Where(shown, 1)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScriptError([Problem(start, "no such file")]) from None
    except IsADirectoryError:
        raise ScriptError([Problem(start, "is a folder, not a YAML file")]) from None
    except OSError as e:
        raise ScriptError([Problem(start, f"cannot read the file: {e.strerror or e}")]) from None
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
    except yaml.MarkedYAMLError as e:
        raise ScriptError([_syntax_problem(shown, e)]) from None
    except yaml.YAMLError as e:
        raise ScriptError([Problem(start, f"YAML error: {e}")]) from None
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
            return Node("scalar", node.value, self.where(node), quoted=node.style in ("'", '"'))
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
