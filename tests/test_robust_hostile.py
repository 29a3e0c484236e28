"""Hostile content is inert text everywhere: pages, feeds, data files, search index, PDF.

A seed (and an editor's changes) carry script tags, javascript: URLs, attribute break-outs, Jinja
syntax, '../' in names and ids, and control characters. Every file the build writes is checked
generically by its type, so files added later (the search index) are checked too.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.content import article_path
from generator.pipeline import Paths, build, extract, render
from generator.render import RenderOptions
from generator.report import Reporter
from generator.serve import serving

from .conftest import CHROMIUM, ROOT, TEMPLATES

EVALUATED = ("630007", "LOOPLOOP")  # what {{ 90001*7 }} and the {% for %} loop would print if evaluated
HOSTILE_NAME = 'x"><img src=x onerror=alert(6)>{{ 90001*7 }}_../../evil.txt'
SEED = (
    '<script>alert("XSS-1")</script>铜梁储能项目签约{{ 90001*7 }}\n\n'
    "本报讯（记者 陈维灯）10月12日，\"><img src=x onerror=alert('XSS-3')>铜梁区集中签约27个项目，"
    "计划总投资206亿元{% for x in [1, 2] %}LOOP{% endfor %}。\x07铜梁高新区新增企业38家，同比增长12.5%。\x1b[31m\n\n"
    "详见javascript:alert('XSS-2')，或[点击](javascript:alert('XSS-4'))"
    "和<a href=\"javascript:alert('XSS-5')\">这里</a>。"
    "../../../etc/passwd 铜梁区新型储能产业产值超过100亿元。\x00\x08\n"
)
EDITOR_TITLE = "\"><svg onload=alert('XSS-7')>{{ 90001*7 }} ../../编辑标题\x07\x1b[0m javascript:alert(8)"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, lexicon) -> tuple[Path, Paths, Reporter, set[str]]:
    root = tmp_path_factory.mktemp("hostile")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / HOSTILE_NAME.replace("/", "／")).write_text(SEED, "utf-8")  # '/' cannot be in a file name
    shutil.copy(ROOT / "seeds" / "001_2d698e00e8e37bcc.txt", seeds)
    content = root / "content"
    shutil.copytree(ROOT / "content" / "reference", content / "reference")
    paths = Paths(seeds, content, root / "out" / "site", TEMPLATES)
    before = _tree(root)
    extract(paths, Reporter(stream=io.StringIO()), lexicon)
    hostile_id = next(p.stem for p in (content / "articles").glob("*.md") if not p.name.startswith("001-"))
    path = article_path(content, hostile_id)
    text = path.read_text("utf-8").replace("\nsubtitle: ''", f"\nsubtitle: {json.dumps(EDITOR_TITLE)}", 1)
    assert f"subtitle: {json.dumps(EDITOR_TITLE)}" in text
    path.write_text(text + "\n\n[编辑链接](javascript:alert('XSS-9')) <iframe src=javascript:alert(10)>\n", "utf-8")
    reporter = Reporter(stream=io.StringIO())
    pdf = bool(shutil.which("chromium") or os.path.exists(CHROMIUM))
    build(paths, reporter, lexicon, RenderOptions(base_url="https://example.org/b/", pdf=pdf))
    return root, paths, reporter, before


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _outputs(paths: Paths) -> list[Path]:
    return sorted(p for p in paths.out.rglob("*") if p.is_file())


def test_nothing_is_written_outside_the_output_and_content_folders(hostile_site):
    root, paths, _, before = hostile_site
    outside = {
        p for p in _tree(root) - before if not p.startswith(("out/site", "content/")) and not p.endswith(".lock")
    }
    assert outside <= {"content", "out"}, outside
    assert not any(".." in p.relative_to(paths.out).parts for p in _outputs(paths))
    assert all(p.resolve().is_relative_to(paths.out.resolve()) for p in _outputs(paths))


def test_the_hostile_text_reaches_the_site_as_text(hostile_site):
    _, paths, reporter, _ = hostile_site
    assert not reporter.errors, reporter.errors
    assert any("control characters" in w and "removed" in w for w in reporter.warnings)
    pages = "".join(p.read_text("utf-8") for p in paths.out.rglob("*.html"))
    for shown in ("&lt;script&gt;alert(", "&lt;img src=x onerror=", "&lt;svg onload=", "&lt;iframe src=javascript:"):
        assert shown in pages
    assert "{{ 90001*7 }}" in pages and "{% for x in [1, 2] %}" in pages  # shown, not evaluated
    articles = json.loads((paths.out / "data/articles.json").read_text("utf-8"))
    assert any(a["title"]["zh"].startswith('<script>alert("XSS-1")') for a in articles)


def test_every_output_file_is_inert(hostile_site):
    _, paths, _, _ = hostile_site
    files = _outputs(paths)
    kinds = {p.suffix for p in files}
    assert {".html", ".json", ".xml", ".csv"} <= kinds
    for path in files:
        if path.suffix == ".pdf":
            _check_pdf(path)
            continue
        if path.parent.name == "static" and path.suffix in (".js", ".css"):
            continue  # the site's own assets, copied from templates/static
        text = path.read_text("utf-8")
        where = path.relative_to(paths.out)
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text), f"{where}: control character"
        for marker in EVALUATED:
            assert marker not in text, f"{where}: template syntax was evaluated ({marker})"
        if path.suffix in (".html", ".svg"):
            _check_html(text, where)
        elif path.suffix == ".xml":
            ET.fromstring(text.encode("utf-8"))  # well-formed: no raw control characters or markup
            _check_html_in_xml(text, where)
        elif path.suffix == ".json":
            _check_json(json.loads(text), where)
        elif path.suffix == ".csv":
            list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _check_pdf(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    for bad in (b"/JavaScript", b"/JS ", b"/JS(", b"javascript:", b"/Launch"):
        assert bad not in data, f"{path.name}: {bad!r}"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        if tag in ("iframe", "object", "embed") or (tag == "img" and ("src", "x") in attrs):
            self.problems.append(f"<{tag}> element from the content")
        if tag in ("svg", "img") and any(name.startswith("on") for name, _ in attrs):
            self.problems.append(f"<{tag}> with an event handler")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"{name}={value!r}")
                if "/../../" in value and not value.startswith("../"):
                    self.problems.append(f"{name}={value!r} climbs out of the site")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "XSS" in data:
            self.problems.append("content inside a <script> element")


def _check_html(text: str, where: Path) -> None:
    parser = _Elements()
    parser.feed(text)
    parser.close()
    assert not parser.problems, f"{where}: {parser.problems}"


def _check_html_in_xml(text: str, where: Path) -> None:
    for element in ET.fromstring(text.encode("utf-8")).iter():
        if element.text and element.get("type") in ("html", "xhtml"):
            # Atom type="html" carries HTML as text, which a feed reader renders: it must be inert HTML too
            _check_html(element.text, where)


def _check_json(data: object, where: Path, key: str = "") -> None:
    if isinstance(data, dict):
        for name, value in data.items():
            _check_json(value, where, name)
    elif isinstance(data, list):
        for value in data:
            _check_json(value, where, key)
    elif isinstance(data, str):
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", data), f"{where}: control character in {key}"
        if key in ("url", "href", "link", "path", "zh", "en") and re.match(r"^[a-z]{2}/", data):
            assert ".." not in data.split("/"), f"{where}: {key} {data!r} climbs out of the site"
        if key in ("url", "href", "link"):
            assert not data.strip().lower().startswith("javascript:"), f"{where}: {key} {data!r}"


def test_a_title_or_id_with_dots_cannot_escape_the_output_folder(tmp_path, lexicon):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "reference", content / "reference")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(ROOT / "seeds" / "001_2d698e00e8e37bcc.txt", seeds)
    paths = Paths(seeds, content, tmp_path / "deep" / "out", TEMPLATES)
    extract(paths, Reporter(stream=io.StringIO()), lexicon)
    path = article_path(content, "001-04")
    path.write_text(path.read_text("utf-8").replace("id: 001-04", "id: ../../../escaped", 1), "utf-8")
    reporter = Reporter(stream=io.StringIO())
    render(paths, reporter, RenderOptions())
    assert any("001-04.md:2:1: id '../../../escaped' is not a plain id" in e for e in reporter.errors)
    assert not any("escaped" in str(p) for p in tmp_path.rglob("*") if "content" not in p.parts)
    assert (paths.out / "zh/articles/001-05/index.html").exists()


def test_no_hostile_script_runs_in_a_browser(hostile_site, browser):
    """Every page of the hostile site, and its search for the hostile words, in Chromium: no dialog
    opens, no image from the content loads (the onerror hooks), nothing leaves localhost."""
    _, paths, _, _ = hostile_site
    context = browser.new_context()
    page = context.new_page()
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(f"{page.url}: {d.message}"), d.dismiss()))
    page.on("request", lambda r: fired.append(r.url) if urlsplit(r.url).path.endswith("/x") else None)
    page.route(re.compile(r"^(?!http://127\.0\.0\.1)"), lambda r: _outside(r, fired))
    try:
        with serving(paths.out) as root:
            urls = [root + str(p.relative_to(paths.out)) for p in sorted(paths.out.rglob("*.html"))]
            searches = [f"{lang}/search/index.html?q={q}" for lang in ("zh", "en") for q in ("XSS", "onerror", "svg")]
            urls += [root + search for search in searches]
            for url in urls:
                page.goto(url, wait_until="networkidle" if "?q=" in url else "load")
        assert len(urls) > 50
    finally:
        context.close()
    assert fired == []


def _outside(route, fired: list[str]) -> None:
    if not route.request.url.startswith("https://example.org/b/"):  # 404.html links the published site
        fired.append(route.request.url)
    route.abort()
