"""Companies and institutions named in an article.

Two sources: the curated list (content/reference/companies.yaml, with English names and aliases),
and name patterns (…有限公司, …集团, …银行…分行, …研究院, …大学) for companies the list does not
know yet. An alias the article defines — （以下简称“多次元科技”）, （简称小康动力）, （下称戴卡捷力） —
makes its later short mentions count for the full name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..lexicon import Lexicon
from ..reference import Reference

_SUFFIX = re.compile(
    r"股份有限公司|有限责任公司|集团有限公司|集团股份有限公司|有限公司|集团|银行[\u4e00-\u9fff]{0,6}?分行|分行|研究院|大学"
)
_ALIAS = re.compile(r"^[（(](?:以下)?(?:简称|下称)[“\"]?([^”\"）)]{2,12})[”\"]?[）)]")
# Words that end a company name when reading backwards from its suffix.
_STOP = frozenset(
    "的 与 和 在 为 是 由 了 等 及 将 从 向 对 把 被 给 于 以 至 像 如 有 该 其 据 即 并 还 也 又 就 已 "
    "位于 来自 成为 发展 包括 比如 例如 分别 分别是 一家 这家 另一家 全市 之一 其中 依托 推动 引进 支持 "
    "服务 提供 联合 对接 获得 拿到 还有 签约 入驻 落户 注册 作为 通过 带动 形成 聚集 集聚 拥有 企业 "
    "设立 成立 开设 设有 组建 举办 与会 负责人 总经理 董事长 厂长 记者 介绍 表示 说 称 "
    "同时 此外 目前 当前 近日 近期 今年 去年".split()
)
_MAX_NAME = 24
_COUNTER = re.compile(r"^(?:第|首|一|另一|这|该|每)")
_SOURCE_NAME = re.compile(r"日报|报社|委员会$|[局委厅部办]$")


@dataclass(frozen=True)
class CompanyMentions:
    names: tuple[str, ...]
    """Full names, most mentioned first (ties: first mentioned first)."""
    slugs: dict[str, str]
    """Full name -> slug in the reference list, for the companies it knows."""
    aliases: dict[str, str]
    """Short forms the article defines -> full name."""


class CompanyIndex:
    """The curated companies, compiled once per build."""

    def __init__(self, reference: Reference, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.by_name: dict[str, str] = {}
        self.ambiguous: dict[str, str] = {}
        self.canonical: dict[str, str] = {}
        self.sources: set[str] = set()  # government bodies and media: sources of news, not its subjects
        self.not_companies: set[str] = set()  # sources, and brands (car models, loan products, labour brands)
        for company in reference.companies:
            self.canonical[company.slug] = company.zh
            if company.kind in ("government_body", "media"):
                self.sources.add(company.slug)
            if company.kind in ("government_body", "media", "brand"):
                self.not_companies.add(company.slug)
            for name in (company.zh, *company.aliases):
                self.by_name.setdefault(name, company.slug)
            for name in company.ambiguous_aliases:
                self.ambiguous.setdefault(name, company.slug)
        names = sorted(self.by_name, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(n) for n in names)) if names else None

    def find(self, texts: list[str]) -> CompanyMentions:
        counts: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        slugs: dict[str, str] = {}
        aliases: dict[str, str] = {}
        position = 0
        for text in texts:
            for start, name, slug in self._mentions(text, aliases):
                counts[name] += 1
                first_seen.setdefault(name, position + start)
                if slug:
                    slugs[name] = slug
            position += len(text) + 1
        ordered = sorted(counts, key=lambda n: (-counts[n], first_seen[n]))
        companies = [n for n in ordered if slugs.get(n) not in self.not_companies and not _SOURCE_NAME.search(n)]
        return CompanyMentions(tuple(companies), slugs, aliases)

    def spans(self, text: str, aliases: dict[str, str]) -> list[tuple[int, int, str]]:
        """(start, end, text as printed) of every company mention in a text."""
        spans = [
            (start, end, text[start:end])
            for start, end, name in self._known(text) + self._patterned(text)
            if self.by_name.get(name) not in self.sources and not _SOURCE_NAME.search(name)
        ]
        for alias in aliases:
            spans += [(m.start(), m.end(), alias) for m in re.finditer(re.escape(alias), text)]
        return spans

    def _mentions(self, text: str, aliases: dict[str, str]) -> list[tuple[int, str, str]]:
        found: dict[int, tuple[int, str, str]] = {}
        taken: list[tuple[int, int]] = []
        for start, end, name in self._known(text) + self._patterned(text):
            if any(s < end and start < e for s, e in taken):
                continue
            slug = self.by_name.get(name, "")
            full = self.canonical.get(slug, name)
            found[start] = (start, full, slug)
            taken.append((start, end))
            alias = _ALIAS.match(text[end:])
            if alias:
                aliases[alias.group(1)] = full
        for alias, full in aliases.items():
            for match in re.finditer(re.escape(alias), text):
                if not any(s <= match.start() < e for s, e in taken):
                    found[match.start()] = (match.start(), full, self.by_name.get(full, ""))
                    taken.append((match.start(), match.end()))
        return [found[k] for k in sorted(found)]

    def _known(self, text: str) -> list[tuple[int, int, str]]:
        if self.pattern is None:
            return []
        return [(m.start(), m.end(), m.group()) for m in self.pattern.finditer(text)]

    def _patterned(self, text: str) -> list[tuple[int, int, str]]:
        """Names ending in a company suffix, read backwards word by word to where the name begins."""
        found = []
        for match in _SUFFIX.finditer(text):
            start = self._name_start(text, match.start())
            name = text[start : match.end()]
            prefix = text[start : match.start()]
            if self._plausible_prefix(prefix) and len(name) <= _MAX_NAME:
                found.append((start, match.end(), name))
        return found

    def _plausible_prefix(self, prefix: str) -> bool:
        """产业研究院 and 第一家分行 are not names: a name's own part is specific, not a common word."""
        if len(prefix) < 2 or prefix[0].isdigit() or _COUNTER.match(prefix):
            return False
        return len(prefix) >= 3 or not self.lexicon.is_word(prefix)

    def _name_start(self, text: str, suffix_start: int) -> int:
        window_start = max(0, suffix_start - _MAX_NAME)
        prefix = text[window_start:suffix_start]
        words = self.lexicon.cut(prefix)
        start = suffix_start
        for word in reversed(words):
            if word in _STOP or not _is_name_part(word):
                break
            start -= len(word)
        return start


def _is_name_part(word: str) -> bool:
    """CJK words, Latin letters and the brackets of （重庆） belong in a company name; punctuation does not."""
    return all("\u4e00" <= ch <= "\u9fff" or ch.isalnum() or ch in "（）()" for ch in word)
