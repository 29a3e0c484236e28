"""The pages of one language tree (SPEC §6), each with the variables only it needs.

`language_pages` lists every page as a `PageSpec`: its path inside `zh/` or `en/`, its template, its
title, its breadcrumbs and its own variables. `page_context` adds what every page has. These two are
the one place where template variables are built.
"""

from __future__ import annotations

import heapq
import posixpath
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..memo import Memo, digest, generator_digest
from . import svg
from .lang import HTML_LANG, LANGS, Links, Words, other
from .strings import EN, STRINGS, ZH
from .view import ArticleView, Name, SiteData

TIERS = ("leading", "pillar", "featured", "new_star", "group", "sector")
HEADLINE_FIGURES = 6
LATEST = 8
RELATED = 4


@dataclass(frozen=True)
class PageSpec:
    path: str
    """Inside a language tree: 'districts/nanan/index.html'."""
    template: str
    title: Name
    crumbs: tuple[tuple[Name, str], ...] = ()
    """(label, page name as Links.page takes it) of the pages above this one."""
    values: dict[str, Any] = field(default_factory=dict)


def ui(key: str) -> Name:
    return Name(ZH[key], EN[key])


def language_pages(data: SiteData, memory: Path | None = None) -> list[PageSpec]:
    """Every page of one language. `memory`: a file that keeps the related articles for the next build."""
    related = kept_related_articles(data, memory)
    return [
        _home(data),
        PageSpec("districts/index.html", "districts.html", ui("districts"), values={"groups": _district_groups(data)}),
        *(_district(data, slug) for slug in data.places),
        PageSpec("industries/index.html", "industries.html", ui("industries"), values={"tiers": _tiers(data)}),
        *(_industry(i.slug, i.name) for i in data.covered_industries()),
        PageSpec("articles/index.html", "articles.html", ui("articles"), values={"ids": list(data.articles)}),
        *(_article(a, related[a.id]) for a in data.articles.values()),
        PageSpec("companies/index.html", "companies.html", ui("companies")),
        *(
            PageSpec(
                f"companies/{c.slug}/index.html",
                "company.html",
                c.name,
                ((ui("companies"), "companies"),),
                {"company": c},
            )
            for c in data.companies.values()
        ),
        PageSpec("figures/index.html", "figures.html", ui("figures"), values={"filters": _figure_filters(data)}),
        PageSpec("search/index.html", "search.html", ui("search")),
        PageSpec("about/index.html", "about.html", ui("about")),
        PageSpec("briefing/index.html", "briefing.html", ui("briefing"), values=_briefing(data)),
    ]


def _home(data: SiteData) -> PageSpec:
    money = sorted((f for f in data.figures.values() if f.unit == "元" and f.districts), key=lambda f: -f.value)
    headline, seen = [], set()
    for figure in money:
        if figure.article not in seen:
            headline.append(figure.id)
            seen.add(figure.article)
    latest = data.newest_first()[:LATEST]
    return PageSpec(
        "index.html",
        "home.html",
        ui("home"),
        values={
            "headline": headline[:HEADLINE_FIGURES],
            "latest": [a.id for a in latest],
            "charts": data.charts[:2],
        },
    )


def _district_groups(data: SiteData) -> list[tuple[str, list[str]]]:
    kinds = ("district", "county", "autonomous_county", "functional_area")
    order = sorted(data.places.values(), key=lambda p: (-len(p.articles), p.slug))
    return [(k, [p.slug for p in order if p.kind == k]) for k in kinds]


def _district(data: SiteData, slug: str) -> PageSpec:
    place = data.places[slug]
    crumbs = ((ui("districts"), "districts"),)
    if place.parent and place.parent in data.places:
        crumbs += ((data.places[place.parent].name, f"districts/{place.parent}"),)
    charts = [c for c in data.charts if any(d == slug for d, _ in c.bars)]
    return PageSpec(
        f"districts/{slug}/index.html", "district.html", place.name, crumbs, {"place": place, "charts": charts}
    )


def _tiers(data: SiteData) -> list[tuple[str, list[str]]]:
    tops = [i for i in data.industries.values() if i.parent is None or i.parent not in data.industries]
    return [(tier, [i.slug for i in tops if i.tier == tier]) for tier in TIERS]


def _industry(slug: str, name: Name) -> PageSpec:
    return PageSpec(
        f"industries/{slug}/index.html", "industry.html", name, ((ui("industries"), "industries"),), {"slug": slug}
    )


def _article(article: ArticleView, related: list[str]) -> PageSpec:
    return PageSpec(
        f"articles/{article.id}/index.html",
        "article.html",
        article.title,
        ((ui("articles"), "articles"),),
        {"article": article, "related": related},
    )


def kept_related_articles(data: SiteData, memory: Path | None = None) -> dict[str, list[str]]:
    """For each article, the RELATED articles sharing most with it: a district or zone counts 3, a company 2,
    an industry 1; ties by id. Counted through an inverted index (each article meets only the articles that
    share something with it), not by comparing every pair, and kept in `memory` (memo.py) for the next build
    with each article's places, companies and industries: counting afresh is quadratic in practice (44 s at
    10,000 articles, whose districts and industries each have hundreds or thousands), so when a few
    articles change them only the rankings they enter, leave or move in are corrected (`ranked_again`)."""
    keys = {a.id: frozenset(_related_keys(a)) for a in data.articles.values()}
    kept = Memo(memory, digest(generator_digest()))
    before = kept.get(b"related")
    ranked = before[1] if before is not None and before[0] == keys else None
    if ranked is None:
        ranked = (ranked_again(keys, *before) if before is not None else None) or ranked_afresh(keys)
        kept.put(b"related", (keys, ranked))
    kept.save()
    return {id: [other for _, other in ranked[id]] for id in keys}


WEIGHTS = {"place": 3, "company": 2, "industry": 1}
Ranking = list[tuple[int, str]]
"""An article's related articles, best first, as (-score, id): sorted, they are in order."""


def ranked_afresh(keys: dict[str, frozenset[tuple[str, str]]]) -> dict[str, Ranking]:
    sharing = _sharing(keys)
    return {id: _top(_scores(id, keys, sharing)) for id in keys}


def ranked_again(
    keys: dict[str, frozenset[tuple[str, str]]], before_keys: dict[str, frozenset], before: dict[str, Ranking]
) -> dict[str, Ranking] | None:
    """The rankings of `ranked_afresh(keys)` from the last build's (`before`, for `before_keys`): the articles
    whose keys changed are counted afresh, and so is an article that a changed one leaves or falls in;
    another article only takes a changed one in or moves it up. None when many changed (count afresh)."""
    changed = {id for id in keys.keys() | before_keys.keys() if keys.get(id) != before_keys.get(id)}
    if len(changed) * 8 > len(keys) or not all(id in before for id in keys if id not in changed):
        return None
    sharing = _sharing(keys)
    ranked = {id: before[id] for id in keys if id not in changed}
    again = {id for id in changed if id in keys}
    none: frozenset[tuple[str, str]] = frozenset()
    for moved in sorted(changed):
        now = keys.get(moved, none)
        near = set().union(*(sharing.get(key, ()) for key in now | before_keys.get(moved, none)))
        for id in sorted(near - again - {moved}):
            ranking = _with(ranked[id], moved, _score(keys[id], now))
            if ranking is None:
                again.add(id)
            else:
                ranked[id] = ranking
    ranked.update((id, _top(_scores(id, keys, sharing))) for id in again)
    return ranked


def _with(ranking: Ranking, other: str, score: int) -> Ranking | None:
    """`ranking` with `other` at its new score, or None when `other` fell in it or left it (who comes next
    is not known without counting)."""
    new = (-score, other)
    old = next((entry for entry in ranking if entry[1] == other), None)
    if old is not None:
        return None if score == 0 or new > old else sorted([new, *(e for e in ranking if e[1] != other)])
    if score and (len(ranking) < RELATED or new < ranking[-1]):
        return sorted([new, *ranking])[:RELATED]
    return ranking


def _sharing(keys: dict[str, frozenset[tuple[str, str]]]) -> dict[tuple[str, str], list[str]]:
    sharing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for article_id, article_keys in keys.items():
        for key in article_keys:
            sharing[key].append(article_id)
    return sharing


def _scores(article_id: str, keys: dict[str, frozenset], sharing: dict[tuple[str, str], list[str]]) -> Counter[str]:
    scores: Counter[str] = Counter()
    for key in keys[article_id]:
        for _ in range(WEIGHTS[key[0]]):
            scores.update(sharing[key])
    del scores[article_id]
    return scores


def _score(a: frozenset[tuple[str, str]], b: frozenset[tuple[str, str]]) -> int:
    return sum(WEIGHTS[key[0]] for key in a & b)


def _top(scores: Counter[str]) -> Ranking:
    """The RELATED highest scores, ties by id (found without sorting every candidate)."""
    top = heapq.nlargest(RELATED, scores.values())
    if not top:
        return []
    return sorted((-score, i) for i, score in scores.items() if score >= top[-1])[:RELATED]


def _related_keys(article: ArticleView) -> set[tuple[str, str]]:
    return {
        *(("place", p) for p in article.districts + article.zones),
        *(("company", c.slug) for c in article.companies if c.slug),
        *(("industry", i) for i in article.industries),
    }


def _figure_filters(data: SiteData) -> dict[str, list]:
    figures = data.figures.values()
    return {
        "districts": sorted({d for f in figures for d in f.districts if d in data.places}),
        "industries": sorted({i for f in figures for i in f.industries if i in data.industries}),
        "years": sorted({f.year for f in figures if f.year}),
    }


def _briefing(data: SiteData) -> dict[str, Any]:
    places = [
        p.slug
        for p in sorted(data.places.values(), key=lambda p: (-len(p.articles), p.slug))
        if p.articles and p.kind != "functional_area"
    ]
    industries = [i.slug for i in data.covered_industries() if i.parent is None]
    return {"places": places, "industries": industries}


def page_context(spec: PageSpec, lang: str, data: SiteData, base_url: str | None) -> dict:
    """Every variable a page's template sees."""
    path = f"{lang}/{spec.path}"
    to = Links(posixpath.dirname(path), lang, data)
    w = Words(lang, STRINGS[lang])
    alternates = [{"hreflang": HTML_LANG[code], "href": to.to(f"{code}/{spec.path}")} for code in LANGS]
    return {
        **spec.values,
        "lang": lang,
        "t": w.t,
        "w": w,
        "to": to,
        "data": data,
        "title": w.plain(spec.title),
        "title_name": spec.title,
        "crumbs": spec.crumbs,
        "path": path,
        "switch_href": to.to(f"{other(lang)}/{spec.path}"),
        "alternates": alternates,
        "canonical": absolute(base_url, path),
        "svg": svg,
    }


def absolute(base_url: str | None, path: str) -> str | None:
    """Canonical URL of a page: directory form (…/nanan/) under --base-url; None without one."""
    if not base_url:
        return None
    return base_url.rstrip("/") + "/" + path.removesuffix("index.html")
