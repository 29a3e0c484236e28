"""The YAML loader and dumper of every content/ file: libyaml's safe ones when PyYAML has them (its wheels
do). Same documents and same bytes as the pure-Python ones, ten times faster; those dominated large builds.

`dump` writes what `yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)` writes,
byte for byte; for the plain values of content/ files (dicts, lists, text, numbers, booleans, None, no
container twice) it builds the node tree itself instead of going through PyYAML's generic representer,
which took most of the time of a dump (libyaml only emits).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Generic(Exception):
    """A value the generic representer must see (another type, or a container met twice: an alias)."""


def dump(data: Any) -> str:
    """yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000), the same text."""
    try:
        node = _node(data, set())
    except _Generic:
        return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    return yaml.serialize(node, Dumper=DUMPER, allow_unicode=True, width=1000)


def _node(value: Any, seen: set[int]) -> yaml.Node:
    """The node SafeRepresenter makes of `value` (default_style None, default_flow_style False)."""
    kind = type(value)
    if kind is str:
        return ScalarNode(_STR, value)
    if kind is dict or kind is list:
        if id(value) in seen:
            raise _Generic
        seen.add(id(value))
        if kind is dict:
            pairs = [(_node(k, seen), _node(v, seen)) for k, v in value.items()]
            return MappingNode(_MAP, pairs, flow_style=False)
        return SequenceNode(_SEQ, [_node(v, seen) for v in value], flow_style=False)
    if kind is int:
        return ScalarNode(_INT, str(value))
    if kind is bool:
        return ScalarNode(_BOOL, "true" if value else "false")
    if value is None:
        return ScalarNode(_NULL, "null")
    if kind is float:
        return ScalarNode(_FLOAT, _float_text(value))
    raise _Generic


def _float_text(value: float) -> str:
    """SafeRepresenter.represent_float's text."""
    if value != value:
        return ".nan"
    if value == float("inf"):
        return ".inf"
    if value == -float("inf"):
        return "-.inf"
    text = repr(value).lower()
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return text
