"""Normalise the mixed half-/full-width typography of the seeds.

The seeds use both "，" and "," (and "(" / "（", ":" / "："). Everything downstream sees one form:
Chinese punctuation in Chinese text, ASCII digits and letters, "," and ":" kept between digits
(12,702 and 1:1). Line structure is never changed, so line numbers stay true to the source.
"""

from __future__ import annotations

import re

_FULLWIDTH_ALNUM = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp - 0xFEE0).isalnum()}
_SPACES = {0x3000: " ", 0x00A0: " ", 0x2002: " ", 0x2003: " ", 0x2009: " ", 0x200B: ""}
_FULLWIDTH_SYMBOLS = {0xFF05: "%", 0xFF0B: "+", 0xFF0E: "."}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_PUNCT_NEAR_CJK = re.compile(rf"(?<=[{_CJK}“”’）》」』%])([,;:?!])|([,;:?!])(?=[{_CJK}“‘（《「『])")
_PAREN_GROUP = re.compile(rf"\(([^()\n]*[{_CJK}][^()\n]*)\)")

_TABLE = {**_FULLWIDTH_ALNUM, **_SPACES, **{k: v for k, v in _FULLWIDTH_SYMBOLS.items()}}


def normalise_text(text: str) -> str:
    """Return the text with one form of each punctuation mark, same lines."""
    text = _CONTROL.sub("", text).translate(_TABLE)
    text = _PAREN_GROUP.sub(r"（\1）", text)
    return _PUNCT_NEAR_CJK.sub(lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)], text)
