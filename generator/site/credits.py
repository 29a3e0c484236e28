"""People's names in English: reporters and authors romanised with pypinyin, surname first (张亦筑 → Zhang Yizhu).

Hanyu Pinyin for personal names: the surname, a space, then the given name as one word with an
apostrophe before a syllable that starts with a, o or e (Yi'an). pypinyin reads characters in
context; surnames whose reading differs from the everyday one (单 Shan, 曾 Zeng) come from a table.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯", "尉迟", "公孙")
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "区": "ou",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "乐": "yue",
    "盖": "ge",
    "缪": "miao",
    "覃": "qin",
    "翟": "zhai",
    "尉": "yu",
    "种": "chong",
    "华": "hua",
}
_HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def romanise_name(name: str) -> str:
    """One Chinese personal name in pinyin, surname first; anything else is returned unchanged."""
    name = name.strip()
    if not _HAN.match(name):
        return name
    surname_len = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    surname = name[:surname_len]
    family = SURNAME_READINGS.get(surname) if surname_len == 1 else None
    family = family or "".join(lazy_pinyin(surname, style=Style.NORMAL))
    return f"{family.capitalize()} {_join_syllables(lazy_pinyin(name, style=Style.NORMAL)[surname_len:])}".strip()


def _join_syllables(syllables: list[str]) -> str:
    word = ""
    for syllable in syllables:
        if word and syllable[:1] in "aoe":
            word += "'"
        word += syllable
    return word.capitalize()


def romanise_names(text: str) -> str:
    """A list of names separated by spaces or 、，, ('杨溢 贺娜') as 'Yang Yi, He Na'."""
    return ", ".join(romanise_name(n) for n in re.split(r"[\s、，,]+", text.strip()) if n)


def is_name_list(text: str) -> bool:
    """True when the text is only personal names ('杨溢 贺娜'): romanised, not translated."""
    names = [n for n in re.split(r"[\s、，,]+", text.strip()) if n]
    return bool(names) and all(_HAN.match(n) for n in names)
