"""What a template uses to link and to word things on one page: `to` (relative URLs) and `w` (language).

Every internal link is relative to the page, as short as it can be, and names its file
(`../districts/nanan/index.html`, not `../../../en/districts/nanan/index.html`), so
the site works at a domain root, under a project path and opened from disk (file:// does not turn a
directory into its index.html).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from markupsafe import Markup, escape

from ..english import format_number
from .body import resolve_links
from .view import Name, SiteData

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}


@functools.lru_cache(maxsize=65536)
def relative(path: str, folder: str) -> str:
    """posixpath.relpath for site paths, without its file-system calls: it runs for every link of every page."""
    to, start = path.split("/"), folder.split("/")
    common = 0
    while common < len(start) and common < len(to) - 1 and start[common] == to[common]:
        common += 1
    return "../" * (len(start) - common) + "/".join(to[common:])


def other(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


@dataclass(frozen=True)
class Links:
    here: str
    """The page's folder inside the site ('en/articles/001-04'; '' at the root), or a root-absolute
    prefix ending in '/' ('/repo/') for a page served at any depth (404.html)."""
    lang: str
    data: SiteData

    def to(self, path: str) -> str:
        """The shortest relative link from this page to a file of the site ('../../districts/nanan/index.html')."""
        if self.here.startswith("/"):
            return self.here + path
        if not self.here:
            return path
        return relative(path, self.here)

    @property
    def root(self) -> str:
        """From the page to the site root: '', '../', '../../' … (for scripts that build links)."""
        return self.here if self.here.startswith("/") else "../" * (self.here.count("/") + 1 if self.here else 0)

    @property
    def article_prefix(self) -> str | None:
        """How this page's links to articles start ('../articles/', '../../articles/', '' in the articles
        index): the same for every page at its depth (incremental.Fragments); None for a page of one
        article (it links to its own folder differently) and for pages linked from any depth (404.html)."""
        if not self.here or self.here.startswith("/") or self.here.startswith(f"{self.lang}/articles/"):
            return None
        link = self.article("\0")
        return link[: link.index("\0")]

    def page(self, name: str = "", lang: str | None = None) -> str:
        folder = f"{lang or self.lang}/" + (f"{name}/" if name else "")
        return self.to(folder + "index.html")

    def article(self, article_id: str) -> str:
        return self.page(f"articles/{article_id}")

    def figure(self, figure_id: str) -> str:
        return self.article(self.data.figures[figure_id].article) + f"#fig-{figure_id}"

    def district(self, slug: str) -> str | None:
        return self.page(f"districts/{slug}") if slug in self.data.places else None

    def industry(self, slug: str) -> str | None:
        return self.page(f"industries/{slug}") if slug in self.data.industry_pages else None

    def company(self, slug: str | None) -> str | None:
        return self.page(f"companies/{slug}") if slug and slug in self.data.companies else None

    def static(self, name: str) -> str:
        return self.to(f"static/{name}")

    def file(self, name: str) -> str:
        return self.to(name)

    def mention(self, kind: str, slug: str) -> str | None:
        return {"district": self.district, "industry": self.industry, "company": self.company}[kind](slug)

    def body(self, html: str) -> Markup:
        return Markup(resolve_links(html, self.mention))


@dataclass(frozen=True)
class Words:
    lang: str
    t: dict[str, str]

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    def name(self, name: Name) -> Markup:
        """The name in the page's language; on English pages a missing English shows the marked Chinese."""
        if self.lang == "zh" or name.en is not None:
            return escape(name.zh if self.lang == "zh" else name.en)
        return self.zh(name.zh)

    def plain(self, name: Name) -> str:
        """For attributes and <title>: English, or the pending notice (never unmarked Chinese)."""
        if self.lang == "zh":
            return name.zh
        return name.en if name.en is not None else self.t["pending_field"].strip("()")

    def zh(self, text: str) -> Markup:
        """Chinese text as it must appear on any page: marked with its language on English pages."""
        if self.lang == "zh" or not text:
            return escape(text)
        return Markup('<span lang="zh-Hans">{}</span>').format(text)

    def fmt(self, key: str, **values: object) -> str:
        """A UI string with values; `<key>_one` when the count `n` is 1 (1 article, 2 articles)."""
        if values.get("n") == 1 and f"{key}_one" in self.t:
            key = f"{key}_one"
        return self.t[key].format(**values)

    def date(self, day: date) -> str:
        """'2023年10月12日' / '12 October 2023'."""
        if self.lang == "zh":
            return format_date(day, "y年M月d日", locale="zh_Hans_CN")
        return format_date(day, "d MMMM y", locale="en")

    def num(self, value: float) -> str:
        return format_number(value, locale="zh_Hans_CN" if self.lang == "zh" else "en")
