"""Files for machines: sitemap.xml, one Atom feed per language, robots.txt, .nojekyll."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .pages import absolute
from .view import SiteData

FEED_ID = "tag:chongqing-briefing.github.io,2024:"


def sitemap(paths: list[str], base_url: str | None) -> str:
    """Absolute URLs with --base-url (as the protocol wants); site-relative paths otherwise."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in paths:
        loc = absolute(base_url, path) or path
        lines.append(f"  <url><loc>{escape(loc)}</loc></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(base_url: str | None) -> str:
    text = "User-agent: *\nAllow: /\n"
    return text + (f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n" if base_url else "")


def atom(data: SiteData, lang: str, title: str, base_url: str | None) -> str:
    """Entries link relative to the feed (zh/feed.xml), or absolutely under --base-url."""
    articles = sorted(data.articles.values(), key=lambda a: (-(a.year or 0), a.id))
    updated = f"{max((a.year or 2024) for a in articles) if articles else 2024}-12-31T00:00:00Z"
    self_href = absolute(base_url, f"{lang}/feed.xml") or "feed.xml"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{"zh-Hans" if lang == "zh" else "en"}">',
        f"  <title>{escape(title)}</title>",
        f"  <id>{FEED_ID}{lang}</id>",
        f"  <updated>{updated}</updated>",
        f'  <link rel="self" href="{escape(self_href)}"/>',
        f'  <link href="{escape(absolute(base_url, f"{lang}/index.html") or "index.html")}"/>',
    ]
    for article in articles:
        path = f"{lang}/articles/{article.id}/index.html"
        href = absolute(base_url, path) or f"articles/{article.id}/index.html"
        headline = article.title.zh if lang == "zh" else article.title.en or f"[translation pending] {article.id}"
        summary = article.summary.zh if lang == "zh" else article.summary.en or ""
        out += [
            "  <entry>",
            f"    <title>{escape(headline)}</title>",
            f"    <id>{FEED_ID}{path}</id>",
            f'    <link href="{escape(href)}"/>',
            f"    <updated>{article.year or 2024}-12-31T00:00:00Z</updated>",
            "    <author><name>重庆日报 Chongqing Daily</name></author>"
            if lang == "zh"
            else "    <author><name>Chongqing Daily</name></author>",
            f"    <summary>{escape(summary)}</summary>",
            "  </entry>",
        ]
    out.append("</feed>")
    return "\n".join(out) + "\n"
