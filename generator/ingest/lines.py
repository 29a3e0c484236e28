"""From page text to classified units: Markdown parsing, per-line roles, re-joining broken lines.

A *unit* is one line of the page, or several lines that the print layout broke apart and that
are joined again here. Its role is provisional: whether a short line is a headline or a
sub-heading is decided later, when the page is cut into articles (segment.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt

from ..lexicon import Lexicon

# Provisional roles of a unit.
TEXT = "text"  # sentence text: a paragraph or a fragment of one
SHORT = "short"  # a short line without closing punctuation: headline, kicker, sub-heading, deck
HEADING = "heading"  # a Markdown heading (# / ##)
BYLINE = "byline"
DATELINE = "dateline"
CAPTION = "caption"
NOTE = "note"
DATE = "date"  # a timeline date on its own line
SIGNATURE = "signature"
LABEL = "label"  # the label of a box: 数读, 大事记 …

TITLE_LIKE = (SHORT, HEADING, LABEL)

_SENTENCE_END = "。！？；…!?;：:—"
_CLOSERS = "”’」』）)》"
_SOFT_END = "，、,“‘《（(·"
_NO_START = "，。、；：！？”’）》」』,.;:!?"

_BYLINE = re.compile(r"^□|^(?:本报|新重庆-重庆日报|重庆日报)(?:首席)?记者\s*[\u4e00-\u9fff]{2,4}")
_DATELINE = re.compile(
    r"^(?:本报讯|本报[\u4e00-\u9fff]{2,4}电|(?:新华社|中新社)[\u4e00-\u9fff]{2,6}\d{1,2}月\d{1,2}日电)"
)
_CAPTION = re.compile(r"摄影|摄/|/摄|\s摄\s*[\u4e00-\u9fff]{2,4}$|供图|视觉重庆|图片除署名外|图片由.{2,20}提供")
_NOTE = re.compile(r"^[（(](?:数据|资料|信息)?来源[：:]")
_DATE = re.compile(r"^\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|初|末|上旬|中旬|下旬)?$|^\d{1,2}月\d{1,2}日$")
_LABELS = re.compile(
    r"^(?:数读|图说|链接|相关链接|背景|延伸阅读|名词解释|记者手记|短评|快评|[\u4e00-\u9fff]{0,12}大事记)$"
)
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,3}$")

_MARKDOWN = MarkdownIt("zero").enable(["heading", "emphasis", "newline"])


@dataclass(frozen=True)
class Unit:
    role: str
    text: str
    start: int
    """1-based first source line."""
    end: int
    gap: int
    """Blank lines between this unit and the one before it."""
    level: int = 0
    """Markdown heading level, 0 for none."""
    hard_break: bool = False
    """The line ended in an explicit Markdown line break (two spaces)."""
    bold: tuple[str, ...] = ()


def read_units(text: str, lexicon: Lexicon) -> list[Unit]:
    """Parse, classify and re-join the lines of a normalised page."""
    raw = _parse_lines(text)
    classified = [replace(unit, role=_local_role(unit, lexicon)) for unit in raw]
    return _mark_image_captions(_join_broken_lines(classified, lexicon))


_TRAILING_NOTE = re.compile(r"[（(][^（()）]*[）)]$")


def ends_sentence(text: str) -> bool:
    """True when the text ends a sentence, also before a closing note such as （资料来源：…）."""
    stripped = text.rstrip()
    if stripped.endswith(("）", ")")) and _TRAILING_NOTE.search(stripped):
        inner = _TRAILING_NOTE.sub("", stripped)
        if inner and ends_sentence(inner):
            return True
    if not stripped:
        return False
    if stripped[-1] in _SENTENCE_END:
        return True
    return stripped[-1] in _CLOSERS and len(stripped) > 1 and stripped[-2] in _SENTENCE_END


def _parse_lines(text: str) -> list[Unit]:
    units: list[Unit] = []
    tokens = _MARKDOWN.parse(text)
    level = 0
    for token in tokens:
        if token.type == "heading_open":
            level = int(token.tag[1])
        elif token.type == "inline" and token.map:
            units.extend(_inline_lines(token, level))
            level = 0
    previous_end = 0
    with_gaps = []
    for unit in units:
        with_gaps.append(replace(unit, gap=unit.start - previous_end - 1))
        previous_end = unit.end
    return [u for u in with_gaps if u.text]


def _inline_lines(token, level: int) -> list[Unit]:
    lines: list[Unit] = []
    parts: list[str] = []
    bold: list[str] = []
    in_bold = False
    line_no = token.map[0] + 1
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            lines.append(_unit("".join(parts), line_no, level, child.type == "hardbreak", bold))
            parts, bold, line_no = [], [], line_no + 1
        elif child.type == "strong_open":
            in_bold = True
        elif child.type == "strong_close":
            in_bold = False
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
            if in_bold:
                bold.append(child.content)
    lines.append(_unit("".join(parts), line_no, level, False, bold))
    return lines


def _unit(text: str, line_no: int, level: int, hard: bool, bold: list[str]) -> Unit:
    return Unit(TEXT, text.strip(), line_no, line_no, 0, level, hard, tuple(bold))


def _local_role(unit: Unit, lexicon: Lexicon) -> str:
    text = unit.text
    if unit.level:
        return HEADING
    if _BYLINE.search(text) and len(text) <= 40:
        return BYLINE
    if _DATELINE.match(text):
        return DATELINE
    if _NOTE.match(text):
        return NOTE
    if _CAPTION.search(text) and len(text) <= 120:
        return CAPTION
    if _DATE.match(text):
        return DATE
    if _LABELS.match(text):
        return LABEL
    if _looks_like_signature(text, lexicon):
        return SIGNATURE
    if not ends_sentence(text) and len(text) <= 64 and not unit.bold:
        return SHORT
    return TEXT


def _looks_like_signature(text: str, lexicon: Lexicon) -> bool:
    """A line of one to four personal names, e.g. 杨溢 贺娜 or the pen name 渝轩."""
    names = text.split()
    if not 1 <= len(names) <= 4 or not all(_NAME.match(n) for n in names):
        return False
    unknown = sum(1 for n in names if not lexicon.is_word(n))
    return unknown * 2 > len(names)


def _join_broken_lines(units: list[Unit], lexicon: Lexicon) -> list[Unit]:
    """Join lines that the layout broke in the middle of a sentence or word."""
    out: list[Unit] = []
    for unit in units:
        target = _join_target(out, unit, lexicon)
        if target is None:
            out.append(unit)
            continue
        head = out[target]
        joined = Unit(
            TEXT, head.text + unit.text, head.start, unit.end, head.gap, 0, unit.hard_break, head.bold + unit.bold
        )
        out[target] = joined
    return out


def _join_target(out: list[Unit], unit: Unit, lexicon: Lexicon) -> int | None:
    """Index of the unit in `out` that `unit` continues, skipping captions in between."""
    if unit.role not in (TEXT, SHORT):
        return None
    index = len(out) - 1
    while index >= 0 and out[index].role == CAPTION:
        index -= 1
    if index < 0:
        return None
    previous = out[index]
    before = out[index - 1] if index > 0 else None
    return index if _continues(previous, unit, before, lexicon) else None


def _continues(previous: Unit, unit: Unit, before: Unit | None, lexicon: Lexicon) -> bool:
    if previous.role not in (TEXT, SHORT) or previous.hard_break or ends_sentence(previous.text):
        return False
    if previous.bold:  # a line of emphasised figures is an item of a data box, complete as it is
        return False
    if previous.text[-1] in _SOFT_END or unit.text[0] in _NO_START:
        return True
    if _word_crosses(previous.text, unit.text, lexicon):
        return True
    # A long line, or one with sentence punctuation inside, is a paragraph cut by the layout,
    # unless it is the deck under a title (加快智能化转型 / 推动制造业…，…项目).
    is_fragment = len(previous.text) >= 60 or any(mark in previous.text for mark in "，。；")
    after_title = before is None or before.role in TITLE_LIKE
    return unit.role == TEXT and is_fragment and not after_title


def _mark_image_captions(units: list[Unit]) -> list[Unit]:
    """A lone short line after a wide gap in the running text is the caption of a removed image."""
    out = list(units)
    for i, unit in enumerate(units):
        if unit.role != SHORT or unit.gap < 2 or i == 0 or unit.hard_break:
            continue
        following = units[i + 1] if i + 1 < len(units) else None
        if following is None or (following.gap >= 1 and following.role in (TEXT, CAPTION, NOTE)):
            out[i] = replace(unit, role=CAPTION)
    return out


def _word_crosses(left: str, right: str, lexicon: Lexicon) -> bool:
    """True when a dictionary word spans the break, as 体|系 in 支持体 / 系."""
    tail, head = left[-6:], right[:6]
    position = 0
    for word in lexicon.cut(tail + head):
        if position < len(tail) < position + len(word) and len(word) >= 2:
            return True
        position += len(word)
    return False
