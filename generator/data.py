"""The site's open data (SPEC §4): data/articles.json, figures.json, districts.json, industries.json, figures.csv.

Built from content/ (so editors' corrections are what is published) and the reference data.
English values are English text or null: never Chinese.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from .content import StoredArticle
from .memo import Memo, digest, generator_digest
from .reference import Reference
from .translations import English


def data_files(
    articles: list[StoredArticle], reference: Reference, english: English | None = None, memory: Path | None = None
) -> dict[str, str]:
    """Relative path -> file text for every data file. `memory`: a file that keeps each record's JSON
    for the next build (memo.py; the same text either way)."""
    english = english or English()
    chunks = Memo(memory, digest(generator_digest()))
    records = [a.fields for a in sorted(articles, key=lambda a: str(a.fields.get("id")))]
    metrics = {m.zh: m.en for m in reference.metrics}
    figures = [_figure_record(f, record, metrics, english) for record in records for f in record.get("figures") or []]
    records = [
        {**r, "title_en": english.get(r.get("title")), "summary_en": english.text(r.get("summary"))} for r in records
    ]
    files = {
        "data/articles.json": _json_list([_article_record(r) for r in records], chunks),
        "data/figures.json": _json_list(figures, chunks),
        "data/districts.json": _json([_place_record(p) for p in reference.places]),
        "data/industries.json": _json([_industry_record(i) for i in reference.industries]),
        "data/figures.csv": _figures_csv(figures, records, reference),
    }
    chunks.save()
    return files


def _article_record(fields: dict[str, Any]) -> dict[str, Any]:
    article_id = str(fields["id"])
    return {
        "id": article_id,
        "source": fields.get("source"),
        "kind": fields.get("kind"),
        "title": {"zh": fields.get("title"), "en": fields.get("title_en")},
        "summary": {"zh": fields.get("summary"), "en": fields.get("summary_en")},
        "districts": list(fields.get("districts") or []),
        "industries": list(fields.get("industries") or []),
        "companies": list(fields.get("companies") or []),
        "url": {"zh": f"zh/articles/{article_id}/", "en": f"en/articles/{article_id}/"},
    }


def _figure_record(figure: dict[str, Any], article: dict[str, Any], metrics: dict, english: English) -> dict[str, Any]:
    metric = figure.get("metric")
    return {
        "id": figure["id"],
        "article": str(article["id"]),
        "raw": figure["raw"],
        "value": figure["value"],
        "unit": figure["unit"],
        "qualifier": figure.get("qualifier"),
        "metric": {"zh": metric, "en": figure.get("metric_en") or metrics.get(metric) or english.get(metric)},
        "subject": figure.get("subject"),
        "districts": list(figure.get("districts") or []),
        "industries": list(figure.get("industries") or []),
        "year": figure.get("year"),
        "quote": figure.get("quote"),
    }


def _place_record(place) -> dict[str, Any]:
    return {"slug": place.slug, "name": {"zh": place.zh, "en": place.en}, "kind": place.kind, "parent": place.parent}


def _industry_record(industry) -> dict[str, Any]:
    return {
        "slug": industry.slug,
        "name": {"zh": industry.zh, "en": industry.en},
        "kind": industry.tier,
        "parent": industry.parent,
    }


_CSV_COLUMNS = [
    "id",
    "article",
    "article_title_zh",
    "article_title_en",
    "raw",
    "value",
    "unit",
    "unit_en",
    "qualifier",
    "metric_zh",
    "metric_en",
    "subject",
    "districts",
    "districts_en",
    "industries",
    "industries_en",
    "year",
    "quote",
]


def _figures_csv(figures: list[dict], articles: list[dict], reference: Reference) -> str:
    titles = {str(a["id"]): (a.get("title"), a.get("title_en")) for a in articles}
    places = {p.slug: p.en for p in reference.places}
    industries = {i.slug: i.en for i in reference.industries}
    units = {u.zh: u.en_plural for u in reference.units}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for figure in figures:
        title_zh, title_en = titles[figure["article"]]
        writer.writerow(
            [
                figure["id"],
                figure["article"],
                title_zh,
                title_en or "",
                figure["raw"],
                figure["value"],
                figure["unit"],
                units.get(figure["unit"], ""),
                figure["qualifier"] or "",
                figure["metric"]["zh"] or "",
                figure["metric"]["en"] or "",
                figure["subject"] or "",
                ";".join(figure["districts"]),
                ";".join(places.get(d, "") for d in figure["districts"]),
                ";".join(figure["industries"]),
                ";".join(industries.get(i, "") for i in figure["industries"]),
                figure["year"] if figure["year"] is not None else "",
                figure["quote"],
            ]
        )
    return "\ufeff" + out.getvalue()


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _json_list(items: list[dict[str, Any]], chunks: Memo) -> str:
    """`_json(items)`, with each item's text kept between builds (json's indenting encoder is slow)."""
    if not items:
        return _json(items)
    texts = []
    for item in items:
        key = digest(repr(item))
        text = chunks.get(key)
        if text is None:
            text = json.dumps(item, ensure_ascii=False, indent=1).replace("\n", "\n ")  # one level deeper
            chunks.put(key, text)
        texts.append(text)
    return "[\n " + ",\n ".join(texts) + "\n]\n"
