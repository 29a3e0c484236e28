"""Incremental rendering: a page is rendered again only when something it read has changed.

While a page renders, the site data it sees records every read (`tracked`): which article, figure,
place, industry or company, which field of it, whether a key exists, how many there are, or which
keys a collection has (iterating it; the records read while iterating record their own fields). The
build keeps, per page, what was read with a digest of each value, the page's own key (template, title,
variables, options) and the identity of the file written (`PageRecord`). The next build takes a page
over from the old site unchanged (a hard link, no bytes written) when its key, every recorded value
and its old file are all as recorded; otherwise it renders the page.

What no read records (the templates, the generator's code, the UI strings, library versions, which
industries have pages) goes into one global key: when it changes, every page renders.

Pieces that many pages repeat are fragments (`Fragments`), kept between builds with their own reads.
When the site data is the very data the site in the output folder was made from (`SiteData.digest`),
the build keeps the whole site without looking at a page (`RenderMemory`, render.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import pickle
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..errors import BriefingError
from ..memo import code_digest, collector_paused, generator_digest, read_pickle, write_pickle
from .view import ArticleView, SiteData

COLLECTIONS = ("articles", "figures", "places", "industries", "companies")
WHOLE = "*"
"""Every record of a collection: its keys read by iterating it, or coarsened from reads of most of its records."""
KEYS = ()
"""No field: a read of a collection's keys (in order) only (`(collection, WHOLE, KEYS)`)."""
COUNT = "#"
HAS = "?"
"""A membership test: depends on whether the key exists, not on its record."""
COARSEN = 0.5
"""A page that reads more than this share of a collection's records depends on the collection as a whole
(one digest instead of thousands: the figures page, the printed briefing)."""

CHARTS = ("charts",)
"""The read of the bar charts as a whole (SiteData.charts: which figures of which districts compare)."""

Dep = tuple
"""(collection, COUNT) | (collection, key, HAS) | (collection, key or WHOLE, fields or KEYS) | CHARTS: what a
page read."""


@dataclass(frozen=True)
class PageRecord:
    key: bytes
    packed_deps: bytes
    """Every read but those of single articles and figures, with the digest of what it saw, packed: a
    build holds thousands of records."""
    file: tuple[int, int, int]
    """(size, mtime_ns, inode) of the file written: the old site's file is reused only if it is still that one."""
    packed_fragments: bytes = b""
    """The keys of the fragments the page used (the fragments kept for the next build are those pages use)."""
    packed_article_deps: bytes = b""
    """The reads of single articles and figures (most of a page's reads), with their digests."""
    packed_articles: bytes = b""
    """The articles those reads concern (a figure's article): while they are all settled, the reads are
    not looked at (`Digests.unchanged`)."""

    @property
    def fragments(self) -> tuple[tuple, ...]:
        return marshal.loads(self.packed_fragments) if self.packed_fragments else ()


class Reads:
    """What the page being rendered has read."""

    def __init__(self) -> None:
        self.fields: set[tuple[str, str, str]] = set()
        """(collection, key, field)."""
        self.other: set[Dep] = set()
        self.fragments: set[tuple] = set()
        """Keys of the fragments used: a page depends on them by key, not on their reads (`Fragments.still`)."""

    def deps(self, data: SiteData, coarsen: bool = True) -> list[Dep]:
        """The reads, with most of a collection coarsened to the whole of it (if `coarsen`)."""
        by_collection: dict[str, dict[str, set[str]]] = {}
        for collection, key, name in self.fields:
            by_collection.setdefault(collection, {}).setdefault(key, set()).add(name)
        deps = sorted(self.other, key=repr)
        for collection, keys in sorted(by_collection.items()):
            if coarsen and len(keys) > COARSEN * len(getattr(data, collection)):
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
        # the keys: whatever is read of the records is recorded by the records themselves (values(), items())
        self._reads.other.add((self._name, WHOLE, KEYS))
        return iter(self._items)

    def __len__(self) -> int:
        self._reads.other.add((self._name, COUNT))
        return len(self._items)


@dataclass(frozen=True)
class FragmentRecord:
    html: str
    """With MARK where its links to articles start (each page puts its own way there in its place), and CHILD
    where each fragment inside it goes."""
    packed_deps: bytes
    """What the fragment read with the digest of what each read saw, packed as a page's are (`PageRecord`:
    reads of single articles and figures apart, with their articles): the fragment is reused while they all
    still match, and a page that used it is kept only while it is (`Fragments.still`)."""
    packed_article_deps: bytes = b""
    packed_articles: bytes = b""
    packed_children: bytes = b""
    """The keys of the fragments inside it, one per CHILD, in order: each is kept on its own (a chapter of the
    printed briefing holds hundreds of figure cells and summaries, most of them on other pages too), and the
    fragment is unchanged only while they all are."""

    @property
    def children(self) -> tuple[tuple, ...]:
        return marshal.loads(self.packed_children) if self.packed_children else ()


MARK = "\x01"
CHILD = "\x02"


class Fragments:
    """Pieces of pages that many pages repeat (a figure's table cells, an article's card, a summary in
    the printed briefing, a bar chart), each rendered once for all the pages that use it, with the reads it made.
    Fragments are kept between builds (`previous`), so a page listing the whole archive (the figures page, the
    printed briefing) renders again from its kept pieces when one article changes: only the pieces whose
    reads changed are rendered. A page's record names the fragments it used; it is kept while they are all
    unchanged (`still`, checked once per fragment per build), so a page of thousands of pieces neither takes
    on their reads nor records them (that was most of the time of such a page made from kept pieces). A
    fragment inside another one (the rows of a chapter of the printed briefing) is kept apart in the same
    way: the outer one holds its place (CHILD) and its key, so a changed article renders again its own rows
    and the chapters that hold them, not every row of every chapter.

    A fragment is a macro of ids and flags that links only to articles. A page links to them as
    `<prefix><id>/index.html` with a prefix that depends on its depth (`../articles/`), so one
    rendering, with the prefix replaced by MARK, serves them all. The page of an article links to its
    own folder differently: there the macro is simply called."""

    LIMIT = 50_000
    """Fragments remembered in a build besides the kept ones (then the memory starts again)."""

    def __init__(self, previous: dict[tuple, FragmentRecord] | None = None) -> None:
        self.previous = previous or {}
        self.made: dict[tuple, str] = {}
        """The HTML (with MARK) of the fragments this build used (rendered or reused), by key."""
        self.new: dict[tuple, FragmentRecord] = {}
        """The shared fragments this build rendered (to be kept for the next build)."""
        self.checked: dict[tuple, bool] = {}
        """Whether a kept fragment's reads are unchanged, by key (checked once per build: forked workers
        inherit what the check of the pages found)."""
        self._inside: list[list[tuple[tuple, str]]] = []
        """The fragments being rendered (one inside the other): the fragments each one holds so far."""

    def still(self, key: tuple, digests: Digests) -> bool:
        """Whether the fragment the last build kept under `key` can be used as it is (and those inside it)."""
        unchanged = self.checked.get(key)
        if unchanged is None:
            record = self.previous.get(key)
            unchanged = (
                record is not None
                and digests.unchanged(record)
                and all(self.still(child, digests) for child in set(record.children))
            )
            self.checked[key] = unchanged
        return unchanged

    def for_page(self, reads: Reads, lang: str, to: Any, digests: Digests) -> Callable[..., Markup]:
        """The `fragment(macro, *args)` of one page; `to`: the page's Links."""
        prefix = to.article_prefix

        def fragment(macro: Any, *args: Any) -> Markup:
            if prefix is None:  # a page in articles/ is the only one to link so
                return macro(*args)
            key = (macro.name, args, lang)
            html = self._html(key, macro, args, reads, digests, prefix)
            if self._inside:  # inside another fragment: kept apart from it, by key
                self._inside[-1].append((key, html))
                return Markup(CHILD)
            reads.fragments.add(key)
            return Markup(html.replace(MARK, prefix))  # rendered HTML: not to be escaped again

        return fragment

    def _html(self, key: tuple, macro: Any, args: tuple, reads: Reads, digests: Digests, prefix: str) -> str:
        """The fragment's HTML with MARK: made earlier in this build, kept from the last one, or rendered now."""
        html = self.made.get(key)
        if html is None:
            if self.still(key, digests):
                html = self._kept(self.previous[key])
            else:
                record, html = self._render(macro, args, reads, digests, prefix)
                self.new[key] = record
            if len(self.made) >= self.LIMIT:
                self.made.clear()
            self.made[key] = html
        return html

    def _kept(self, record: FragmentRecord) -> str:
        """A kept fragment's HTML, with those inside it (kept too: `still`)."""
        if not record.packed_children:
            return record.html
        return _joined(record.html, [self._kept(self.previous[child]) for child in record.children])

    def _render(
        self, macro: Any, args: tuple, reads: Reads, digests: Digests, prefix: str
    ) -> tuple[FragmentRecord, str]:
        outer, mine = (reads.fields, reads.other), Reads()
        reads.fields, reads.other = mine.fields, mine.other  # the macro's own reads
        self._inside.append([])
        try:
            html = _marked(str(macro(*args)), prefix, macro.name)
        finally:
            reads.fields, reads.other = outer
            children = self._inside.pop()
        if html.count(CHILD) != len(children):
            raise BriefingError(
                f"templates/ (macro {macro.name})",
                "a fragment's output inside another fragment was changed (filtered or repeated)",
                "output the inner fragment() as it is",
            )
        packed = digests.packed(mine.deps(digests.data, coarsen=False))
        keys = marshal.dumps(tuple(key for key, _ in children)) if children else b""
        return FragmentRecord(html, *packed, keys), _joined(html, [inner for _, inner in children])


def _joined(html: str, children: list[str]) -> str:
    """A fragment's HTML with the HTML of each fragment inside it in the place of its CHILD."""
    if not children:
        return html
    pieces = html.split(CHILD)
    joined = [pieces[0]]
    for child, piece in zip(children, pieces[1:], strict=True):
        joined += (child, piece)
    return "".join(joined)


_ARTICLE_HREF = re.compile('href="\x01[^"/]+/index\\.html(?:#[^"]*)?"')


def _marked(html: str, prefix: str, name: str) -> str:
    """The fragment with MARK in place of its links' way to the articles folder."""
    marked = html.replace(f'href="{prefix}', f'href="{MARK}')
    if MARK in html or marked.count('href="') != len(_ARTICLE_HREF.findall(marked)):
        raise BriefingError(
            f"templates/ (macro {name})",
            "a fragment links somewhere other than an article page, so it cannot be shared by pages at other depths",
            "call that macro directly instead of through fragment(), or link only to articles in it",
        )
    return marked


class TrackedCharts(Sequence):
    """SiteData.charts, reporting that they were read (a new figure may change them, so they are not in
    the global key: only the pages that show them render again)."""

    def __init__(self, charts: tuple, reads: Reads) -> None:
        self._charts, self._reads = charts, reads

    def __getitem__(self, index: Any) -> Any:
        self._reads.other.add(CHARTS)
        return self._charts[index]

    def __len__(self) -> int:
        self._reads.other.add(CHARTS)
        return len(self._charts)


def tracked(data: SiteData, reads: Reads) -> SiteData:
    """The same data, reporting every read to `reads`."""
    collections = {name: TrackedMapping(name, getattr(data, name), reads) for name in COLLECTIONS}
    return dataclasses.replace(data, **collections, charts=TrackedCharts(data.charts, reads))


class Digests:
    """The digest of what a read sees in this build's data (computed once per read)."""

    def __init__(self, data: SiteData, settled: frozenset[str] = frozenset()) -> None:
        self.data = data
        self.settled = settled
        """Articles whose views are those of the last build (SiteData.article_keys unchanged)."""
        self._known: dict[Dep, bytes] = {}
        self._columns: dict[tuple[str, str | None], bytes] = {}

    LIMIT = 500_000
    """Digests remembered (then the memory starts again)."""

    def of(self, dep: Dep) -> bytes:
        known = self._known.get(dep)
        if known is None:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            known = self._known[dep] = self._compute(dep)
        return known

    def _compute(self, dep: Dep) -> bytes:
        if dep == CHARTS:
            return digest(repr(self.data.charts))
        items: Mapping[str, Any] = getattr(self.data, dep[0])
        if dep[1] == COUNT:
            return str(len(items)).encode()
        key, what = dep[1], dep[2]
        if what == HAS:
            return b"1" if key in items else b"0"
        if key == WHOLE:  # the keys, then field by field (pages read different sets of the same fields)
            return digest(b"".join([self._column(dep[0], None), *(self._column(dep[0], name) for name in what)]).hex())
        return digest(repr(_fields(items[key], what))) if key in items else b"-"

    def _column(self, collection: str, name: str | None) -> bytes:
        """The digest of the keys of a collection (name None), or of one field of every record."""
        column = self._columns.get((collection, name))
        if column is None:
            items: Mapping[str, Any] = getattr(self.data, collection)
            values = list(items) if name is None else [getattr(r, name, None) for r in items.values()]
            column = self._columns[(collection, name)] = digest(repr(values))
        return column

    def unchanged(self, record: PageRecord | FragmentRecord) -> bool:
        """Whether every read of a kept page or fragment still sees what it saw (a page's fragments:
        `Fragments.still`), without digesting the reads of settled articles and their figures: each build
        checks every page record it keeps against its data, and every fragment those pages use and those
        inside them (only fragments some page uses are kept), so a read of an article that has not changed
        since the last build still sees what it saw. (Reads of single articles are not even looked at while
        all their articles are settled.)"""
        if record.packed_deps and not all(self.of(dep) == seen for dep, seen in marshal.loads(record.packed_deps)):
            return False
        if not record.packed_article_deps or self.settled.issuperset(marshal.loads(record.packed_articles)):
            return True
        deps = marshal.loads(record.packed_article_deps)
        return all(self._article_of(dep) in self.settled or self.of(dep) == seen for dep, seen in deps)

    def packed(self, deps: list[Dep]) -> tuple[bytes, bytes, bytes]:
        """The reads with the digests of what they see, packed: reads of single articles and figures apart,
        and the articles they concern (`PageRecord`)."""
        other: list[tuple[Dep, bytes]] = []
        article_deps: list[tuple[Dep, bytes]] = []
        articles: set[str] = set()
        for dep in deps:
            article = self._article_of(dep)
            (other if article is None else article_deps).append((dep, self.of(dep)))
            if article is not None:
                articles.add(article)
        packed_other = marshal.dumps(tuple(other)) if other else b""
        if not article_deps:
            return packed_other, b"", b""
        return packed_other, marshal.dumps(tuple(article_deps)), marshal.dumps(tuple(sorted(articles)))

    def record(self, key: bytes, reads: Reads, file: tuple[int, int, int]) -> PageRecord:
        deps, article_deps, articles = self.packed(reads.deps(self.data))
        return PageRecord(key, deps, file, marshal.dumps(tuple(reads.fragments)), article_deps, articles)

    def _article_of(self, dep: Dep) -> str | None:
        """The article a read of one article or figure concerns (None for other reads, or a missing one)."""
        if len(dep) < 3 or dep[1] == WHOLE:
            return None
        if dep[0] == "articles":
            return dep[1] if dep[1] in self.data.articles else None
        if dep[0] == "figures":
            figure = self.data.figures.get(dep[1])
            return figure.article if figure is not None else None
        return None


def _fields(record: Any, names: tuple[str, ...]) -> Any:
    return [getattr(record, name, None) for name in names]


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


def _stands_for(value: Any, data: SiteData) -> Any:
    if isinstance(value, ArticleView) and value.id in data.article_keys:
        return ("article", value.id, data.article_keys[value.id])
    return value


def global_key(templates: Path, data: SiteData, options: Any) -> str:
    """Everything a page depends on that no read records."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(code_digest(templates).encode() + generator_digest().encode())
    for package in ("jinja2", "markupsafe", "babel", "pypinyin", "jieba"):
        hasher.update(f"{package}={metadata.version(package)}".encode())
    hasher.update(sys.version.encode())
    hasher.update(repr((sorted(data.industry_pages), options)).encode())
    return hasher.hexdigest()


def page_key(glob: str, lang: str, spec: Any, data: SiteData) -> bytes:
    """What the page is, besides what it reads: template, title, crumbs and variables. An article's view
    stands for itself by its key (SiteData.article_keys: what made it), not by its text (repr of every
    article view was a third of checking 5,000 pages)."""
    values = {name: _stands_for(value, data) for name, value in spec.values.items()}
    return digest(repr((glob, lang, spec.path, spec.template, spec.title, spec.crumbs, values)))


Identity = tuple[int, int, int]
"""(size, mtime_ns, inode) of a file written."""


class RenderMemory:
    """What the site last written to one output folder was made from, in three files of `folder` (named
    by a digest of the output folder):
      <d>.pickle            the global key, the identity of every page file, the digest of the site data
                            (SiteData.digest) and the files made from the data as a whole (search index,
                            data files): enough to keep the whole site when nothing changed;
      <d>.pages.pickle      the page records (what each page read), read only when some page may render;
      <d>.fragments.pickle  the fragments the pages used, read only when some page renders; builds append
                            the fragments they make, until it is written whole again (`read_fragments`).
    The first names a token that the page records must carry (files of different builds are not mixed);
    fragments are checked by their own reads. Data, outputs and fragments are kept only while the global
    key (templates, code, strings) is the same. A missing or damaged file means: make everything."""

    def __init__(self, folder: Path | None, out: Path, key: str) -> None:
        self.out, self.key = str(out.resolve()), key
        self.file = folder / f"{digest(self.out).hex()}.pickle" if folder else None
        stored = read_pickle(self.file) if self.file else None
        if not (isinstance(stored, dict) and stored.get("out") == self.out):
            stored = {}
        same = stored.get("key") == key
        self.token: bytes | None = stored.get("token") if same else None
        """Names the page records of that site (they are not read when made by other code or templates:
        no page would be taken over, and their format may differ)."""
        self.files: dict[str, Identity] = stored.get("files", {}) if same else {}
        """Page files of the site in `out` (path -> identity), if made with this global key."""
        self.data: str = stored.get("data", "") if same else ""
        """SiteData.digest of the site in `out` ("" if unknown)."""
        self.outputs: dict[str, dict[str, Identity]] = stored.get("outputs", {}) if same else {}
        """Files made from the whole site data, by kind ("search", "data"): path -> identity."""
        self.article_keys: dict[str, bytes] = stored.get("articles", {}) if same else {}
        """SiteData.article_keys of the last build (the page records were checked against its data)."""
        self._pages: dict[str, PageRecord] | None = None
        self._fragments: dict[tuple, FragmentRecord] | None = None if same else {}
        """Not even read when the global key changed (templates, code): they would be thrown away."""
        self._appendable: tuple[int, int] | None = None
        """(bytes of the fragments file's first part, bytes of the file) when a build may append to it."""

    def _part(self, name: str) -> Path | None:
        return self.file.with_suffix(f".{name}.pickle") if self.file else None

    @property
    def pages(self) -> dict[str, PageRecord]:
        if self._pages is None:
            part = self._part("pages")
            stored = read_pickle(part) if part and self.token else None
            ok = isinstance(stored, dict) and stored.get("token") == self.token
            self._pages = stored["pages"] if ok else {}
        return self._pages

    @property
    def fragments(self) -> dict[tuple, FragmentRecord]:
        if self._fragments is None:
            part = self._part("fragments")
            self._fragments, self._appendable = read_fragments(part, self.key) if part else ({}, None)
        return self._fragments

    def kept(self, kind: str, data: str) -> dict[str, Identity]:
        """The files of `kind` made from this same data (empty if none)."""
        return self.outputs.get(kind, {}) if data == self.data else {}

    def settled(self, article_keys: dict[str, bytes]) -> frozenset[str]:
        """The articles whose views are those of the last build."""
        return frozenset(id for id, key in article_keys.items() if self.article_keys.get(id) == key)

    def save(
        self,
        pages: dict[str, PageRecord] | None,
        made: dict[tuple, FragmentRecord],
        data: SiteData,
        outputs: dict[str, dict[str, Identity]],
    ) -> None:
        """`pages`: the page records, None when every page was kept (the records are those stored).
        Keeps the fragments some page of this site uses (made now, or kept from before)."""
        if self.file is None:
            return
        files = self.files if pages is None else {path: record.file for path, record in pages.items()}
        token = self.token
        if pages is not None and pages != self.pages:
            self.token = os.urandom(8)
            write_pickle(self._part("pages"), {"token": self.token, "pages": pages})
            self._save_fragments(pages, made)
        if (token, files, data.digest, outputs) != (self.token, self.files, self.data, self.outputs):
            stored = {"out": self.out, "key": self.key, "token": self.token, "files": files}
            write_pickle(self.file, {**stored, "data": data.digest, "outputs": outputs, "articles": data.article_keys})

    def _save_fragments(self, pages: dict[str, PageRecord], made: dict[tuple, FragmentRecord]) -> None:
        """Append the fragments made to the file while what builds appended stays under FRAGMENTS_APPENDED of
        its first part (a build with one article changed among 2,000 makes tens of the 73,000 fragments;
        writing the file whole and finding the fragments pages use took 0.5-0.9 s of it); else write it
        whole with only the fragments some page uses."""
        file = self._part("fragments")
        assert file is not None
        sizes = self._appendable
        if (
            sizes
            and sizes[1] - sizes[0] < sizes[0] * FRAGMENTS_APPENDED
            and (not made or _append(file, sizes[1], made))
        ):
            return  # fragments no page uses any more stay until the file is written whole
        known = {**self.fragments, **made}
        used = _with_children({key for record in pages.values() for key in record.fragments}, known)
        write_pickle(file, {"key": self.key, "fragments": {key: known[key] for key in used if key in known}})


FRAGMENTS_APPENDED = 0.5
"""Appended bytes, as a fraction of the fragments file's first part, that make the next build write it whole."""


def read_fragments(file: Path, key: str) -> tuple[dict[tuple, FragmentRecord], tuple[int, int] | None]:
    """The fragments kept in `file` under this global key: its first pickle ({"key", "fragments"}) updated
    by those builds appended after it ({fragment key: record}). A damaged tail (a build killed while
    appending) is left out: a fragment, old or not, is used only while its own reads still match. Also
    (bytes of the first part, bytes of the file) when the file is whole, so that a build may append."""
    fragments: dict[tuple, FragmentRecord] = {}
    try:
        with file.open("rb") as stream, collector_paused():
            size = os.fstat(stream.fileno()).st_size
            first = pickle.load(stream)
            if not (isinstance(first, dict) and first.get("key") == key and isinstance(first["fragments"], dict)):
                return {}, None
            fragments, base = first["fragments"], stream.tell()
            while stream.tell() < size:
                fragments.update(pickle.load(stream))
            return fragments, (base, size)
    except Exception:  # noqa: BLE001 - unpickling a damaged file can raise almost anything
        return fragments, None


def _append(file: Path, size: int, made: dict[tuple, FragmentRecord]) -> bool:
    """Append `made` to the fragments file if it still has the size it was read with."""
    try:
        with file.open("ab") as stream:
            if stream.tell() != size:
                return False
            stream.write(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL))
        return True
    except OSError:
        return False


def _with_children(keys: set[tuple], records: dict[tuple, FragmentRecord]) -> set[tuple]:
    """The fragments of `keys` and those inside them (few hold others: the chapters of the printed briefing)."""
    found = set(keys)
    todo = [record for key, record in records.items() if record.packed_children and key in found]
    while todo:
        for child in todo.pop().children:
            record = records.get(child)
            if child not in found and record is not None:
                found.add(child)
                todo.extend((record,) if record.packed_children else ())
    return found
