"""The built site in a real browser (Debian's Chromium through Playwright), served under a project path."""

from __future__ import annotations


def test_home_pages_load_without_errors_or_foreign_requests(tab, site_url):
    for lang in ("zh", "en"):
        response = tab.page.goto(f"{site_url}{lang}/")
        assert response is not None and response.ok
        assert tab.page.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh" else "en")
    assert tab.errors == []
    assert tab.foreign_requests == []


def test_language_switcher_lands_on_the_counterpart(tab, site_url):
    tab.page.goto(f"{site_url}zh/districts/tongliang/")
    tab.page.locator("a.switch").click()
    assert tab.page.url.rstrip("/").endswith("/en/districts/tongliang") or tab.page.url.endswith(
        "/en/districts/tongliang/index.html"
    )
