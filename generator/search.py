"""The search index (SPEC §7): small JSON files per language, read by templates/static/search.js.

Documents are the site's own pages (districts, industries, companies, articles) and its key figures.
Chinese is cut with jieba's search mode at build time; English words are lower-cased, stop words
dropped and plurals folded (`stem`, mirrored in search.js); entity names also get their pinyin, with
and without syllable breaks. Each term keeps, per document, the weight of the best field it occurs in,
so a name outranks a title, a title a summary, a summary the body.

The index is split into files so that a reader downloads only what a query needs, however large the
archive grows (all under `<lang>/search/`):

    index.json   {"v": 4, "w": WEIGHTS, "n": documents, "m": document numbers (documents and holes),
                  "k": [kind, count, kind, count, ...] runs of KINDS indexes over the numbers 0 … m-1,
                  "t": number of term shards, "d": documents per document shard}
    t<i>.json    {term: [posting, ...] or {"f": file, "n": postings}} for the terms whose shard key hashes to i
    p<f>.json    [posting, ...] of one term with OWN_FILE_POSTINGS postings or more
    d<i>.json    [[title, path, text, zh] or null, ...] for the numbers i*d … i*d+d-1 (null: a hole)

Document numbers are kept from build to build (`IndexState`, in the cache folder): a changed document
keeps its number, one that goes leaves a hole, a new one takes a free number of its kind (else a new one
at the end), so that a changed article changes only the files that hold its documents and the postings
of the terms whose weights changed, not every file after it. An index is numbered afresh (in order:
kind by kind in KINDS order, articles grouped by district and figures in their articles' order,
`by_district`; as a build from nothing numbers it) when too many numbers are holes or too many
documents changed (`RENUMBER_HOLES`, `RENUMBER_RUNS`, `RENUMBER_CHANGES`) or the term shard count
changes. "n" (the documents, for idf) and "m" differ only by the holes; no posting names a hole. Ties
in the browser go by number, so an updated index may order results of equal score differently from a
build from nothing; the scores are the same (`decoded` reads an index back by document path).

`path` is relative to the language folder, `text` is the snippet source, and `zh` is 1 when title and
text are Chinese shown on an English page. A posting packs the gap to the previous document number and
the weight's index into one small integer: `gap * 8 + WEIGHTS.index(weight)`. A term's shard key is its
first character when that is Chinese (forward maximum matching in the browser only ever needs the terms
that start at a given character), else its first two characters (prefix matching starts at two); the
key's hash (`shard_of`, mirrored in search.js) picks the shard. A term with many postings keeps only its
file number and postings count in its shard, so that the shard of a common character stays small: the
browser fetches a postings file once the parsed query uses the term (for prefix and fallback expansions
only up to a budget of postings, see search.js `loadPostings`).
"""

from __future__ import annotations

import bisect
import hashlib
import inspect
import itertools
import json
import marshal
import math
import re
import sys
import types
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jieba
import pypinyin
from pypinyin import lazy_pinyin

from .lexicon import Lexicon
from .memo import Memo, collector_paused, digest, read_pickle, write_pickle
from .site.view import ArticleView, FigureView, Name, SiteData

FORMAT = 4
DOCUMENTS_FORMAT = 3
"""Of an article's kept documents (`_documents`): (each one's fields marshalled, the keys of the texts they were cut
from, their paths and kinds)."""

KINDS = ("district", "industry", "company", "article", "figure")

NAME, TITLE, HEADING, SUMMARY, BODY = 20, 10, 4, 3, 1
"""Field weights. A figure's own number counts as a name: `399.9` finds the figure first."""
OTHER_LANGUAGE = 2
"""Names in the other language (Midea on the Chinese site, 铜梁 on the English one)."""
WEIGHTS = (BODY, OTHER_LANGUAGE, SUMMARY, HEADING, TITLE, NAME)
WEIGHT_INDEX = {weight: i for i, weight in enumerate(WEIGHTS)}

TERM_SHARD_BYTES = 16_000
"""Raw JSON bytes of postings per term shard (about 5 KB gzip; a shard is one or a few shard keys, and on
a large archive a key as common as 重 or 新 is a shard of its own that may be larger). A first Chinese
query fetches one shard per word (bench/search_browser.py: 64 KB raw shards made it 15-35 KB gzip each)."""
SHARD_STEPS = 12
"""Term shard counts per doubling of the index (`shard_count`): 12 (6 % apart) keeps shards within 3 % of
TERM_SHARD_BYTES. Which keys share a shard depends on the count: at 10,000 pages 8 steps gave 2,656 shards,
where 亿 shares the shard of the 2,300 numbers starting with 10 (45 KB gzip) and the first query 12.5亿
downloaded 101 KB; 12 steps give 2,580 (v3's round(size / TERM_SHARD_BYTES) gave 2,639)."""
OWN_FILE_POSTINGS = 300
"""A term with at least this many postings has them in a file of its own, fetched only when a query uses
the term: the shard of a common first character (新, 智) then holds its vocabulary and small postings. At
10,000 pages with 4-document shards (bench/search_browser.py's first queries), 1,000 left the worst first
query at 104 KB gzip, 300 and 100 at 96 KB; 300 makes fewer files."""
DOC_SHARD_SIZE = 4
"""Documents per document shard (about 0.7-1.5 KB gzip). The first page of 20 results touches up to 20 of
them: with 8 documents they were half of a median first query's download (25-30 of 50 KB at 10,000
pages), with 4 about 15-20 KB, with 2 about 10 KB but twice the files (77,000 per language at 10,000 pages)."""
SEEN_TEXTS = 50_000
"""Texts whose terms a build remembers (then the memory starts again): names and titles recur, bodies do not."""
SNIPPET_CHARS = 240
QUOTE_CONTEXT = 50
"""Characters kept either side of a figure in its quote."""

ENGLISH_STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or the to was were with".split()
)
CHINESE_STOP_WORDS = frozenset("的 了 在 和 与 是 为 等 及 也 将 并 对 中 上 以 从 把 被 其 之 这 该 而 或 年 月 日")

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9]+(?:\.[0-9]+)?%?|[a-z]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
_MULTIPLIED = re.compile(r"(?<![0-9.])([0-9]+(?:\.[0-9]+)?)(万亿|亿|万)")
"""Starts only where a number starts: inside a long digit run every position would be retried (quadratic)."""
LONGEST_NUMBER = 24
"""Longer digit runs are codes or noise, not something a reader types: not indexed."""


@dataclass
class Doc:
    kind: str
    title: str
    path: str
    text: str
    chinese_on_english_page: bool = False
    weights: dict[str, int] = field(default_factory=dict)

    def fields(self) -> tuple[str, str, str, str, bool]:
        """All but the weights (dataclasses.astuple would copy the weights too, deeply: slow)."""
        return (self.kind, self.title, self.path, self.text, self.chinese_on_english_page)

    def add(self, terms: Iterable[str], weight: int) -> None:
        weights = self.weights
        for term in set(terms):  # a body repeats its words; only the best weight of each counts
            if weights.get(term, 0) < weight:
                weights[term] = weight


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no thousands separators: the query is normalised the same way."""
    return _THOUSANDS.sub("", unicodedata.normalize("NFKC", text).lower())


def stem(word: str) -> str:
    """Fold English plurals (batteries → battery, vehicles → vehicle). search.js has the same rules."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Terms:
    """Text → index terms: jieba's search mode for Chinese runs, stems for English, numbers kept whole.

    With a `TermsCache`, texts cut in an earlier build are not cut again (jieba is most of the index's
    time); the terms are the same either way."""

    def __init__(self, lexicon: Lexicon, cache: TermsCache | None = None, phrases: Phrases | None = None) -> None:
        self.lexicon = lexicon
        self.cache = cache
        self.phrases = phrases or Phrases(())
        self._seen: dict[str, tuple[bytes, list[str]]] = {}
        """Names, titles and quotes recur across documents and both languages: cut (and hash) each text once."""
        self.asked: set[bytes] | None = None
        """When a set: the cache keys of the texts asked for are added to it (`_documents`)."""

    def __call__(self, text: str) -> list[str]:
        return self._terms(text, self._cut)

    def pinyin(self, chinese: str) -> list[str]:
        """`pinyin_terms`, kept in the cache as a text's terms are (pypinyin takes 0.12 s for 770 names)."""
        return self._terms(PINYIN + chinese, lambda marked: pinyin_terms(marked[len(PINYIN) :]))

    def _terms(self, text: str, cut: Callable[[str], list[str]]) -> list[str]:
        seen = self._seen.get(text)
        if seen is None:
            if len(self._seen) >= SEEN_TEXTS:
                self._seen.clear()
            key = TermsCache.key(text) if self.cache else b""
            found = self.cache.terms(key, text, cut) if self.cache else cut(text)
            # one object per distinct term: the documents' weights hold millions of terms, a few
            # hundred thousand distinct (170 MB less at 2,000 articles)
            seen = self._seen[text] = (key, [sys.intern(term) for term in found])
        if self.asked is not None and self.cache:
            self.asked.add(seen[0])
        return seen[1]

    def keep(self, keys: Iterable[bytes]) -> None:
        """Keep these texts' terms in the cache although they were not asked for in this build."""
        if self.cache:
            self.cache.keep(keys)

    def _cut(self, text: str) -> list[str]:
        text = normalise(text)
        terms: list[str] = []
        for run in _RUNS.findall(text):
            if run[0].isascii() and run[0].isalpha():
                if run not in ENGLISH_STOP_WORDS:
                    terms.append(stem(run))
            elif run[0].isascii():
                if len(run) <= LONGEST_NUMBER:
                    terms.append(run)
            else:
                terms.extend(w for w in self.lexicon.cut_for_search(run) if w not in CHINESE_STOP_WORDS)
        terms.extend(number + unit for number, unit in _MULTIPLIED.findall(text) if len(number) <= LONGEST_NUMBER)
        terms.extend(self.phrases.find(text))
        return terms


class Phrases:
    """Finds the reference data's phrases (industry names and keywords) in a text, each also where it is inside
    another (新能源汽车 in 智能网联新能源汽车), so that each is a term of its own: jieba cuts 智能网联新能源汽车 into
    智能网|联|新能源|汽车, and its search mode adds only the two- and three-character words inside a word. The
    browser's forward maximum matching then reads a typed industry name as one term, not as words and the
    alternatives of a lone character (联: eleven terms, 21,000 postings at 10,000 pages)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        chinese = {p for p in map(normalise, phrases) if len(p) >= 2 and _CJK.fullmatch(p[0])}
        self.phrases = tuple(sorted(chinese, key=lambda p: (-len(p), p)))
        self._pattern = re.compile("|".join(map(re.escape, self.phrases))) if self.phrases else None
        self._inside = {p: tuple(q for q in self.phrases if q != p and q in p) for p in self.phrases}

    def find(self, text: str) -> list[str]:
        """The phrases in `text` (normalised), longest first where they overlap."""
        if self._pattern is None:
            return []
        found: list[str] = []
        for match in self._pattern.finditer(text):
            found.append(match.group())
            found.extend(self._inside[match.group()])
        return found


class TermsCache:
    """The terms of texts cut in earlier builds, in `<folder>/terms.pickle` (a local cache, not for
    version control): {blake2b of the text: its terms joined by spaces}, with a version that covers
    everything the cut depends on besides the text (the cutting code of this module, `cutting_code`;
    lexicon.py; jieba's version and dictionary; the words the lexicon added). A file of another version,
    or unreadable, is ignored and replaced; `save` keeps only the texts of this build, so texts no longer
    present are pruned."""

    FILE = "terms.pickle"

    def __init__(self, folder: Path, lexicon: Lexicon, phrases: Phrases | None = None) -> None:
        self.folder = folder
        self.version = _terms_version(lexicon, phrases or Phrases(()))
        self.stored = self._load()
        self.used: dict[bytes, str] = {}

    def _load(self) -> dict[bytes, str]:
        saved = read_pickle(self.folder / self.FILE)  # None when missing or unreadable: cut again
        if not isinstance(saved, dict) or saved.get("version") != self.version:
            return {}
        entries = saved.get("terms")
        return entries if isinstance(entries, dict) else {}

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def keep(self, keys: Iterable[bytes]) -> None:
        for key in keys:
            joined = self.stored.get(key)
            if isinstance(joined, str):
                self.used[key] = joined

    def terms(self, key: bytes, text: str, cut: Callable[[str], list[str]]) -> list[str]:
        """The terms of `text`, whose `key` the caller has computed."""
        joined = self.stored.get(key)
        if isinstance(joined, str):
            self.used[key] = joined
            return joined.split(" ") if joined else []
        terms = cut(text)
        if all(t and " " not in t for t in terms):  # always so (terms are runs without spaces); else not kept
            self.used[key] = " ".join(terms)
        return terms

    def save(self) -> None:
        """Write the texts of this build (atomically: temporary file, then rename), if anything changed."""
        if self.used.keys() == self.stored.keys():
            return
        write_pickle(self.folder / self.FILE, {"version": self.version, "terms": self.used})
        self.stored = dict(self.used)


def _terms_version(lexicon: Lexicon, phrases: Phrases) -> str:
    """What a text's terms depend on besides the text: the cutting code, jieba, the lexicon's own words, the
    phrases, and for names' pinyin `pinyin_terms` and pypinyin."""
    digest = hashlib.sha256(jieba.__version__.encode())
    digest.update(cutting_code().encode())
    digest.update(inspect.getsource(pinyin_terms).encode() + pypinyin.__version__.encode())
    digest.update(inspect.getsource(Phrases).encode())
    digest.update(Path(__file__).with_name("lexicon.py").read_bytes())
    digest.update(lexicon.signature().encode())
    digest.update("\n".join(phrases.phrases).encode())
    return digest.hexdigest()


def cutting_code() -> str:
    """The code of `Terms._cut` and, found through the names it uses, of this module's functions and
    constants it depends on (normalise, stem, the patterns, the stop words): a change to any of them
    changes the cache's version; a change elsewhere in this module (shard sizes) does not."""
    parts: list[str] = []
    seen: set[str] = set()

    def visit(function: types.FunctionType) -> None:
        parts.append(inspect.getsource(function))
        codes = [function.__code__]
        while codes:
            code = codes.pop()
            codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]  # comprehensions
            for name in code.co_names:
                value = globals().get(name)
                if name in seen or value is None or isinstance(value, (types.ModuleType, type)):
                    continue
                seen.add(name)
                if isinstance(value, types.FunctionType):
                    visit(value)
                elif isinstance(value, re.Pattern):
                    parts.append(f"{name} = {value.pattern!r} {value.flags}")
                elif isinstance(value, (frozenset, set)):
                    parts.append(f"{name} = {sorted(value)!r}")
                else:
                    parts.append(f"{name} = {value!r}")

    visit(Terms._cut)
    return "\n".join(parts)


PINYIN = "\x00pinyin "
"""Marks a name whose pinyin terms are kept in the terms cache (texts hold no control characters)."""


def pinyin_terms(chinese: str) -> list[str]:
    """`铜梁区` → `tongliangqu`, `tongliang`: the name with and without its administrative suffix."""
    names = {chinese, re.sub(r"(区|县|自治县|有限公司|集团)$", "", chinese)}
    return sorted({"".join(lazy_pinyin(n)).lower() for n in names if re.fullmatch(r"[\u3400-\u9fff]{2,}", n)})


@dataclass(frozen=True)
class Vocabulary:
    """What the reference data adds to the texts (`search_vocabulary`): other names a reader may type for an
    entity, by slug (铜梁 for 铜梁区, 美的 for 美的集团), and phrases indexed whole (`Phrases`)."""

    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    phrases: tuple[str, ...] = ()


def build_indexes(
    data: SiteData, lexicon: Lexicon, vocabulary: Vocabulary, cache: Path | None = None
) -> dict[str, str]:
    """Every file of the search index of both languages, path → JSON text. `cache`: a folder
    (content/.cache/search) that keeps the terms of each text, each article's documents and each language's
    index state between builds (see `IndexState`)."""
    return dict(index_files(data, lexicon, vocabulary, cache))


def index_files(
    data: SiteData, lexicon: Lexicon, vocabulary: Vocabulary, cache: Path | None = None
) -> Iterator[tuple[str, str]]:
    """`build_indexes` one file at a time, language after language (render.py writes each file as it
    comes). With a cache, each language's index is the last build's with only what changed encoded
    again (`update`); without one, or when the last build's numbers have too many holes, it is numbered
    and encoded afresh (`numbered_afresh`)."""
    with collector_paused():
        phrases = Phrases(vocabulary.phrases)
        terms_cache = TermsCache(cache, lexicon, phrases) if cache is not None else None
        # an article's documents (its own and its figures') depend on its views and the cutting only
        scope = digest(f"{terms_cache.version} {DOCUMENTS_FORMAT}") if terms_cache else b""
        kept = Memo(cache / "documents.pickle", scope) if cache is not None else Memo(None, b"")
    terms = Terms(lexicon, terms_cache, phrases)  # shared by both languages
    version = _state_version(terms_cache.version) if terms_cache else ""
    for lang in ("zh", "en"):
        state_file = cache / f"index-{lang}.pickle" if cache is not None else None
        with collector_paused():
            sources = sorted(_documents(data, lang, terms, vocabulary.aliases, kept), key=lambda s: KINDS.index(s.kind))
            state = load_state(state_file, version)
            state = (update(state, sources) if state else None) or numbered_afresh(sources, version)
            del sources
        for name in state.files:
            yield f"{lang}/search/{name}", state.files[name]
        if state_file:
            write_pickle(state_file, state)
        del state
    if terms_cache:
        terms_cache.save()
    kept.save()


def shard_key(term: str) -> str:
    return term[0] if len(term) == 1 or _CJK.match(term) else term[:2]


def shard_of(term: str, shards: int) -> int:
    """A small string hash that search.js computes the same way (31-multiplier over UTF-16 code units)."""
    value = 0
    key = shard_key(term).encode("utf-16-le")
    for i in range(0, len(key), 2):
        value = (value * 31 + int.from_bytes(key[i : i + 2], "little")) & 0xFFFFFFFF
    return value % shards


@dataclass
class Source:
    """One document of this build, in the index's order, made only when the index needs it."""

    key: str
    """Its path (unique): a document keeps its number from build to build by it."""
    kind: str
    origin: bytes
    """What it is made from: the same origin, the same document (and no need to make it)."""
    make: Callable[[], Doc]


@dataclass
class IndexState:
    """One language's index as the last build left it (`<cache>/index-<lang>.pickle`): enough to
    encode again only the files a change touches. Numbers are by document key; a hole (a number
    whose document went) keeps the kind of its last document, so that kinds stay long runs."""

    version: str
    numbers: dict[str, int]
    origins: list[bytes | None]
    """By number; None for a hole."""
    kinds: bytearray
    """By number: the index in KINDS of its (last) document's kind."""
    weights: list[bytes | None]
    """By number: its document's {term: weight index}, marshalled (to take it out of the postings)."""
    shards: int
    size: int
    """Raw bytes of all postings as `shard_count` counts them."""
    own: dict[str, int]
    """Terms with postings files of their own: term → file number."""
    files: dict[str, str]
    """Every file of the index, name → text, in the order they are written."""


def load_state(file: Path | None, version: str) -> IndexState | None:
    state = read_pickle(file) if file else None  # None when missing, damaged or from other code
    return state if isinstance(state, IndexState) and state.version == version else None


def _state_version(terms_version: str) -> str:
    """What the state's files depend on besides the documents: the cutting, the format and the sizes."""
    settings = (FORMAT, WEIGHTS, TERM_SHARD_BYTES, SHARD_STEPS, OWN_FILE_POSTINGS, DOC_SHARD_SIZE, KINDS, terms_version)
    return digest(repr(settings)).hex()


def shard_count(size: int) -> int:
    """About size / TERM_SHARD_BYTES, on a ladder of SHARD_STEPS counts per doubling: an index updated
    from build to build has the count a build from nothing has (the same shards, so the same terms seen
    by a query's fallback expansions), and changes it, numbering afresh, only when its size moves by
    several percent, not whenever size / TERM_SHARD_BYTES crosses a half."""
    if size <= TERM_SHARD_BYTES:
        return 1
    return max(1, round(2 ** (round(SHARD_STEPS * math.log2(size / TERM_SHARD_BYTES)) / SHARD_STEPS)))


def _posting_bytes(term: str, postings: int) -> int:
    return len(term) * 3 + 4 * postings if postings else 0


def encode(docs: list[Doc]) -> dict[str, str]:
    """The files of one language's index for these documents, numbered in their order."""
    sources = [Source(d.path, d.kind, b"", lambda d=d: d) for d in docs]
    return numbered_afresh(sources, "").files


def numbered_afresh(sources: list[Source], version: str) -> IndexState:
    """The index with the documents numbered in their order (no holes), every file encoded."""
    # each term's postings as an array of 8-byte integers, not a list of int objects (36 bytes a posting):
    # at 10,000 pages the postings of one language were most of the index worker's memory
    postings: dict[str, array] = {}
    weights: list[bytes | None] = []
    rows: list[list | None] = []
    for number, source in enumerate(sources):  # the order of a document's terms does not matter: sorted below
        doc = source.make()  # one at a time: an archive's documents are not all held at once
        rows.append(_row(doc))
        indexes = _weight_indexes(doc)
        weights.append(marshal.dumps(indexes, 2))
        for term, index in indexes.items():
            absolute = number * 8 + index
            if term in postings:
                postings[term].append(absolute)
            else:
                postings[term] = array("q", (absolute,))
    # counting all postings: the same shards whatever OWN_FILE_POSTINGS
    size = sum(_posting_bytes(term, len(p)) for term, p in postings.items())
    own = {term: f for f, term in enumerate(sorted(t for t, p in postings.items() if len(p) >= OWN_FILE_POSTINGS))}
    state = IndexState(
        version,
        {source.key: number for number, source in enumerate(sources)},
        [source.origin for source in sources],
        bytearray(KINDS.index(source.kind) for source in sources),
        weights,
        shard_count(size),
        size,
        own,
        {},
    )
    term_shards: list[dict[str, list[int] | dict]] = [{} for _ in range(state.shards)]
    for term in sorted(postings):
        term_shards[shard_of(term, state.shards)][term] = _shard_value(term, postings[term], own)
    state.files["index.json"] = _entry(state)
    state.files.update((f"t{i}.json", _json(shard)) for i, shard in enumerate(term_shards))
    state.files.update((f"p{f}.json", _json(_gaps(postings[term]))) for term, f in own.items())
    for start in range(0, len(rows), DOC_SHARD_SIZE):
        state.files[f"d{start // DOC_SHARD_SIZE}.json"] = _json(rows[start : start + DOC_SHARD_SIZE])
    return state


def _gaps(absolute: Sequence[int]) -> list[int]:
    """number * 8 + weight index, ascending → each number as the gap to the previous one (the previous
    posting without its weight index: its number * 8)."""
    previous = itertools.chain((0,), absolute)  # one longer: the last posting has no next
    return [posting - (before & ~7) for posting, before in zip(absolute, previous, strict=False)]


def _absolute(gaps: list[int]) -> list[int]:
    numbers = itertools.accumulate(posting >> 3 for posting in gaps)
    return [(number << 3) | (posting & 7) for number, posting in zip(numbers, gaps, strict=True)]


def _shard_value(term: str, absolute: Sequence[int], own: dict[str, int]) -> list[int] | dict:
    return {"f": own[term], "n": len(absolute)} if term in own else _gaps(absolute)


def _row(doc: Doc | None) -> list | None:
    if doc is None:
        return None
    return [doc.title, doc.path, doc.text] + ([1] if doc.chinese_on_english_page else [])


def _entry(state: IndexState) -> str:
    runs: list[int] = []
    for kind in state.kinds:
        if runs and runs[-2] == kind:
            runs[-1] += 1
        else:
            runs += [kind, 1]
    documents = sum(1 for origin in state.origins if origin is not None)
    entry = {"v": FORMAT, "w": WEIGHTS, "n": documents, "m": len(state.kinds), "k": runs}
    return _json({**entry, "t": state.shards, "d": DOC_SHARD_SIZE})


def update(state: IndexState, sources: list[Source]) -> IndexState | None:
    """The last build's index with this build's documents: documents keep their numbers, new ones take
    free numbers (`_number_new`), and only the files whose contents change are encoded again. None when
    the index had better be numbered afresh (`_worth_renumbering`)."""
    numbers = {source.key: state.numbers.get(source.key) for source in sources}
    if len(numbers) < len(sources):
        return None  # two documents with one path: numbered afresh, in order
    gone = [number for key, number in state.numbers.items() if key not in numbers]
    _number_new(state, sources, numbers, gone)
    changed = _changed(state, sources, numbers, gone)
    if len(changed) * RENUMBER_CHANGES > len(sources):
        return None
    _apply(state, _changes(state, changed))
    state.numbers = {key: number for key, number in numbers.items() if number is not None}
    state.files["index.json"] = _entry(state)
    return None if _worth_renumbering(state) else state


RENUMBER_HOLES = 8
"""Numbered afresh when more than one number in RENUMBER_HOLES is a hole (every file then changes)."""
RENUMBER_RUNS = 64
"""… or when the kinds by number make more than this many runs (new documents of one kind after another)."""
RENUMBER_CHANGES = 8
"""… or when more than one document in RENUMBER_CHANGES changed: encoding every file is then quicker."""
# … and when the shard count changes (`shard_count`): every term may move to another shard then.


def _worth_renumbering(state: IndexState) -> bool:
    holes = sum(1 for origin in state.origins if origin is None)
    runs = sum(1 for i, kind in enumerate(state.kinds) if i == 0 or state.kinds[i - 1] != kind)
    resharded = shard_count(state.size) != state.shards
    return holes * RENUMBER_HOLES > len(state.origins) or runs > RENUMBER_RUNS or resharded


def _number_new(state: IndexState, sources: list[Source], numbers: dict[str, int | None], gone: list[int]) -> None:
    """Numbers for the documents new in this build: the first free number of their kind after their
    predecessor's (so that a document that replaces another where it was takes its place), else the
    first of their kind, else a new number at the end."""
    free: dict[int, list[int]] = {}
    holes = [n for n, origin in enumerate(state.origins) if origin is None]
    for number in sorted([*holes, *gone]):
        free.setdefault(state.kinds[number], []).append(number)
    previous = -1
    for source in sources:
        number = numbers[source.key]
        if number is None:
            kind = KINDS.index(source.kind)
            candidates = free.get(kind, [])
            if candidates:
                number = candidates.pop(bisect.bisect_right(candidates, previous) % len(candidates))
            else:
                number = len(state.kinds)
                state.kinds.append(kind)
                state.origins.append(None)
                state.weights.append(None)
            numbers[source.key] = number
        previous = number


@dataclass
class Changes:
    """What a build changes in the last build's index."""

    postings: dict[str, dict[int, int | None]] = field(default_factory=dict)
    """term → {number: its new weight index, or None where the term is gone from the document}."""
    rows: dict[int, list | None] = field(default_factory=dict)
    """number → the row of its new document, or None for a hole."""


def _changed(
    state: IndexState, sources: list[Source], numbers: dict[str, int | None], gone: list[int]
) -> list[tuple[int, Source | None]]:
    """The numbers whose documents went (with None) or are new or changed (with their source)."""
    changed: list[tuple[int, Source | None]] = [(number, None) for number in gone]
    taken = set(gone)  # a number whose document went may have been given to a new one
    for source in sources:
        number = numbers[source.key]
        if number in taken or state.origins[number] != source.origin or state.kinds[number] != _kind(source):
            changed.append((number, source))
    return changed


def _kind(source: Source) -> int:
    return KINDS.index(source.kind)


def _weight_indexes(doc: Doc) -> dict[str, int]:
    """{term: index of its weight in WEIGHTS}, in term order (marshalled into the state: the same bytes
    whatever the order the terms were added in)."""
    return {term: WEIGHT_INDEX[weight] for term, weight in sorted(doc.weights.items())}


def _changes(state: IndexState, changed: list[tuple[int, Source | None]]) -> Changes:
    """The postings and rows that change, from the documents' weights before and after; `state` takes the
    documents' origins, kinds and weights."""
    changes = Changes()
    for number, source in changed:
        doc = source.make() if source else None
        old = marshal.loads(state.weights[number]) if state.weights[number] else {}
        new = _weight_indexes(doc) if doc else {}
        for term in old.keys() | new.keys():
            if old.get(term) != new.get(term):
                changes.postings.setdefault(term, {})[number] = new.get(term)
        if source:
            state.kinds[number] = _kind(source)
        state.origins[number] = source.origin if source else None
        state.weights[number] = marshal.dumps(new, 2) if doc else None
        changes.rows[number] = _row(doc)
    return changes


def _apply(state: IndexState, changes: Changes) -> None:
    """Encode again the term shards, postings files and document shards that `changes` touches."""
    files = state.files
    shards: dict[int, dict] = {}
    for term in sorted(changes.postings):  # sorted: files numbered the same way whatever the order of changes
        number = shard_of(term, state.shards)
        shard = shards.get(number)
        if shard is None:
            shard = shards[number] = json.loads(files[f"t{number}.json"])
        value = shard.get(term)
        if isinstance(value, dict):
            before = _absolute(json.loads(files[f"p{value['f']}.json"]))
        else:
            before = _absolute(value or [])
        after = _changed_postings(before, changes.postings[term])
        state.size += _posting_bytes(term, len(after)) - _posting_bytes(term, len(before))
        if term in state.own and len(after) < OWN_FILE_POSTINGS:
            del files[f"p{state.own.pop(term)}.json"]
        if len(after) >= OWN_FILE_POSTINGS:
            if term not in state.own:
                state.own[term] = _free_file(state.own)
            files[f"p{state.own[term]}.json"] = _json(_gaps(after))
        if after:
            shard[term] = _shard_value(term, after, state.own)
        else:
            shard.pop(term, None)
    for number, shard in shards.items():
        files[f"t{number}.json"] = _json(dict(sorted(shard.items())))
    _apply_rows(state, changes.rows)


def _changed_postings(before: list[int], changed: dict[int, int | None]) -> list[int]:
    """`before` (ascending) with each changed number's posting replaced, added or removed: found by bisection
    (a common term's postings run to thousands, a build changes a few of them)."""
    after = list(before)
    for number, index in changed.items():
        start = bisect.bisect_left(after, number * 8)
        end = bisect.bisect_left(after, number * 8 + 8, start)
        after[start:end] = [] if index is None else [number * 8 + index]
    return after


def _free_file(own: dict[str, int]) -> int:
    """The lowest postings file number no term uses."""
    used = set(own.values())
    return next(f for f in range(len(used) + 1) if f not in used)


def _apply_rows(state: IndexState, rows: dict[int, list | None]) -> None:
    files = state.files
    shards: dict[int, list] = {}
    for number in sorted(rows):
        index = number // DOC_SHARD_SIZE
        if index not in shards:
            name = f"d{index}.json"
            shards[index] = json.loads(files[name]) if name in files else []
        shard = shards[index]
        shard.extend([None] * (number % DOC_SHARD_SIZE + 1 - len(shard)))
        shard[number % DOC_SHARD_SIZE] = rows[number]
    for index, shard in shards.items():
        files[f"d{index}.json"] = _json(shard)


def decoded(files: dict[str, str]) -> dict[str, tuple[str, list, dict[str, int]]]:
    """One language's index files (name → text) read back: document path → (kind, row, {term: weight}).
    Two indexes with the same documents numbered differently decode the same (tests compare an
    incremental build's index with a build's from nothing this way)."""
    entry = json.loads(files["index.json"])
    kinds = [KINDS[kind] for kind, count in zip(entry["k"][::2], entry["k"][1::2], strict=True) for _ in range(count)]
    rows = [row for d in range(-(-entry["m"] // entry["d"])) for row in json.loads(files[f"d{d}.json"])]
    documents = {row[1]: (kinds[number], row, {}) for number, row in enumerate(rows) if row is not None}
    for t in range(entry["t"]):
        for term, value in json.loads(files[f"t{t}.json"]).items():
            gaps = json.loads(files[f"p{value['f']}.json"]) if isinstance(value, dict) else value
            for posting in _absolute(gaps):
                documents[rows[posting >> 3][1]][2][term] = entry["w"][posting & 7]
    if len(documents) != entry["n"]:
        raise ValueError(f"{entry['n']} documents announced, {len(documents)} found")
    return documents


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _documents(
    data: SiteData, lang: str, terms: Terms, aliases: dict[str, tuple[str, ...]], kept: Memo | None = None
) -> Iterator[Source]:
    """Every document of one language, in the index's order. `kept`: each article's documents from the
    last build, by `SiteData.article_keys` (the same key, the same views, the same documents): their
    origin is that key, and they are unpacked only if the index needs them (`Source.make`)."""

    def pick(name: Name) -> tuple[str, bool]:
        if lang == "en" and name.en is None:
            return name.zh, True
        return (name.en if lang == "en" else name.zh) or "", False

    def names(name: Name, slug: str | None) -> Iterator[tuple[list[str], int]]:
        own, other = pick(name)[0], (name.zh if lang == "en" else name.en) or ""
        yield terms(own), NAME
        yield terms(other), OTHER_LANGUAGE if lang == "zh" else NAME
        for alias in aliases.get(slug or "", ()):
            yield terms(alias), NAME
        for chinese in (name.zh, *aliases.get(slug or "", ())):
            yield terms.pinyin(chinese), NAME

    def joined(slugs: Iterable[str], book: dict) -> str:
        return ("、" if lang == "zh" else ", ").join(pick(book[s].name)[0] for s in slugs if s in book)

    for place in data.places.values():
        industries = joined(place.industries, data.industries)
        doc = Doc("district", pick(place.name)[0], f"districts/{place.slug}/", industries)
        for words, weight in names(place.name, place.slug):
            doc.add(words, weight)
        yield _made(doc)
    for industry in data.covered_industries():
        districts = joined(industry.districts, data.places)
        doc = Doc("industry", pick(industry.name)[0], f"industries/{industry.slug}/", districts)
        for words, weight in names(industry.name, industry.slug):
            doc.add(words, weight)
        yield _made(doc)
    for company in data.companies.values():
        titles = [pick(data.articles[a].title)[0] for a in company.articles[:2]]
        doc = Doc("company", pick(company.name)[0], f"companies/{company.slug}/", " · ".join(titles))
        for words, weight in names(company.name, company.slug):
            doc.add(words, weight)
        yield _made(doc)
    kept = kept or Memo(None, b"")
    figure_sources: list[Source] = []
    for article in by_district(data):
        article_key = data.article_keys.get(article.id)
        key = (lang, article_key)
        stored = kept.get(key) if article_key else None
        if stored is None:
            terms.asked = set()
            docs = [_article_doc(article, data, lang, terms, pick)]
            docs += [_figure_doc(data.figures[f], data, lang, terms, pick) for f in article.figures]
            asked, terms.asked = terms.asked, None
            if article_key:
                # packed: a build holds the documents of every article only so, and makes each again when
                # it is numbered (then lets it go)
                packed = tuple(_packed(d) for d in docs)
                where = tuple((d.path, d.kind) for d in docs)
                kept.put(key, (packed, tuple(sorted(asked)), where))
                sources = _unpacked(packed, article_key, where)
            else:
                sources = [_made(d) for d in docs]
        else:
            packed, texts, where = stored
            terms.keep(texts)  # the texts stay in the terms cache while their article is unchanged
            sources = _unpacked(packed, article_key, where)
        yield sources[0]
        figure_sources += sources[1:]
    yield from figure_sources  # after the articles, in their order


def _made(doc: Doc) -> Source:
    """A document made in this build that is not an article's: its origin is its contents."""
    origin = hashlib.blake2b(_packed(doc), digest_size=16).digest()
    return Source(doc.path, doc.kind, origin, lambda: doc)


def _packed(doc: Doc) -> bytes:
    # version 2: no references between objects, so the same document always packs to the same bytes
    return marshal.dumps((*doc.fields(), dict(sorted(doc.weights.items()))), 2)


def _unpacked(packed: tuple[bytes, ...], article_key: bytes, where: tuple[tuple[str, str], ...]) -> list[Source]:
    """The sources of an article's documents (its origin is the article's key and the document's place
    among them), each unpacked when the index needs it."""
    return [
        Source(path, kind, article_key + i.to_bytes(4, "little"), lambda i=i: Doc(*marshal.loads(packed[i])))
        for i, (path, kind) in enumerate(where)
    ]


def by_district(data: SiteData) -> list[ArticleView]:
    """The articles grouped by their first district (else in the site's order), and after them their figures:
    the first results of a query for a district, the commonest kind, then sit in a few document shards
    instead of one shard each (documents are numbered in this order and shards are runs of numbers)."""
    order = {slug: i for i, slug in enumerate(data.places)}
    last = len(order)
    return sorted(data.articles.values(), key=lambda a: order.get(a.districts[0], last) if a.districts else last)


def _article_doc(article, data: SiteData, lang: str, terms: Terms, pick) -> Doc:
    title, chinese = pick(article.title)
    summary = pick(article.summary)[0] if not chinese else article.summary.zh
    doc = Doc("article", title, f"articles/{article.id}/", summary[:SNIPPET_CHARS], chinese)
    doc.add(terms(title), TITLE)
    for heading in (article.kicker, article.subtitle):
        doc.add(terms(pick(heading)[0]), HEADING)
    doc.add(terms(summary), SUMMARY)
    if lang == "zh" or chinese:
        doc.add(terms(re.sub(r"<[^>]+>", " ", article.body)), BODY)
    entities = [data.places[s].name for s in article.districts + article.zones if s in data.places]
    entities += [data.industries[s].name for s in article.industries if s in data.industries]
    entities += [c.name for c in article.companies]
    for name in entities:
        doc.add(terms(pick(name)[0]), HEADING)
        doc.add(terms((name.zh if lang == "en" else name.en) or ""), OTHER_LANGUAGE)
    for figure_id in article.figures:
        doc.add(terms(pick(data.figures[figure_id].text)[0]), BODY)
    return doc


def _figure_doc(figure: FigureView, data: SiteData, lang: str, terms: Terms, pick) -> Doc:
    article = data.articles[figure.article]
    subject = pick(figure.subject)[0]
    parts = [pick(figure.text)[0], pick(figure.metric)[0], subject]
    title = " · ".join(p for p in parts if p)
    if lang == "zh":
        text = _around(figure.quote, figure.raw)
    else:
        text = " · ".join(p for p in (pick(article.title)[0], str(figure.year or "")) if p)
    doc = Doc("figure", title, f"articles/{figure.article}/#fig-{figure.id}", text)
    number = re.match(r"[0-9.,]+", figure.raw)
    if number:
        plain = normalise(number.group())
        doc.add([plain, normalise(figure.raw)] + [n + u for n, u in _MULTIPLIED.findall(normalise(figure.raw))], NAME)
    doc.add(terms(pick(figure.text)[0]), NAME)
    doc.add(terms(pick(figure.metric)[0]), HEADING)
    doc.add(terms(subject), HEADING)
    if lang == "zh":
        doc.add(terms(figure.quote), BODY)
    return doc


def _around(quote: str, raw: str) -> str:
    """The part of a long quote around the figure, with ellipses where it was cut."""
    at = quote.find(raw)
    if len(quote) <= 2 * QUOTE_CONTEXT + len(raw) or at < 0:
        return quote[: 2 * QUOTE_CONTEXT + len(raw)]
    start, end = max(0, at - QUOTE_CONTEXT), min(len(quote), at + len(raw) + QUOTE_CONTEXT)
    return ("…" if start else "") + quote[start:end] + ("…" if end < len(quote) else "")


def search_vocabulary(reference) -> Vocabulary:
    """Other names of places and companies (their aliases), and the names and keywords of industries as phrases."""
    aliases: dict[str, tuple[str, ...]] = {}
    for record in (*reference.places, *reference.companies):
        aliases[record.slug] = tuple(record.aliases) + tuple(getattr(record, "ambiguous_aliases", ()))
    phrases = [word for industry in reference.industries for word in (industry.zh, *industry.keywords)]
    return Vocabulary(aliases, tuple(dict.fromkeys(phrases)))
