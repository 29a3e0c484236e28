"""Search (SPEC §7): the index the build writes, and the search page and box in a real browser."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from generator import search
from generator.content import load_articles
from generator.pipeline import Paths, render
from generator.report import Reporter
from generator.search import KINDS, WEIGHTS, build_indexes, normalise, pinyin_terms, search_vocabulary, shard_of, stem
from generator.site.view import Name, build_site_data
from generator.translations import load_english

from .conftest import SEEDS, TEMPLATES, serving

EVALUATION = yaml.safe_load((Path(__file__).parent / "annotations" / "search.yaml").read_text("utf-8"))


def load_index(site: Path, lang: str) -> dict:
    """Entry, every term shard (with the postings kept in files of their own) and every document shard of
    one language, read back into one dict."""
    folder = site / lang / "search"
    entry = json.loads((folder / "index.json").read_text("utf-8"))
    terms: dict[str, list[int]] = {}
    for shard in range(entry["t"]):
        terms.update(json.loads((folder / f"t{shard}.json").read_text("utf-8")))
    for term, value in terms.items():
        if isinstance(value, dict):
            terms[term] = json.loads((folder / f"p{value['f']}.json").read_text("utf-8"))
    docs: list[list | None] = []  # by number; None for a number whose document went
    for shard in range(-(-entry["m"] // entry["d"])):
        docs += json.loads((folder / f"d{shard}.json").read_text("utf-8"))
    return {"entry": entry, "terms": terms, "docs": docs}


def kinds_by_number(entry: dict) -> list[str]:
    runs = entry["k"]
    return [KINDS[kind] for kind, count in zip(runs[::2], runs[1::2], strict=True) for _ in range(count)]


def postings(index: dict, term: str) -> list[tuple[int, int]]:
    """Decode one term's postings (gap * 8 + weight index), as search.js does."""
    doc, out = 0, []
    for packed in index["terms"].get(term, []):
        doc += packed // 8
        out.append((doc, index["entry"]["w"][packed % 8]))
    return out


def test_stem_and_normalise_fold_what_readers_vary():
    assert [stem(w) for w in ("batteries", "vehicles", "boxes", "bus", "glass", "gas", "tax")] == [
        "battery",
        "vehicle",
        "box",
        "bus",
        "glass",
        "gas",
        "tax",
    ]
    assert normalise("Ｍｉｄｅａ　１２,７０２") == "midea 12702"
    assert pinyin_terms("铜梁区") == ["tongliang", "tongliangqu"]


def test_index_is_split_into_entry_term_and_document_shards(site):
    for lang in ("zh", "en"):
        index = load_index(site, lang)
        entry, docs = index["entry"], index["docs"]
        assert set(entry) == {"v", "w", "n", "m", "k", "t", "d"} and tuple(entry["w"]) == WEIGHTS and entry["v"] == 4
        assert len(docs) == entry["m"] == entry["n"] == len(kinds_by_number(entry))  # built from nothing: no holes
        assert all(len(d) in (3, 4) and not d[1].startswith(("/", "zh/", "en/")) for d in docs)
        for term, packed in index["terms"].items():
            assert term in json.loads((site / lang / "search" / f"t{shard_of(term, entry['t'])}.json").read_text())
            assert packed, term
        for term in ("tongliang", "qijiang", "midea", "399.9"):
            assert postings(index, term), (lang, term)


def test_a_term_with_many_postings_has_them_in_a_file_of_its_own(monkeypatch):
    docs = [search.Doc("article", f"t{i}", f"articles/{i}/", "") for i in range(5)]
    for i, doc in enumerate(docs):
        doc.add(["common", "rare"] if i == 2 else ["common"], search.TITLE)
    monkeypatch.setattr(search, "OWN_FILE_POSTINGS", 3)
    files = search.encode(docs)
    shard = json.loads(files["t0.json"])  # one small shard
    title = WEIGHTS.index(search.TITLE)
    assert shard == {"common": {"f": 0, "n": 5}, "rare": [2 * 8 + title]}
    assert json.loads(files["p0.json"]) == [title] + [8 + title] * 4
    assert "p1.json" not in files


def test_documents_are_numbered_kind_by_kind(site):
    index = load_index(site, "en")
    kinds, docs = kinds_by_number(index["entry"]), index["docs"]
    assert kinds == sorted(kinds, key=KINDS.index) and index["entry"]["k"][::2] == list(range(len(KINDS)))
    prefixes = {"district": "districts/", "industry": "industries/", "company": "companies/", "article": "articles/"}
    for kind, doc in zip(kinds, docs, strict=True):
        assert doc[1].startswith(prefixes.get(kind, "articles/")) and ("#fig-" in doc[1]) == (kind == "figure")


def test_an_entity_name_outweighs_a_mention(site):
    index = load_index(site, "zh")
    paths = [d[1] for d in index["docs"]]
    weights = dict(postings(index, "铜梁"))
    assert weights[paths.index("districts/tongliang/")] > weights[paths.index("articles/001-04/")]


def test_english_index_has_no_unmarked_chinese(site):
    """Chinese in the English index appears only as terms (names a reader may type) or in marked docs."""
    index = load_index(site, "en")
    for doc in index["docs"]:
        if len(doc) == 3:
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in doc[0] + doc[2]), doc


def run_query(tab, site_url: str, lang: str, query: str) -> tuple[list[str], float]:
    """The result paths (relative to the language folder) and the time the script took for the query."""
    page = tab.page
    page.goto(f"{site_url}{lang}/search/index.html?q={quote(query)}")
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    prefix = f"{site_url}{lang}/"
    hrefs = page.eval_on_selector_all("#results li > a", "links => links.map(a => a.href)")
    paths = [h.removeprefix(prefix).replace("index.html", "") for h in hrefs]
    return paths, float(page.get_attribute("#results", "data-ms") or 0)


def test_search_evaluation_in_the_browser(tab, site_url):
    failures, times = [], []
    for case in EVALUATION:
        paths, ms = run_query(tab, site_url, case["lang"], case["q"])
        times.append(ms)
        missing = [p for p in case["top3"] if p not in paths[:3]]
        if missing:
            failures.append(f"{case['lang']} {case['q']!r}: missing {missing}; top 3 were {paths[:3]}")
    passed = len(EVALUATION) - len(failures)
    print(
        f"\nsearch evaluation: {passed}/{len(EVALUATION)} queries have their pages in the top 3; "
        f"query time median {statistics.median(times):.2f} ms, max {max(times):.2f} ms"
    )
    assert len(EVALUATION) >= 25
    assert not failures, "\n".join(failures)
    assert tab.errors == [] and tab.foreign_requests == []


@contextmanager
def index_settings(term_shard_bytes: int, own_file_postings: int) -> Iterator[None]:
    saved = search.TERM_SHARD_BYTES, search.DOC_SHARD_SIZE, search.OWN_FILE_POSTINGS
    search.TERM_SHARD_BYTES, search.DOC_SHARD_SIZE, search.OWN_FILE_POSTINGS = term_shard_bytes, 8, own_file_postings
    try:
        yield
    finally:
        search.TERM_SHARD_BYTES, search.DOC_SHARD_SIZE, search.OWN_FILE_POSTINGS = saved


@pytest.fixture(scope="module")
def sharded_site_url(site, lexicon) -> Iterator[str]:
    """The same content rendered with tiny shards, as a large archive's index would be split, and every term
    with 5 postings or more in a postings file of its own."""
    content = site.parent.parent / "content"
    out = site.parent.parent / "sharded" / "site"
    with index_settings(3_000, 5), open(os.devnull, "w") as quiet:
        render(Paths(SEEDS, content, out, TEMPLATES), Reporter(stream=quiet), None, lexicon)
    with serving(out) as url:
        yield url


@pytest.fixture(scope="module")
def unsplit_site_url(sharded_site_url, site, reference, lexicon) -> Iterator[str]:
    """The finely sharded site again, with every term's postings in its term shard."""
    root = site.parent.parent
    out = root / "unsplit" / "site"
    shutil.copytree(root / "sharded" / "site", out)
    data = build_site_data(load_articles(root / "content"), reference, load_english(root / "content"))
    with index_settings(3_000, 10**9):
        files = build_indexes(data, lexicon, search_vocabulary(reference))
    for old in out.glob("*/search/*.json"):
        old.unlink()
    for path, text in files.items():
        (out / path).write_text(text, "utf-8")
    with serving(out) as url:
        yield url


def test_search_evaluation_on_a_finely_sharded_index(tab, sharded_site_url, site):
    folder = site.parent.parent / "sharded/site/zh/search"
    entry = json.loads((folder / "index.json").read_text("utf-8"))
    own_files = len(list(folder.glob("p*.json")))
    assert entry["t"] > 20 and entry["d"] == 8 and own_files > 100
    requested: list[str] = []
    tab.page.on("request", lambda r: requested.append(r.url) if "/search/" in r.url else None)
    failures = []
    for case in EVALUATION:
        paths, _ = run_query(tab, sharded_site_url, case["lang"], case["q"])
        if any(p not in paths[:3] for p in case["top3"]):
            failures.append(f"{case['lang']} {case['q']!r}: top 3 were {paths[:3]}")
    assert not failures, "\n".join(failures)
    names = {u.rsplit("/", 1)[1] for u in requested if "/zh/search/" in u}
    shards, own_fetched = {n for n in names if n[0] == "t"}, {n for n in names if n[0] == "p"}
    assert 0 < len(shards) < entry["t"] and 0 < len(own_fetched) < own_files  # only what the queries needed


def test_postings_in_files_of_their_own_give_the_same_results(tab, sharded_site_url, unsplit_site_url):
    queries = [(c["lang"], c["q"]) for c in EVALUATION]
    queries += [("zh", "新"), ("zh", "重庆 汽车"), ("zh", "2023年"), ("en", "in"), ("en", "2023"), ("en", "co")]
    differing = [
        q for q in queries if run_query(tab, sharded_site_url, *q)[0] != run_query(tab, unsplit_site_url, *q)[0]
    ]
    assert not differing


def test_results_show_type_and_highlighted_snippet(tab, site_url):
    run_query(tab, site_url, "en", "copper")
    first = tab.page.locator("#results li").first
    assert first.locator(".type").inner_text() == "Industry"
    marks = tab.page.locator("#results mark").all_inner_texts()
    assert marks and all(m.lower().startswith("copper") for m in marks)
    run_query(tab, site_url, "zh", "铜梁储能")
    assert set(tab.page.locator("#results mark").all_inner_texts()) <= {"铜梁", "储能"}


def test_nothing_found_says_so(tab, site_url):
    paths, _ = run_query(tab, site_url, "en", "zzzqqq")
    assert paths == []
    assert tab.page.inner_text("#search-status") == "No results."


def test_typing_updates_results_and_url(tab, site_url):
    page = tab.page
    page.goto(f"{site_url}en/search/index.html")
    page.fill("#q", "yongc")
    page.wait_for_function("document.querySelectorAll('#results li').length > 0")
    assert page.url.endswith("?q=yongc")
    assert "Yongchuan" in page.locator("#results li").first.inner_text()


def test_keyboard_moves_through_results(tab, site_url):
    page = tab.page
    run_query(tab, site_url, "zh", "铜梁")
    page.focus("#q")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = page.eval_on_selector_all("#results li > a", "links => links[1].href")
    assert page.evaluate("document.activeElement.href") == second
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/districts/tongliang/index.html")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_box_on_every_page_suggests_and_opens_the_search_page(tab, site_url, lang):
    page = tab.page
    page.goto(f"{site_url}{lang}/articles/001-03/index.html")
    page.fill("#site-q", "qijiang")
    page.wait_for_selector("#site-suggest:not([hidden]) li")
    assert "districts/qijiang/" in page.locator("#site-suggest li a").first.get_attribute("href")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search/index.html?q=qijiang")
    page.wait_for_function("document.querySelectorAll('#results li').length > 0")
    assert tab.errors == []


def test_search_page_without_javascript_explains(site):
    html = (site / "en" / "search" / "index.html").read_text("utf-8")
    assert "<noscript><p>Search needs JavaScript" in html


def test_a_long_digit_run_is_not_indexed_and_not_slow(lexicon):
    """A 100,000-digit run (a broken OCR line) once took minutes: the multiplier pattern retried every position."""
    terms = search.Terms(lexicon)("9" * 100_000 + "万，产值3.5亿元")
    assert "3.5亿" in terms and "3.5" in terms
    assert all(len(t) <= search.LONGEST_NUMBER + 2 for t in terms)


def test_industry_names_and_keywords_are_terms_also_inside_each_other(reference, lexicon):
    """jieba cuts 智能网联新能源汽车 as 智能网|联|新能源|汽车; typed, it should be one term, not four words and the
    alternatives of 联 (tens of thousands of postings on a large archive)."""
    phrases = search.Phrases(search_vocabulary(reference).phrases)
    terms = search.Terms(lexicon, phrases=phrases)("推动智能网联新能源汽车产业发展，新能源汽车产量增长")
    assert terms.count("智能网联新能源汽车") == 1
    assert terms.count("新能源汽车") == 2  # inside the longer name, and on its own
    assert {"智能网", "新能源", "汽车"} <= set(terms)  # jieba's words are kept: 新能源 alone still finds both
    assert search.Terms(lexicon)("推动智能网联新能源汽车产业发展").count("智能网联新能源汽车") == 0


def test_terms_cache_gives_the_same_index_and_cuts_only_changed_texts(site, reference, lexicon, tmp_path, monkeypatch):
    content = site.parent.parent / "content"
    data = build_site_data(load_articles(content), reference, load_english(content))
    aliases, cache = search_vocabulary(reference), tmp_path / "cache"
    cut: list[str] = []
    real_cut = search.Terms._cut
    monkeypatch.setattr(search.Terms, "_cut", lambda self, text: cut.append(text) or real_cut(self, text))
    real_pinyin = search.pinyin_terms  # names' pinyin is kept in the cache too
    monkeypatch.setattr(search, "pinyin_terms", lambda name: cut.append(f"pinyin {name}") or real_pinyin(name))

    uncached = build_indexes(data, lexicon, aliases)
    texts = len(cut)
    cut.clear()
    assert build_indexes(data, lexicon, aliases, cache) == uncached  # cold: every text cut, then saved
    assert len(cut) == texts and (cache / "terms.pickle").is_file()
    cut.clear()
    assert build_indexes(data, lexicon, aliases, cache) == uncached  # warm: nothing cut
    assert cut == []

    first = next(iter(data.articles.values()))
    changed = dataclasses.replace(first, title=Name("铜梁区储能产业园新项目开工", first.title.en))
    keys = {**data.article_keys, first.id: b"changed"}  # a changed article has another key (SiteData.article_keys)
    data = dataclasses.replace(data, articles={**data.articles, first.id: changed}, article_keys=keys)
    assert build_indexes(data, lexicon, aliases, cache) == build_indexes(data, lexicon, aliases)
    assert cut[0] == "铜梁区储能产业园新项目开工" and cut.count(cut[0]) == 2  # with the cache, then without
    saved = pickle.loads((cache / "terms.pickle").read_bytes())["terms"]
    assert len(saved) == texts  # the old title's entry pruned, the new one kept

    for damaged in ("terms.pickle", "documents.pickle"):  # a corrupt cache is ignored and replaced
        (cache / damaged).write_bytes(b"not a pickle")
    cut.clear()
    assert build_indexes(data, lexicon, aliases, cache) == build_indexes(data, lexicon, aliases)
    assert pickle.loads((cache / "terms.pickle").read_bytes())["terms"] == saved


def test_terms_cache_is_dropped_when_the_lexicon_the_phrases_or_the_cutting_change(
    reference, lexicon, tmp_path, monkeypatch
):
    from generator.lexicon import Lexicon

    words = reference.user_words()
    versions = {search.TermsCache(tmp_path, Lexicon(w)).version for w in (words, words[:-1])}
    assert len(versions) == 2
    phrases = search_vocabulary(reference).phrases
    versions = {search.TermsCache(tmp_path, lexicon, search.Phrases(p)).version for p in (phrases, phrases[:-1])}
    assert len(versions) == 2
    version = search.TermsCache(tmp_path, lexicon).version
    monkeypatch.setattr(search, "TERM_SHARD_BYTES", 1_000)  # not a cutting parameter
    assert search.TermsCache(tmp_path, lexicon).version == version
    monkeypatch.setattr(search, "CHINESE_STOP_WORDS", search.CHINESE_STOP_WORDS | {"有"})  # used by Terms._cut
    assert search.TermsCache(tmp_path, lexicon).version != version


# -- the index from build to build: documents keep their numbers (search.update) --------------------------


@pytest.fixture
def coarse_shards(monkeypatch) -> None:
    """Term shard counts on a ladder of doublings: the seed site is so small that removing one article can
    move its size to the next step of the usual ladder (and the index is then numbered afresh)."""
    monkeypatch.setattr(search, "SHARD_STEPS", 1)


def _site_data(content: Path, reference, without: frozenset[str] = frozenset()):
    articles = [a for a in load_articles(content) if str(a.fields["id"]) not in without]
    return build_site_data(articles, reference, load_english(content))


def _one_language(files: dict[str, str], lang: str) -> dict[str, str]:
    return {name.split("/")[-1]: text for name, text in files.items() if name.startswith(f"{lang}/search/")}


def _numbers(files: dict[str, str]) -> dict[str, int]:
    entry = json.loads(files["index.json"])
    rows = [row for d in range(-(-entry["m"] // entry["d"])) for row in json.loads(files[f"d{d}.json"])]
    return {row[1]: number for number, row in enumerate(rows) if row}


def _term_files(files: dict[str, str], term: str) -> set[str]:
    """The term shard that names the term and its postings file, if it has one."""
    shard = f"t{shard_of(term, json.loads(files['index.json'])['t'])}.json"
    value = json.loads(files[shard]).get(term)
    return {shard} | ({f"p{value['f']}.json"} if isinstance(value, dict) else set())


def _postings_by_term(documents: dict) -> dict[str, dict[str, int]]:
    by_term: dict[str, dict[str, int]] = {}
    for path, (_, _, weights) in documents.items():
        for term, weight in weights.items():
            by_term.setdefault(term, {})[path] = weight
    return by_term


def test_a_removed_article_changes_only_the_files_of_the_documents_and_terms_it_changes(
    site, reference, lexicon, tmp_path, coarse_shards
):
    content = site.parent.parent / "content"
    aliases, cache = search_vocabulary(reference), tmp_path / "cache"
    whole = _site_data(content, reference)
    before = build_indexes(whole, lexicon, aliases, cache)
    assert before == build_indexes(whole, lexicon, aliases)  # the first build is numbered in order, as without cache

    fewer = _site_data(content, reference, without=frozenset({"002-01"}))
    after, fresh = build_indexes(fewer, lexicon, aliases, cache), build_indexes(fewer, lexicon, aliases)
    for lang in ("zh", "en"):
        old, new = _one_language(before, lang), _one_language(after, lang)
        documents = search.decoded(new)
        assert documents == search.decoded(_one_language(fresh, lang))  # the same documents and weights
        entry = json.loads(new["index.json"])
        assert entry["m"] == json.loads(old["index.json"])["m"] > entry["n"]  # the article's numbers are holes
        numbers = _numbers(old)
        assert all(numbers[path] == number for path, number in _numbers(new).items())  # the others keep theirs

        was = search.decoded(old)
        assert any(path.startswith("articles/002-01/") for path in was.keys() - documents.keys())
        changed_documents = {path for path in was if was[path] != documents.get(path)}
        postings, earlier = _postings_by_term(documents), _postings_by_term(was)
        changed_terms = {t for t in postings.keys() | earlier.keys() if postings.get(t) != earlier.get(t)}
        expected = {"index.json"} | {f"d{numbers[path] // entry['d']}.json" for path in changed_documents}
        for term in changed_terms:
            expected |= _term_files(old, term) | (_term_files(new, term) if term in postings else set())
        changed = {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}
        assert changed == expected, lang
        assert len(changed) < len(old) / 2, lang

    # the article back: its documents take their old numbers (the first free ones of their kind)
    assert build_indexes(whole, lexicon, aliases, cache) == before


def test_an_index_with_too_many_holes_is_numbered_afresh(
    site, reference, lexicon, tmp_path, monkeypatch, coarse_shards
):
    content = site.parent.parent / "content"
    aliases, cache = search_vocabulary(reference), tmp_path / "cache"
    build_indexes(_site_data(content, reference), lexicon, aliases, cache)
    monkeypatch.setattr(search, "RENUMBER_HOLES", 1000)  # one hole in a thousand numbers is too many
    fewer = _site_data(content, reference, without=frozenset({"002-01"}))
    assert build_indexes(fewer, lexicon, aliases, cache) == build_indexes(fewer, lexicon, aliases)


def test_a_new_document_takes_a_free_number_of_its_kind(site, reference, lexicon, tmp_path, coarse_shards):
    content = site.parent.parent / "content"
    aliases, cache = search_vocabulary(reference), tmp_path / "cache"
    first = build_indexes(_site_data(content, reference, without=frozenset({"004-07"})), lexicon, aliases, cache)
    swapped = _site_data(content, reference, without=frozenset({"002-01"}))
    then = build_indexes(swapped, lexicon, aliases, cache)  # 002-01 went, 004-07 came
    for lang in ("zh", "en"):
        numbers, before = _numbers(_one_language(then, lang)), _numbers(_one_language(first, lang))
        assert numbers["articles/004-07/"] == before["articles/002-01/"]
        figures = sorted(n for path, n in numbers.items() if path.startswith("articles/004-07/#"))
        holes = sorted(n for path, n in before.items() if path.startswith("articles/002-01/#"))
        assert figures[: len(holes)] == holes[: len(figures)]
        fresh = _one_language(build_indexes(swapped, lexicon, aliases), lang)
        assert search.decoded(_one_language(then, lang)) == search.decoded(fresh)


@pytest.fixture(scope="module")
def holed_sites(site, lexicon, tmp_path_factory) -> Iterator[tuple[Path, str, str]]:
    """The shipped content built, then built again without one article (its documents' numbers become holes
    in the index), and built from nothing without it: (the first site, its URL, the other's URL)."""
    root = tmp_path_factory.mktemp("holes")
    content, quiet = root / "content", Reporter(stream=open(os.devnull, "w"))
    shutil.copytree(site.parent.parent / "content", content, ignore=shutil.ignore_patterns(".cache"))
    saved, search.SHARD_STEPS = search.SHARD_STEPS, 1  # as `coarse_shards`
    try:
        render(Paths(SEEDS, content, root / "kept", TEMPLATES), quiet, None, lexicon)
        (content / "articles" / "002-01.md").unlink()
        render(Paths(SEEDS, content, root / "kept", TEMPLATES), quiet, None, lexicon)
        shutil.rmtree(content / ".cache")
        render(Paths(SEEDS, content, root / "fresh", TEMPLATES), quiet, None, lexicon)
    finally:
        search.SHARD_STEPS = saved
    with serving(root / "kept") as kept, serving(root / "fresh") as fresh:
        yield root / "kept", kept, fresh


def test_an_index_with_holes_answers_as_one_numbered_afresh(tab, holed_sites):
    site, kept_url, fresh_url = holed_sites
    for lang in ("zh", "en"):
        entry = json.loads((site / lang / "search" / "index.json").read_text("utf-8"))
        assert entry["m"] > entry["n"]
    queries = [(c["lang"], c["q"]) for c in EVALUATION] + [("zh", "新"), ("zh", "重庆 汽车"), ("en", "co")]
    differing = [q for q in queries if run_query(tab, kept_url, *q)[0] != run_query(tab, fresh_url, *q)[0]]
    assert not differing
    assert run_query(tab, kept_url, "zh", "铜梁")[0] and tab.errors == []
