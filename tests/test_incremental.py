"""Incremental rendering (generator/site/incremental.py): after each kind of change, a build that reuses
the old site's unchanged pages writes exactly the site a build from nothing writes, renders only some
pages, and leaves unchanged files untouched (same inode: a hard link, no bytes written)."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from generator.errors import BriefingError
from generator.pipeline import Paths, render
from generator.render import language_parts
from generator.report import Reporter
from generator.site.incremental import read_fragments

from .gates import differing_files

ROOT = Path(__file__).resolve().parent.parent


def _inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture()
def project(tmp_path: Path) -> Paths:
    shutil.copytree(ROOT / "content", tmp_path / "content", ignore=shutil.ignore_patterns(".cache"))
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "seeds").mkdir()
    return Paths(tmp_path / "seeds", tmp_path / "content", tmp_path / "site", tmp_path / "templates")


def _from_nothing(paths: Paths, where: Path) -> Path:
    """The same content rendered into a new folder with no caches (page records, fragments, views,
    search documents and terms, data records)."""
    fresh = Paths(paths.seeds, paths.content, where, paths.templates)
    shutil.move(paths.content / ".cache", paths.content.parent / "cache-kept")
    try:
        render(fresh, Reporter(stream=open(os.devnull, "w")))
    finally:
        shutil.rmtree(paths.content / ".cache", ignore_errors=True)
        shutil.move(paths.content.parent / "cache-kept", paths.content / ".cache")
    return where


def _article(p: Paths, old: str, new: str) -> None:
    _edit(p.content / "articles" / "001-04.md", old, new)


EDITS = {
    "article title": lambda p: _article(p, "title: 铜梁签约27个项目", "title: 铜梁签约28个项目"),
    "article districts": lambda p: _article(p, "districts:\n- tongliang", "districts:\n- qijiang"),
    "figure metric": lambda p: _article(p, "metric: 招商引资项目", "metric: 签约项目"),
    # reorders the bars of the seeds' one chart (綦江 81 before 铜梁 46): only the pages showing it render
    "chart": lambda p: _edit(p.content / "articles" / "003-01.md", "raw: 81个\n  value: 81", "raw: 40个\n  value: 40"),
    "translation": lambda p: _edit(
        p.content / "translations" / "en.po", "Nanan's smart terminal industry", "Nan'an's smart-terminal industry"
    ),
    "article removed": lambda p: (p.content / "articles" / "002-01.md").unlink(),
    "template": lambda p: _edit(p.templates / "partials" / "macros.html", 'class="card"', 'class="card x"'),
}


def test_after_each_change_the_incremental_build_equals_a_build_from_nothing(project: Paths, tmp_path: Path):
    """The changes one after the other on the same site, as an editor makes them."""
    quiet = Reporter(stream=open(os.devnull, "w"))
    render(project, quiet)
    for step, (change, edit) in enumerate(EDITS.items()):
        before = _inodes(project.out)
        edit(project)
        result = render(project, quiet)

        fresh = _from_nothing(project, tmp_path / f"fresh-{step}")
        assert differing_files(project.out, fresh, search_by_documents=True) == [], change
        after = _inodes(project.out)
        kept = [path for path, inode in after.items() if before.get(path) == inode]
        if change == "template":
            assert result.pages_rendered == result.pages - 2, change
        else:
            assert 0 < result.pages_rendered < result.pages / 2, (change, result.pages_rendered)
        assert len(kept) + result.files_written == len(after), change


def test_a_build_with_nothing_changed_renders_and_writes_nothing(project: Paths):
    quiet = Reporter(stream=open(os.devnull, "w"))
    first = render(project, quiet)
    assert first.pages_rendered == first.pages - 2  # all language pages (landing and 404 are not counted)
    before = _inodes(project.out)
    again = render(project, quiet)
    assert (again.pages_rendered, again.files_written) == (0, 0)
    assert _inodes(project.out) == before


@pytest.mark.parametrize("file", ["en/articles/001-04/index.html", "zh/search/index.json", "data/figures.json"])
def test_edited_or_removed_output_file_is_made_again(project: Paths, file: str):
    """Pages, the search index and the data files are kept only while their files are as written."""
    quiet = Reporter(stream=open(os.devnull, "w"))
    render(project, quiet)
    target = project.out / file
    original = target.read_bytes()
    target.write_bytes(b"edited by hand")
    result = render(project, quiet)
    assert result.pages_rendered == (1 if file.endswith(".html") else 0)
    assert target.read_bytes() == original
    target.unlink()
    render(project, quiet)
    assert target.read_bytes() == original


def test_damaged_page_records_render_everything(project: Paths):
    quiet = Reporter(stream=open(os.devnull, "w"))
    first = render(project, quiet)
    for record in (project.content / ".cache" / "render").glob("*.pickle"):  # page records and views
        record.write_bytes(b"\x80garbage")
    result = render(project, quiet)
    assert result.pages_rendered == first.pages_rendered
    assert result.files_written == 0  # same bytes: linked, not written


def test_fragments_made_are_appended_and_a_damaged_tail_is_left_out(project: Paths, tmp_path: Path):
    """A build appends the fragments it made to the fragments file; a tail damaged by a build killed while
    appending is left out (fragments are checked by their own reads), and the file is then written whole."""
    quiet = Reporter(stream=open(os.devnull, "w"))
    render(project, quiet)
    file = next((project.content / ".cache" / "render").glob("*.fragments.pickle"))
    whole = file.read_bytes()
    EDITS["article title"](project)
    render(project, quiet)
    appended = file.read_bytes()
    assert appended.startswith(whole) and len(appended) > len(whole)
    assert differing_files(project.out, _from_nothing(project, tmp_path / "fresh-1"), search_by_documents=True) == []
    file.write_bytes(appended[:-7])
    EDITS["figure metric"](project)
    render(project, quiet)
    assert differing_files(project.out, _from_nothing(project, tmp_path / "fresh-2"), search_by_documents=True) == []
    rewritten = file.read_bytes()
    assert read_fragments(file, pickle.loads(rewritten)["key"])[1] == (len(rewritten), len(rewritten))


def test_a_fragment_that_links_elsewhere_than_articles_is_refused(project: Paths):
    """Fragments are shared by pages at different depths by re-targeting their links to articles; a
    template that makes one link elsewhere gets a clear error, not wrong links."""
    home = '<article class="card"><a href="{{ to.page() }}">home</a>'
    _edit(project.templates / "partials" / "macros.html", '<article class="card">', home)
    with pytest.raises(BriefingError, match="fragment links somewhere other than an article"):
        render(project, Reporter(stream=open(os.devnull, "w")))


def test_a_fragment_inside_a_fragment_is_checked_with_it(project: Paths, tmp_path: Path):
    """A page depends on its fragments by key, and a fragment on the fragments inside it (kept apart, by key):
    the outer one is kept only while the inner one is (else the card would keep the old title)."""
    card_title = '<h3><a href="{{ to.article(id) }}">{{ w.name(a.title) }}</a></h3>'
    _edit(project.templates / "partials" / "macros.html", card_title, "<h3>{{ fragment(_card_title, id) }}</h3>")
    inner = (
        '{% macro _card_title(id) %}<a href="{{ to.article(id) }}">{{ w.name(data.articles[id].title) }}</a>'
        "{% endmacro %}"
    )
    macros = project.templates / "partials" / "macros.html"
    macros.write_text(macros.read_text("utf-8") + inner + "\n", "utf-8")
    quiet = Reporter(stream=open(os.devnull, "w"))
    render(project, quiet)
    _article(project, "title: 铜梁签约27个项目", "title: 铜梁签约28个项目")
    render(project, quiet)
    assert "铜梁签约28个项目" in (project.out / "zh" / "districts" / "tongliang" / "index.html").read_text("utf-8")
    fresh = _from_nothing(project, tmp_path / "fresh")
    assert differing_files(project.out, fresh, search_by_documents=True) == []


def test_an_inner_fragment_output_twice_is_refused(project: Paths):
    """A fragment inside another is put in its place when the outer one is used; output twice (or filtered), it
    would not be in its place, so the template gets a clear error."""
    card_title = '<h3><a href="{{ to.article(id) }}">{{ w.name(a.title) }}</a></h3>'
    twice = "{% set title = fragment(_card_title, id) %}<h3>{{ title }}{{ title }}</h3>"
    _edit(project.templates / "partials" / "macros.html", card_title, twice)
    inner = '{% macro _card_title(id) %}<a href="{{ to.article(id) }}">{{ id }}</a>{% endmacro %}'
    macros = project.templates / "partials" / "macros.html"
    macros.write_text(macros.read_text("utf-8") + inner + "\n", "utf-8")
    with pytest.raises(BriefingError, match="inside another fragment was changed"):
        render(project, Reporter(stream=open(os.devnull, "w")))


@pytest.mark.parametrize("per_language", [1, 2, 3])
def test_pages_to_render_are_dealt_by_language(per_language):
    """A worker renders a fragment once for all its pages: parts never mix the languages, whose fragments differ."""
    jobs = [(lang, f"page{i}") for i in range(7) for lang in ("zh", "en")]
    parts = language_parts(jobs, per_language)
    assert all(len({lang for lang, _ in part}) == 1 for part in parts)
    assert len(parts) == 2 * per_language
    assert sorted(job for part in parts for job in part) == sorted(jobs)
    assert language_parts([], per_language) == [[]]
