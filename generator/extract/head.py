"""The fields an article takes from its layout: headline, kicker, byline, reporters, captions, body."""

from __future__ import annotations

import re

from ..model import Article, ArticleSource, Block, BlockKind, Source

_REPORTER_ROLES = re.compile(r"(?:首席)?记者|实习生|通讯员|特约撰稿人")
_DATELINE_PREFIX = re.compile(
    r"^(本报讯\s*[（(][^）)]*[）)]|本报讯|本报[\u4e00-\u9fff]{2,4}电|(?:新华社|中新社)[^，。]{2,16}电)"
)
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_MARKDOWN_START = re.compile(r"^([#>+*-]|\d+[.)])")
_ANCHOR_LENGTH = 40


def extract_head(source: ArticleSource, article_id: str) -> Article:
    """The fields an article takes from its layout: titles, credits, captions, body."""
    head = {kind: _texts(source.head, kind) for kind in BlockKind}
    body = source.body
    dateline_block = next((b for b in body if b.kind == BlockKind.DATELINE), None)
    bylines = _texts(body, BlockKind.BYLINE)
    dateline = _dateline_prefix(dateline_block.text) if dateline_block else ""
    return Article(
        id=article_id,
        source=Source(source.file, source.start_line, source.end_line),
        kind=source.kind,
        title=" ".join(head[BlockKind.HEADLINE]) or _fallback_title(body),
        kicker=" ".join(head[BlockKind.KICKER]),
        subtitle=" ".join(head[BlockKind.SUBTITLE]),
        banner=" ".join(head[BlockKind.BANNER]),
        dateline=dateline,
        reporters=tuple(_reporters(bylines + ([dateline] if dateline else []))),
        byline=" ".join(bylines),
        signature=" ".join(_texts(body, BlockKind.SIGNATURE)),
        captions=tuple(_texts(body, BlockKind.CAPTION)),
        notes=tuple(_texts(body, BlockKind.NOTE)),
        body=body_markdown(body),
        anchor=_anchor(body),
    )


def body_markdown(blocks: tuple[Block, ...]) -> str:
    """Paragraphs and sub-headings as Markdown; captions, bylines and signatures stay out."""
    parts = []
    for block in blocks:
        if block.kind == BlockKind.SUBHEADING:
            parts.append("#" * max(block.level, 2) + " " + block.text)
        elif block.kind in (BlockKind.PARAGRAPH, BlockKind.DATELINE):
            parts.append(_paragraph_markdown(block))
    return "\n\n".join(parts) + "\n" if parts else ""


def _paragraph_markdown(block: Block) -> str:
    text = block.text
    for span in dict.fromkeys(block.bold):
        text = text.replace(span, f"**{span}**", 1)
    return "\\" + text if _MARKDOWN_START.match(text) else text


def _texts(blocks: tuple[Block, ...], kind: BlockKind) -> list[str]:
    return [b.text for b in blocks if b.kind == kind]


def _dateline_prefix(text: str) -> str:
    match = _DATELINE_PREFIX.match(text)
    return match.group(1) if match else ""


def _reporters(credits: list[str]) -> list[str]:
    """Names after 记者/实习生/通讯员 in bylines and datelines, in order, without repeats."""
    names: list[str] = []
    for credit in credits:
        inner = re.sub(r"^(□|本报讯)\s*[（(]?|[）)]$", "", credit)
        for part in _REPORTER_ROLES.split(inner)[1:]:
            for name in _NAME.findall(part.split("）")[0]):
                if name not in names:
                    names.append(name)
    return names


def _first_paragraph(body: tuple[Block, ...]) -> str:
    for block in body:
        if block.kind == BlockKind.DATELINE:
            rest = block.text[len(_dateline_prefix(block.text)) :]
            if rest:
                return rest
        if block.kind == BlockKind.PARAGRAPH:
            return block.text
    return ""


def _anchor(body: tuple[Block, ...]) -> str:
    return _first_paragraph(body)[:_ANCHOR_LENGTH]


def _fallback_title(body: tuple[Block, ...]) -> str:
    """An article printed without a headline is titled by its first sentence."""
    first = _first_paragraph(body) or next((b.text for b in body), "")
    sentence = re.split(r"(?<=[。！？])", first, maxsplit=1)[0]
    return sentence if len(sentence) <= 40 else sentence[:39] + "…"
