"""Traditional Chinese seeds: detected and converted to Simplified, so that names, units and the
reference data (all Simplified) match.

Conversion uses OpenCC's phrase-aware Traditional -> Simplified tables (`opencc`, the OpenCC
project's own Python binding). It is applied only to a text that is mostly Traditional: OpenCC's
t2s is not the identity on every Simplified text (e.g. 著 in a few compounds), so a Simplified page
is left exactly as it is. Conversion maps line to line, so source line numbers stay true.
"""

from __future__ import annotations

import functools

TRADITIONAL_SHARE = 0.05
"""Share of Han characters that t2s changes above which a text is read as Traditional (a
Simplified page scores 0; a Traditional page 15-30 %)."""
MIN_CHANGED = 3


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def traditional_share(text: str) -> float:
    """Share of Han characters that differ between the text and its Simplified form."""
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"]
    if not han:
        return 0.0
    sample = "".join(han)
    converted = _converter().convert(sample)
    if len(converted) != len(sample):
        changed = abs(len(converted) - len(sample)) + sum(a != b for a, b in zip(sample, converted, strict=False))
    else:
        changed = sum(a != b for a, b in zip(sample, converted, strict=True))
    return changed / len(han) if changed >= MIN_CHANGED else 0.0


def to_simplified(text: str) -> str:
    """The text in Simplified characters, converted line by line (line structure unchanged)."""
    convert = _converter().convert
    return "\n".join(convert(line) if line else line for line in text.split("\n"))
