"""Ingest: seed file -> Page of classified blocks -> articles (SPEC §3.1)."""

from __future__ import annotations

import re
from pathlib import Path

from pypinyin import lazy_pinyin

from ..lexicon import Lexicon
from ..model import ArticleSource
from .lines import read_units
from .normalise import normalise_text
from .read import SeedText, read_seed
from .script import TRADITIONAL_SHARE, to_simplified, traditional_share
from .segment import segment_page

__all__ = ["ingest_seed", "ingest_text", "seed_key", "read_seed", "SeedText"]


def ingest_seed(path: Path, lexicon: Lexicon) -> tuple[list[ArticleSource], list[str]]:
    """Read one seed file and cut it into articles. Returns the articles and warnings."""
    seed = read_seed(path)
    warnings = [seed.warning] if seed.warning else []
    if not seed.text.strip():
        return [], [*warnings, f"{path.name}: empty seed, skipped"]
    text = seed.text
    share = traditional_share(text)
    if share >= TRADITIONAL_SHARE:
        text = to_simplified(text)
        warnings.append(
            f"{path.name}: written in Traditional Chinese ({share:.0%} of its characters); converted to Simplified"
        )
    articles = ingest_text(text, path.name, lexicon)
    if not articles:
        warnings.append(f"{path.name}: no article found (no headline, byline or paragraph of text); nothing extracted")
    return articles, warnings


def ingest_text(text: str, file: str, lexicon: Lexicon) -> list[ArticleSource]:
    units = read_units(normalise_text(text), lexicon)
    return segment_page(units, file, seed_key(file), lexicon)


def seed_key(file_name: str) -> str:
    """The short key of a seed: its file name up to the first underscore, as readable ASCII.

    000_6c2b654cce873b63.txt -> 000;  重庆日报 2024-03-01.txt -> chong-qing-ri-bao-2024-03-01
    """
    stem = Path(file_name).stem.split("_", 1)[0] or Path(file_name).stem
    ascii_text = "-".join(lazy_pinyin(stem))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:40] or "seed"
