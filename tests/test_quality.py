"""Quality gates on the built site (issue #6): HTML validity (Nu HTML Checker), links and anchors, language
pairs, sitemap, Atom feeds, byte-identical rebuilds. Each gate is shown passing on the shipped site and
failing on a copy with one fault injected, through the same function."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.check import feed_problems, link_problems, pair_problems, read_site, sitemap_problems

from .conftest import ROOT, SEEDS
from .gates import differing_files, html_errors, site_html_errors

# -- the shipped site passes every gate ------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(site):
    pages = read_site(site)
    assert len(pages) > 300  # every district, industry, article and company page in both languages
    return pages


def test_every_page_passes_the_nu_html_checker(site):
    assert site_html_errors(site) == []


def test_every_internal_link_and_anchor_resolves(site, pages):
    assert link_problems(site, pages) == []


def test_every_page_has_its_language_partner_and_they_point_at_each_other(pages):
    assert pair_problems(pages) == []
    assert sum(page.startswith(("zh/", "en/")) for page in pages) == len(pages) - 2  # + landing page and 404


def test_the_sitemap_lists_every_page(site, pages):
    assert sitemap_problems(site, pages) == []


def test_the_feeds_are_atom_with_the_required_elements(site, pages):
    assert feed_problems(site, pages) == []


def test_two_builds_of_the_same_inputs_are_byte_identical(tmp_path):
    """Two runs of `briefing build` as a user runs it, in different folders and with different hash seeds."""
    outputs = []
    for seed in ("1", "2"):
        root = tmp_path / f"build-{seed}"
        shutil.copytree(SEEDS, root / "seeds")
        shutil.copytree(ROOT / "templates", root / "templates")
        shutil.copytree(ROOT / "content" / "reference", root / "content" / "reference")
        shutil.copytree(ROOT / "content" / "translations", root / "content" / "translations")
        command = [sys.executable, "-m", "generator", "build", "--seeds", "seeds", "--content", "content"]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([*command, "--out", "site"], cwd=root, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        outputs.append(root)
    first, second = outputs
    assert len(list((first / "site").rglob("*.html"))) > 300
    assert differing_files(first / "site", second / "site") == []
    # the page records of incremental rendering and the settled seeds name the files written (inode, time):
    # machine state, not output
    records = (".cache/render/", ".cache/settled.pickle")
    assert [f for f in differing_files(first / "content", second / "content") if not f.startswith(records)] == []
    # the same gates hold for a build without --base-url (relative sitemap and feed links)
    pages = read_site(first / "site")
    assert sitemap_problems(first / "site", pages) == [] and feed_problems(first / "site", pages) == []


# -- each gate fails on a site with one fault ------------------------------------------------------------


@pytest.fixture
def copy(site, tmp_path) -> Path:
    """A copy of the shipped site to break."""
    target = tmp_path / "site"
    shutil.copytree(site, target)
    return target


def inject(page: Path, old: str, new: str) -> None:
    text = page.read_text("utf-8")
    assert old in text, f"{old!r} not in {page}"
    page.write_text(text.replace(old, new, 1), "utf-8")


def test_the_link_gate_reports_a_broken_link_and_a_broken_anchor(copy):
    inject(copy / "en/districts/index.html", "</main>", '<a href="../nowhere/index.html">x</a></main>')
    inject(copy / "zh/figures/index.html", "</main>", '<a href="#no-such-row">x</a></main>')
    problems = link_problems(copy, read_site(copy))
    assert problems == [
        "en/districts/index.html: broken link ../nowhere/index.html (no en/nowhere/index.html)",
        "zh/figures/index.html: broken anchor #no-such-row",
    ]


@pytest.fixture(scope="module")
def invalid_pages(site, tmp_path_factory) -> dict[str, list[str]]:
    """Two broken pages (an invalid tag; an image without alt text) and a sound one, checked in one vnu run."""
    root = tmp_path_factory.mktemp("invalid")
    faults = {
        "en/about/index.html": "<blink>new</blink>",
        "zh/about/index.html": '<img src="../../static/none.png">',
        "en/index.html": "",
    }
    for name, fault in faults.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(site / name, root / name)
        inject(root / name, "</main>", fault + "</main>")
    errors = html_errors([root / name for name in faults], root=root)
    return {name: [e for e in errors if e.startswith(name + ":")] for name in faults}


def test_the_html_gate_reports_an_invalid_tag(invalid_pages):
    errors = invalid_pages["en/about/index.html"]
    assert len(errors) == 1 and "“blink”" in errors[0], errors
    assert invalid_pages["en/index.html"] == []  # checked in the same run, not broken


def test_the_html_gate_reports_an_image_without_alt_text(invalid_pages):
    errors = invalid_pages["zh/about/index.html"]
    assert len(errors) == 1 and re.search(r"img.*must have an .alt. attribute", errors[0]), errors


def test_the_pair_gate_reports_an_english_page_without_its_chinese_partner(copy):
    (copy / "zh/districts/tongliang/index.html").unlink()
    problems = pair_problems(read_site(copy))
    assert "en/districts/tongliang/index.html: no counterpart zh/districts/tongliang/index.html" in problems


def test_the_pair_gate_reports_hreflang_pointing_nowhere(copy):
    page = copy / "en/industries/index.html"
    old = 'hreflang="zh-Hans" href="../../zh/industries/index.html"'
    inject(page, old, 'hreflang="zh-Hans" href="../../zh/x.html"')
    problems = pair_problems(read_site(copy))
    assert problems == ["en/industries/index.html: no <link rel=alternate hreflang> to zh/industries/index.html"]


def test_the_sitemap_gate_reports_a_page_left_out_and_one_that_is_not_there(copy):
    inject(copy / "sitemap.xml", "zh/districts/tongliang/</loc>", "zh/districts/gone/</loc>")
    problems = sitemap_problems(copy, read_site(copy))
    assert sorted(problems) == [
        "sitemap.xml: does not list zh/districts/tongliang/index.html",
        "sitemap.xml: lists zh/districts/gone/index.html, which is not a page",
    ]


def test_the_feed_gate_reports_missing_elements_and_bad_xml(copy):
    feed = copy / "en/feed.xml"
    text = feed.read_text("utf-8")
    feed.write_text(re.sub(r"(<entry>\s*<title>[^<]*</title>\s*)<id>[^<]*</id>", r"\1", text, count=1), "utf-8")
    (copy / "zh/feed.xml").write_text("<feed>", "utf-8")
    problems = feed_problems(copy, read_site(copy))
    assert problems[0].startswith("zh/feed.xml: not parseable XML")
    assert problems[1:] == ["en/feed.xml: entry 1: no <id>"]


def test_the_determinism_gate_reports_a_changed_byte_and_a_missing_file(site, copy):
    inject(copy / "en/index.html", "</body>", " </body>")
    (copy / "robots.txt").unlink()
    assert differing_files(site, copy) == ["en/index.html", "robots.txt"]
