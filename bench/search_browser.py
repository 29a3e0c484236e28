"""Benchmark: our search on a large synthetic archive, in Chromium (issue #7's download and speed targets).

For each size N it writes N newspaper pages (bench/corpus.py) to a project folder on a tmpfs, builds it
with our generator in a fresh process (extract, then render, as bench/scale.py does; 10,000 pages take
minutes and a few GB), serves the site on localhost and opens the search page (`<lang>/search/?q=…`)
for each first query below in a FRESH browser context (empty cache), recording what the browser fetched
and how long the query took; then types a few more queries into the same page (warm: shards already
loaded). Prints per N: documents, the index's size, the first-query download (median, max, each
query) and the query times (cold and warm). Prints numbers; asserts nothing.

Bytes: the local server does not compress, so "gzip" is computed here, each fetched file gzipped on its
own (level 9, as a compressing server such as GitHub Pages would send it). "Download" counts the search
index files (index.json, t*.json, d*.json); search.js (the same at every size) is shown beside it.
Query time is what search.js writes into #results' `data-ms`: the search itself once its shards are
loaded (the first query also decodes the postings it touches), not the network.

Usage: .venv/bin/python bench/search_browser.py [--sizes 1000 10000] [--work DIR [--reuse | --reindex]]
  --work DIR keeps each build in DIR/n<N>; with --reuse an existing site there is served as it is, with
  --reindex its search index (and search.js) is made again from its content/ first (to try other shard
  sizes without a full build; the terms are cached in content/.cache/search).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from corpus import write_corpus  # noqa: E402
from scale import our_build  # noqa: E402
from search_size import first_query, gz, is_search_file, recorder  # noqa: E402

from generator.serve import serving  # noqa: E402

FIRST_QUERIES = {
    "zh": [
        "铜梁",  # a district
        "綦江区",
        "铜梁储能",  # a phrase without spaces: district + industry
        "储能",
        "美的集团",  # companies
        "长城汽车",
        "赛力斯",
        "智能网联新能源汽车",  # an industry
        "火锅",
        "招商引资",  # common words
        "科技金融",
        "qijiang",  # pinyin
        "tong liang",
        "2023",  # numbers
        "12.5亿",
    ],
    "en": [
        "Midea",
        "Tongliang",
        "Yongchuan",
        "hotpot",
        "energy storage",
        "new energy vehicles",
        "Great Wall Motor",
        "investment",
        "semiconductor",
        "qijiang",
        "铜梁",
        "2023",
        "399.9",
    ],
}
TYPED_QUERIES = {
    "zh": ["綦江 汽车", "智能制造", "长安汽车 新能源", "jiulongpo", "产值 增长", "两江新区"],
    "en": ["battery", "copper tubes", "Changan", "industrial park", "jobs", "Bishan smart terminals"],
}


@dataclass
class Query:
    lang: str
    query: str
    files: dict[str, bytes]
    ms: float

    def index_bytes(self) -> tuple[int, int]:
        index = [body for url, body in self.files.items() if url.endswith(".json")]
        return sum(map(len, index)), sum(map(gz, index))


def build(n: int, tmp: Path, reuse: bool, again: bool) -> str:
    site = tmp / "site"
    if (reuse or again) and (site / "zh" / "search" / "index.json").is_file():
        return reindex(tmp) if again else "existing build reused"
    if not (tmp / "seeds").is_dir():
        write_corpus(n, tmp / "seeds")
        for folder in ("reference", "translations"):
            shutil.copytree(ROOT / "content" / folder, tmp / "content" / folder)
    run = our_build(tmp)
    stages = json.loads(run.output)["stages"]
    timings = ", ".join(f"{k} {v:.0f} s" for k, v in stages.items())
    return f"built in {run.seconds:.0f} s, peak {run.peak_mb:,.0f} MB ({timings})"


def reindex(tmp: Path) -> str:
    """The search index of an existing build made again from its content/ with the current code."""
    from generator.content import load_content
    from generator.lexicon import Lexicon
    from generator.reference import load_reference
    from generator.search import build_indexes, search_vocabulary
    from generator.site.view import build_site_data
    from generator.translations import load_english

    started = time.perf_counter()
    content, site = tmp / "content", tmp / "site"
    reference = load_reference(content)
    places, industries = {p.slug for p in reference.places}, {i.slug for i in reference.industries}
    data = build_site_data(load_content(content, places, industries).articles, reference, load_english(content))
    lexicon = Lexicon(reference.user_words())
    files = build_indexes(data, lexicon, search_vocabulary(reference), content / ".cache" / "search")
    for old in site.glob("*/search/*.json"):
        old.unlink()
    for path, text in files.items():
        (site / path).write_text(text, "utf-8")
    shutil.copy2(ROOT / "templates" / "static" / "search.js", site / "static" / "search.js")
    return f"search index made again from the existing build's content in {time.perf_counter() - started:.0f} s"


def typed(page: Page, query: str) -> float:
    """Type a query into the open search page and wait for its answer; the time search.js took."""
    page.evaluate("document.getElementById('results').removeAttribute('data-ms')")
    page.fill("#q", query)
    page.wait_for_selector("#results[data-ms]", state="attached")
    page.wait_for_function("q => document.getElementById('q').value === q", arg=query)
    return float(page.get_attribute("#results", "data-ms") or 0)


def measure(site: Path) -> tuple[list[Query], list[Query]]:
    first, warm = [], []
    with serving(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for lang, queries in FIRST_QUERIES.items():
            for query in queries:
                context = browser.new_context()  # empty cache: what a new reader downloads
                page = context.new_page()
                files, ms = first_query(page, base, lang, query)
                first.append(Query(lang, query, files, ms))
                if query == queries[0]:
                    responses = recorder(page, is_search_file)
                    for more in TYPED_QUERIES[lang]:
                        ms = typed(page, more)
                        warm.append(Query(lang, more, {r.url: r.body() for r in responses}, ms))
                        responses.clear()
                context.close()
        browser.close()
    return first, warm


def index_size(site: Path, lang: str) -> tuple[int, int, int, int, int, int]:
    """Documents, files, raw and gzip bytes of one language's index, and its largest term shard (raw, gzip)."""
    folder = site / lang / "search"
    entry = json.loads((folder / "index.json").read_text("utf-8"))
    bodies = {p.name: p.read_bytes() for p in folder.glob("*.json")}
    terms = [gz(b) for name, b in bodies.items() if name.startswith("t")]
    raw = sum(map(len, bodies.values()))
    return entry["n"], len(bodies), raw, sum(map(gz, bodies.values())), entry["t"], max(terms)


def report(n: int, how: str, site: Path, first: list[Query], warm: list[Query]) -> None:
    print(f"\n== {n:,} pages: {how}")
    for lang in ("zh", "en"):
        docs, files, raw, zipped, shards, largest = index_size(site, lang)
        print(
            f"   {lang} index: {docs:,} documents, {files:,} files ({shards} term shards, largest {largest:,} B gzip), "
            f"{raw:,} bytes raw, {zipped:,} gzip"
        )
    script = gz((site / "static" / "search.js").read_bytes()) if (site / "static" / "search.js").is_file() else 0
    print(f"   first query, fresh browser: index files fetched (search.js, {script:,} B gzip, not counted)")
    print(f"   {'lang':4} {'query':22} {'files':>5} {'raw':>9} {'gzip':>8} {'ms':>7}   files (gzip bytes)")
    for q in first:
        raw, zipped = q.index_bytes()
        fetched = {u.rsplit("/", 1)[1]: body for u, body in q.files.items() if u.endswith(".json")}
        detail = " ".join(f"{name}:{gz(fetched[name]):,}" for name in sorted(fetched, key=lambda s: (s[0], len(s), s)))
        print(f"   {q.lang:4} {q.query:22} {len(fetched):>5} {raw:>9,} {zipped:>8,} {q.ms:>7.1f}   {detail}")
    print("   warm, typed into the same page after the first query:")
    for q in warm:
        raw, zipped = q.index_bytes()
        print(f"   {q.lang:4} {q.query:22} {'':>5} {raw:>9,} {zipped:>8,} {q.ms:>7.1f}")
    downloads = [q.index_bytes()[1] for q in first]
    cold, hot = [q.ms for q in first], [q.ms for q in warm]
    print(
        f"   SUMMARY n={n}: first-query download gzip median {statistics.median(downloads):,.0f} B, "
        f"max {max(downloads):,} B; query ms cold median {statistics.median(cold):.1f}, max {max(cold):.1f}; "
        f"warm median {statistics.median(hot):.1f}, max {max(hot):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, help="keep the builds in this folder (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="serve a site already built in --work")
    parser.add_argument("--reindex", action="store_true", help="remake the search index of a site built in --work")
    args = parser.parse_args()
    shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="briefing-search-", dir=shm) as temporary:
        work = args.work or Path(temporary)
        for n in args.sizes:
            tmp = work / f"n{n}"
            how = build(n, tmp, args.reuse, args.reindex)
            first, warm = measure(tmp / "site")
            report(n, how, tmp / "site", first, warm)


if __name__ == "__main__":
    main()
