"""The briefing command as a user runs it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from .conftest import ROOT


def run(project, *args):
    command = [
        sys.executable,
        "-m",
        "generator",
        *args,
        "--seeds",
        str(project.seeds),
        "--content",
        str(project.content),
        "--out",
        str(project.out),
    ]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_build_writes_content_and_site_and_ends_with_a_summary(project):
    result = run(project, "build")
    assert result.returncode == 0, result.stderr
    assert re.match(
        r"built: \d+ pages, 20 articles, \d+ figures, 0 conflicts, \d+ untranslated, \d+ pages rendered, "
        r"\d+ files written, 0 warnings in ",
        result.stdout,
    )
    assert result.stderr == ""  # not a terminal: no progress drawn
    assert (project.content / "articles" / "004-07.md").exists()
    index = (project.out / "zh/articles/index.html").read_text("utf-8")
    assert "铜梁签约27个项目 计划总投资206亿元" in index
    page = (project.out / "zh/articles/001-04/index.html").read_text("utf-8")
    assert "<h1>铜梁签约27个项目 计划总投资206亿元</h1>" in page
    english = (project.out / "en/articles/001-04/index.html").read_text("utf-8")
    assert "Translation pending" in english  # no en.po in a fresh project


def test_extract_then_render(project):
    assert run(project, "extract").returncode == 0
    result = run(project, "render")
    assert result.returncode == 0 and re.match(r"rendered: \d+ pages, 20 articles", result.stdout)


def test_errors_name_the_file_and_exit_non_zero_and_the_rest_is_built(project):
    (project.seeds / "901_scan.txt").write_bytes(bytes(range(256)) * 4)
    result = run(project, "build")
    assert result.returncode == 1
    assert "901_scan.txt" in result.stderr and "binary" in result.stderr and "Traceback" not in result.stderr
    assert re.match(r"built: \d+ pages, 20 articles, .*, 1 error, 0 warnings in ", result.stdout)
    assert (project.out / "zh/articles/001-04/index.html").exists()


def test_empty_seed_is_a_warning_not_an_error(project):
    (project.seeds / "902_empty.txt").write_text("", "utf-8")
    result = run(project, "build")
    assert result.returncode == 0
    assert "warning: 902_empty.txt: empty seed, skipped" in result.stderr
    assert ", 1 warning in " in result.stdout


def test_failed_build_leaves_the_previous_site_in_place(project):
    assert run(project, "build").returncode == 0
    before = (project.out / "index.html").read_bytes()
    reference = project.content / "reference" / "districts.yaml"
    reference.write_text(reference.read_text("utf-8") + "\n- slug: [broken\n", "utf-8")
    result = run(project, "build")
    assert result.returncode == 1 and "districts.yaml" in result.stderr and "Traceback" not in result.stderr
    assert (project.out / "index.html").read_bytes() == before


def test_serve_keeps_jieba_loaded_until_the_reference_words_change(tmp_path):
    """`briefing serve` rebuilds with the same Lexicon (jieba's dictionary stays loaded) until an editor
    changes a name the dictionary must keep whole."""
    from generator.pipeline import KeptLexicon

    shutil.copytree(ROOT / "content" / "reference", tmp_path / "reference")
    kept = KeptLexicon(tmp_path)
    first = kept.current()
    assert kept.current() is first
    companies = tmp_path / "reference" / "companies.yaml"
    text = companies.read_text("utf-8")
    companies.write_text(text.replace("aliases: [", "aliases: [测试别名公司, ", 1), "utf-8")
    assert kept.current() is not first
