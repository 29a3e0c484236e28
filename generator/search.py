"""The search index (SPEC §7): small JSON files per language, read by templates/static/search.js.

Documents are the site's own pages (districts, industries, companies, articles) and its key figures.
Chinese is cut with jieba's search mode at build time; English words are lower-cased, stop words
dropped and plurals folded (`stem`, mirrored in search.js); entity names also get their pinyin, with
and without syllable breaks. Each term keeps, per document, the weight of the best field it occurs in,
so a name outranks a title, a title a summary, a summary the body.

The index is split into files so that a reader downloads only what a query needs, however large the
archive grows (all under `<lang>/search/`):

    index.json   {"v": 3, "w": WEIGHTS, "n": documents, "k": first document of each kind,
                  "t": number of term shards, "d": documents per document shard}
    t<i>.json    {term: [posting, ...] or {"f": file, "n": postings}} for the terms whose shard key hashes to i
    p<f>.json    [posting, ...] of one term with OWN_FILE_POSTINGS postings or more
    d<i>.json    [[title, path, text, zh], ...] for documents i*d … i*d+d-1

Documents are numbered kind by kind in KINDS order, so "k" gives each document's kind (articles grouped
by district and figures in their articles' order, `by_district`). `path` is
relative to the language folder, `text` is the snippet source, and `zh` is 1 when title and text are
Chinese shown on an English page. A posting packs the gap to the previous document number and the
weight's index into one small integer: `gap * 8 + WEIGHTS.index(weight)`. A term's shard key is its
first character when that is Chinese (forward maximum matching in the browser only ever needs the terms
that start at a given character), else its first two characters (prefix matching starts at two); the
key's hash (`shard_of`, mirrored in search.js) picks the shard. A term with many postings keeps only its
file number and postings count in its shard, so that the shard of a common character stays small: the
browser fetches a postings file once the parsed query uses the term (for prefix and fallback expansions
only up to a budget of postings, see search.js `loadPostings`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import marshal
import re
import types
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jieba
from pypinyin import lazy_pinyin

from .lexicon import Lexicon
from .memo import Memo, digest, read_pickle, write_pickle
from .site.view import ArticleView, FigureView, Name, SiteData

KINDS = ("district", "industry", "company", "article", "figure")

NAME, TITLE, HEADING, SUMMARY, BODY = 20, 10, 4, 3, 1
"""Field weights. A figure's own number counts as a name: `399.9` finds the figure first."""
OTHER_LANGUAGE = 2
"""Names in the other language (Midea on the Chinese site, 铜梁 on the English one)."""
WEIGHTS = (BODY, OTHER_LANGUAGE, SUMMARY, HEADING, TITLE, NAME)

TERM_SHARD_BYTES = 16_000
"""Raw JSON bytes of postings per term shard (about 5 KB gzip; a shard is one or a few shard keys, and on
a large archive a key as common as 重 or 新 is a shard of its own that may be larger). A first Chinese
query fetches one shard per word (bench/search_browser.py: 64 KB raw shards made it 15-35 KB gzip each)."""
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

    def __init__(self, lexicon: Lexicon, cache: TermsCache | None = None) -> None:
        self.lexicon = lexicon
        self.cache = cache
        self._seen: dict[str, tuple[bytes, list[str]]] = {}
        """Names, titles and quotes recur across documents and both languages: cut (and hash) each text once."""
        self.asked: set[bytes] | None = None
        """When a set: the cache keys of the texts asked for are added to it (`_documents`)."""

    def __call__(self, text: str) -> list[str]:
        seen = self._seen.get(text)
        if seen is None:
            if len(self._seen) >= SEEN_TEXTS:
                self._seen.clear()
            key = TermsCache.key(text) if self.cache else b""
            seen = self._seen[text] = (key, self.cache.terms(key, text, self._cut) if self.cache else self._cut(text))
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
        return terms


class TermsCache:
    """The terms of texts cut in earlier builds, in `<folder>/terms.pickle` (a local cache, not for
    version control): {blake2b of the text: its terms joined by spaces}, with a version that covers
    everything the cut depends on besides the text (the cutting code of this module, `cutting_code`;
    lexicon.py; jieba's version and dictionary; the words the lexicon added). A file of another version,
    or unreadable, is ignored and replaced; `save` keeps only the texts of this build, so texts no longer
    present are pruned."""

    FILE = "terms.pickle"

    def __init__(self, folder: Path, lexicon: Lexicon) -> None:
        self.folder = folder
        self.version = _terms_version(lexicon)
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


def _terms_version(lexicon: Lexicon) -> str:
    """What a text's terms depend on besides the text: the cutting code, jieba and the lexicon's own words."""
    digest = hashlib.sha256(jieba.__version__.encode())
    digest.update(cutting_code().encode())
    digest.update(Path(__file__).with_name("lexicon.py").read_bytes())
    digest.update(lexicon.signature().encode())
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


def pinyin_terms(chinese: str) -> list[str]:
    """`铜梁区` → `tongliangqu`, `tongliang`: the name with and without its administrative suffix."""
    names = {chinese, re.sub(r"(区|县|自治县|有限公司|集团)$", "", chinese)}
    return sorted({"".join(lazy_pinyin(n)).lower() for n in names if re.fullmatch(r"[\u3400-\u9fff]{2,}", n)})


def build_indexes(
    data: SiteData, lexicon: Lexicon, aliases: dict[str, tuple[str, ...]], cache: Path | None = None
) -> dict[str, str]:
    """Every file of the search index of both languages, path → JSON text. `aliases`: slug → other names.
    `cache`: a folder (content/.cache/search) that keeps the terms of each text between builds; the
    files are the same with it or without."""
    return dict(index_files(data, lexicon, aliases, cache))


def index_files(
    data: SiteData, lexicon: Lexicon, aliases: dict[str, tuple[str, ...]], cache: Path | None = None
) -> Iterator[tuple[str, str]]:
    """`build_indexes` one file at a time, language after language (a large archive's index need not be
    in memory whole: render.py writes each file as it comes)."""
    terms_cache = TermsCache(cache, lexicon) if cache is not None else None
    terms = Terms(lexicon, terms_cache)  # shared by both languages
    # an article's documents (its own and its figures') depend on its views and the cutting only
    kept = Memo(cache / "documents.pickle", digest(terms_cache.version)) if terms_cache else Memo(None, b"")
    for lang in ("zh", "en"):
        docs = sorted(_documents(data, lang, terms, aliases, kept), key=lambda d: KINDS.index(d.kind))
        files = encode(docs)
        del docs
        for name in list(files):  # each file's text let go once written
            yield f"{lang}/search/{name}", files.pop(name)
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


def encode(docs: list[Doc]) -> dict[str, str]:
    """The entry file, term shards and document shards of one language's index."""
    postings: dict[str, list[int]] = {}
    previous: dict[str, int] = {}
    weight_index = {weight: i for i, weight in enumerate(WEIGHTS)}
    for number, doc in enumerate(docs):  # the order of a document's terms does not matter: terms are sorted below
        for term, weight in doc.weights.items():
            packed = (number - previous.get(term, 0)) * 8 + weight_index[weight]
            if term in previous:
                postings[term].append(packed)
            else:
                postings[term] = [packed]
            previous[term] = number
    size = sum(len(term) * 3 + 4 * len(p) for term, p in postings.items())
    # counting all postings: the same shards whatever OWN_FILE_POSTINGS
    shard_count = max(1, round(size / TERM_SHARD_BYTES))
    own_files = sorted(term for term, p in postings.items() if len(p) >= OWN_FILE_POSTINGS)
    shard_terms: dict[str, list[int] | dict] = dict(postings)
    shard_terms.update((term, {"f": number, "n": len(postings[term])}) for number, term in enumerate(own_files))
    term_shards: list[dict[str, list[int] | dict]] = [{} for _ in range(shard_count)]
    for term in sorted(shard_terms):
        term_shards[shard_of(term, shard_count)][term] = shard_terms[term]
    rows = [[d.title, d.path, d.text] + ([1] if d.chinese_on_english_page else []) for d in docs]
    kinds = [d.kind for d in docs]
    entry = {
        "v": 3,
        "w": WEIGHTS,
        "n": len(docs),
        "k": [kinds.index(k) if k in kinds else len(docs) for k in KINDS],
        "t": shard_count,
        "d": DOC_SHARD_SIZE,
    }
    files = {"index.json": _json(entry)}
    files.update((f"t{i}.json", _json(shard)) for i, shard in enumerate(term_shards))
    files.update((f"p{i}.json", _json(postings[term])) for i, term in enumerate(own_files))
    for start in range(0, len(rows), DOC_SHARD_SIZE):
        files[f"d{start // DOC_SHARD_SIZE}.json"] = _json(rows[start : start + DOC_SHARD_SIZE])
    return files


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _documents(
    data: SiteData, lang: str, terms: Terms, aliases: dict[str, tuple[str, ...]], kept: Memo | None = None
) -> Iterator[Doc]:
    """Every document of one language, in the index's order. `kept`: each article's documents from the
    last build, by `SiteData.article_keys` (the same key, the same views, the same documents)."""

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
            yield pinyin_terms(chinese), NAME

    def joined(slugs: Iterable[str], book: dict) -> str:
        return ("、" if lang == "zh" else ", ").join(pick(book[s].name)[0] for s in slugs if s in book)

    for place in data.places.values():
        industries = joined(place.industries, data.industries)
        doc = Doc("district", pick(place.name)[0], f"districts/{place.slug}/", industries)
        for words, weight in names(place.name, place.slug):
            doc.add(words, weight)
        yield doc
    for industry in data.covered_industries():
        districts = joined(industry.districts, data.places)
        doc = Doc("industry", pick(industry.name)[0], f"industries/{industry.slug}/", districts)
        for words, weight in names(industry.name, industry.slug):
            doc.add(words, weight)
        yield doc
    for company in data.companies.values():
        titles = [pick(data.articles[a].title)[0] for a in company.articles[:2]]
        doc = Doc("company", pick(company.name)[0], f"companies/{company.slug}/", " · ".join(titles))
        for words, weight in names(company.name, company.slug):
            doc.add(words, weight)
        yield doc
    kept = kept or Memo(None, b"")
    figure_docs: list[Doc] = []
    for article in by_district(data):
        key = (lang, data.article_keys.get(article.id))
        packed = kept.get(key) if key[1] else None
        if packed is None:
            terms.asked = set()
            own = _article_doc(article, data, lang, terms, pick)
            figures = [_figure_doc(data.figures[f], data, lang, terms, pick) for f in article.figures]
            if key[1]:  # packed (a build holds the documents of every article) and in a fixed order
                docs = [(*dataclasses.astuple(d)[:-1], dict(sorted(d.weights.items()))) for d in (own, *figures)]
                kept.put(key, marshal.dumps((docs, tuple(sorted(terms.asked))), 2))  # 2: no shared references
            terms.asked = None
        else:
            fields, texts = marshal.loads(packed)
            own, *figures = (Doc(*f) for f in fields)
            terms.keep(texts)  # the texts stay in the terms cache while their article is unchanged
        yield own
        figure_docs += figures
    yield from figure_docs  # after the articles, in their order


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


def search_aliases(reference) -> dict[str, tuple[str, ...]]:
    """Other names a reader may type for a page's entity: 铜梁 for 铜梁区, 美的 for 美的集团."""
    aliases: dict[str, tuple[str, ...]] = {}
    for record in (*reference.places, *reference.companies):
        aliases[record.slug] = tuple(record.aliases) + tuple(getattr(record, "ambiguous_aliases", ()))
    return aliases
