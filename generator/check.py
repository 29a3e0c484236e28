"""`briefing check`: verify a built site (SPEC §8): links, language pairs, Chinese on English pages, data files.

Links are resolved three ways: with the site at a domain root, under a project sub-path (/repo/),
and from disk (file://, where a directory does not open its index.html). A link that leaves the site
or names a missing file is a break. 404.html is the exception: served for a missing path at any
depth, it may link root-absolute under the --base-url path (see render.not_found_root).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .translations import has_chinese

SUB_PATH = "/repo/"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ARTICLE_KEYS = {"id", "source", "kind", "title", "summary", "districts", "industries", "companies", "url"}
FIGURE_KEYS = {
    "id",
    "article",
    "raw",
    "value",
    "unit",
    "qualifier",
    "metric",
    "subject",
    "districts",
    "industries",
    "year",
    "quote",
}
PLACE_KEYS = {"slug", "name", "kind", "parent"}


@dataclass
class PageFacts(HTMLParser):
    """What the checks need from one HTML page: links, ids, html lang, hreflang alternates, unmarked Chinese."""

    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    html_lang: str | None = None
    alternates: dict[str, str] = field(default_factory=dict)
    unmarked: list[str] = field(default_factory=list)
    _stack: list[tuple[str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        lang = values.get("lang") or (self._stack[-1][1] if self._stack else self.html_lang)
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "link" and values.get("rel") == "alternate" and values.get("hreflang"):
            self.alternates[values["hreflang"] or ""] = values.get("href") or ""
        for name in ("title", "alt", "aria-label", "content"):
            if values.get(name) and has_chinese(values[name] or "") and not _is_zh(lang):
                self.unmarked.append(f"<{tag} {name}={values[name]!r}>")
        if tag not in _VOID:
            self._stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        lang = self._stack[-1][1] if self._stack else self.html_lang
        if has_chinese(data) and not _is_zh(lang) and not (self._stack and self._stack[-1][0] in ("script", "style")):
            self.unmarked.append(data.strip()[:60])


def _is_zh(lang: str | None) -> bool:
    return bool(lang) and lang.lower().startswith("zh")


def read_page(path: Path) -> PageFacts:
    facts = PageFacts()
    facts.feed(path.read_text("utf-8"))
    facts.close()
    return facts


def unmarked_chinese(path: Path) -> list[str]:
    """Chinese text on a page that is not inside an element marked lang="zh-…"."""
    return read_page(path).unmarked


def check_site(site: Path) -> list[str]:
    """Every problem found, as 'page: problem' lines; empty when the site is sound."""
    if not (site / "index.html").exists():
        return [f"{site}: no index.html; build the site first (briefing build)"]
    pages = {p.relative_to(site).as_posix(): read_page(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for page, facts in pages.items():
        problems += [f"{page}: {p}" for p in _link_problems(site, page, facts, pages)]
    problems += _pair_problems(pages)
    problems += _data_problems(site)
    return problems


def _link_problems(site: Path, page: str, facts: PageFacts, pages: dict[str, PageFacts]) -> Iterator[str]:
    for href in dict.fromkeys(facts.links):
        parts = urlsplit(href)
        if parts.scheme or href.startswith("//") or href.startswith(("mailto:", "#")) and not href[1:]:
            continue
        if href.startswith("#"):
            if href[1:] not in facts.ids:
                yield f"broken anchor {href}"
            continue
        if page == "404.html" and href.startswith("/"):
            yield from _not_found_link(site, href)  # built with --base-url: root-absolute under its path
            continue
        if href.startswith("/"):
            yield f"root-absolute link {href} breaks under a sub-path and from disk; use a relative link"
            continue
        shorter = _shorter_link(page, parts.path)
        if shorter:
            yield f"link {href} climbs to the site root and back; use {shorter}"
        for mode, base in (("at the root", "/"), ("under a sub-path", SUB_PATH)):
            resolved = urlsplit(urljoin(base + page, href)).path
            if not resolved.startswith(base):
                yield f"link {href} leaves the site {mode}"
                break
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
            if parts.path.endswith("/") or parts.path == "":
                yield f"link {href} names a directory: it does not open from disk (file://); link its index.html"
            elif not (site / target).is_file():
                yield f"broken link {href} (no {target})"
            elif parts.fragment and target in pages and parts.fragment not in pages[target].ids:
                yield f"broken anchor {href} (no id {parts.fragment!r} in {target})"


def _shorter_link(page: str, path: str) -> str | None:
    """The shorter relative form of a link that climbs above a folder it then re-enters, else None."""
    if not path.startswith("../"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    shortest = posixpath.relpath(target, posixpath.dirname(page) or ".")
    return shortest if len(shortest) < len(path) else None


def _not_found_link(site: Path, href: str) -> Iterator[str]:
    """404.html is served at any depth, so with --base-url it links root-absolute ('/repo/zh/index.html'):
    fine when, below the site's own path, the link names a file of the site."""
    segments = unquote(urlsplit(href).path).strip("/").split("/")
    if not any((site / "/".join(segments[i:])).is_file() for i in range(len(segments))):
        yield f"broken link {href} (names no file of the site below any site path)"


def _pair_problems(pages: dict[str, PageFacts]) -> Iterator[str]:
    for page, facts in pages.items():
        lang = page.split("/", 1)[0]
        if lang not in ("zh", "en"):
            continue
        other = ("en" if lang == "zh" else "zh") + page[2:]
        expected = "zh-Hans" if lang == "zh" else "en"
        if other not in pages:
            yield f"{page}: no counterpart {other}"
        if facts.html_lang != expected:
            yield f"{page}: <html lang> is {facts.html_lang!r}, expected {expected!r}"
        counterpart = facts.alternates.get("en" if lang == "zh" else "zh-Hans")
        if not counterpart or posixpath.normpath(posixpath.join(posixpath.dirname(page), counterpart)) != other:
            yield f"{page}: no <link rel=alternate hreflang> to {other}"
        if counterpart and not any(
            posixpath.normpath(posixpath.join(posixpath.dirname(page), h)) == other
            for h in facts.links
            if not h.startswith("#")
        ):
            yield f"{page}: no visible link to {other}"
        if lang == "en" and facts.unmarked:
            yield f'{page}: Chinese text not marked lang="zh-Hans": {facts.unmarked[0]!r}'


def _data_problems(site: Path) -> Iterator[str]:
    for name, keys in (
        ("articles.json", ARTICLE_KEYS),
        ("figures.json", FIGURE_KEYS),
        ("districts.json", PLACE_KEYS),
        ("industries.json", PLACE_KEYS),
    ):
        path = site / "data" / name
        try:
            records = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            yield f"data/{name}: unreadable ({error})"
            continue
        for record in records if isinstance(records, list) else [None]:
            if not isinstance(record, dict) or set(record) != keys:
                yield f"data/{name}: record {record!r:.80} does not have the keys {sorted(keys)}"
                break
            for value in (record.get("title"), record.get("summary"), record.get("metric"), record.get("name")):
                if isinstance(value, dict) and value.get("en") and has_chinese(value["en"]):
                    yield f"data/{name}: {record.get('id') or record.get('slug')}: Chinese in an English field"
    if not (site / "data" / "figures.csv").read_bytes().startswith(b"\xef\xbb\xbf"):
        yield "data/figures.csv: no UTF-8 byte order mark"
