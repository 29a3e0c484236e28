"""Shared fixtures: one jieba lexicon per session, the repository's folders, small project copies,
the shipped site built once and served over HTTP, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from generator.lexicon import Lexicon
from generator.pipeline import Paths, build
from generator.reference import Reference, load_reference
from generator.render import RenderOptions
from generator.report import Reporter
from generator.serve import serving

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEMPLATES = ROOT / "templates"
BASE_URL = "https://example.github.io/briefing"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SUB_PATH = "/briefing/"  # the browser tests serve the site under a project path, as GitHub Pages does


@pytest.fixture(scope="session")
def reference() -> Reference:
    return load_reference(ROOT / "content")


@pytest.fixture(scope="session")
def lexicon(reference: Reference) -> Lexicon:
    """The lexicon a build uses: jieba plus the names in the reference data."""
    return Lexicon(reference.user_words())


@pytest.fixture
def project(tmp_path: Path) -> Paths:
    """A fresh project: copies of the shipped seeds, an empty content folder, the real templates."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "reference", content / "reference")
    return Paths(seeds=seeds, content=content, out=tmp_path / "site", templates=TEMPLATES)


@pytest.fixture(scope="session")
def site(tmp_path_factory, lexicon) -> Path:
    """The shipped seeds, reference data and translations built into a temporary site."""
    tmp = tmp_path_factory.mktemp("built")
    content = tmp / "content"
    shutil.copytree(ROOT / "content" / "reference", content / "reference")
    shutil.copytree(ROOT / "content" / "translations", content / "translations")
    paths = Paths(SEEDS, content, tmp / "www" / SUB_PATH.strip("/"), TEMPLATES)
    with open(os.devnull, "w") as quiet:
        build(paths, Reporter(stream=quiet), lexicon, RenderOptions(base_url=BASE_URL))
    return paths.out


@pytest.fixture(scope="session")
def site_url(site: Path) -> Iterator[str]:
    """The built site served over HTTP on localhost under SUB_PATH; yields the site's root URL."""
    with serving(site.parent) as root:
        yield root + SUB_PATH.lstrip("/")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (no browser download)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A browser tab plus what went wrong in it: console errors, page errors, requests to other hosts."""

    page: Page
    errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Watched]:
    """A fresh desktop-sized tab that records console errors and any request that leaves localhost."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watched = Watched(page)
    page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(str(e)))

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1":  # the sites the tests serve, on any port
            r.continue_()
        else:
            watched.foreign_requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    yield watched
    context.close()
