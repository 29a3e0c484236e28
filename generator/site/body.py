"""Article bodies as HTML: figures marked where they stand, first mentions of places, industries and
companies linked.

Links are written as placeholders (`href="@@district/nanan@@"`) because the same body appears on
pages of both languages at different depths; `resolve_links` fills them in for one page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from ..reference import Reference

if TYPE_CHECKING:
    from .view import FigureView

_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_TAG = re.compile(r"(<[^>]+>)")
PLACEHOLDER = re.compile(r'<a class="mention" href="@@(\w+)/([\w-]+)@@">(.*?)</a>')


@dataclass(frozen=True)
class BodyLinker:
    targets: dict[str, tuple[str, str]]
    """Chinese name -> (kind, slug): kind is district, industry or company."""
    pattern: re.Pattern[str] | None

    @classmethod
    def build(cls, reference: Reference) -> BodyLinker:
        targets: dict[str, tuple[str, str]] = {}
        for company in reference.companies:
            for name in (company.zh, *company.aliases):
                targets.setdefault(name, ("company", company.slug))
        for place in reference.places:
            if place.kind != "other":
                for name in (place.zh, *place.aliases, *place.former):
                    targets.setdefault(name, ("district", place.slug))
        for industry in reference.industries:
            targets.setdefault(industry.zh, ("industry", industry.slug))
        names = sorted((n for n in targets if len(n) >= 2), key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(n) for n in names)) if names else None
        return cls(targets, pattern)

    def company_slug(self, name: str) -> str | None:
        kind, slug = self.targets.get(name, ("", ""))
        return slug if kind == "company" else None

    def body_html(self, markdown: str, figures: Iterable[FigureView]) -> str:
        html = _MARKDOWN.render(markdown)
        for figure in figures:
            html = _mark_figure(html, figure)
        return self._link_mentions(html)

    def _link_mentions(self, html: str) -> str:
        if self.pattern is None:
            return html
        seen: set[tuple[str, str]] = set()
        depth = 0
        parts = _TAG.split(html)
        for index, part in enumerate(parts):
            if part.startswith("<"):
                depth += 1 if re.match(r"<(a|h\d)\b", part) else -1 if re.match(r"</(a|h\d)>", part) else 0
                continue
            if depth == 0:
                parts[index] = self.pattern.sub(lambda m: self._link(m.group(0), seen), part)
        return "".join(parts)

    def _link(self, name: str, seen: set[tuple[str, str]]) -> str:
        target = self.targets[name]
        if target in seen:
            return name
        seen.add(target)
        return f'<a class="mention" href="@@{target[0]}/{target[1]}@@">{name}</a>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _mark_figure(html: str, figure: FigureView) -> str:
    start = html.find(_escape(figure.quote[:12])) if figure.quote else -1
    raw = _escape(figure.raw)
    for origin in (max(start, 0), 0):
        position = html.find(raw, origin)
        while position != -1 and _inside_mark(html, position):
            position = html.find(raw, position + 1)
        if position != -1:
            mark = f'<mark class="fig" id="fig-{figure.id}">{raw}</mark>'
            return html[:position] + mark + html[position + len(raw) :]
    return html


def _inside_mark(html: str, position: int) -> bool:
    opened = html.rfind("<mark", 0, position)
    return opened != -1 and html.rfind("</mark>", 0, position) < opened


def resolve_links(html: str, href: Callable[[str, str], str | None]) -> str:
    """Fill in the placeholders for one page; a target without a page becomes plain text."""

    def replace(match: re.Match[str]) -> str:
        url = href(match.group(1), match.group(2))
        return f'<a class="mention" href="{url}">{match.group(3)}</a>' if url else match.group(3)

    return PLACEHOLDER.sub(replace, html)
