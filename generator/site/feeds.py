"""Files for machines: sitemap.xml, one Atom feed per language, robots.txt, .nojekyll.

Absolute URLs need --base-url. The sitemap protocol requires absolute <loc> URLs, so without
--base-url no sitemap.xml is written (and robots.txt names none); the build says so in a warning.
Atom allows relative references (resolved against the feed's own URL, RFC 4287 §2), so the feeds
are always written, with links relative to the feed without --base-url and absolute with it.

Dates: the seeds carry no printed page date. An entry's date is the date its lead gives
(dates.lead_date); an article without one takes the latest lead date of its newspaper page (the
page was printed on or after that day); a page without any takes 1 January of the page year, which
stands for "some time in that year" (SiteData.sort_dates). Atom wants a full timestamp, so every date is midnight,
Chongqing time (+08:00): no hour is claimed.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from .pages import absolute
from .view import FALLBACK_YEAR, ArticleView, SiteData

FEED_ID = "tag:chongqing-briefing.github.io,2024:"
HREFLANG = {"zh": "zh-Hans", "en": "en"}
NO_SITEMAP_NOTE = (
    "note: no --base-url: sitemap.xml needs absolute URLs and was not written; feeds link relative to "
    "themselves (pass --base-url https://user.github.io/repo/ when publishing)"
)


def sitemap(paths: list[str], base_url: str) -> str:
    """Every page's canonical URL (directory form, …/nanan/); a page of a language tree also names
    both language versions (xhtml:link hreflang), as search engines read bilingual sites."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for path in paths:
        lines.append(f"  <url><loc>{escape(absolute(base_url, path) or path)}</loc>{_alternates(path, base_url)}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _alternates(path: str, base_url: str) -> str:
    lang, _, rest = path.partition("/")
    if lang not in HREFLANG or not rest:
        return ""
    return "".join(
        f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(absolute(base_url, f"{tree}/{rest}") or "")}"/>'
        for tree, code in HREFLANG.items()
    )


def robots(base_url: str | None) -> str:
    text = "User-agent: *\nAllow: /\n"
    return text + (f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n" if base_url else "")


def timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def atom(data: SiteData, lang: str, title: str, base_url: str | None) -> str:
    """Entries newest first; links relative to the feed (zh/feed.xml), or absolute under --base-url."""
    dates = data.sort_dates()
    articles = data.newest_first()
    updated = max(dates.values(), default=date(FALLBACK_YEAR, 1, 1))
    self_href = absolute(base_url, f"{lang}/feed.xml") or "feed.xml"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{"zh-Hans" if lang == "zh" else "en"}">',
        f"  <title>{escape(title)}</title>",
        f"  <id>{FEED_ID}{lang}</id>",
        f"  <updated>{timestamp(updated)}</updated>",
        f'  <link rel="self" href="{escape(self_href)}"/>',
        f'  <link href="{escape(absolute(base_url, f"{lang}/index.html") or "index.html")}"/>',
        "  <author><name>{}</name></author>".format("重庆日报 Chongqing Daily" if lang == "zh" else "Chongqing Daily"),
    ]
    for article in articles:
        out += _entry(article, lang, dates[article.id], base_url)
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _entry(article: ArticleView, lang: str, day: date, base_url: str | None) -> list[str]:
    path = f"{lang}/articles/{article.id}/index.html"
    href = absolute(base_url, path) or f"articles/{article.id}/index.html"
    headline = article.title.zh if lang == "zh" else article.title.en or f"[translation pending] {article.id}"
    summary = article.summary.zh if lang == "zh" else article.summary.en or ""
    return [
        "  <entry>",
        f"    <title>{escape(headline)}</title>",
        f"    <id>{FEED_ID}{path}</id>",
        f'    <link href="{escape(href)}"/>',
        f"    <updated>{timestamp(day)}</updated>",
        f"    <summary>{escape(summary)}</summary>",
        "  </entry>",
    ]
