"""Extract, per article: layout fields, districts, industries, companies, key figures, summary (SPEC §3.2).

Pure: extract_article(source, id, knowledge, page_year) -> Article. Knowledge is the reference data
compiled once per build (place names, companies, industry keywords, units and metrics).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..lexicon import Lexicon
from ..model import Article, ArticleSource, BlockKind, Figure
from ..reference import Reference
from .companies import CompanyIndex
from .figures import Context, FigureFinder
from .head import body_markdown, extract_head
from .industries import IndustryIndex
from .places import Gazetteer, tag_districts
from .sentences import Sentence, infer_page_year, split_sentences
from .summary import keywords, summarise

__all__ = ["Knowledge", "extract_article", "extract_head", "body_markdown", "infer_page_year", "page_texts"]


@dataclass(frozen=True)
class Knowledge:
    reference: Reference
    lexicon: Lexicon
    gazetteer: Gazetteer
    companies: CompanyIndex
    industries: IndustryIndex
    figures: FigureFinder

    @classmethod
    def build(cls, reference: Reference, lexicon: Lexicon) -> Knowledge:
        return cls(
            reference,
            lexicon,
            Gazetteer(reference, lexicon),
            CompanyIndex(reference, lexicon),
            IndustryIndex(reference),
            FigureFinder(reference, lexicon),
        )


def page_texts(sources: list[ArticleSource]) -> list[str]:
    return [b.text for s in sources for b in s.head + s.body]


def extract_article(
    source: ArticleSource, article_id: str, knowledge: Knowledge | None = None, page_year: int | None = None
) -> Article:
    """All machine fields of an article; without knowledge, only those its layout gives."""
    article = extract_head(source, article_id)
    if knowledge is None:
        return article
    parts = _parts(source, article)
    tags = tag_districts(parts, knowledge.gazetteer)
    industries = knowledge.industries.rank(parts)
    paragraphs = [(b.text, b.bold) for b in source.body if b.kind in (BlockKind.PARAGRAPH, BlockKind.DATELINE)]
    mentions = knowledge.companies.find([t for t, _ in paragraphs])
    sentences = _with_subjects(split_sentences(paragraphs), knowledge, mentions.aliases)
    main_district = knowledge.gazetteer.places[tags.districts[0]].zh if tags.districts else ""
    main_company = mentions.names[0] if mentions.names else ""
    company_article = article.kind == "advertorial"
    context = Context(
        " ".join([article.title, article.kicker]), page_year, main_district, main_company, company_article
    )
    found = knowledge.figures.find(sentences, context)
    figures = tuple(
        _stored_figure(f"{article_id}-{rank:02d}", figure, tags.districts, industries, knowledge)
        for rank, figure in enumerate(found, 1)
    )
    return dataclasses.replace(
        article,
        year=page_year,
        districts=tags.districts,
        district_weights=tags.weights,
        zones=tags.zones,
        elsewhere=tags.elsewhere,
        industries=tuple(industries),
        companies=mentions.names,
        summary=summarise(sentences, knowledge.lexicon, article.title),
        keywords=tuple(keywords(sentences, knowledge.lexicon)),
        figures=figures,
    )


def _parts(source: ArticleSource, article: Article) -> dict[str, list[str]]:
    paragraphs = [b.text for b in source.body if b.kind in (BlockKind.PARAGRAPH, BlockKind.DATELINE)]
    subheadings = [b.text for b in source.body if b.kind == BlockKind.SUBHEADING]
    return {
        "headline": [article.title],
        "kicker": [t for t in (article.kicker, article.subtitle) if t],
        "lead": paragraphs[:1],
        "body": paragraphs[1:] + subheadings,
        "caption": list(article.captions),
    }


def _with_subjects(sentences: list[Sentence], knowledge: Knowledge, aliases: dict[str, str]) -> list[Sentence]:
    result = []
    previous, paragraph = "", -1
    for sentence in sentences:
        if sentence.paragraph != paragraph:
            previous, paragraph = "", sentence.paragraph
        spans = [
            (m.start, m.end, sentence.text[m.start : m.end])
            for m in knowledge.gazetteer.find(sentence.text, with_regions=True)
            if m.district is not None or m.slug.startswith("region:")
        ]
        spans += knowledge.companies.spans(sentence.text, aliases)
        result.append(dataclasses.replace(sentence, subjects=tuple(sorted(spans)), previous_subject=previous))
        if spans:
            previous = max(spans)[2]
    return result


def _stored_figure(
    figure_id: str, figure, districts: tuple[str, ...], industries: list[str], knowledge: Knowledge
) -> Figure:
    subject_places = [m.district for m in knowledge.gazetteer.find(figure.subject) if m.district]
    in_sentence = knowledge.industries.rank({"body": [figure.quote], "headline": [figure.metric]})
    return Figure(
        id=figure_id,
        raw=figure.raw,
        value=figure.value,
        unit=figure.unit,
        qualifier=figure.qualifier,
        metric=figure.metric,
        metric_en=figure.metric_en,
        subject=figure.subject,
        districts=tuple(dict.fromkeys(subject_places)) or districts[:1],
        industries=tuple(in_sentence[:2]) or tuple(industries[:1]),
        year=figure.year,
        quote=figure.quote,
    )
