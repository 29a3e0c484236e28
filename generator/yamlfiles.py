"""The YAML loader and dumper of every content/ file: libyaml's safe ones when PyYAML has them (its wheels
do). Same documents and same bytes as the pure-Python ones, ten times faster; those dominated large builds."""

from __future__ import annotations

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
