"""`briefing check`: verify a built site (SPEC §8): links, language pairs, Chinese on English pages, data files.

Links are resolved three ways: with the site at a domain root, under a project sub-path (/repo/),
and from disk (file://, where a directory does not open its index.html). A link that leaves the site
or names a missing file is a break. 404.html is the exception: served for a missing path at any
depth, it may link root-absolute under the --base-url path (see render.not_found_root).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

from .translations import has_chinese

SUB_PATH = "/repo/"
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
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


def read_site(site: Path) -> dict[str, PageFacts]:
    """Every HTML page of a built site by its path relative to the site root."""
    return {p.relative_to(site).as_posix(): read_page(p) for p in sorted(site.rglob("*.html"))}


def check_site(site: Path) -> list[str]:
    """Every problem found, as 'page: problem' lines; empty when the site is sound."""
    if not (site / "index.html").exists():
        return [f"{site}: no index.html; build the site first (briefing build)"]
    pages = read_site(site)
    problems = link_problems(site, pages)
    problems += pair_problems(pages)
    problems += sitemap_problems(site, pages)
    problems += feed_problems(site, pages)
    problems += list(_data_problems(site))
    return problems


def link_problems(site: Path, pages: dict[str, PageFacts]) -> list[str]:
    """Internal links and #anchors that do not resolve (at the root, under a sub-path, from disk)."""
    return [f"{page}: {p}" for page, facts in pages.items() for p in _link_problems(site, page, facts, pages)]


def pair_problems(pages: dict[str, PageFacts]) -> list[str]:
    """Language pairs: each zh/en page has its counterpart, hreflang alternates both ways, a visible switch."""
    return list(_pair_problems(pages))


def sitemap_problems(site: Path, pages: dict[str, PageFacts]) -> list[str]:
    """sitemap.xml lists every page but 404.html, and nothing else. A site built without --base-url has
    none (a sitemap needs absolute URLs); then robots.txt must not name one either."""
    if not (site / "sitemap.xml").exists():
        robots = site / "robots.txt"
        named = robots.exists() and "Sitemap:" in robots.read_text("utf-8")
        return ["robots.txt names a sitemap, but sitemap.xml is missing"] if named else []
    try:
        root = ElementTree.parse(site / "sitemap.xml").getroot()
    except (OSError, ElementTree.ParseError) as error:
        return [f"sitemap.xml: unreadable ({error})"]
    locs = [(loc.text or "").strip() for loc in root.iter(f"{{{SITEMAP_NS}}}loc")]
    listed = locs
    if any(urlsplit(loc).scheme for loc in locs):  # absolute URLs under --base-url
        base = posixpath.commonprefix(locs).rpartition("/")[0] + "/"
        listed = [loc[len(base) :] for loc in locs]
        listed = [loc + "index.html" if loc.endswith("/") or not loc else loc for loc in listed]  # pretty URLs
    problems = [f"sitemap.xml: lists {loc}, which is not a page" for loc in listed if loc not in pages]
    problems += [f"sitemap.xml: does not list {page}" for page in pages if page != "404.html" and page not in listed]
    problems += [f"sitemap.xml: lists {loc} more than once" for loc in sorted(set(listed)) if listed.count(loc) > 1]
    return problems


def feed_problems(site: Path, pages: dict[str, PageFacts]) -> list[str]:
    """Each language's Atom feed parses and has id, title, updated; every entry too, and a link to a page."""
    problems = []
    for lang in ("zh", "en"):
        name = f"{lang}/feed.xml"
        try:
            feed = ElementTree.parse(site / name).getroot()
        except (OSError, ElementTree.ParseError) as error:
            problems.append(f"{name}: not parseable XML ({error})")
            continue
        if feed.tag != f"{{{ATOM_NS}}}feed":
            problems.append(f"{name}: root element is {feed.tag}, not an Atom feed")
            continue
        problems += [f"{name}: {p}" for p in _atom_required(feed)]
        entries = feed.findall(f"{{{ATOM_NS}}}entry")
        if not entries:
            problems.append(f"{name}: no entries")
        for number, entry in enumerate(entries, 1):
            problems += [f"{name}: entry {number}: {p}" for p in _atom_required(entry)]
            links = [link.get("href") or "" for link in entry.findall(f"{{{ATOM_NS}}}link")]
            if not links:
                problems.append(f"{name}: entry {number}: no link")
            for href in links:
                target = _feed_target(feed, lang, href)
                if target not in pages:
                    problems.append(f"{name}: entry {number}: link {href} is not a page of the site")
    return problems


def _feed_target(feed: ElementTree.Element, lang: str, href: str) -> str:
    """The site path an entry link names: relative to the feed, or absolute under the feed's own base URL."""
    if not urlsplit(href).scheme:
        return posixpath.normpath(posixpath.join(lang, urlsplit(href).path))
    own = next((link.get("href") or "" for link in feed.findall(f"{{{ATOM_NS}}}link") if link.get("rel") == "self"), "")
    base = own[: -len(f"{lang}/feed.xml")] if own.endswith(f"{lang}/feed.xml") else ""
    path = href[len(base) :] if base and href.startswith(base) else href
    return path + "index.html" if path.endswith("/") else path  # directory URLs under --base-url


def _atom_required(element: ElementTree.Element) -> Iterator[str]:
    for child in ("id", "title", "updated"):
        found = element.find(f"{{{ATOM_NS}}}{child}")
        if found is None or not (found.text or "").strip():
            yield f"no <{child}>"
        elif child == "updated" and not RFC3339.fullmatch(found.text.strip()):
            yield f"<updated> {found.text!r} is not an RFC 3339 date-time"


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
