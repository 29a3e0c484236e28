"""The records that flow between the pipeline stages.

ingest:  seed file  -> Page (blocks)  -> ArticleSource (the blocks of one article)
extract: ArticleSource -> Article (machine fields)
content: Article + the editor's file -> Article as written to content/articles/
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BlockKind(StrEnum):
    """What a block of a newspaper page is."""

    BANNER = "banner"  # page or series banner, column slogan
    KICKER = "kicker"  # line above the headline (引题) or a label such as 数读
    HEADLINE = "headline"
    SUBTITLE = "subtitle"  # line below the headline (副题), series label
    BYLINE = "byline"  # □本报记者 夏元
    DATELINE = "dateline"  # paragraph opening with 本报讯(记者 颜安)
    SUBHEADING = "subheading"  # section heading inside an article
    PARAGRAPH = "paragraph"
    CAPTION = "caption"  # photo caption or photo credit
    SIGNATURE = "signature"  # author signature line such as 渝轩
    NOTE = "note"  # source note such as （数据来源：市经信委）


@dataclass(frozen=True)
class Block:
    """One logical block of a page: a line, or lines the layout broke apart and ingest re-joined."""

    kind: BlockKind
    text: str
    start_line: int
    """1-based line number of the first source line."""
    end_line: int
    """1-based line number of the last source line."""
    level: int = 0
    """For subheadings: 2 for a section heading, 3 for the line under it (deck)."""
    bold: tuple[str, ...] = ()
    """Spans the source marked **bold**."""


@dataclass(frozen=True)
class Page:
    """A seed file after reading, normalising, joining and classifying."""

    file: str
    """Seed file name, e.g. 000_6c2b654cce873b63.txt."""
    key: str
    """Short stable key of the seed, used in article ids."""
    blocks: tuple[Block, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleSource:
    """The blocks of one article cut out of a page, in reading order."""

    file: str
    key: str
    kind: str
    """news, brief, advertorial, photo, data or timeline."""
    head: tuple[Block, ...]
    """Banner, kicker, headline and subtitle blocks."""
    body: tuple[Block, ...]
    """Byline, dateline, paragraphs, subheadings, captions, signature, notes."""

    @property
    def start_line(self) -> int:
        return min(b.start_line for b in self.head + self.body)

    @property
    def end_line(self) -> int:
        return max(b.end_line for b in self.head + self.body)


@dataclass(frozen=True)
class Source:
    """Where an article comes from."""

    file: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class Figure:
    """A key figure (SPEC §5) as stored with its article."""

    id: str
    raw: str
    """Verbatim as printed, e.g. 399.9亿元."""
    value: float
    """In base units, e.g. 39990000000."""
    unit: str
    """Chinese base unit: 元, %, 个百分点, 台 …"""
    qualifier: str | None
    metric: str
    metric_en: str | None
    subject: str
    districts: tuple[str, ...]
    industries: tuple[str, ...]
    year: int | None
    quote: str
    """The source sentence; contains raw."""


@dataclass(frozen=True)
class Article:
    """The machine fields of one article, as extract produces them."""

    id: str
    source: Source
    kind: str
    title: str
    kicker: str = ""
    subtitle: str = ""
    banner: str = ""
    dateline: str = ""
    reporters: tuple[str, ...] = ()
    byline: str = ""
    signature: str = ""
    captions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    body: str = ""
    """Cleaned text as Markdown: paragraphs and ## subheadings."""
    anchor: str = ""
    """First words of the body, used to recognise the article again after a seed changes."""
    year: int | None = None
    """The year of the page, as inferred from the text (for 去年/今年)."""
    districts: tuple[str, ...] = ()
    """District-level slugs the article is about, most central first."""
    district_weights: dict | None = None
    """Every district mentioned, with how much weight its mentions carry."""
    zones: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()
    """Places outside Chongqing that the article names."""
    industries: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    summary: str = ""
    keywords: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
