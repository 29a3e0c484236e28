"""Incremental rendering: a page is rendered again only when something it read has changed.

While a page renders, the site data it sees records every read (`tracked`): which article, figure,
place, industry or company, which field of it, whether a key exists, how many there are, or the
whole collection. The build keeps, per page, what was read with a digest of each value, the page's
own key (template, title, variables, options) and the identity of the file written (`PageRecord`).
The next build takes a page over from the old site unchanged (a hard link, no bytes written) when
its key, every recorded value and its old file are all as recorded; otherwise it renders the page.

What no read records (the templates, the generator's code, the UI strings, library versions, the
charts, which industries have pages) goes into one global key: when it changes, every page renders.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ..memo import code_digest, generator_digest, read_pickle, write_pickle
from .view import SiteData

COLLECTIONS = ("articles", "figures", "places", "industries", "companies")
WHOLE = "*"
"""Every record of a collection: read by iterating it, or coarsened from reads of most of its records."""
COUNT = "#"
HAS = "?"
"""A membership test: depends on whether the key exists, not on its record."""
ALL_FIELDS = ("*",)
COARSEN = 0.5
"""A page that reads more than this share of a collection's records depends on the collection as a whole
(one digest instead of thousands: the figures page, the printed briefing)."""

Dep = tuple
"""(collection, COUNT) | (collection, key, HAS) | (collection, key or WHOLE, fields): what a page read."""


@dataclass(frozen=True)
class PageRecord:
    key: bytes
    deps: tuple[tuple[Dep, bytes], ...]
    """Every read with the digest of what it saw."""
    file: tuple[int, int, int]
    """(size, mtime_ns, inode) of the file written: the old site's file is reused only if it is still that one."""


class Reads:
    """What the page being rendered has read."""

    def __init__(self) -> None:
        self.fields: set[tuple[str, str, str]] = set()
        """(collection, key, field)."""
        self.other: set[Dep] = set()

    def deps(self, data: SiteData) -> list[Dep]:
        """The reads, with most of a collection coarsened to the whole of it."""
        by_collection: dict[str, dict[str, set[str]]] = {}
        for collection, key, name in self.fields:
            by_collection.setdefault(collection, {}).setdefault(key, set()).add(name)
        deps = sorted(self.other, key=repr)
        for collection, keys in sorted(by_collection.items()):
            if (collection, WHOLE, ALL_FIELDS) in self.other:
                continue
            if len(keys) > COARSEN * len(getattr(data, collection)):
                deps.append((collection, WHOLE, tuple(sorted(set().union(*keys.values())))))
            else:
                deps.extend((collection, key, tuple(sorted(names))) for key, names in sorted(keys.items()))
        return deps


class TrackedRecord:
    """A view record that reports each field read."""

    __slots__ = ("_record", "_collection", "_key", "_seen")

    def __init__(self, record: Any, collection: str, key: str, reads: Reads) -> None:
        object.__setattr__(self, "_record", record)
        object.__setattr__(self, "_collection", collection)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_seen", reads.fields.add)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._record, name)
        self._seen((self._collection, self._key, name))
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(name)


class TrackedMapping(Mapping):
    """A collection of the site data (slug or id -> record) that reports what is read of it."""

    def __init__(self, name: str, items: Mapping[str, Any], reads: Reads) -> None:
        self._name, self._items, self._reads = name, items, reads

    def __getitem__(self, key: str) -> Any:
        if key not in self._items:
            self._reads.other.add((self._name, key, HAS))
            raise KeyError(key)
        return TrackedRecord(self._items[key], self._name, key, self._reads)

    def __contains__(self, key: object) -> bool:
        self._reads.other.add((self._name, key, HAS))
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        self._reads.other.add((self._name, WHOLE, ALL_FIELDS))
        return iter(self._items)

    def __len__(self) -> int:
        self._reads.other.add((self._name, COUNT))
        return len(self._items)


class Fragments:
    """Pieces of pages that many pages repeat (a figure's table row, an article's card), each rendered
    once for all the pages that link alike, with the reads it made, which every page using it takes on.

    A fragment is a macro of ids and flags that links only to articles (figure rows, cards): on every
    page outside articles/, `Links.article_links` says how it links there."""

    LIMIT = 50_000
    """Fragments kept (then the memory starts again)."""

    def __init__(self) -> None:
        self._made: dict[tuple, tuple[str, set, set]] = {}

    def for_page(self, reads: Reads, lang: str, links: str) -> Callable[..., str]:
        def fragment(macro: Any, *args: Any) -> str:
            key = (macro.name, args, lang, links)
            made = self._made.get(key)
            if made is None:
                outer = reads.fields, reads.other
                reads.fields, reads.other = set(), set()
                try:
                    html = macro(*args)
                finally:
                    made = (html, reads.fields, reads.other)
                    reads.fields, reads.other = outer
                if len(self._made) >= self.LIMIT:
                    self._made.clear()
                self._made[key] = made
            reads.fields |= made[1]
            reads.other |= made[2]
            return made[0]

        return fragment


def tracked(data: SiteData, reads: Reads) -> SiteData:
    """The same data, reporting every read to `reads`."""
    return dataclasses.replace(data, **{name: TrackedMapping(name, getattr(data, name), reads) for name in COLLECTIONS})


class Digests:
    """The digest of what a read sees in this build's data (computed once per read)."""

    def __init__(self, data: SiteData) -> None:
        self.data = data
        self._known: dict[Dep, bytes] = {}

    def of(self, dep: Dep) -> bytes:
        known = self._known.get(dep)
        if known is None:
            known = self._known[dep] = self._compute(dep)
        return known

    def _compute(self, dep: Dep) -> bytes:
        items: Mapping[str, Any] = getattr(self.data, dep[0])
        if dep[1] == COUNT:
            return str(len(items)).encode()
        key, what = dep[1], dep[2]
        if what == HAS:
            return b"1" if key in items else b"0"
        if key == WHOLE:
            return digest(repr([(k, _fields(record, what)) for k, record in items.items()]))
        return digest(repr(_fields(items[key], what))) if key in items else b"-"

    def unchanged(self, record: PageRecord) -> bool:
        return all(self.of(dep) == seen for dep, seen in record.deps)

    def record(self, key: bytes, reads: Reads, file: tuple[int, int, int]) -> PageRecord:
        return PageRecord(key, tuple((dep, self.of(dep)) for dep in reads.deps(self.data)), file)


def _fields(record: Any, names: tuple[str, ...]) -> Any:
    if names == ALL_FIELDS:
        return record
    return [getattr(record, name, None) for name in names]


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


def global_key(templates: Path, data: SiteData, options: Any) -> str:
    """Everything a page depends on that no read records."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(code_digest(templates).encode() + generator_digest().encode())
    for package in ("jinja2", "markupsafe", "babel", "pypinyin"):
        hasher.update(f"{package}={metadata.version(package)}".encode())
    hasher.update(sys.version.encode())
    hasher.update(repr((data.charts, sorted(data.industry_pages), options)).encode())
    return hasher.hexdigest()


def page_key(glob: str, lang: str, spec: Any) -> bytes:
    return digest(repr((glob, lang, spec.path, spec.template, spec.title, spec.crumbs, spec.values)))


@dataclass
class RenderMemory:
    """The page records of the site last written to one output folder."""

    file: Path | None
    out: str
    pages: dict[str, PageRecord]

    @classmethod
    def load(cls, folder: Path | None, out: Path) -> RenderMemory:
        where = str(out.resolve())
        file = folder / f"{digest(where).hex()}.pickle" if folder else None
        stored = read_pickle(file) if file else None
        pages = stored["pages"] if isinstance(stored, dict) and stored.get("out") == where else {}
        return cls(file, where, pages)

    def save(self, pages: dict[str, PageRecord]) -> None:
        if self.file is not None:
            write_pickle(self.file, {"out": self.out, "pages": pages})
