"""The whole build, as a table of contents: ingest -> extract -> content -> render.

Everything is gathered before anything is written, so a bad seed or a malformed content file
stops the run with nothing half-written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .content import MergeResult, known_anchors, load_articles, merge_articles
from .errors import BriefingError
from .extract import Knowledge
from .ingest import seed_key
from .lexicon import Lexicon
from .model import Article
from .reference import load_reference
from .render import RenderOptions, RenderResult, render_site
from .report import Reporter
from .seeds import ExtractionCache, extract_seeds
from .site.view import name_words
from .translations import TranslationStatus, collect_messages, load_english, translation_status, update_catalogs


@dataclass(frozen=True)
class Paths:
    seeds: Path
    content: Path
    out: Path
    templates: Path


class BuildFailed(Exception):
    """One or more errors were reported; nothing was written."""


def extract(paths: Paths, reporter: Reporter, lexicon: Lexicon | None = None) -> MergeResult:
    """Seeds -> content/: ingest and extract every seed, then merge with the editors' files."""
    reference = load_reference(paths.content)  # validated before anything is read or written
    knowledge = Knowledge.build(reference, lexicon or Lexicon(reference.user_words()))
    articles = extract_articles(paths, reporter, knowledge)
    result = merge_articles(paths.content, articles)
    for warning in result.warnings:
        reporter.warn(warning)
    return result


def render(
    paths: Paths, reporter: Reporter, options: RenderOptions | None = None, lexicon: Lexicon | None = None
) -> RenderResult:
    """content/ -> site/ (English from content/translations/en.po; jieba for the search index)."""
    reference = load_reference(paths.content)
    english = load_english(paths.content)
    articles = load_articles(paths.content)
    result = render_site(articles, reference, paths.templates, paths.out, english, options, lexicon)
    for warning in result.warnings:
        reporter.warn(warning)
    return result


def build(
    paths: Paths, reporter: Reporter, lexicon: Lexicon | None = None, options: RenderOptions | None = None
) -> tuple[MergeResult, RenderResult]:
    reference = load_reference(paths.content)
    lexicon = lexicon or Lexicon(reference.user_words())
    merged = extract(paths, reporter, lexicon)
    return merged, render(paths, reporter, options, lexicon)


def extract_articles(paths: Paths, reporter: Reporter, knowledge: Knowledge) -> list[Article]:
    seeds = list_seeds(paths.seeds)
    anchors = known_anchors(paths.content)
    reference_files = sorted((paths.content / "reference").glob("*.yaml"))
    cache = ExtractionCache(paths.content / ".cache" / "extract", reference_files)
    articles: list[Article] = []
    errors: list[str] = []
    for done, result in enumerate(extract_seeds(seeds, knowledge, cache), 1):
        reporter.progress(done, len(seeds), result.name)
        if result.error:
            errors.append(result.error)
            continue
        for warning in result.warnings:
            reporter.warn(warning)
        articles.extend(assign_ids(list(result.drafts), anchors, seed_key(result.name)))
    errors.extend(_id_collisions(articles))
    if errors:
        for message in errors:
            reporter.error(message)
        raise BuildFailed(f"{len(errors)} error(s); nothing was written")
    cache.prune()
    return articles


def list_seeds(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise BriefingError(str(folder), "seeds folder not found", "create it or pass --seeds")
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def assign_ids(drafts: list[Article], anchors: dict[tuple[str, str], str], key: str) -> list[Article]:
    """Keep the id an article had last time (recognised by its opening words), else its position."""
    ids: list[str | None] = [anchors.get((d.source.file, d.anchor)) for d in drafts]
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


def _id_collisions(articles: list[Article]) -> list[str]:
    seen: dict[str, Article] = {}
    errors = []
    for article in articles:
        other = seen.setdefault(article.id, article)
        if other is not article:
            errors.append(
                f"article id {article.id} is produced by both {other.source.file} and {article.source.file}: "
                "seed keys (the file name up to the first '_') must be unique; rename one of the files"
            )
    return errors


def update_translations(paths: Paths) -> tuple[TranslationStatus, int]:
    """content/ -> content/translations/: rewrite the template, merge it into en.po, report what is missing."""
    reference = load_reference(paths.content)
    messages = collect_messages(load_articles(paths.content), *name_words(reference))
    written = update_catalogs(paths.content, messages)
    return translation_status(messages, load_english(paths.content)), written
