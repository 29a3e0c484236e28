"""Render: content/ -> site/ through Jinja templates, plus feeds and the open-data files (SPEC §3.4, §4, §6).

Gather first, then write: every output path and text is computed, collisions are reported, and the
site is written beside the old one and swapped in only when complete. The pages themselves are
described in generator/site/.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .content import StoredArticle
from .data import data_files
from .errors import BriefingError
from .forking import cores, fork_each, started
from .lexicon import Lexicon
from .reference import Reference
from .safety import swap_in
from .search import Vocabulary, index_files, search_vocabulary
from .site import feeds
from .site.incremental import (
    Digests,
    FragmentRecord,
    Fragments,
    Identity,
    PageRecord,
    Reads,
    RenderMemory,
    global_key,
    page_key,
    tracked,
)
from .site.lang import LANGS, Links, Words
from .site.pages import PageSpec, language_pages, page_context
from .site.pdf import find_browser, print_pdf
from .site.strings import STRINGS
from .site.view import SiteData, build_site_data, name_words
from .translations import English, collect_messages, translation_status


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
    pages_rendered: int = 0
    """Language pages rendered; the others were taken over unchanged from the old site."""
    files_written: int = 0
    """Files whose bytes changed."""


def render_site(
    articles: list[StoredArticle],
    reference: Reference,
    templates: Path,
    out: Path,
    english: English | None = None,
    options: RenderOptions | None = None,
    lexicon: Lexicon | None = None,
    cache: Path | None = None,
) -> RenderResult:
    """`cache` (content/.cache): where the page records and article views (render/) and the search
    index's cut texts (search/) are kept for the next build; without it, everything is made anew."""
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
    data = build_site_data(articles, reference, english, cache / "render" / "views.pickle" if cache else None)
    lexicon = lexicon or Lexicon(reference.user_words())
    key = global_key(templates, data, options)
    memory = RenderMemory(cache / "render" if cache else None, out, key)
    clock.lap("site data")
    with staged_site(out) as site:
        # the same data as the site in `out` was made from: its pages and index are right if untouched
        pages_kept = memory.data == data.digest and site.keep_all(memory.files)
        search_kept = site.keep_all(memory.kept("search", data.digest))
        previous, fragments = ({}, Fragments()) if pages_kept else (memory.pages, Fragments(memory.fragments))
        settled = memory.settled(data.article_keys)
        render_cache = cache / "render" if cache else None
        work = PageWork(_environment(templates), data, options, key, previous, fragments, settled, render_cache)
        data_kept = site.keep_all(memory.kept("data", data.digest))
        chunks = render_cache / "data.pickle" if render_cache else None
        search_cache = cache / "search" if cache else None
        rendered, outputs = render_outputs(
            work,
            site,
            search=None if search_kept else SearchWork(lexicon, search_vocabulary(reference), search_cache),
            make_data=None if data_kept else lambda: data_files(articles, reference, english, chunks),
            pages=not pages_kept,
        )
        if pages_kept:
            rendered.paths = sorted([*rendered.paths, *memory.files])
        clock.lap("pages+search+data")
        clock.laps.update({f"  {step}": seconds for step, seconds in rendered.seconds.items()})
        pages_written = site.written
        outputs.setdefault("search", memory.outputs.get("search", {}))
        outputs.setdefault("data", memory.outputs.get("data", {}))
        site.put_all(_machine_files(data, rendered.paths, options.base_url))
        site.put_folder(templates / "static", "static")
        clock.lap("feeds")
        if options.pdf:
            _print_briefings(site.staging)
        site.commit()
    memory.save(None if pages_kept else rendered.records, rendered.fragments, data, outputs)
    clock.lap("write")
    html_pages = sum(1 for p in rendered.paths if p.endswith(".html"))
    notes = () if options.base_url else (feeds.NO_SITEMAP_NOTE,)
    return RenderResult(
        html_pages,
        len(data.articles),
        len(data.figures),
        untranslated,
        notes,
        clock.laps,
        pages_rendered=rendered.rendered,
        files_written=rendered.written + site.written - pages_written,
    )


class Stopwatch:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


@dataclass(frozen=True)
class PageWork:
    """What rendering any page needs; inherited by forked workers."""

    env: Environment
    data: SiteData
    options: RenderOptions
    key: str
    """global_key: templates, code, strings, options."""
    previous: dict[str, PageRecord]
    """The page records of the site in the output folder now."""
    fragments: Fragments = field(default_factory=Fragments)
    settled: frozenset[str] = frozenset()
    """Articles unchanged since the last build (incremental.Digests)."""
    cache: Path | None = None
    """content/.cache/render: what is kept between builds (the related articles)."""


@dataclass
class Rendered:
    records: dict[str, PageRecord]
    """Language pages (path -> what it read), for the next build."""
    paths: list[str]
    """Every page written, sorted."""
    rendered: int = 0
    """Pages rendered (the others were taken over from the old site)."""
    written: int = 0
    """Files whose bytes changed."""
    fragments: dict[tuple, FragmentRecord] = field(default_factory=dict)
    """The fragments rendered (incremental.Fragments); the others were kept from the last build."""
    files: dict[str, Identity] = field(default_factory=dict)
    """Other files written (the search index, the data files)."""
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, part: Rendered) -> None:
        """Take in another part's pages, fragments and files (`paths` sorted after the last part)."""
        self.records.update(part.records)
        self.paths += part.paths
        self.rendered += part.rendered
        self.written += part.written
        self.fragments.update(part.fragments)  # a fragment both workers made: one is enough (the same)
        self.files.update(part.files)


@dataclass(frozen=True)
class SearchWork:
    """What making the search index needs besides the site data."""

    lexicon: Lexicon
    vocabulary: Vocabulary
    cache: Path | None = None
    """content/.cache/search: the terms and documents kept between builds."""


SEARCH, DATA = "search index", "data files"


def render_outputs(
    work: PageWork,
    site: StagedSite,
    search: SearchWork | None = None,
    make_data: Callable[[], dict[str, str]] | None = None,
    pages: bool = True,
) -> tuple[Rendered, dict[str, dict[str, Identity]]]:
    """The HTML pages (unless `pages` is false), the search index (with `search`) and the data files
    (with `make_data`), written into the staged site; the files of the index and of the data files
    ("search", "data": path -> identity). Pages whose reads are unchanged are taken over from the old
    site first; the others are dealt into parts, rendered beside the index and the data files in forked
    processes (forking.py); the output is the same either way. `Rendered.seconds`: how long each took
    (the parts' times summed)."""
    specs = language_pages(work.data, work.cache / "related.pickle" if work.cache else None) if pages else []
    _check_collisions([s.path for s in specs])
    digests = Digests(work.data, work.settled)  # forked workers inherit the digests the check computed

    def written_by(make: Callable[[], Iterable[tuple[str, str]]]) -> Rendered:
        """Files written where they are made: their text does not travel between processes."""
        written = site.written
        files = {path: site.put(path, text) for path, text in make()}
        return Rendered({}, [], written=site.written - written, files=files)

    def run(task: str | list) -> tuple[Rendered, float]:
        begun = time.perf_counter()
        if task == SEARCH:
            assert search is not None
            result = written_by(lambda: index_files(work.data, search.lexicon, search.vocabulary, search.cache))
        elif task == DATA:
            assert make_data is not None
            result = written_by(lambda: make_data().items())
        else:
            result = render_pages(work, site, task, digests, bilingual=task is parts[0])
        return result, time.perf_counter() - begun

    # the index and the data files begin first, each in a process of its own (while the pages are checked,
    # one core would idle); the pages to render follow, by language (one process each on two cores;
    # `language_parts`), and the system shares the cores among them
    early: list[str | list] = [*([SEARCH] if search else []), *([DATA] if make_data else [])]
    done, outputs = Rendered({}, [], seconds={"pages checked": 0.0, "pages": 0.0}), {}

    def take(task: str | list, result: Rendered, seconds: float) -> None:
        """Each part is let go once taken in (at 2,000 pages, holding every part until they were joined
        was 330 MB of results for 130 MB of records)."""
        done.add(result)
        if isinstance(task, str):
            done.seconds[task] = seconds
            outputs["search" if task == SEARCH else "data"] = result.files
        else:
            done.seconds["pages"] += seconds

    with started(run, early) as early_results:
        checking = time.perf_counter()
        kept, jobs = keep_unchanged(work, site, [(lang, spec) for lang in LANGS for spec in specs], digests)
        done.seconds["pages checked"] = time.perf_counter() - checking
        done.add(kept)
        parts = language_parts(jobs, max(1, cores() // 2))
        for task, (result, seconds) in zip(parts, fork_each(run, parts), strict=True):
            take(task, result, seconds)
            del result
        for task, (result, seconds) in zip(early, early_results(), strict=True):
            take(task, result, seconds)
    done.paths.sort()
    return done, outputs


def language_parts(jobs: list[tuple[str, PageSpec]], per_language: int) -> list[list[tuple[str, PageSpec]]]:
    """The pages to render, dealt by language into `per_language` parts each: the pages of one language share
    their fragments (a figure's cells, an article's card; `incremental.Fragments`), which a worker renders once
    for all the pages it makes, so that parts of mixed languages made most fragments in both workers (2,000
    pages in two workers: 28-30 s of work, against 19 s for the two languages apart)."""
    parts = []
    for lang in LANGS:
        mine = [job for job in jobs if job[0] == lang]
        parts += [part for part in (mine[i::per_language] for i in range(per_language)) if part]
    return parts or [[]]


def keep_unchanged(
    work: PageWork, site: StagedSite, jobs: list[tuple[str, PageSpec]], digests: Digests
) -> tuple[Rendered, list[tuple[str, PageSpec]]]:
    """Take over from the old site the pages whose key, recorded reads and file are unchanged
    (incremental.py); the jobs of the others."""
    kept, todo = Rendered({}, []), []
    for lang, spec in jobs:
        path = f"{lang}/{spec.path}"
        before = work.previous.get(path)
        if (
            before
            and before.key == page_key(work.key, lang, spec, work.data)
            and site.still_there(path, before.file)
            and digests.unchanged(before)
            and all(work.fragments.still(fragment, digests) for fragment in before.fragments)
        ):
            site.keep(path)
            kept.records[path] = before
            kept.paths.append(path)
        else:
            todo.append((lang, spec))
    return kept, todo


def render_pages(
    work: PageWork, site: StagedSite, jobs: list[tuple[str, PageSpec]], digests: Digests, bilingual: bool = True
) -> Rendered:
    """Render and write the language pages that `jobs` names and, if `bilingual`, the landing page and
    404.html."""
    done, written = Rendered({}, []), site.written
    for lang, spec in jobs:
        path = f"{lang}/{spec.path}"
        reads = Reads()
        context = page_context(spec, lang, tracked(work.data, reads), work.options.base_url)
        fragment = work.fragments.for_page(reads, lang, context["to"], digests)
        html = work.env.get_template(spec.template).generate(**context, has_pdf=work.options.pdf, fragment=fragment)
        file = site.put_chunks(path, html)
        done.records[path] = digests.record(page_key(work.key, lang, spec, work.data), reads, file)
        done.rendered += 1
        done.paths.append(path)
    if bilingual:
        for path, html in bilingual_pages(work.env, work.data, work.options.base_url).items():
            site.put(path, html)
            done.paths.append(path)
    done.written = site.written - written
    done.fragments, work.fragments.new = work.fragments.new, {}  # a worker renders several parts
    return done


def bilingual_pages(env: Environment, data: SiteData, base_url: str | None) -> dict[str, str]:
    """The landing page and 404.html, both languages on one page."""
    pages = {}
    both = (("index.html", "landing.html", ""), ("404.html", "404.html", not_found_root(base_url)))
    for name, template, root in both:
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


class StagedSite:
    """The new site, written beside the old one and swapped in whole (safety.swap_in). A file whose
    bytes are those of the old site's file is a hard link to it, so unchanged files keep their
    identity and time and nothing is written for them."""

    def __init__(self, out: Path) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.out = out
        self.staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
        self.written = 0
        self._folders: set[Path] = set()

    def put(self, relative: str, text: str | bytes) -> Identity:
        """Write one file (or link the old one if it has these bytes); its (size, mtime_ns, inode)."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        old = self.out / relative
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                return self.keep(relative)
        except OSError:
            pass
        target = self._target(relative)
        target.write_bytes(data)
        self.written += 1
        return _identity(target.stat())

    def put_chunks(self, relative: str, chunks: Iterable[str]) -> Identity:
        """`put` for text made piece by piece (a page from Jinja's `generate`): written as the pieces come,
        so that a page of the whole archive is never whole in memory."""
        target = self._target(relative)
        with target.open("w", encoding="utf-8", newline="") as stream:
            stream.writelines(chunks)
        try:
            if filecmp.cmp(self.out / relative, target, shallow=False):
                target.unlink()
                return self.keep(relative)
        except OSError:
            pass
        self.written += 1
        return _identity(target.stat())

    def put_all(self, files: dict[str, str]) -> dict[str, Identity]:
        return {path: self.put(path, text) for path, text in files.items()}

    def keep_all(self, files: dict[str, Identity]) -> bool:
        """Take these files over from the old site if every one of them is still as recorded."""
        if not files or not all(self.still_there(path, identity) for path, identity in files.items()):
            return False
        for path in files:
            self.keep(path)
        return True

    def keep(self, relative: str) -> Identity:
        """Take the old site's file over unchanged."""
        old, target = self.out / relative, self._target(relative)
        try:
            os.link(old, target)
        except OSError:  # a file system without hard links
            shutil.copy2(old, target)
        return _identity(target.stat())

    def still_there(self, relative: str, identity: Identity) -> bool:
        """The old site's file is the one recorded (not replaced or edited since)."""
        try:
            return _identity((self.out / relative).stat()) == identity
        except OSError:
            return False

    def put_folder(self, folder: Path, relative: str) -> None:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            self.put(f"{relative}/{path.relative_to(folder).as_posix()}", path.read_bytes())

    def commit(self) -> None:
        self.staging.chmod(0o755)
        swap_in(self.staging, self.out)

    def _target(self, relative: str) -> Path:
        target = self.staging / relative
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target


def _identity(stat: os.stat_result) -> Identity:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


@contextmanager
def staged_site(out: Path) -> Iterator[StagedSite]:
    """A StagedSite that is removed unless committed."""
    site = StagedSite(out)
    try:
        yield site
    except BaseException:
        shutil.rmtree(site.staging, ignore_errors=True)
        raise
