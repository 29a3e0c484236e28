"""Benchmark: our search index beside Pagefind's extended build, on the same built site, in one run.

Builds the shipped seeds, copies the site, runs Pagefind (extended build, the one with Chinese
segmentation) over the copy, then opens both in headless Chromium and records what a reader downloads
for a first query and how long the query takes. Prints numbers; asserts nothing.

Bytes "gzip" are what a server that compresses (GitHub Pages does) sends: each file gzipped on its
own, or its raw size when gzip does not shrink it (Pagefind's index chunks are compressed already).

Usage: .venv/bin/python bench/search_size.py   (installs pagefind-bin-extended into .venv if missing)
"""

from __future__ import annotations

import gzip
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import yaml
from playwright.sync_api import Page, Response, sync_playwright

from generator.serve import serving

LANGS = ("zh", "en")
ROOT = Path(__file__).resolve().parent.parent
QUERIES = {
    "zh": ["铜梁 储能", "美的", "399.9", "qijiang"],
    "en": ["Midea", "hotpot", "tongliang energy storage", "399.9"],
}


def gz(data: bytes) -> int:
    return min(len(data), len(gzip.compress(data, 9)))


def index_files(site: Path, lang: str) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((site / lang / "search").glob("*.json")))


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(gz(p.read_bytes()) for p in files)


def build_site(tmp: Path) -> Path:
    content = tmp / "content"
    shutil.copytree(ROOT / "content" / "reference", content / "reference")
    shutil.copytree(ROOT / "content" / "translations", content / "translations")
    out = tmp / "site"
    command = [sys.executable, "-m", "generator", "build", "--seeds", str(ROOT / "seeds")]
    subprocess.run(command + ["--content", str(content), "--out", str(out)], check=True, capture_output=True)
    return out


def run_pagefind(site: Path) -> None:
    try:
        import pagefind_bin_extended  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pagefind-bin-extended"], check=True)
    command = [sys.executable, "-m", "pagefind_bin_extended", "--site", str(site)]
    subprocess.run(command, check=True, capture_output=True)


def recorder(page: Page, wanted: Callable[[str], bool]) -> list[Response]:
    """Start recording the responses whose URL is wanted; read their bodies before the page closes."""
    responses: list[Response] = []
    page.on("response", lambda r: responses.append(r) if wanted(r.url) and r.ok else None)
    return responses


def is_search_file(url: str) -> bool:
    """search.js and the files of our index (entry, term and document shards)."""
    return url.endswith("/search.js") or ("/search/" in url and url.endswith(".json"))


def first_query(page: Page, base: str, lang: str, query: str) -> tuple[dict[str, bytes], float]:
    """From the home page to our search page opened at ?q=query: each search file fetched (URL → body)
    and the time search.js took for the query (its `data-ms`, the search itself once the shards are in)."""
    page.goto(f"{base}{lang}/index.html")
    responses = recorder(page, is_search_file)
    page.goto(f"{base}{lang}/search/index.html?q={quote(query)}")
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    return {r.url: r.body() for r in responses}, float(page.get_attribute("#results", "data-ms") or 0)


def ours(page: Page, base: str, lang: str, query: str) -> tuple[list[bytes], float]:
    files, ms = first_query(page, base, lang, query)
    return list(files.values()), ms


PAGEFIND_QUERY = """async (query) => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const started = performance.now();
  const search = await pagefind.search(query);
  await Promise.all(search.results.slice(0, 5).map((r) => r.data()));
  return performance.now() - started;
}"""


def pagefind(page: Page, base: str, lang: str, query: str) -> tuple[list[bytes], float]:
    page.goto(f"{base}{lang}/index.html")
    responses = recorder(page, lambda url: "/pagefind/" in url)
    ms = float(page.evaluate(PAGEFIND_QUERY, query))
    return [r.body() for r in responses], ms


PAGEFIND_TOP3 = """async (query) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, 3).map((r) => r.data()));
  return data.map((d) => d.url);
}"""


def pagefind_evaluation(browser, base: str) -> tuple[int, int]:
    """How many of the search evaluation's queries (tests/annotations/search.yaml) Pagefind answers with the
    expected pages in its top 3. A figure counts as found when its article page is there (Pagefind indexes
    pages, not figures)."""
    cases = yaml.safe_load((ROOT / "tests" / "annotations" / "search.yaml").read_text("utf-8"))
    passed = 0
    for lang in ("zh", "en"):
        page = browser.new_page()
        page.goto(f"{base}{lang}/index.html")
        for case in (c for c in cases if c["lang"] == lang):
            urls = [
                u.removeprefix(f"/{lang}/").replace("index.html", "") for u in page.evaluate(PAGEFIND_TOP3, case["q"])
            ]
            passed += all(expected.split("#")[0] in urls for expected in case["top3"])
        page.close()
    return passed, len(cases)


def main() -> None:
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        site = build_site(Path(tmp))
        index_sizes = {lang: index_files(site, lang) for lang in LANGS}
        with_pagefind = Path(tmp) / "pagefind-site"
        shutil.copytree(site, with_pagefind)
        run_pagefind(with_pagefind)
        pagefind_total = folder_bytes(with_pagefind / "pagefind")
        html_pages = len(list(site.rglob("*.html")))

        rows = []
        with serving(site) as our_url, serving(with_pagefind) as pagefind_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            for lang, queries in QUERIES.items():
                for query in queries:
                    for name, run, base in (("ours", ours, our_url), ("pagefind", pagefind, pagefind_url)):
                        context = browser.new_context()
                        page = context.new_page()
                        bodies, ms = run(page, base, lang, query)
                        rows.append((name, lang, query, sum(map(len, bodies)), sum(map(gz, bodies)), ms))
                        context.close()
            pagefind_passed, cases = pagefind_evaluation(browser, pagefind_url)
            browser.close()

    print(f"site: {html_pages} HTML pages (the shipped seeds, both languages)")
    for lang, data in index_sizes.items():
        print(f"ours     {lang}/search/*.json, all shards: {len(data):,} bytes raw, {gz(data):,} gzip (as one file)")
    print(f"pagefind extended, everything written: {pagefind_total[0]:,} bytes raw, {pagefind_total[1]:,} gzip")
    print("first query, fresh browser: ours = search.js, entry and the shards it needs; pagefind = js, wasm, index")
    print(f"{'tool':9} {'lang':4} {'query':26} {'first query downloads':>24} {'query ms':>9}")
    for name, lang, query, raw, zipped, ms in rows:
        print(f"{name:9} {lang:4} {query:26} {raw:>10,} raw {zipped:>8,} gz {ms:>9.1f}")
    print(
        f"pagefind on the search evaluation: {pagefind_passed}/{cases} queries with the expected pages in its top 3 "
        "(ours: see tests/test_search.py, which requires all)"
    )
    for name in ("ours", "pagefind"):
        mine = [r for r in rows if r[0] == name]
        print(
            f"{name}: median first-query download {statistics.median(r[4] for r in mine):,.0f} bytes gzip, "
            f"median query {statistics.median(r[5] for r in mine):.1f} ms"
        )


if __name__ == "__main__":
    main()
