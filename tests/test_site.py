"""The built site (SPEC §4, §6): one full build of the shipped seeds per session, many checks on it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator.check import check_site, read_page, unmarked_chinese
from generator.site.strings import EN, ZH

from .conftest import BASE_URL


def html_pages(site: Path, lang: str) -> list[Path]:
    return sorted((site / lang).rglob("*.html"))


def test_ui_string_tables_have_the_same_keys():
    assert ZH.keys() == EN.keys()


def test_every_page_has_its_counterpart_and_hreflang(site):
    zh = {p.relative_to(site / "zh") for p in html_pages(site, "zh")}
    en = {p.relative_to(site / "en") for p in html_pages(site, "en")}
    assert zh == en and len(zh) > 100
    for page in (Path("index.html"), Path("districts/tongliang/index.html"), Path("articles/001-04/index.html")):
        for lang, other in (("zh", "en"), ("en", "zh")):
            facts = read_page(site / lang / page)
            assert facts.html_lang == ("zh-Hans" if lang == "zh" else "en")
            hreflang = "en" if other == "en" else "zh-Hans"
            target = (site / lang / page).parent / facts.alternates[hreflang]
            assert target.resolve() == (site / other / page).resolve()


def test_the_pages_of_spec_6_exist(site):
    for name in ("index.html", "404.html", "sitemap.xml", "robots.txt", ".nojekyll", "zh/feed.xml", "en/feed.xml"):
        assert (site / name).is_file(), name
    for lang in ("zh", "en"):
        for page in (
            "",
            "districts/",
            "districts/tongliang/",
            "industries/",
            "industries/new-energy-storage/",
            "articles/000-01/",
            "figures/",
            "search/",
            "about/",
            "briefing/",
            "companies/",
        ):
            assert (site / lang / page / "index.html").is_file(), f"{lang}/{page}"


def test_the_site_checks_clean_at_the_root_under_a_sub_path_and_from_disk(site):
    assert check_site(site) == []


def test_no_unmarked_chinese_on_english_pages(site):
    offenders = {p.relative_to(site).as_posix(): unmarked_chinese(p) for p in html_pages(site, "en")}
    assert {page: text for page, text in offenders.items() if text} == {}


def test_cross_links(site):
    article = (site / "en/articles/001-04/index.html").read_text("utf-8")
    assert 'href="../../../en/districts/tongliang/index.html"' in article
    assert 'href="../../../en/industries/new-energy-storage/index.html"' in article
    assert 'href="../../../en/articles/001-04/index.html#fig-001-04-01"' in article
    assert 'id="fig-001-04-01"' in article  # the figure is marked where it stands in the text
    district = (site / "zh/districts/tongliang/index.html").read_text("utf-8")
    assert "../../../zh/industries/new-energy-storage/index.html" in district
    industry = (site / "zh/industries/new-energy-storage/index.html").read_text("utf-8")
    assert "../../../zh/districts/tongliang/index.html" in industry


def test_english_article_page_is_english_with_the_chinese_original_marked(site):
    page = (site / "en/articles/001-04/index.html").read_text("utf-8")
    assert "20.6 billion yuan" in page
    assert '<section class="body" lang="zh-Hans">' in page
    data = {a["id"]: a for a in json.loads((site / "data/articles.json").read_text("utf-8"))}
    if data["001-04"]["title"]["en"]:
        assert f"<h1>{data['001-04']['title']['en']}</h1>" in page


def test_tile_map_has_38_linked_tiles(site):
    home = (site / "en/index.html").read_text("utf-8")
    svg = home[home.index('<svg class="tilemap"') :]
    svg = svg[: svg.index("</svg>")]
    assert svg.count('<a href="../en/districts/') == 38 and svg.count('class="tile"') == 38


def test_data_files_keep_the_spec_4_shape(site):
    articles = json.loads((site / "data/articles.json").read_text("utf-8"))
    assert {"id", "source", "kind", "title", "summary", "districts", "industries", "companies", "url"} == set(
        articles[0]
    )
    for article in articles:
        assert article["url"] == {"zh": f"zh/articles/{article['id']}/", "en": f"en/articles/{article['id']}/"}
        for key in ("title", "summary"):
            english = article[key]["en"]
            assert english is None or not re.search(r"[\u4e00-\u9fff]", english)
    figures = json.loads((site / "data/figures.json").read_text("utf-8"))
    assert all(f["raw"] in f["quote"] for f in figures)
    assert (site / "data/figures.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_base_url_gives_canonical_sitemap_and_feed_urls(site):
    page = (site / "en/districts/tongliang/index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{BASE_URL}/en/districts/tongliang/">' in page
    assert f"<loc>{BASE_URL}/zh/index.html</loc>".replace("index.html", "") in (site / "sitemap.xml").read_text()
    assert f'href="{BASE_URL}/en/articles/' in (site / "en/feed.xml").read_text("utf-8")
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in (site / "robots.txt").read_text()


def test_print_stylesheet_and_briefing(site):
    briefing = (site / "en/briefing/index.html").read_text("utf-8")
    assert 'media="print"' in briefing and 'id="d-tongliang"' in briefing and 'id="sources"' in briefing
    assert "@page" in (site / "static/print.css").read_text()
