"""The templates' view of the data: content/ + reference + English, gathered once per build.

Records link to each other by id or slug, never by object. Everything here is language-neutral:
a `Name` carries both languages and the page chooses (see `lang.py`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..content import StoredArticle
from ..english import UnitTable, figure_en, figure_zh
from ..memo import Memo, digest, generator_digest
from ..reference import Reference
from ..translations import English
from .body import BodyLinker
from .credits import is_name_list, romanise_name, romanise_names
from .dates import lead_date

FALLBACK_YEAR = 2024
"""The year assumed for an article whose page year is unknown (only for ordering)."""


@dataclass(frozen=True)
class Name:
    """A string in both languages; `en` is None where no English exists yet."""

    zh: str
    en: str | None


@dataclass(frozen=True)
class FigureView:
    id: str
    article: str
    raw: str
    value: float
    unit: str
    qualifier: str | None
    text: Name
    """The figure itself: '超2200台' / 'more than 2,200 units'."""
    metric: Name
    subject: Name
    districts: tuple[str, ...]
    industries: tuple[str, ...]
    year: int | None
    quote: str


@dataclass(frozen=True)
class CompanyRef:
    slug: str | None
    name: Name


@dataclass(frozen=True)
class ArticleView:
    id: str
    kind: str
    title: Name
    kicker: Name
    subtitle: Name
    summary: Name
    byline: str
    dateline: str
    reporters: Name
    """The reporters' names: '陈维灯' / 'Chen Weideng' (romanised), empty when none are named."""
    reporter_count: int
    signature: Name
    """An author signature: names romanised, anything else through the PO file."""
    captions: tuple[Name, ...]
    notes: tuple[Name, ...]
    date: date | None
    """The date the lead gives ('10月12日，…' in a page of 2023); None when the text names none."""
    source: dict[str, Any]
    year: int | None
    districts: tuple[str, ...]
    """District-level slugs, most central first."""
    zones: tuple[str, ...]
    industries: tuple[str, ...]
    companies: tuple[CompanyRef, ...]
    figures: tuple[str, ...]
    body: str
    """Body HTML with link placeholders (see body.py)."""

    @property
    def translated(self) -> bool:
        return self.title.en is not None


@dataclass(frozen=True)
class PlaceView:
    slug: str
    name: Name
    kind: str
    parent: str | None
    tile: dict | None
    articles: tuple[str, ...]
    figures: tuple[str, ...]
    industries: tuple[str, ...]
    companies: tuple[str, ...]
    zones: tuple[str, ...]


@dataclass(frozen=True)
class IndustryView:
    slug: str
    name: Name
    tier: str
    parent: str | None
    children: tuple[str, ...]
    articles: tuple[str, ...]
    figures: tuple[str, ...]
    districts: tuple[str, ...]


@dataclass(frozen=True)
class CompanyView:
    slug: str
    name: Name
    kind: str
    articles: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """Figures of one metric, unit and year compared across districts."""

    metric: Name
    unit: str
    year: int
    bars: tuple[tuple[str, str], ...]
    """(district slug, figure id), largest first."""


@dataclass(frozen=True)
class SiteData:
    articles: dict[str, ArticleView]
    figures: dict[str, FigureView]
    places: dict[str, PlaceView]
    """Every district-level place and every zone that the content names."""
    industries: dict[str, IndustryView]
    """Every node of the taxonomy; `articles` includes those of its descendants."""
    companies: dict[str, CompanyView]
    charts: tuple[Chart, ...]
    industry_pages: frozenset[str] = frozenset()
    """Industries with a page (those with articles): what a link to an industry depends on, not the
    list of its articles (incremental rendering: a new article must not re-render every page that
    links to its industry)."""
    digest: str = ""
    """Of everything the data is made from (each article's fields, the reference data, the translations,
    the generator's code): the same digest, the same data (render.py keeps what it made from it)."""
    article_keys: dict[str, bytes] = field(default_factory=dict)
    """Per article, a digest of what its views are made from (its fields, the reference data, the
    translations, the code): the same key, the same article and figure views (search.py keeps its
    documents by it)."""

    def covered_industries(self) -> list[IndustryView]:
        return [i for i in self.industries.values() if i.articles]

    def sort_dates(self) -> dict[str, date]:
        """Each article's date for ordering and feeds: its lead date; else the latest lead date of its
        newspaper page (printed on or after that day); else 1 January of its year ("some time that year")."""
        pages: dict[str, date] = {}
        for article in self.articles.values():
            seed = str(article.source.get("file"))
            if article.date and (seed not in pages or article.date > pages[seed]):
                pages[seed] = article.date
        return {
            a.id: a.date or pages.get(str(a.source.get("file"))) or date(a.year or FALLBACK_YEAR, 1, 1)
            for a in self.articles.values()
        }

    def newest_first(self) -> list[ArticleView]:
        dates = self.sort_dates()
        return sorted(self.articles.values(), key=lambda a: (-dates[a.id].toordinal(), a.id))


def build_site_data(
    stored: Iterable[StoredArticle], reference: Reference, english: English, memory: Path | None = None
) -> SiteData:
    """`memory`: a file that keeps each article's views for the next build (memo.py); they are made again
    only for an article whose fields changed, or for all when the reference data, the translations or
    the code changed."""
    names = _name_book(reference)
    metrics = {m.zh: m.en for m in reference.metrics}
    units = UnitTable.build(reference.units)
    places_by_slug = {p.slug: p for p in reference.places}
    linker = BodyLinker.build(reference)
    articles: dict[str, ArticleView] = {}
    figures: dict[str, FigureView] = {}
    scope = repr((reference, sorted(english.translations.items()), sorted(english.fuzzy), generator_digest()))
    made = Memo(memory, digest(scope))
    inputs = hashlib.blake2b(made.scope, digest_size=16)
    article_keys: dict[str, bytes] = {}
    for item in sorted(stored, key=lambda a: str(a.fields.get("id"))):
        fields = item.fields
        key = digest(repr(fields))
        inputs.update(key)
        article_keys[str(fields["id"])] = digest(repr((made.scope, key)))
        views = made.get(key)
        if views is None:
            article_figures = [
                _figure(f, str(fields["id"]), names, metrics, units, english) for f in fields.get("figures") or []
            ]
            views = (_article(fields, article_figures, names, english, linker, places_by_slug), article_figures)
            made.put(key, views)
        article, article_figures = views
        figures.update((f.id, f) for f in article_figures)
        articles[article.id] = article
    made.save()
    places = _places(reference, articles, figures)
    industries = _industries(reference, articles, figures, places_by_slug)
    companies = _companies(reference, articles)
    charts = _charts(figures, _district_names(reference))
    with_pages = frozenset(slug for slug, industry in industries.items() if industry.articles)
    return SiteData(
        articles, figures, places, industries, companies, charts, with_pages, inputs.hexdigest(), article_keys
    )


def _name_book(reference: Reference) -> dict[str, str]:
    book: dict[str, str] = {}
    for record in (*reference.places, *reference.regions, *reference.companies):
        extra = (*getattr(record, "ambiguous_aliases", ()), *getattr(record, "former", ()))
        for zh in (record.zh, *record.aliases, *extra):
            book.setdefault(zh, record.en)
    return book


def name_words(reference: Reference) -> tuple[set[str], set[str]]:
    """Chinese names the reference data translates, and metrics it translates (not in the PO file)."""
    return set(_name_book(reference)), {m.zh for m in reference.metrics}


def _figure(fig: dict, article: str, names: dict, metrics: dict, units: UnitTable, english: English) -> FigureView:
    metric = str(fig.get("metric") or "")
    subject = str(fig.get("subject") or "")
    qualifier = fig.get("qualifier")
    return FigureView(
        id=str(fig["id"]),
        article=article,
        raw=str(fig["raw"]),
        value=fig["value"],
        unit=str(fig["unit"]),
        qualifier=qualifier,
        text=Name(
            figure_zh(str(fig["raw"]), qualifier, str(fig.get("quote") or "")),
            figure_en(fig["value"], str(fig["unit"]), qualifier, units),
        ),
        metric=Name(metric, fig.get("metric_en") or metrics.get(metric) or english.get(metric)),
        subject=Name(subject, names.get(subject) or english.get(subject)),
        districts=tuple(fig.get("districts") or ()),
        industries=tuple(fig.get("industries") or ()),
        year=fig.get("year"),
        quote=str(fig.get("quote") or ""),
    )


def _article(
    fields: dict, figures: list[FigureView], names: dict, english: English, linker: BodyLinker, places: dict
) -> ArticleView:
    def name(key: str) -> Name:
        zh = str(fields.get(key) or "")
        return Name(zh, english.get(zh) if zh else "")

    zones = tuple(z for z in fields.get("zones") or () if z in places)
    districts = tuple(d for d in fields.get("districts") or () if d in places)
    companies = tuple(CompanyRef(linker.company_slug(c), Name(c, names.get(c))) for c in fields.get("companies") or ())
    summary = str(fields.get("summary") or "")
    reporters = [str(r) for r in fields.get("reporters") or ()]
    return ArticleView(
        id=str(fields["id"]),
        kind=str(fields.get("kind") or "news"),
        title=name("title"),
        kicker=name("kicker"),
        subtitle=name("subtitle"),
        summary=Name(summary, english.text(summary) if summary else ""),
        byline=str(fields.get("byline") or ""),
        dateline=str(fields.get("dateline") or ""),
        reporters=Name("、".join(reporters), ", ".join(romanise_name(r) for r in reporters)),
        reporter_count=len(reporters),
        signature=_signature(str(fields.get("signature") or ""), english),
        captions=tuple(Name(c, english.get(c)) for c in fields.get("captions") or ()),
        notes=tuple(Name(n, english.get(n)) for n in fields.get("notes") or ()),
        date=lead_date(str(fields.get("body") or ""), fields.get("year")),
        source=dict(fields.get("source") or {}),
        year=fields.get("year"),
        districts=districts,
        zones=zones,
        industries=tuple(fields.get("industries") or ()),
        companies=companies,
        figures=tuple(f.id for f in figures),
        body=linker.body_html(str(fields.get("body") or ""), figures),
    )


def _signature(text: str, english: English) -> Name:
    if not text:
        return Name("", "")
    return Name(text, romanise_names(text) if is_name_list(text) else english.get(text))


def _places(reference: Reference, articles: dict[str, ArticleView], figures: dict[str, FigureView]) -> dict:
    parents = {p.slug: p.parent for p in reference.places}
    by_place: dict[str, list[str]] = defaultdict(list)
    for article in articles.values():
        covered = set(article.districts) | set(article.zones) | {parents[z] for z in article.zones if parents.get(z)}
        for slug in covered:
            by_place[slug].append(article.id)
    figs_by_place: dict[str, list[str]] = defaultdict(list)
    for figure in figures.values():
        for slug in figure.districts:
            figs_by_place[slug].append(figure.id)
    result = {}
    for place in reference.places:
        if place.tile is None and place.slug not in by_place:
            continue
        ids = tuple(by_place.get(place.slug, ()))
        industries = Counter(i for a in ids for i in articles[a].industries)
        industries.update(i for f in figs_by_place.get(place.slug, ()) for i in figures[f].industries)
        companies = dict.fromkeys(c.slug for a in ids for c in articles[a].companies if c.slug)
        zones = tuple(p.slug for p in reference.places if p.parent == place.slug and p.slug in by_place)
        result[place.slug] = PlaceView(
            place.slug,
            Name(place.zh, place.en),
            place.kind,
            place.parent,
            place.tile,
            ids,
            tuple(figs_by_place.get(place.slug, ())),
            tuple(i for i, _ in industries.most_common()),
            tuple(companies),
            zones,
        )
    return result


def _industries(reference: Reference, articles: dict, figures: dict, places: dict) -> dict[str, IndustryView]:
    parents = {i.slug: i.parent for i in reference.industries}

    def lineage(slug: str) -> list[str]:
        chain = []
        while slug and slug in parents and slug not in chain:
            chain.append(slug)
            slug = parents[slug]
        return chain

    arts: dict[str, list[str]] = defaultdict(list)
    figs: dict[str, list[str]] = defaultdict(list)
    for article in articles.values():
        for slug in dict.fromkeys(s for i in article.industries for s in lineage(i)):
            arts[slug].append(article.id)
    for figure in figures.values():
        for slug in dict.fromkeys(s for i in figure.industries for s in lineage(i)):
            figs[slug].append(figure.id)
    result = {}
    for industry in reference.industries:
        ids = tuple(arts.get(industry.slug, ()))
        districts = Counter(d for a in ids for d in articles[a].districts)
        districts.update(places[z].parent for a in ids for z in articles[a].zones if places[z].parent)
        result[industry.slug] = IndustryView(
            industry.slug,
            Name(industry.zh, industry.en),
            industry.tier,
            industry.parent,
            tuple(i.slug for i in reference.industries if i.parent == industry.slug),
            ids,
            tuple(figs.get(industry.slug, ())),
            tuple(d for d, _ in districts.most_common()),
        )
    return result


def _companies(reference: Reference, articles: dict[str, ArticleView]) -> dict[str, CompanyView]:
    mentions: dict[str, list[str]] = defaultdict(list)
    for article in articles.values():
        for slug in dict.fromkeys(c.slug for c in article.companies if c.slug):
            mentions[slug].append(article.id)
    return {
        c.slug: CompanyView(c.slug, Name(c.zh, c.en), c.kind, tuple(mentions[c.slug]))
        for c in reference.companies
        if c.slug in mentions
    }


GENERIC_METRICS = frozenset({"增长", "同比增长", "增速", "增幅", "占比", "比重", "提高", "下降", "企业数", "项目"})
"""Metrics that do not say what is measured (growth of what, which companies, which projects):
never compared across districts."""
PART_YEAR = re.compile(r"季度|上半年|下半年|前\d+个?月|\d+[-—至]\d+月|截至")
"""A quarter, half-year, months-to-date or running total: not comparable with a year's figure."""


def _charts(figures: dict[str, FigureView], district_names: dict[str, str]) -> tuple[Chart, ...]:
    """Bar charts that compare like with like: one metric, one unit, one year, and each bar a figure
    about a district itself (its subject is the district, not a company or zone in it). A district
    with two different values for the same group is ambiguous and left out; fewer than two bars, no chart.
    """
    groups: dict[tuple[str, str, int], dict[str, set[float]]] = defaultdict(lambda: defaultdict(set))
    found: dict[tuple[str, str, int, str], FigureView] = {}
    for figure in figures.values():
        if not _chartable(figure, district_names):
            continue
        key = (figure.metric.zh, figure.unit, int(figure.year or 0))
        groups[key][figure.districts[0]].add(figure.value)
        found.setdefault((*key, figure.districts[0]), figure)
    charts = []
    for key, by_district in groups.items():
        bars = [found[(*key, d)] for d, values in by_district.items() if len(values) == 1]
        if len(bars) >= 2:
            bars.sort(key=lambda f: (-f.value, f.districts[0]))
            charts.append(Chart(bars[0].metric, key[1], key[2], tuple((f.districts[0], f.id) for f in bars)))
    return tuple(sorted(charts, key=lambda c: (-len(c.bars), c.metric.zh, c.year)))


def _chartable(figure: FigureView, district_names: dict[str, str]) -> bool:
    return (
        len(figure.districts) == 1
        and bool(figure.metric.zh)
        and figure.metric.zh not in GENERIC_METRICS
        and figure.year is not None
        and district_names.get(figure.subject.zh) == figure.districts[0]
        and not PART_YEAR.search(figure.quote)  # last: the search of the quote is the slow test
    )


def _district_names(reference: Reference) -> dict[str, str]:
    """Chinese names and aliases of district-level places (not zones) → slug."""
    book: dict[str, str] = {}
    for place in reference.places:
        if place.parent is None:
            for zh in (place.zh, *place.aliases):
                book.setdefault(zh, place.slug)
    return book
