"""Render: content/ -> site/ through Jinja templates, plus feeds and the open-data files (SPEC §3.4, §4, §6).

Gather first, then write: every output path and text is computed, collisions are reported, and the
site is written beside the old one and swapped in only when complete. The pages themselves are
described in generator/site/.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .content import StoredArticle
from .data import data_files
from .errors import BriefingError
from .forking import can_fork, fork_map
from .lexicon import Lexicon
from .reference import Reference
from .safety import swap_in
from .search import build_indexes, search_aliases
from .site import feeds
from .site.lang import LANGS, Links, Words
from .site.pages import PageSpec, language_pages, page_context
from .site.pdf import find_browser, print_pdf
from .site.strings import STRINGS
from .site.view import SiteData, build_site_data, name_words
from .translations import English, collect_messages, translation_status

PARALLEL_PAGES = 1500
"""From this many language pages on, pages and the search index are made in forked processes."""
PAGE_PARTS = 6


@dataclass(frozen=True)
class RenderOptions:
    base_url: str | None = None
    """Absolute URL of the site root, for canonical links, the sitemap and the feeds."""
    strict: bool = False
    """Fail when an English string is missing or stale."""
    pdf: bool = False
    """Also print zh/briefing.pdf and en/briefing.pdf with headless Chromium."""


@dataclass(frozen=True)
class RenderResult:
    pages: int
    articles: int
    figures: int
    english_missing: int = 0
    """Strings without current English (missing or stale)."""
    notes: tuple[str, ...] = ()
    """What the user should know about this render that is not a problem (no sitemap without --base-url)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per step (bench/scale.py prints them)."""


def render_site(
    articles: list[StoredArticle],
    reference: Reference,
    templates: Path,
    out: Path,
    english: English | None = None,
    options: RenderOptions | None = None,
    lexicon: Lexicon | None = None,
) -> RenderResult:
    english = english or English()
    options = options or RenderOptions()
    status = translation_status(collect_messages(articles, *name_words(reference)), english)
    untranslated = len(status.missing) + len(status.stale)
    if options.strict and untranslated:
        raise BriefingError(
            "content/translations/en.po",
            f"{untranslated} English string(s) missing or stale:\n  " + "\n  ".join(status.lines()[:40]),
            "run `briefing translations`, translate the listed entries, or build without --strict",
        )
    clock = Stopwatch()
    data = build_site_data(articles, reference, english)
    clock.lap("site data")
    lexicon = lexicon or Lexicon(reference.user_words())
    pages, indexes = render_pages_and_search(_environment(templates), data, options, lexicon, search_aliases(reference))
    clock.lap("pages+search")
    files = {**pages, **_machine_files(data, pages, options.base_url), **data_files(articles, reference, english)}
    clock.lap("data files, feeds")
    finish = _print_briefings if options.pdf else None
    _write_site(out, {**files, **indexes}, templates / "static", finish)
    clock.lap("write")
    html_pages = sum(1 for p in pages if p.endswith(".html"))
    notes = () if options.base_url else (feeds.NO_SITEMAP_NOTE,)
    return RenderResult(html_pages, len(data.articles), len(data.figures), untranslated, notes, clock.laps)


class Stopwatch:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def render_pages_and_search(
    env: Environment, data: SiteData, options: RenderOptions, lexicon: Lexicon, aliases: dict
) -> tuple[dict[str, str], dict[str, str]]:
    """The HTML pages and the search index. On a large site the pages are rendered in parts and the index
    built beside them, in forked processes (forking.py); the output is the same either way."""
    specs = language_pages(data)
    _check_collisions([s.path for s in specs])
    jobs = [(lang, spec) for lang in LANGS for spec in specs]
    if len(jobs) < PARALLEL_PAGES or not can_fork():
        pages = render_pages(env, data, options.base_url, options.pdf, jobs)
        return dict(sorted(pages.items())), build_indexes(data, lexicon, aliases)
    parts = [jobs[i :: PAGE_PARTS] for i in range(PAGE_PARTS)]

    def work(part: list | None) -> dict[str, str]:
        if part is None:
            return build_indexes(data, lexicon, aliases)
        return render_pages(env, data, options.base_url, options.pdf, part, bilingual=part is parts[0])

    *rendered, indexes = fork_map(work, [*parts, None])
    pages = {path: html for part in rendered for path, html in part.items()}
    return dict(sorted(pages.items())), indexes


def render_pages(
    env: Environment,
    data: SiteData,
    base_url: str | None,
    pdf: bool,
    jobs: list[tuple[str, PageSpec]],
    bilingual: bool = True,
) -> dict[str, str]:
    """The language pages that `jobs` names and, if `bilingual`, the landing page and 404.html."""
    pages: dict[str, str] = {}
    for lang, spec in jobs:
        context = {**page_context(spec, lang, data, base_url), "has_pdf": pdf}
        pages[f"{lang}/{spec.path}"] = env.get_template(spec.template).render(**context)
    if not bilingual:
        return pages
    bilingual_pages = (("index.html", "landing.html", ""), ("404.html", "404.html", not_found_root(base_url)))
    for name, template, root in bilingual_pages:
        context = {
            "zh": Words("zh", STRINGS["zh"]),
            "en": Words("en", STRINGS["en"]),
            "to": Links(root, "zh", data),
            "data": data,
            "base_url": base_url,
            "find_root": name == "404.html" and not base_url,
        }
        pages[name] = env.get_template(template).render(**context)
    return pages


def not_found_root(base_url: str | None) -> str:
    """Where 404.html's links start. GitHub Pages serves 404.html for a missing path at any depth
    (/repo/zh/no/such/page), so links relative to the file itself break there. With --base-url the
    site's path is known and the links are root-absolute ('/repo/zh/index.html'): they work at every
    depth on the server. Without it they are relative to the site root, which is right at the root
    and from disk, and a small inline script in 404.html finds the root from the address (see the
    template) and sets <base href> to it."""
    if not base_url:
        return ""
    path = urlsplit(base_url).path.strip("/")
    return f"/{path}/" if path else "/"


def _machine_files(data: SiteData, pages: dict[str, str], base_url: str | None) -> dict[str, str]:
    files = {"robots.txt": feeds.robots(base_url), ".nojekyll": "\n"}
    if base_url:
        files["sitemap.xml"] = feeds.sitemap([p for p in pages if p != "404.html"], base_url)
    for lang in LANGS:
        files[f"{lang}/feed.xml"] = feeds.atom(data, lang, STRINGS[lang]["site"], base_url)
    return files


def _check_collisions(paths: list[str]) -> None:
    seen = [p for p, n in Counter(paths).items() if n > 1]
    if seen:
        raise BriefingError(
            "content/", f"two pages would be written to {sorted(set(seen))}", "make the slugs or article ids unique"
        )


def _print_briefings(staging: Path) -> None:
    browser = find_browser()
    for lang in LANGS:
        print_pdf(browser, staging / lang / "briefing" / "index.html", staging / lang / "briefing.pdf")


def _environment(templates: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _write_site(out: Path, files: dict[str, str], static: Path, finish: Callable[[Path], None] | None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for relative, text in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if static.is_dir():
            shutil.copytree(static, staging / "static")
        if finish:
            finish(staging)
        staging.chmod(0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    """Replace the old site by the new one in one step (see safety.swap_in)."""
    swap_in(staging, out)
