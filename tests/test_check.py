"""`briefing check`, `briefing translations` and `--strict` as a user runs them."""

from __future__ import annotations

import re
import shutil

from generator.check import check_site

from .conftest import ROOT
from .test_cli import run


def built(project):
    shutil.copytree(ROOT / "content" / "translations", project.content / "translations")
    result = run(project, "build")
    assert result.returncode == 0, result.stderr
    return result


def test_check_passes_on_a_build_and_fails_on_a_broken_link(project):
    built(project)
    assert run(project, "check").returncode == 0
    page = project.out / "en/districts/index.html"
    page.write_text(page.read_text("utf-8").replace("</main>", '<a href="../nowhere/index.html">x</a></main>'))
    result = run(project, "check")
    assert result.returncode == 1
    assert "en/districts/index.html: broken link ../nowhere/index.html" in result.stderr


def test_a_changed_title_is_reported_stale_and_strict_fails(project):
    built(project)
    assert run(project, "translations").returncode == 0
    article = project.content / "articles/001-04.md"
    article.write_text(article.read_text("utf-8").replace("title: 铜梁签约27个项目", "title: 铜梁集中签约27个项目", 1))
    result = run(project, "translations")
    assert result.returncode == 0
    assert re.search(r"stale .*铜梁集中签约27个项目", result.stdout), result.stdout
    assert ", 1 stale," in result.stdout
    strict = run(project, "render", "--strict")
    assert strict.returncode == 1 and "铜梁集中签约27个项目" in strict.stderr
    assert run(project, "render").returncode == 0  # without --strict: an honest pending notice instead


def test_strict_fails_on_a_missing_translation(project):
    result = run(project, "build", "--strict")  # no en.po at all
    assert result.returncode == 1
    assert "missing or stale" in result.stderr and "en.po" in result.stderr


def test_check_accepts_root_absolute_links_only_on_404_and_only_to_site_files(site, tmp_path):
    copy = tmp_path / "briefing"
    shutil.copytree(site, copy)
    assert check_site(copy) == []  # built with --base-url: 404.html links /briefing/zh/index.html
    page = copy / "404.html"
    page.write_text(page.read_text("utf-8").replace("</main>", '<a href="/briefing/zh/nowhere.html">x</a></main>'))
    district = copy / "en/districts/index.html"
    district.write_text(
        district.read_text("utf-8").replace("</main>", '<a href="/briefing/en/index.html">x</a></main>')
    )
    problems = check_site(copy)
    assert [p for p in problems if p.startswith("404.html: broken link /briefing/zh/nowhere.html")]
    assert [p for p in problems if p.startswith("en/districts/index.html: root-absolute link /briefing/en/index.html")]
    assert len(problems) == 2


def test_check_reports_links_that_climb_to_the_root_and_back(site, tmp_path):
    copy = tmp_path / "briefing"
    shutil.copytree(site, copy)
    page = copy / "en/districts/tongliang/index.html"
    long_link = '<a href="../../../en/districts/index.html">x</a>'
    page.write_text(page.read_text("utf-8").replace("</main>", long_link + "</main>"))
    assert check_site(copy) == [
        "en/districts/tongliang/index.html: link ../../../en/districts/index.html climbs to the site root and back; "
        "use ../index.html"
    ]
