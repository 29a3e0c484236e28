"""Figures in words (SPEC §5): the English rendering with converted units, and the Chinese display form.

`399.9亿元` -> `39.99 billion yuan`, `3041亩` -> `3,041 mu (203 ha)`, `10万吨` -> `100,000 tonnes`.
Numbers are formatted with Babel for the page's locale. Nothing here returns Chinese for English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from babel.numbers import format_decimal

from .reference import UnitName

PREFIX_QUALIFIERS = {
    "超": "more than",
    "超过": "more than",
    "逾": "more than",
    "余": "more than",
    "多": "over",
    "近": "nearly",
    "将近": "nearly",
    "约": "about",
    "左右": "about",
    "达": "",
}
SUFFIX_QUALIFIERS = {"以上": "or more", "以下": "or less", "以内": "or less"}
_ZH_PREFIX = {"超", "超过", "逾", "近", "将近", "约", "达"}
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_SCALED_KINDS = {"money", "quantity", "count", "people", "mass", "volume", "energy"}


@dataclass(frozen=True)
class UnitTable:
    """English words of each Chinese base unit (the factor-1 entries of units.yaml)."""

    by_base: Mapping[str, UnitName]

    @classmethod
    def build(cls, units: Iterable[UnitName]) -> UnitTable:
        table: dict[str, UnitName] = {}
        for unit in units:
            if unit.base and unit.zh == unit.base:
                table.setdefault(unit.base, unit)
        for unit in units:  # a base that is only listed with a multiplier (rare)
            if unit.base and unit.base not in table:
                table[unit.base] = unit
        return cls(table)


def format_number(value: float, locale: str = "en", places: int = 3) -> str:
    """1234.5 -> '1,234.5' (en) / '1,234.5' (zh); trailing zeros dropped."""
    pattern = "#,##0." + "#" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=locale)


def figure_en(value: float, unit: str, qualifier: str | None, units: UnitTable) -> str:
    """The figure in English words: 'more than 2,200 units', '39.99 billion yuan', '66%'."""
    name = units.by_base.get(unit)
    amount = _amount_en(value, name)
    before = PREFIX_QUALIFIERS.get(qualifier or "", "")
    after = SUFFIX_QUALIFIERS.get(qualifier or "", "")
    return " ".join(part for part in (before, amount, after) if part)


def _amount_en(value: float, name: UnitName | None) -> str:
    if name is None:
        return format_number(value)
    if name.kind in ("percent",):
        return f"{format_number(value)}%"
    number, scaled = _scaled(value) if name.kind in _SCALED_KINDS else (format_number(value), False)
    word = name.en_singular if value == 1 and not scaled else name.en_plural
    text = f"{number} {word}".strip()
    if name.kind == "area" and name.hectare_factor and name.hectare_factor != 1:
        hectares = value * name.hectare_factor
        text += f" ({format_number(hectares, places=0 if hectares >= 10 else 1)} ha)"
    return text


def _scaled(value: float) -> tuple[str, bool]:
    for size, word in _SCALES:
        if abs(value) >= size:
            return f"{format_number(value / size)} {word}", True
    return format_number(value), False


def figure_zh(raw: str, qualifier: str | None, quote: str) -> str:
    """The figure as the Chinese page shows it: the printed form with its qualifier (超2200台, 1.3万余台)."""
    if not qualifier or qualifier in raw:  # 600余个: the printed form already says it
        return raw
    for candidate in (qualifier + raw, raw + qualifier, _insert_before_unit(raw, qualifier)):
        if candidate and candidate in quote:
            return candidate
    return qualifier + raw if qualifier in _ZH_PREFIX else raw + qualifier


def _insert_before_unit(raw: str, qualifier: str) -> str:
    digits = len(raw) - len(raw.lstrip("0123456789.,万亿千百"))
    return raw[:digits] + qualifier + raw[digits:] if 0 < digits < len(raw) else ""
