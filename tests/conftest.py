"""Shared fixtures: one jieba lexicon per session, the repository's folders, small project copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.lexicon import Lexicon
from generator.pipeline import Paths
from generator.reference import Reference, load_reference

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEMPLATES = ROOT / "templates"


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
