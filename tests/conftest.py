"""Shared fixtures: one jieba lexicon per session, the repository's folders, small project copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.lexicon import Lexicon
from generator.pipeline import Paths

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon()


@pytest.fixture
def project(tmp_path: Path) -> Paths:
    """A fresh project: copies of the shipped seeds, an empty content folder, the real templates."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return Paths(seeds=seeds, content=tmp_path / "content", out=tmp_path / "site", templates=TEMPLATES)
