"""The whole build, as a table of contents: ingest -> extract -> content -> render.

A bad file (a seed that is binary or too large, an article file with malformed front matter, two
seeds whose articles would get the same ids) is reported as an error naming the file, skipped and
left as it is; everything else is built. The run then exits non-zero. Problems that concern the
whole run (invalid reference data, a missing folder) stop it before anything is written.

Every run holds the locks of content/ and of the output folder (safety.py), finishes or discards
what a killed run left (a content journal, a half-swapped site), and writes content/ all at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .content import (
    ContentCache,
    Loaded,
    MergeResult,
    conflicted_articles,
    known_anchors,
    load_articles,
    load_content,
    merge_articles,
    recover_journal,
)
from .errors import BriefingError
from .extract import Knowledge
from .ingest import seed_key
from .lexicon import Lexicon
from .memo import collector_paused
from .model import Article
from .reference import Reference, load_reference
from .render import RenderOptions, RenderResult, render_site
from .report import Reporter
from .safety import content_lock, locked, recover_site, site_lock
from .seeds import ExtractionCache, SettledSeed, SettledSeeds, extract_seeds
from .site.view import name_words
from .translations import TranslationStatus, collect_messages, load_english, translation_status, update_catalogs


@dataclass(frozen=True)
class Paths:
    seeds: Path
    content: Path
    out: Path
    templates: Path


class BuildFailed(Exception):
    """The run cannot go on (reported errors); nothing was written."""


def extract(paths: Paths, reporter: Reporter, lexicon: Lexicon | None = None) -> MergeResult:
    """Seeds -> content/: ingest and extract every seed, then merge with the editors' files."""
    with locked(content_lock(paths.content), say=reporter.note), collector_paused():
        _recover_content(paths, reporter)
        reference = load_reference(paths.content)  # validated before anything is read or written
        knowledge = Knowledge.build(reference, lexicon or Lexicon(reference.user_words()))
        cache = ContentCache(paths.content)  # files parsed before are not parsed again
        settled = SettledSeeds(paths.content)  # seeds not to merge again
        articles, unread, kept = read_seeds(paths, reporter, knowledge, cache, settled)
        result = merge_articles(paths.content, articles, frozenset(unread), cache, kept)
        settled.save(result.troubled)
        cache.save()
    for warning in result.warnings:
        reporter.warn(warning)
    for error in result.errors:
        reporter.error(error)
    return result


def render(
    paths: Paths, reporter: Reporter, options: RenderOptions | None = None, lexicon: Lexicon | None = None
) -> RenderResult:
    """content/ -> site/ (English from content/translations/en.po; jieba for the search index)."""
    with locked(content_lock(paths.content), site_lock(paths.out), say=reporter.note), collector_paused():
        _recover_content(paths, reporter)
        recover_site(paths.out)
        reference = load_reference(paths.content)
        english = load_english(paths.content)
        loaded = _read_content(paths.content, reference)
        for warning in loaded.warnings:
            reporter.warn(warning)
        for error in loaded.errors:
            reporter.error(error)
        caches = paths.content / ".cache"
        result = render_site(loaded.articles, reference, paths.templates, paths.out, english, options, lexicon, caches)
    return result


def _read_content(content: Path, reference: Reference) -> Loaded:
    """The articles of content/, through its cache (after extract: the files it wrote are in it already). The
    cache is let go here, not held through rendering (175 MB at 10,000 pages, in every forked worker too)."""
    cache = ContentCache(content)
    places, industries = {p.slug for p in reference.places}, {i.slug for i in reference.industries}
    loaded = load_content(content, places, industries, cache)
    cache.save()
    return loaded


def build(
    paths: Paths, reporter: Reporter, lexicon: Lexicon | None = None, options: RenderOptions | None = None
) -> tuple[MergeResult, RenderResult]:
    """Extract, then render. The merge's result comes without its articles: render reads content/ again,
    and holding every merged article through rendering was 60 MB of a cold build of 2,000 pages."""
    with locked(content_lock(paths.content), site_lock(paths.out), say=reporter.note):
        lexicon = lexicon or Lexicon(load_reference(paths.content).user_words())  # one jieba for both stages
        merged = dataclasses.replace(extract(paths, reporter, lexicon), articles=[])
        return merged, render(paths, reporter, options, lexicon)


class KeptLexicon:
    """One jieba for a series of builds (`briefing serve`): its dictionary (about 2 s with the tables
    extraction uses) is loaded again only when the reference data's words change."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self._words: tuple[str, ...] | None = None
        self._lexicon: Lexicon | None = None

    def current(self) -> Lexicon:
        words = tuple(load_reference(self.content).user_words())
        if self._lexicon is None or words != self._words:
            self._words, self._lexicon = words, Lexicon(words)
        return self._lexicon


def _recover_content(paths: Paths, reporter: Reporter) -> None:
    for root in (paths.content, paths.content / "translations"):
        if recover_journal(root):
            reporter.note(f"{root}: finished writing the files of a run that was interrupted")


def extract_articles(paths: Paths, reporter: Reporter, knowledge: Knowledge) -> list[Article]:
    """Every article of every readable seed (the others are reported)."""
    return read_seeds(paths, reporter, knowledge)[0]


def read_seeds(
    paths: Paths,
    reporter: Reporter,
    knowledge: Knowledge,
    cache: ContentCache | None = None,
    settled: SettledSeeds | None = None,
) -> tuple[list[Article], list[str], frozenset[str]]:
    """Every article of every readable seed, the seeds that could not be read (reported), and the ids of
    the articles of `settled` seeds (not read: their merge still holds)."""
    seeds = list_seeds(paths.seeds)
    references = sorted((paths.content / "reference").glob("*.yaml"))
    extraction = ExtractionCache(paths.content / ".cache" / "extract", references)
    keys = {seed.name: extraction.key(seed) for seed in seeds}
    kept = _still_settled(paths.content, seeds, keys, settled)
    for seed in kept.values():
        extraction.keep(seed.key)
    todo = [seed for seed in seeds if seed.name not in kept]
    anchors = known_anchors(paths.content, cache, {seed_key(seed.name) for seed in todo} if kept else None)
    results = extract_seeds(todo, knowledge, extraction, [keys[seed.name] for seed in todo])
    read = {result.name: result for result in results}
    articles: list[Article] = []
    owners: dict[str, str] = {}
    unread: list[str] = []
    settled_ids: set[str] = set()
    for done, seed in enumerate(seeds, 1):
        reporter.progress(done, len(seeds), seed.name)
        result = read.get(seed.name)
        if result is None:  # settled: its ids as the last merge left them
            warnings, found, ids = kept[seed.name].warnings, [], list(kept[seed.name].ids)
        elif result.error:
            reporter.error(f"{result.error}; the seed is skipped")
            unread.append(seed.name)
            continue
        else:
            found = assign_ids(list(result.drafts), anchors, seed_key(seed.name))
            warnings, ids = result.warnings, [a.id for a in found]
        for warning in warnings:
            reporter.warn(warning)
        clash = next((id for id in ids if id in owners), None)
        if clash is not None:
            reporter.error(
                f"{paths.seeds / seed.name}: its article id {clash} is already produced by {owners[clash]}: "
                "seed keys (the file name up to the first '_') must be unique; rename one of the files. "
                "The seed is skipped"
            )
            unread.append(seed.name)
            continue
        owners.update((id, seed.name) for id in ids)
        articles.extend(found)
        if result is None:
            settled_ids.update(ids)
        elif settled:
            settled.merged(seed.name, keys[seed.name], result, ids)
    extraction.prune()
    return articles, unread, frozenset(settled_ids)


def _still_settled(
    content: Path, seeds: list[Path], keys: dict[str, str], settled: SettledSeeds | None
) -> dict[str, SettledSeed]:
    """The seeds whose last merge still holds, by name (none without `settled`)."""
    if settled is None:
        return {}
    conflicted = conflicted_articles(content)
    found = {seed.name: settled.get(seed.name, keys[seed.name], conflicted) for seed in seeds}
    return {name: seed for name, seed in found.items() if seed is not None}


def list_seeds(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise BriefingError(str(folder), "seeds folder not found", "create it or pass --seeds")
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def assign_ids(drafts: list[Article], anchors: dict[tuple[str, str], list[str]], key: str) -> list[Article]:
    """Keep the id an article had last time (recognised by its opening words), else its position.
    Articles of one seed that begin with the same words take that opening's ids in order, each one once."""
    unused = {anchor: iter(ids) for anchor, ids in anchors.items()}
    ids: list[str | None] = [next(unused.get((d.source.file, d.anchor), iter(())), None) for d in drafts]
    taken = {i for i in ids if i}
    for index, draft in enumerate(drafts):
        if ids[index]:
            continue
        candidate, n = draft.id, index + 1
        while candidate in taken:
            n += 1
            candidate = f"{key}-{n:02d}"
        ids[index] = candidate
        taken.add(candidate)
    return [dataclasses.replace(d, id=i) for d, i in zip(drafts, ids, strict=True)]


def update_translations(paths: Paths) -> tuple[TranslationStatus, int]:
    """content/ -> content/translations/: rewrite the template, merge it into en.po, report what is missing."""
    with locked(content_lock(paths.content)):
        recover_journal(paths.content / "translations")
        reference = load_reference(paths.content)
        messages = collect_messages(load_articles(paths.content), *name_words(reference))
        written = update_catalogs(paths.content, messages)
    return translation_status(messages, load_english(paths.content)), written
