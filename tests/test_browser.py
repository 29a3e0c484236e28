"""The built site in a real browser (Debian's Chromium through Playwright), served under a project path.

The search page and the search box on every page are tested in tests/test_search.py; the search page
is also loaded here for console errors, foreign requests and accessibility.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from generator.site.strings import STRINGS

from .gates import MOBILE_WIDTH, accessibility_violations, horizontal_overflow

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
DISTRICT = "tongliang"
INDUSTRY = "new-energy-storage"
ARTICLE = "001-04"
COMPANY = "alibaba"

# one page of each type, relative to a language tree
PAGE_TYPES = {
    "home": "index.html",
    "districts": "districts/index.html",
    "district": f"districts/{DISTRICT}/index.html",
    "industries": "industries/index.html",
    "industry": f"industries/{INDUSTRY}/index.html",
    "articles": "articles/index.html",
    "article": f"articles/{ARTICLE}/index.html",
    "companies": "companies/index.html",
    "company": f"companies/{COMPANY}/index.html",
    "figures": "figures/index.html",
    "search": "search/index.html",
    "about": "about/index.html",
    "briefing": "briefing/index.html",
}


def path_of(url: str, site_url: str) -> str:
    """A page's path relative to the site root, whether the browser shows the directory or its index.html."""
    path = url.split("?", 1)[0].split("#", 1)[0].removeprefix(site_url)
    return path + "index.html" if path.endswith("/") or not path else path


def test_home_pages_load_without_errors_or_foreign_requests(tab, site_url):
    for lang in LANGS:
        response = tab.page.goto(f"{site_url}{lang}/")
        assert response is not None and response.ok
        assert tab.page.locator("html").get_attribute("lang") == HTML_LANG[lang]
    assert tab.errors == []
    assert tab.foreign_requests == []


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_reads_in_its_own_language(tab, site_url, lang):
    t = STRINGS[lang]
    tab.page.goto(f"{site_url}{lang}/{PAGE_TYPES['district']}")
    assert tab.page.locator("html").get_attribute("lang") == HTML_LANG[lang]
    nav = tab.page.locator(".masthead nav")
    assert nav.get_by_role("link", name=t["districts"], exact=True).is_visible()
    assert tab.page.locator("h1").inner_text().strip() == ("铜梁区" if lang == "zh" else "Tongliang District")


def test_the_landing_page_leads_to_both_languages(tab, site_url):
    tab.page.goto(site_url)
    for lang in LANGS:
        link = tab.page.locator(f'a[href$="{lang}/index.html"]').first
        assert link.is_visible()
    with tab.page.expect_navigation():
        tab.page.locator('a[href$="en/index.html"]').first.click()
    assert path_of(tab.page.url, site_url) == "en/index.html"
    assert tab.errors == [] and tab.foreign_requests == []


@pytest.mark.parametrize("kind", ["home", "district", "industry", "article", "figures", "briefing", "company"])
def test_language_switcher_lands_on_the_counterpart(tab, site_url, kind):
    for lang, other in (("zh", "en"), ("en", "zh")):
        tab.page.goto(f"{site_url}{lang}/{PAGE_TYPES[kind]}")
        with tab.page.expect_navigation():
            tab.page.locator("a.switch").click()
        assert path_of(tab.page.url, site_url) == f"{other}/{PAGE_TYPES[kind]}"
        assert tab.page.locator("html").get_attribute("lang") == HTML_LANG[other]


def _figures(site) -> list[dict]:
    return json.loads((site / "data" / "figures.json").read_text("utf-8"))


def _visible_rows(page) -> int:
    return page.locator("table.filterable tbody tr:visible").count()


@pytest.mark.parametrize("lang", LANGS)
def test_the_figures_table_filters_by_district_industry_and_year(tab, site_url, site, lang):
    figures = _figures(site)
    page = tab.page
    page.goto(f"{site_url}{lang}/figures/index.html")
    assert _visible_rows(page) == len(figures)
    page.select_option("#figure-filters select[name=district]", DISTRICT)
    expected = sum(DISTRICT in f["districts"] for f in figures)
    assert 0 < expected < len(figures)
    assert _visible_rows(page) == expected
    assert page.locator("#figure-filters output[name=count]").inner_text() == f"{expected} / {len(figures)}"
    assert f"district={DISTRICT}" in page.url  # the choice is kept in the address

    year = 2024
    page.select_option("#figure-filters select[name=year]", str(year))
    assert _visible_rows(page) == sum(DISTRICT in f["districts"] and f["year"] == year for f in figures)

    industry = "digital-transformation"
    page.select_option("#figure-filters select[name=district]", "")
    page.select_option("#figure-filters select[name=year]", "")
    page.select_option("#figure-filters select[name=industry]", industry)
    assert _visible_rows(page) == sum(industry in f["industries"] for f in figures)

    page.goto(f"{site_url}{lang}/figures/index.html?district={DISTRICT}")  # a shared filtered address
    assert page.locator("#figure-filters select[name=district]").input_value() == DISTRICT
    assert _visible_rows(page) == expected

    page.select_option("#figure-filters select[name=district]", "")
    assert _visible_rows(page) == len(figures)
    assert tab.errors == []


@pytest.mark.parametrize("where", ["home", "districts", "district"])
def test_a_tile_of_the_map_opens_its_district(tab, site_url, where):
    start = {"home": "index.html", "districts": "districts/index.html", "district": "districts/nanan/index.html"}
    for lang in LANGS:
        tab.page.goto(f"{site_url}{lang}/{start[where]}")
        tile = tab.page.locator(f'svg a.tile[href$="{DISTRICT}/index.html"]')  # the map, or a district's locator
        assert tile.count() == 1
        with tab.page.expect_navigation():
            tile.click()
        assert path_of(tab.page.url, site_url) == f"{lang}/districts/{DISTRICT}/index.html"
        assert tab.page.locator("h1").inner_text().strip() == ("铜梁区" if lang == "zh" else "Tongliang District")


@pytest.mark.parametrize("lang", LANGS)
def test_page_types_load_without_console_errors_or_foreign_requests(tab, site_url, lang):
    for path in [*PAGE_TYPES.values(), "../index.html"]:
        response = tab.page.goto(f"{site_url}{lang}/{path}")
        assert response is not None and response.ok, path
        tab.page.wait_for_load_state("networkidle")
    assert tab.errors == []
    assert tab.foreign_requests == []


def test_the_404_page_loads_only_from_the_site_itself(tab, site_url):
    """Served for any missing path, 404.html links its assets root-absolutely under --base-url's path (/briefing/),
    which is where the test server has the site: everything comes from the site's own host."""
    loaded: list[str] = []
    tab.page.on("response", lambda r: loaded.append(r.url) if r.ok else None)
    tab.page.goto(f"{site_url}404.html")
    tab.page.wait_for_load_state("networkidle")
    assert tab.foreign_requests == [] and tab.errors == []
    assert f"{site_url}static/style.css" in loaded


def test_the_tab_records_foreign_requests_and_console_errors(tab, site_url):
    """The watch the page-type test relies on does see a request leaving localhost and a script error."""
    tab.page.goto(f"{site_url}en/index.html")
    tab.page.evaluate("""() => { const i = new Image(); i.src = 'https://cdn.example.com/x.png';
                                 document.body.append(i); console.error('boom'); }""")
    tab.page.wait_for_load_state("networkidle")
    assert tab.foreign_requests == ["https://cdn.example.com/x.png"]
    assert "boom" in tab.errors


@pytest.fixture
def narrow(browser, site_url) -> Iterator:
    """A phone-sized tab, 360 CSS pixels wide."""
    context = browser.new_context(viewport={"width": MOBILE_WIDTH, "height": 740})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_pages_fit_a_360_px_screen_without_sideways_scrolling(narrow, site_url, lang):
    for kind in ("home", "district", "industry", "article", "figures", "briefing"):
        narrow.goto(f"{site_url}{lang}/{PAGE_TYPES[kind]}")
        assert narrow.evaluate("document.documentElement.clientWidth") == MOBILE_WIDTH
        assert horizontal_overflow(narrow) == [], kind


def test_the_overflow_gate_reports_a_page_too_wide(narrow, site_url):
    narrow.goto(f"{site_url}en/index.html")
    narrow.evaluate(
        "() => { const d = document.createElement('div'); d.style.width = '900px'; d.style.height = '1em';"
        " d.className = 'wide'; document.querySelector('main').append(d); }"
    )
    problems = horizontal_overflow(narrow)
    assert len(problems) == 1 and "div.wide" in problems[0]


@pytest.mark.parametrize("lang", LANGS)
def test_key_pages_have_no_serious_accessibility_violations(tab, site_url, lang):
    found = {}
    for kind in ("home", "district", "article", "search", "figures"):
        tab.page.goto(f"{site_url}{lang}/{PAGE_TYPES[kind]}")
        tab.page.wait_for_load_state("networkidle")
        found[kind] = accessibility_violations(tab.page)
    assert found == {kind: [] for kind in found}


def test_the_accessibility_gate_reports_an_image_without_alt_and_unreadable_text(tab, site_url):
    tab.page.goto(f"{site_url}en/about/index.html")
    tab.page.evaluate("""() => { const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<img src="../../static/none.png">' +
          '<p style="color:#ddd;background:#fff">faint text</p>'); }""")
    rules = {line.split(" ", 1)[0] for line in accessibility_violations(tab.page)}
    assert rules == {"image-alt", "color-contrast"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_printed_briefing_has_its_sections_and_no_navigation(tab, site_url, lang):
    t = STRINGS[lang]
    tab.page.goto(f"{site_url}{lang}/briefing/index.html")
    pdf = PdfReader(io.BytesIO(tab.page.pdf(format="A4")))
    assert len(pdf.pages) > 10
    text = "\n".join(page.extract_text() for page in pdf.pages)
    # as extracted, CJK text may have breaks between glyphs, Kangxi radicals for ideographs and ligatures (ﬁ)
    compact = "".join(unicodedata.normalize("NFKC", text).split())
    for title in (t["site"], t["contents"], t["districts"], t["industries"], t["sources"]):
        assert "".join(title.split()) in compact, title
    district = "铜梁区" if lang == "zh" else "TongliangDistrict"
    assert district in compact
    for navigation in (t["skip"], t["about"]):  # the skip link and main navigation are not printed
        assert "".join(navigation.split()) not in compact, navigation
