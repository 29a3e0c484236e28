"""Render: content/ -> site/ through Jinja templates, plus the open-data files (SPEC §3.4, §4).

For now a plain index of all articles and one page per article (Chinese). The site is built in a
folder beside the output and swapped in only when complete.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt

from .content import StoredArticle
from .data import data_files
from .reference import Reference

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class RenderResult:
    pages: int
    articles: int
    figures: int


def render_site(articles: list[StoredArticle], reference: Reference, templates: Path, out: Path) -> RenderResult:
    env = _environment(templates)
    records = sorted((_view(a) for a in articles), key=lambda r: r["id"])
    pages: dict[str, str] = {"index.html": env.get_template("index.html").render(articles=records, root="")}
    for record in records:
        page = env.get_template("article.html").render(article=record, root="../../../")
        pages[f"zh/articles/{record['id']}/index.html"] = page
    figures = sum(len(a.fields.get("figures") or []) for a in articles)
    _write_site(out, {**pages, **data_files(articles, reference)}, templates / "static")
    return RenderResult(pages=len(pages), articles=len(records), figures=figures)


def _environment(templates: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _view(article: StoredArticle) -> dict[str, Any]:
    fields = article.fields
    return {
        "id": str(fields.get("id") or article.path.stem),
        "kind": fields.get("kind", "news"),
        "title": fields.get("title", ""),
        "kicker": fields.get("kicker", ""),
        "subtitle": fields.get("subtitle", ""),
        "byline": fields.get("byline", ""),
        "signature": fields.get("signature", ""),
        "captions": fields.get("captions") or [],
        "source": fields.get("source") or {},
        "body_html": _MARKDOWN.render(fields.get("body", "")),
    }


def _write_site(out: Path, pages: dict[str, str], static: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for relative, text in pages.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if static.is_dir():
            shutil.copytree(static, staging / "static")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    """Replace the old site by the new one with two renames; the old one is removed afterwards."""
    old = out.with_name(f".{out.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
