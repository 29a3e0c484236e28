"""Cut a page of classified units into articles.

A page is read as a sequence of *sections*: a run of title lines and the body that follows it.
Each section either starts a new article or continues the current one (its titles are then
sub-headings). Headlines printed away from their bodies (a page that prints two headlines at
the top, a brief whose headline sits in its middle) are attached by content, not by position.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ..lexicon import Lexicon
from ..model import ArticleSource, Block, BlockKind
from .lines import (
    BYLINE,
    CAPTION,
    DATE,
    DATELINE,
    HEADING,
    LABEL,
    NOTE,
    SIGNATURE,
    TEXT,
    TITLE_LIKE,
    Unit,
)

# Below this cosine similarity (TF-IDF word weights), a titled section is a new article, not a
# sub-section of the current one. Measured on the seeds: new articles 0.004-0.04, sub-sections 0.11-0.62.
CONTINUATION_THRESHOLD = 0.07
# A floating headline is adopted by a body that contains at least this share of its words.
ADOPTION_THRESHOLD = 0.2

_STOPWORDS = frozenset(
    "我们 他们 目前 当前 同时 其中 以及 通过 进行 实现 推动 推进 加快 发展 建设 全市 我市 重庆 企业 产业 "
    "项目 工作 相关 负责人 介绍 表示 方面 今年 去年 已经 不断 持续 重要 重点 提升 打造 一批 成为 作为 "
    "一个 这些 该行 该区 记者 本报讯".split()
)
_ORG_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{4,20}(?:银行|分行|公司|集团|研究院)$")
_SERIES = re.compile(r"[①-⑳]$|系列报道|发展纪实|纪实$|特刊$|专版$|之[一二三四五六七八九十]+$")
_PHOTO_CREDIT = re.compile(r"摄影|摄/|视觉重庆")


@dataclass
class _Section:
    run: list[Unit]
    body: list[Unit]
    captions: list[Unit] = field(default_factory=list)
    """Captions printed between the title lines."""


@dataclass
class _Draft:
    head: list[Block] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    label: str = ""

    @property
    def has_headline(self) -> bool:
        return any(b.kind == BlockKind.HEADLINE for b in self.head)

    def text(self) -> str:
        return "".join(b.text for b in self.head + self.body if b.kind != BlockKind.CAPTION)


def segment_page(units: list[Unit], file: str, key: str, lexicon: Lexicon) -> list[ArticleSource]:
    """Split the units of one page into articles."""
    cutter = _Cutter(lexicon)
    for section in _sections(units):
        cutter.add(section)
    return cutter.finish(file, key)


def _sections(units: list[Unit]) -> list[_Section]:
    sections: list[_Section] = []
    current: _Section | None = None
    for unit in units:
        in_run = current is not None and not current.body
        if unit.role in TITLE_LIKE:
            if current is None or current.body:
                current = _Section([unit], [])
                sections.append(current)
            else:
                current.run.append(unit)
        elif unit.role == CAPTION and (current is None or in_run):
            if current is None:
                current = _Section([], [])
                sections.append(current)
            current.captions.append(unit)
        elif unit.role in (BYLINE, DATELINE) and current is not None and _starts_new_body(current):
            current = _Section([], [unit])
            sections.append(current)
        else:
            if current is None:
                current = _Section([], [])
                sections.append(current)
            current.body.append(unit)
    return sections


def _starts_new_body(section: _Section) -> bool:
    """A byline or dateline after body text opens a new article; right after titles it belongs to them."""
    return any(u.role not in (CAPTION, BYLINE) for u in section.body)


class _Cutter:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.articles: list[_Draft] = []
        self.floating: list[list[Unit]] = []
        self.loose_captions: list[Unit] = []

    @property
    def current(self) -> _Draft | None:
        return self.articles[-1] if self.articles else None

    def add(self, section: _Section) -> None:
        current = self.current
        if current is None:
            self.loose_captions.extend(section.captions)
        else:
            current.body.extend(_block(u) for u in section.captions)
        if current is not None and not section.body:
            current.head.extend(_trailing_block(u) for u in section.run)
        elif current is None or self._must_open(section, current):
            self._open(section)
        elif not current.has_headline and len(_groups(section.run)) == 1:
            current.head.extend(_head_blocks(section.run, page_top=False))
            current.body.extend(_body_blocks(section.body))
        elif self._is_new_topic(section, current):
            self._open(section)
        else:
            current.body.extend(_subheading_blocks(section.run))
            current.body.extend(_body_blocks(section.body))

    def _must_open(self, section: _Section, current: _Draft) -> bool:
        """Signs that a new article starts whatever its content."""
        first = section.body[0] if section.body else None
        if not section.run or (first is not None and first.role in (BYLINE, DATELINE)):
            return True
        if any(u.role == LABEL or u.level == 1 for u in section.run) or _ORG_LINE.match(section.run[0].text):
            return True
        if all(u.role == HEADING for u in section.run):
            return False
        if current.label:  # a box (数读, 大事记) goes on only with more of its own data lines
            return not (current.label == "数读" and any(u.bold for u in section.body))
        return _is_closed(current)

    def _is_new_topic(self, section: _Section, current: _Draft) -> bool:
        return self._similarity(section, current) < CONTINUATION_THRESHOLD

    def _open(self, section: _Section) -> None:
        draft = _Draft()
        page_top = not self.articles
        groups = _groups(section.run)
        multi = [g for g in groups if len(g) > 1]
        if len(multi) >= 2:
            # Several headlines printed together: keep the one that matches this body, float the rest.
            first_multi = groups.index(multi[0])
            draft.head.extend(_block(u, BlockKind.BANNER) for g in groups[:first_multi] for u in g)
            body_text = "".join(u.text for u in section.body)
            best = max(multi, key=lambda g: self._overlap(_joined(g), body_text))
            self.floating.extend(g for g in multi if g is not best)
            draft.head.extend(_head_blocks(best, page_top=False))
        elif section.run:
            draft.head.extend(_head_blocks(section.run, page_top=page_top))
        draft.label = next((u.text for u in section.run if u.role == LABEL), "")
        draft.body.extend(_body_blocks(section.body))
        if not draft.has_headline and self.floating:
            self._adopt_floating(draft)
        self.articles.append(draft)

    def _adopt_floating(self, draft: _Draft) -> None:
        body_text = draft.text()
        best = max(self.floating, key=lambda g: self._overlap(_joined(g), body_text))
        if self._overlap(_joined(best), body_text) >= ADOPTION_THRESHOLD:
            self.floating.remove(best)
            draft.head.extend(_head_blocks(best, page_top=False))

    def _similarity(self, section: _Section, current: _Draft) -> float:
        """Cosine similarity of the TF-IDF word weights of the section and the article so far."""
        probe = self._word_weights("".join(u.text for u in section.run + section.body))
        reference = self._word_weights(current.text())
        dot = sum(weight * reference.get(word, 0.0) for word, weight in probe.items())
        norm = math.sqrt(sum(c * c for c in probe.values()) * sum(c * c for c in reference.values()))
        return dot / norm if norm else 0.0

    def _word_weights(self, text: str) -> dict[str, float]:
        counts = Counter(w for w in self.lexicon.cut(text) if _content_word(w))
        return {word: count * self.lexicon.idf(word) for word, count in counts.items()}

    def _overlap(self, probe: str, reference: str) -> float:
        """Share of the probe's content words that also occur in the reference text."""
        words = {w for w in self.lexicon.cut(probe) if _content_word(w)}
        if not words:
            return 0.0
        return sum(1 for w in words if w in reference) / len(words)

    def finish(self, file: str, key: str) -> list[ArticleSource]:
        for caption in self.loose_captions:
            self._place_caption(caption)
        for group in self.floating:  # a headline no body claimed: keep it visible as a banner
            if self.articles:
                self.articles[0].head.extend(_block(u, BlockKind.BANNER) for u in group)
        drafts = [d for d in self.articles if d.head or d.body]
        return [_finish_article(d, file, key) for d in drafts]

    def _place_caption(self, caption: Unit) -> None:
        if not self.articles:
            self.articles.append(_Draft())
        best = max(self.articles, key=lambda d: self._overlap(caption.text, d.text()))
        best.body.insert(0, _block(caption))


def _is_closed(draft: _Draft) -> bool:
    """An article that ended with a signature, a source note or a photo credit has ended."""
    if not draft.body:
        return False
    last = draft.body[-1]
    if last.kind in (BlockKind.SIGNATURE, BlockKind.NOTE):
        return True
    return last.kind == BlockKind.CAPTION and bool(_PHOTO_CREDIT.search(last.text)) and len(last.text) <= 20


def _content_word(word: str) -> bool:
    return len(word) >= 2 and word not in _STOPWORDS and all("\u4e00" <= ch <= "\u9fff" for ch in word)


def _groups(run: list[Unit]) -> list[list[Unit]]:
    """Title lines printed together (no blank line between them) form one group."""
    groups: list[list[Unit]] = []
    for unit in run:
        if groups and unit.gap == 0:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _joined(group: list[Unit]) -> str:
    return " ".join(u.text for u in group)


def _head_blocks(run: list[Unit], page_top: bool) -> list[Block]:
    """Roles of the title lines of one article: banner, kicker, headline (a group), subtitle."""
    groups = _groups(run)
    if page_top and len(groups) >= 2 and _is_banner(groups[0]):
        banner, groups = groups[0], groups[1:]
    else:
        banner = []
    candidates = [i for i, g in enumerate(groups) if not _is_label(g)]
    main = max(candidates, key=lambda i: len(_joined(groups[i])), default=len(groups) - 1)
    blocks = [_block(u, BlockKind.BANNER) for u in banner]
    for i, group in enumerate(groups):
        if i == main:
            blocks.append(_merged_block(group, BlockKind.HEADLINE))
            continue
        kind = BlockKind.KICKER if i < main else BlockKind.SUBTITLE
        if group[0].role == HEADING and group[0].level >= 2:
            kind = BlockKind.SUBHEADING
        blocks.extend(_block(u, kind) for u in group)
    return blocks


def _is_banner(group: list[Unit]) -> bool:
    """A page banner: a slogan of two short halves, as 贯彻二十大 建设新重庆."""
    if len(group) != 1:
        return False
    halves = group[0].text.split()
    return len(halves) == 2 and all(2 <= len(h) <= 9 for h in halves) and not re.search(r"\d", group[0].text)


def _is_label(group: list[Unit]) -> bool:
    text = _joined(group)
    return (
        any(u.role == LABEL for u in group)
        or bool(_ORG_LINE.match(text))
        or bool(_SERIES.search(text))
        or (group[0].role == HEADING and len(text) <= 4)
    )


def _merged_block(group: list[Unit], kind: BlockKind) -> Block:
    return Block(kind, " ".join(u.text for u in group), group[0].start, group[-1].end)


def _subheading_blocks(run: list[Unit]) -> list[Block]:
    return [_block(u, BlockKind.SUBHEADING, level=2 if i == 0 else 3) for i, u in enumerate(run)]


def _trailing_block(unit: Unit) -> Block:
    return _block(unit, BlockKind.SUBTITLE if _SERIES.search(unit.text) else BlockKind.BANNER)


_BODY_KINDS = {
    TEXT: BlockKind.PARAGRAPH,
    BYLINE: BlockKind.BYLINE,
    DATELINE: BlockKind.DATELINE,
    CAPTION: BlockKind.CAPTION,
    NOTE: BlockKind.NOTE,
    SIGNATURE: BlockKind.SIGNATURE,
}


def _body_blocks(units: list[Unit]) -> list[Block]:
    blocks = []
    for unit in units:
        if unit.role == DATE:
            blocks.append(_block(unit, BlockKind.SUBHEADING, level=3))
        else:
            blocks.append(_block(unit, _BODY_KINDS.get(unit.role, BlockKind.PARAGRAPH)))
    return blocks


def _block(unit: Unit, kind: BlockKind | None = None, level: int = 0) -> Block:
    kind = kind or _BODY_KINDS.get(unit.role, BlockKind.PARAGRAPH)
    return Block(kind, unit.text, unit.start, unit.end, level, unit.bold)


def _finish_article(draft: _Draft, file: str, key: str) -> ArticleSource:
    head, body = _move_subheadings_out_of_head(draft.head, draft.body)
    body = sorted(body, key=lambda b: b.start_line)
    return ArticleSource(file, key, _article_kind(head, body, draft.label), tuple(head), tuple(body))


def _move_subheadings_out_of_head(head: list[Block], body: list[Block]) -> tuple[list[Block], list[Block]]:
    """Title lines after the headline that have the shape of the article's sub-headings are sub-headings.

    兴会山城弦歌劲 业举巴渝廿载情 / 兴业银行重庆分行20周年发展纪实 / 立志 / 扎根山城 同频共振携手创业:
    the last two match 创新 / 传承基因 探索脚步永不停歇 further down, so they open the first section.
    """
    shapes = {_shape(b.text) for b in body if b.kind == BlockKind.SUBHEADING}
    headline = next((i for i, b in enumerate(head) if b.kind == BlockKind.HEADLINE), len(head))
    moved: list[Block] = []
    for block in head[headline + 1 :]:
        matches = block.kind == BlockKind.SUBHEADING or (
            block.kind == BlockKind.SUBTITLE and _shape(block.text) in shapes
        )
        if matches:
            moved.append(block)
        elif moved and block.kind == BlockKind.SUBTITLE:
            break  # sub-headings are consecutive; a later subtitle is the series line of the page
    kept = [b for b in head if b not in moved]
    levels = [
        Block(BlockKind.SUBHEADING, b.text, b.start_line, b.end_line, 2 if i == 0 else 3) for i, b in enumerate(moved)
    ]
    return kept, levels + body


def _shape(text: str) -> tuple[int, ...]:
    return tuple(len(part) for part in text.split())


def _article_kind(head: list[Block], body: list[Block], label: str) -> str:
    heads = " ".join(b.text for b in head)
    paragraphs = [b for b in body if b.kind == BlockKind.PARAGRAPH]
    if (
        label.endswith("大事记")
        or sum(1 for b in body if b.kind == BlockKind.SUBHEADING and b.level == 3) >= 4
        and len(paragraphs) <= sum(1 for b in body if b.kind == BlockKind.SUBHEADING) + 1
    ):
        return "timeline"
    if label == "数读" or (paragraphs and sum(1 for b in paragraphs if b.bold) * 2 > len(paragraphs)):
        return "data"
    if any(_ORG_LINE.match(b.text) for b in head if b.kind != BlockKind.HEADLINE) or re.search(
        r"系列报道|发展纪实", heads
    ):
        return "advertorial"
    if body and body[0].kind == BlockKind.DATELINE:
        return "brief"
    credits = [b for b in body if b.kind == BlockKind.CAPTION and _PHOTO_CREDIT.search(b.text)]
    has_byline = any(b.kind == BlockKind.BYLINE for b in body)
    if credits and not has_byline and len(paragraphs) <= 4 and body[-1] in credits:
        return "photo"
    return "news"
