"""Reference data in content/reference/: the gazetteer, regions, industry taxonomy, metrics, companies, units.

Each file is a YAML list of records. Loading validates it like a schema: unknown keys, missing keys,
duplicate slugs and parents that do not exist are all reported at once, each with file:line.
"""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from .errors import BriefingError
from .yamlfiles import LOADER

REFERENCE_DIR = "reference"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Place:
    slug: str
    zh: str
    en: str
    kind: str
    """district, county, autonomous_county, functional_area or other."""
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    ambiguous_aliases: tuple[str, ...] = ()
    """Names that are also common words (长寿): matched only with supporting context."""
    former: tuple[str, ...] = ()
    tile: dict | None = None


@dataclass(frozen=True)
class Region:
    slug: str
    zh: str
    en: str
    kind: str = "region"
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    """Slugs of the districts the region groups, where it is a fixed set."""


@dataclass(frozen=True)
class Industry:
    slug: str
    zh: str
    en: str
    tier: str
    parent: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metric:
    zh: str
    en: str
    kind: str
    slug: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Company:
    slug: str
    zh: str
    en: str
    kind: str
    aliases: tuple[str, ...] = ()
    ambiguous_aliases: tuple[str, ...] = ()
    """Short names that are also common words (美的, 深蓝): matched only with supporting context."""
    parent: str | None = None


@dataclass(frozen=True)
class UnitName:
    zh: str
    en_singular: str
    en_plural: str
    kind: str
    base: str
    factor: float = 1.0
    hectare_factor: float | None = None
    """For areas in mu: hectares per unit, for the English gloss (3,041 mu (203 ha))."""
    en_alt: dict | None = None


@dataclass(frozen=True)
class Reference:
    places: tuple[Place, ...] = ()
    regions: tuple[Region, ...] = ()
    industries: tuple[Industry, ...] = ()
    metrics: tuple[Metric, ...] = ()
    companies: tuple[Company, ...] = ()
    units: tuple[UnitName, ...] = ()
    files: tuple[str, ...] = field(default=(), compare=False)

    def user_words(self) -> list[str]:
        """Names the jieba dictionary must keep whole: places, regions, companies, metrics."""
        words: list[str] = []
        for place in self.places:
            words += [place.zh, *place.aliases, *place.former]
        for region in self.regions:
            words += [region.zh, *region.aliases]
        for company in self.companies:
            words += [company.zh, *company.aliases]
        for metric in self.metrics:
            words += [metric.zh, *metric.aliases]
        return [w for w in dict.fromkeys(words) if len(w) >= 2]


_FILES: dict[str, tuple[str, type]] = {
    "places": ("districts.yaml", Place),
    "regions": ("regions.yaml", Region),
    "industries": ("industries.yaml", Industry),
    "metrics": ("metrics.yaml", Metric),
    "companies": ("companies.yaml", Company),
    "units": ("units.yaml", UnitName),
}


_LOADED: dict[tuple, Reference] = {}
"""Reference data loaded in this process, by folder and the text of its files: a build loads it in each
stage (and `briefing serve` for every build) but parses it once while the files say the same."""


def load_reference(content_dir: Path) -> Reference:
    """Load and validate every reference file that exists; report all problems at once."""
    folder = content_dir / REFERENCE_DIR
    texts = {
        name: (folder / file_name).read_text(encoding="utf-8")
        for name, (file_name, _) in _FILES.items()
        if (folder / file_name).exists()
    }
    key = (str(folder.resolve()), tuple(texts.items()))
    if key in _LOADED:
        return _LOADED[key]
    problems: list[str] = []
    loaded: dict[str, tuple[Any, ...]] = {}
    for name, text in texts.items():
        file_name, record_type = _FILES[name]
        loaded[name] = tuple(_load_records(folder / file_name, text, record_type, problems))
    reference = Reference(**loaded, files=tuple(_FILES[name][0] for name in texts))
    problems += _check_links(reference, folder)
    if problems:
        raise BriefingError(
            str(folder), "invalid reference data:\n  " + "\n  ".join(problems), "fix the listed entries"
        )
    if len(_LOADED) >= 4:
        _LOADED.clear()
    _LOADED[key] = reference
    return reference


def _load_records(path: Path, text: str, record_type: type, problems: list[str]) -> list[Any]:
    try:
        node = yaml.compose(text, Loader=LOADER)
        data = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problems.append(f"{where}: malformed YAML: {getattr(error, 'problem', error)}")
        return []
    if not isinstance(data, list) or node is None:
        problems.append(f"{path}:1: expected a list of entries")
        return []
    allowed = {f.name for f in fields(record_type)} - {"files"}
    required = {f.name for f in fields(record_type) if f.default is MISSING and f.default_factory is MISSING}
    records = []
    for item, item_node in zip(data, node.value, strict=True):
        where = f"{path}:{item_node.start_mark.line + 1}"
        if not isinstance(item, dict):
            problems.append(f"{where}: entry is not a mapping")
            continue
        unknown = set(item) - allowed
        missing = required - set(item)
        if unknown or missing:
            problems.append(
                f"{where}: "
                + "; ".join(
                    ([f"unknown keys {sorted(unknown)}"] if unknown else [])
                    + ([f"missing keys {sorted(missing)}"] if missing else [])
                )
            )
            continue
        if "slug" in item and not _SLUG.match(str(item["slug"])):
            problems.append(f"{where}: slug {item['slug']!r} is not lowercase ASCII words joined by '-'")
        records.append(record_type(**{k: tuple(v) if isinstance(v, list) else v for k, v in item.items()}))
    return records


def _check_links(reference: Reference, folder: Path) -> list[str]:
    problems = []
    for name, records in (
        ("districts.yaml", reference.places),
        ("industries.yaml", reference.industries),
        ("companies.yaml", reference.companies),
        ("regions.yaml", reference.regions),
    ):
        slugs = [r.slug for r in records]
        for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
            problems.append(f"{folder / name}: slug {slug!r} is used more than once")
        for record in records:
            parent = getattr(record, "parent", None)
            if parent is not None and parent not in slugs:
                problems.append(f"{folder / name}: {record.slug}: parent {parent!r} does not exist")
    return problems
