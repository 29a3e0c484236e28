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
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .content import ARTICLES_DIR, EXTRACTED_DIR, content_version
from .errors import BriefingError
from .extract import Knowledge, extract_article, infer_page_year, page_texts
from .forking import fork_map
from .ingest import ingest_seed
from .lexicon import segmenter_versions
from .memo import generator_digest, read_pickle, write_pickle
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

    def keep(self, key: str) -> None:
        """The entry is still needed (its seed is settled: not read this time, see SettledSeeds)."""
        self.used.add(key)


Identity = tuple[int, int, int, int]
"""(size, mtime_ns, ctime_ns, inode) of a file: any write to it, or its replacement, changes it."""


@dataclass(frozen=True)
class SettledSeed:
    key: str
    """Its ExtractionCache key (its bytes, the extraction code, the reference data)."""
    ids: tuple[str, ...]
    warnings: tuple[str, ...]
    """What reading it reported (reported again every build, as for any seed)."""
    files: tuple[tuple[str, Identity | None], ...]
    """Its articles' files and records of what was extracted (relative to content/), as the merge left them."""


class SettledSeeds:
    """Seeds whose articles the last build merged and that nothing has touched since: the same seed bytes
    under the same code and reference data (the same extraction key), its articles' files and records as
    they were when that merge read them and left them unwritten (`Identity`), no open conflict. Merging them
    again would write nothing and report nothing, so an unchanged archive of 2,000 seeds is neither loaded
    from the extraction cache nor merged (2-3 s of a build with one seed changed). A seed whose merge wrote
    or reported anything is merged again next time (a changed seed settles one build later). Kept in
    content/.cache/settled.pickle under the code, PyYAML and Python (content.content_version)."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self.file = content / ".cache" / "settled.pickle"
        self.scope = generator_digest().encode() + content_version()
        stored = read_pickle(self.file)
        ok = isinstance(stored, dict) and stored.get("scope") == self.scope
        self._old: dict[str, SettledSeed] = stored["seeds"] if ok else {}
        self._kept: dict[str, SettledSeed] = {}
        self._merged: dict[str, SettledSeed] = {}
        self._horizon: int | None = None

    def get(self, name: str, key: str, conflicted: set[str]) -> SettledSeed | None:
        """The seed as the last build merged it, if that merge still holds (else None: merge it)."""
        seed = self._old.get(name)
        if seed is None or seed.key != key or conflicted.intersection(seed.ids):
            return None
        if not all(_identity(self.content / path) == identity for path, identity in seed.files):
            return None
        self._kept[name] = seed
        return seed

    def merged(self, name: str, key: str, result: SeedResult, ids: list[str]) -> None:
        """A seed this build merges, its files as they are before the merge reads them."""
        if self._horizon is None:
            self._horizon = _clock_tick(self.file.parent)
        files = [f"{folder}/{id}{suffix}" for id in ids for folder, suffix in SETTLED_FILES]
        self._merged[name] = SettledSeed(key, tuple(ids), result.warnings, _identities(self.content, files))

    def save(self, troubled: frozenset[str]) -> None:
        """After the merge has written content/: the seeds it neither wrote nor reported on."""
        seeds = dict(self._kept)
        for name, seed in self._merged.items():
            # a file changed in the clock tick its times were taken in could change again with the same
            # times (git's "racily clean" files): its seed is merged once more next time
            recent = any(not i or max(i[1], i[2]) >= (self._horizon or 0) for _, i in seed.files)
            untouched = _identities(self.content, [path for path, _ in seed.files]) == seed.files
            if untouched and not recent and not troubled.intersection(seed.ids):
                seeds[name] = seed
        if seeds != self._old:
            write_pickle(self.file, {"scope": self.scope, "seeds": seeds})


def _identities(content: Path, files: list[str]) -> tuple[tuple[str, Identity | None], ...]:
    return tuple((path, _identity(content / path)) for path in files)


SETTLED_FILES = ((ARTICLES_DIR, ".md"), (EXTRACTED_DIR, ".yaml"))
"""An article's files in content/ (content.article_path, content.extracted_path)."""


def _clock_tick(folder: Path) -> int:
    """The time the file system gives a file written now (as git compares files with its index's time)."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, probe = tempfile.mkstemp(dir=folder, prefix=".clock.", suffix=".tmp")
    try:
        return os.fstat(handle).st_mtime_ns
    finally:
        os.close(handle)
        os.unlink(probe)


def _identity(path: Path) -> Identity | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def extract_seeds(
    seeds: list[Path], knowledge: Knowledge, cache: ExtractionCache | None, keys: list[str] | None = None
) -> Iterator[SeedResult]:
    """Every seed's result, in the order of `seeds`: from the cache where possible, else extracted.
    `keys`: the seeds' cache keys, if known."""
    keys = keys or ([cache.key(seed) for seed in seeds] if cache else [""] * len(seeds))
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
    """What the drafts depend on besides the seed: extraction code, reference data, jieba's and jieba-rs's versions."""
    digest = hashlib.sha256(segmenter_versions().encode())
    sources = [CODE / "seeds.py", CODE / "model.py", CODE / "lexicon.py", *sorted((CODE / "ingest").glob("*.py"))]
    sources += sorted((CODE / "extract").glob("*.py"))
    for path in [*sources, *sorted(reference_files)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
