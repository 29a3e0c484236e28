"""Seeds -> draft articles, once per seed content: cached by content hash, spread over the machine's cores.

A seed's drafts depend only on its bytes, the extraction code and the reference data, so they are kept
in `content/.cache/extract/<hash>.pickle` (a local cache, not for version control). An unchanged seed is
not read, segmented or extracted again; a change to the code or the reference data changes every key.
Seeds that do need work are extracted in worker processes forked from the build (the jieba dictionary
and the compiled reference data are shared with them, not loaded again).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jieba

from .errors import BriefingError
from .extract import Knowledge, extract_article, infer_page_year, page_texts
from .forking import fork_map
from .ingest import ingest_seed
from .memo import read_pickle, write_pickle
from .model import Article

PARALLEL_FROM = 8
"""Fewer seeds than this are extracted in the build process: forking costs more than it saves."""
CODE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SeedResult:
    name: str
    drafts: tuple[Article, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None


def extract_seed(seed: Path, knowledge: Knowledge) -> SeedResult:
    """Ingest and extract one seed: its articles with provisional ids (`<key>-NN`)."""
    try:
        sources, warnings = ingest_seed(seed, knowledge.lexicon)
    except BriefingError as error:
        return SeedResult(seed.name, error=error.message)
    year = infer_page_year(page_texts(sources))
    drafts = tuple(extract_article(s, f"{s.key}-{i:02d}", knowledge, year) for i, s in enumerate(sources, 1))
    return SeedResult(seed.name, drafts, tuple(warnings))


class ExtractionCache:
    """Drafts of seeds seen before, by a hash of the seed's bytes and of everything extraction depends on."""

    def __init__(self, folder: Path, reference_files: list[Path]) -> None:
        self.folder = folder
        self.version = _version(reference_files)
        self.used: set[str] = set()

    def key(self, seed: Path) -> str:
        digest = hashlib.sha256(self.version.encode())
        digest.update(seed.name.encode())
        digest.update(seed.read_bytes())
        return digest.hexdigest()[:32]

    def get(self, key: str) -> SeedResult | None:
        self.used.add(key)
        result = read_pickle(self.folder / f"{key}.pickle")  # None when missing or unreadable: extract again
        return result if isinstance(result, SeedResult) else None

    def put(self, key: str, result: SeedResult) -> None:
        if result.error:
            return
        write_pickle(self.folder / f"{key}.pickle", result)  # a killed build leaves no half-written entry

    def prune(self) -> None:
        """Forget the entries no seed of this build used (removed or changed seeds, older code)."""
        for path in self.folder.glob("*.pickle") if self.folder.is_dir() else ():
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def extract_seeds(seeds: list[Path], knowledge: Knowledge, cache: ExtractionCache | None) -> Iterator[SeedResult]:
    """Every seed's result, in the order of `seeds`: from the cache where possible, else extracted."""
    keys = [cache.key(seed) for seed in seeds] if cache else [""] * len(seeds)
    results: dict[int, SeedResult] = {}
    todo = []
    for index, key in enumerate(keys):
        found = cache.get(key) if cache else None
        if found is not None:
            results[index] = found
        else:
            todo.append(index)
    for index, result in zip(todo, _extract_all([seeds[i] for i in todo], knowledge), strict=True):
        if cache:
            cache.put(keys[index], result)
        results[index] = result
    for index in range(len(seeds)):
        yield results[index]


def _extract_all(seeds: list[Path], knowledge: Knowledge) -> list[SeedResult]:
    if len(seeds) < PARALLEL_FROM:
        return [extract_seed(seed, knowledge) for seed in seeds]
    return fork_map(functools.partial(extract_seed, knowledge=knowledge), seeds)


def _version(reference_files: list[Path]) -> str:
    """What the drafts depend on besides the seed: extraction code, reference data, jieba's version."""
    digest = hashlib.sha256(jieba.__version__.encode())
    sources = [CODE / "seeds.py", CODE / "model.py", CODE / "lexicon.py", *sorted((CODE / "ingest").glob("*.py"))]
    sources += sorted((CODE / "extract").glob("*.py"))
    for path in [*sources, *sorted(reference_files)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
