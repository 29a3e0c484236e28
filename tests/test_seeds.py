"""Extraction is cached by seed content and spread over processes (generator/seeds.py); rendering is
spread over processes too (render.py, forking.py) and writes the same site."""

from __future__ import annotations

import io
import shutil

import pytest

from generator import seeds as seeds_module
from generator.forking import can_fork
from generator.pipeline import extract
from generator.report import Reporter


def run_extract(project, lexicon):
    return extract(project, Reporter(stream=io.StringIO()), lexicon)


def counting(monkeypatch) -> list[str]:
    """Record which seeds are really ingested and extracted (not served from the cache)."""
    extracted: list[str] = []
    real = seeds_module.extract_seed

    def spy(seed, knowledge):
        extracted.append(seed.name)
        return real(seed, knowledge)

    monkeypatch.setattr(seeds_module, "extract_seed", spy)
    return extracted


def article_files(project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((project.content / "articles").glob("*.md"))}


def test_an_unchanged_seed_is_not_extracted_again(project, lexicon, monkeypatch):
    extracted = counting(monkeypatch)
    run_extract(project, lexicon)
    assert len(extracted) == 5
    first = article_files(project)
    extracted.clear()
    run_extract(project, lexicon)
    assert extracted == []
    assert article_files(project) == first


def test_a_changed_seed_alone_is_extracted_again(project, lexicon, monkeypatch):
    extracted = counting(monkeypatch)
    run_extract(project, lexicon)
    seed = sorted(project.seeds.glob("003_*.txt"))[0]
    seed.write_text(seed.read_text("utf-8").replace("綦江", "綦江区", 1), "utf-8")
    extracted.clear()
    run_extract(project, lexicon)
    assert extracted == [seed.name]
    assert len(list((project.content / ".cache" / "extract").glob("*.pickle"))) == 5  # the old entry is gone


def test_changed_reference_data_invalidates_every_entry(project, lexicon, monkeypatch):
    extracted = counting(monkeypatch)
    run_extract(project, lexicon)
    units = project.content / "reference" / "units.yaml"
    units.write_text(units.read_text("utf-8") + "\n# edited\n", "utf-8")
    extracted.clear()
    run_extract(project, lexicon)
    assert len(extracted) == 5


def test_an_unreadable_cache_entry_is_extracted_again(project, lexicon, monkeypatch):
    extracted = counting(monkeypatch)
    run_extract(project, lexicon)
    for entry in (project.content / ".cache" / "extract").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    (project.content / ".cache" / "settled.pickle").unlink(missing_ok=True)  # settled seeds are not even read
    extracted.clear()
    run_extract(project, lexicon)
    assert len(extracted) == 5


@pytest.mark.skipif(not can_fork(), reason="needs fork and more than one core")
def test_parallel_extraction_gives_the_same_articles(project, lexicon, monkeypatch):
    run_extract(project, lexicon)
    sequential = article_files(project)
    for folder in ("articles", ".extracted", ".cache"):
        shutil.rmtree(project.content / folder)
    monkeypatch.setattr(seeds_module, "PARALLEL_FROM", 2)
    run_extract(project, lexicon)
    assert article_files(project) == sequential


@pytest.mark.skipif(not can_fork(), reason="needs fork and more than one core")
def test_parallel_rendering_writes_the_same_site(project, lexicon, monkeypatch):
    """Pages dealt into parts rendered in forked processes beside the search index, or all rendered in
    the build process (one core): the same site (each into a folder of its own: nothing kept)."""
    import dataclasses

    from generator import forking
    from generator.pipeline import render

    def files(site):
        return {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    run_extract(project, lexicon)
    forked = render(project, Reporter(stream=io.StringIO()), None, lexicon)
    monkeypatch.setattr(forking, "cores", lambda: 1)
    alone = dataclasses.replace(project, out=project.out.parent / "alone")
    render(alone, Reporter(stream=io.StringIO()), None, lexicon)
    parallel, sequential = files(project.out), files(alone.out)
    assert forked.pages_rendered > 400 and parallel.keys() == sequential.keys()
    assert [p for p in parallel if parallel[p] != sequential[p]] == []
