"""The built site (SPEC §4, §6): one full build of the shipped seeds per session, many checks on it."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator.check import check_site, read_page, unmarked_chinese
from generator.content import load_articles
from generator.render import RenderOptions, render_site
from generator.serve import serving
from generator.site.strings import EN, ZH
from generator.site.view import FigureView, Name, _charts, build_site_data
from generator.translations import load_english

from .conftest import BASE_URL, TEMPLATES


@pytest.fixture(scope="module")
def unbased(site, reference, tmp_path_factory):
    """The same content rendered without --base-url: (site folder, RenderResult)."""
    content = site.parent.parent / "content"
    out = tmp_path_factory.mktemp("unbased") / "repo"
    result = render_site(load_articles(content), reference, TEMPLATES, out, load_english(content), RenderOptions())
    return out, result


class _PagesHandler(SimpleHTTPRequestHandler):
    """Like GitHub Pages: a missing path gets the site's 404.html with status 404."""

    site_path = "/"

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / self.site_path.strip("/") / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextmanager
def pages_server(site: Path, site_path: str):
    """Serve `site` at `site_path` (its folder name must be that path); yields the server's root URL."""
    handler = type("Handler", (_PagesHandler,), {"site_path": site_path})
    with serving(site.parent, handler) as root:
        yield root


def html_pages(site: Path, lang: str) -> list[Path]:
    return sorted((site / lang).rglob("*.html"))


def test_ui_string_tables_have_the_same_keys():
    assert ZH.keys() == EN.keys()


def test_counts_are_singular_for_one(site):
    companies = (site / "en/companies/index.html").read_text("utf-8")
    assert "1 article<" in companies and "1 articles" not in companies and "2 articles<" in companies


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
    assert 'href="../../districts/tongliang/index.html"' in article
    assert 'href="../../industries/new-energy-storage/index.html"' in article
    assert 'href="index.html#fig-001-04-01"' in article
    assert 'id="fig-001-04-01"' in article  # the figure is marked where it stands in the text
    district = (site / "zh/districts/tongliang/index.html").read_text("utf-8")
    assert 'href="../../industries/new-energy-storage/index.html"' in district
    industry = (site / "zh/industries/new-energy-storage/index.html").read_text("utf-8")
    assert 'href="../../districts/tongliang/index.html"' in industry


def test_links_are_the_shortest_relative_ones(site):
    """Inside a language tree a link never climbs to the site root and back down into the same tree."""
    for lang in ("zh", "en"):
        for page in html_pages(site, lang):
            depth = len(page.relative_to(site).parts) - 1
            climb_and_return = "../" * depth + f"{lang}/"
            hrefs = read_page(page).links
            assert not [h for h in hrefs if h.startswith(climb_and_return)], page
    home = read_page(site / "en/index.html").links
    assert "districts/tongliang/index.html" in home and "../zh/index.html" in home


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
    assert svg.count('<a href="districts/') == 38 and svg.count('class="tile"') == 38


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
    locs = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text("utf-8"))
    assert len(locs) == len(list(site.rglob("*.html"))) - 1  # every page but 404.html
    assert all(loc.startswith(BASE_URL + "/") for loc in locs)
    assert f"{BASE_URL}/zh/districts/tongliang/" in locs and f"{BASE_URL}/" in locs
    urls = ElementTree.parse(site / "sitemap.xml").getroot()  # well-formed XML
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    pair = next(u for u in urls if u[0].text == f"{BASE_URL}/en/districts/tongliang/")
    assert {(a.get("hreflang"), a.get("href")) for a in pair.iter(xhtml)} == {
        ("zh-Hans", f"{BASE_URL}/zh/districts/tongliang/"),
        ("en", f"{BASE_URL}/en/districts/tongliang/"),
    }
    feed = (site / "en/feed.xml").read_text("utf-8")
    assert re.findall(r'<link href="([^"]*)"/>', feed) and all(
        href.startswith(BASE_URL + "/") for href in re.findall(r'href="([^"]*)"', feed)
    )
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in (site / "robots.txt").read_text()


def test_without_base_url_no_sitemap_relative_feeds_and_a_warning(unbased):
    out, result = unbased
    assert not (out / "sitemap.xml").exists()
    assert "Sitemap:" not in (out / "robots.txt").read_text()
    assert any("sitemap.xml" in n and "--base-url" in n for n in result.notes)
    feed = (out / "zh/feed.xml").read_text("utf-8")
    assert '<link href="articles/001-04/index.html"/>' in feed and "http" not in feed.split("<entry>")[1]


def test_feed_dates_come_from_the_source(site):
    feed = (site / "en/feed.xml").read_text("utf-8")
    entries = dict(re.findall(r"<id>[^<]*en/articles/([^/]+)/index.html</id>.*?<updated>([^<]+)</updated>", feed, re.S))
    assert len(entries) == 20
    assert entries["001-04"] == "2023-10-12T00:00:00+08:00"  # the lead: 本报讯（首席记者 陈维灯）10月12日，…
    assert entries["004-06"] == "2024-02-19T00:00:00+08:00"
    assert entries["001-05"] == "2023-10-12T00:00:00+08:00"  # no date of its own: the latest on its page
    assert entries["000-01"] == "2024-01-01T00:00:00+08:00"  # a page without any date: its year
    assert not [d for d in entries.values() if "-12-31" in d]
    assert "<updated>2024-02-19T00:00:00+08:00</updated>" in feed.split("<entry>")[0]
    page = (site / "en/articles/001-04/index.html").read_text("utf-8")
    assert '<time datetime="2023-10-12">12 October 2023</time>' in page
    assert "<time" not in (site / "en/articles/000-01/index.html").read_text("utf-8").split("</header>")[0]


def test_404_links_work_at_any_depth_with_base_url(site):
    page = read_page(site / "404.html")
    internal = [h for h in page.links if not h.startswith("#")]
    assert "/briefing/zh/index.html" in internal and "/briefing/static/style.css" in internal
    assert all(h.startswith("/briefing/") and (site / h.removeprefix("/briefing/")).is_file() for h in internal)
    assert "<script>" not in (site / "404.html").read_text("utf-8")


def test_404_with_base_url_works_deep_in_a_browser(site, browser):
    with pages_server(site, "/briefing/") as root:
        tab = browser.new_page()
        response = tab.goto(root + "briefing/en/no/such/page/")
        assert response is not None and response.status == 404
        tab.wait_for_function("getComputedStyle(document.body).margin !== '8px'")
        hrefs = tab.eval_on_selector_all(".choice a", "els => els.map(e => e.href)")
        assert root + "briefing/en/districts/index.html" in hrefs
        assert tab.goto(hrefs[0]).ok
        tab.close()


def test_404_finds_the_site_root_in_a_browser_without_base_url(unbased, browser):
    """Served like GitHub Pages serves a project site: /repo/…, 404.html for any missing path."""
    out, _ = unbased
    with pages_server(out, "/repo/") as root:
        for missing in ("repo/zh/no/such/page/", "repo/nothing-here", "repo/en/articles/x/y/z/index.html"):
            tab = browser.new_page()
            response = tab.goto(root + missing)
            assert response is not None and response.status == 404
            tab.wait_for_function("getComputedStyle(document.body).margin !== '8px'")
            hrefs = tab.eval_on_selector_all(".choice a", "els => els.map(e => e.href)")
            assert root + "repo/zh/index.html" in hrefs and root + "repo/en/districts/index.html" in hrefs
            tab.close()


def test_print_stylesheet_and_briefing(site):
    briefing = (site / "en/briefing/index.html").read_text("utf-8")
    assert 'media="print"' in briefing and 'id="d-tongliang"' in briefing and 'id="sources"' in briefing
    assert "@page" in (site / "static/print.css").read_text()


def _figure(fid: str, district: str, subject: str, value: float, year: int | None = 2023, **kw) -> FigureView:
    metric = kw.get("metric", "招引项目")
    return FigureView(
        id=fid,
        article="a-01",
        raw=str(value),
        value=value,
        unit=kw.get("unit", "个"),
        qualifier=None,
        text=Name(str(value), str(value)),
        metric=Name(metric, "projects attracted"),
        subject=Name(subject, None),
        districts=(district,),
        industries=(),
        year=year,
        quote=kw.get("quote", f"{subject}招引项目{value}个"),
    )


def test_charts_compare_one_metric_unit_and_year_across_districts_only():
    names = {"綦江区": "qijiang", "綦江": "qijiang", "铜梁": "tongliang", "巴南区": "banan"}
    like = [_figure("1", "qijiang", "綦江区", 81), _figure("2", "tongliang", "铜梁", 46)]
    (chart,) = _charts({f.id: f for f in like}, names)
    assert (chart.metric.zh, chart.unit, chart.year) == ("招引项目", "个", 2023)
    assert chart.bars == (("qijiang", "1"), ("tongliang", "2"))
    qijiang = _figure("1", "qijiang", "綦江区", 81)
    unlike = [
        [qijiang, _figure("2", "tongliang", "铜梁", 46, year=2024)],  # another year
        [qijiang, _figure("2", "tongliang", "铜梁", 46, year=None)],  # no year
        [qijiang, _figure("2", "tongliang", "某某公司", 46)],  # a company, not the district
        [qijiang, _figure("2", "tongliang", "铜梁", 46, unit="家")],  # another unit
        [_figure("1", "qijiang", "綦江区", 8, metric="增长"), _figure("2", "banan", "巴南区", 4, metric="增长")],
        [qijiang, _figure("2", "tongliang", "铜梁", 46, quote="一季度，铜梁招引项目46个")],  # a quarter
        [qijiang, _figure("2", "qijiang", "綦江", 80), _figure("3", "banan", "巴南区", 9)],  # two values for one
    ]
    for figures in unlike:
        assert _charts({f.id: f for f in figures}, names) == (), figures


def test_charts_of_the_shipped_site_compare_like_with_like(site, reference):
    content = site.parent.parent / "content"
    data = build_site_data(load_articles(content), reference, load_english(content))
    districts = {zh: p.slug for p in reference.places if p.parent is None for zh in (p.zh, *p.aliases)}
    for chart in data.charts:
        figures = [data.figures[f] for _, f in chart.bars]
        assert len({d for d, _ in chart.bars}) == len(chart.bars) >= 2
        assert {(f.metric.zh, f.unit, f.year) for f in figures} == {(chart.metric.zh, chart.unit, chart.year)}
        assert all(districts.get(f.subject.zh) == d for f, (d, _) in zip(figures, chart.bars, strict=True))
    home = (site / "en/index.html").read_text("utf-8")
    assert home.count('class="chart"') == min(2, len(data.charts))


PHONE_PAGES = (
    "{lang}/",
    "{lang}/districts/tongliang/",
    "{lang}/industries/new-energy-storage/",
    "{lang}/articles/001-04/",
    "{lang}/figures/",
    "{lang}/companies/",
    "{lang}/briefing/",
)


def test_phone_width_pages_do_not_scroll_sideways_and_map_labels_are_legible(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    tab = context.new_page()
    for lang in ("zh", "en"):
        for page in PHONE_PAGES:
            tab.goto(site_url + page.format(lang=lang))
            assert tab.evaluate("document.documentElement.scrollWidth") <= 360, page.format(lang=lang)
        tab.goto(f"{site_url}{lang}/")
        smallest = tab.evaluate(
            """() => Math.min(...[...document.querySelectorAll('svg.tilemap text')].map(t => {
                const svg = t.ownerSVGElement;
                return t.getAttribute('font-size') * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            }))"""
        )
        assert smallest >= 12, (lang, smallest)
    context.close()
