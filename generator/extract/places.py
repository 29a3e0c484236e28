"""Districts per article, with how central each one is (SPEC §3.2, issue: districts).

Names come from the gazetteer (content/reference/districts.yaml). Matching is longest-first over
place and region names together, so 渝西地区 is consumed as a region and never read as a district,
and 铜梁高新区 wins over 铜梁. Short names must stand as whole words; names that are also common
words (长寿 "longevity") count only with support: the same place named unambiguously elsewhere in
the article, or a neighbour in an enumeration (涪陵、长寿、南川) that is a district.
Functional areas roll up to their parent district.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..lexicon import Lexicon
from ..reference import Place, Reference

DISTRICT_KINDS = ("district", "county", "autonomous_county")

# Where a mention stands, and how much it says about what the article is about.
WEIGHTS = {"headline": 4.0, "kicker": 2.0, "lead": 2.5, "body": 1.0, "caption": 0.5}
# A district is central when its weight reaches this share of the strongest district's weight, and it
# is named in the headline, kicker or lead, or often enough in the body (passing mentions are not enough).
CENTRAL_SHARE = 0.3
CENTRAL_WEIGHT = 3.0
# 臻宝科技…为九龙坡区企业: the article states which district a company it reports on belongs to.
HOME_WEIGHT = 2.0
_HOME_OF_COMPANY = re.compile(r"^[为是].+企业$")


@dataclass(frozen=True)
class PlaceMention:
    slug: str
    """The place as named (a district, a functional area, or a place outside Chongqing)."""
    district: str | None
    """The district-level division it rolls up to, None outside Chongqing."""
    start: int
    end: int


@dataclass(frozen=True)
class DistrictTags:
    districts: tuple[str, ...]
    """Central districts, most central first."""
    weights: dict[str, float]
    """Every district mentioned, with its weight."""
    zones: tuple[str, ...]
    """Functional areas mentioned (their own slugs)."""
    elsewhere: tuple[str, ...]
    """Places outside Chongqing that are mentioned."""


class Gazetteer:
    """Compiled place names: built once per build from the reference data."""

    def __init__(self, reference: Reference, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.places = {p.slug: p for p in reference.places}
        self.names: dict[str, str] = {}  # name -> slug; "" for a region (masked)
        self.ambiguous: dict[str, str] = {}
        for region in reference.regions:
            for name in (region.zh, *region.aliases):
                self.names[name] = f"region:{region.slug}"
        for place in reference.places:
            for name in (place.zh, *place.aliases, *place.former):
                self.names.setdefault(name, place.slug)
            for name in place.ambiguous_aliases:
                self.ambiguous.setdefault(name, place.slug)
        every = sorted({*self.names, *self.ambiguous}, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(n) for n in every)) if every else None

    def district_of(self, slug: str) -> str | None:
        place = self.places.get(slug)
        seen = set()
        while place is not None and place.kind not in DISTRICT_KINDS and place.slug not in seen:
            seen.add(place.slug)
            place = self.places.get(place.parent) if place.parent else None
        return place.slug if place is not None and place.kind in DISTRICT_KINDS else None

    def find(self, text: str, with_regions: bool = False) -> list[PlaceMention]:
        """Place mentions in a text, left to right, longest names first; regions are masked (or,
        with_regions, returned with slug 'region:<slug>' and no district)."""
        if self.pattern is None:
            return []
        found: list[tuple[PlaceMention, bool]] = []
        for match in self.pattern.finditer(text):
            name = match.group()
            ambiguous = name in self.ambiguous and name not in self.names
            slug = self.ambiguous[name] if ambiguous else self.names[name]
            if slug.startswith("region:"):
                if with_regions:
                    found.append((PlaceMention(slug, None, match.start(), match.end()), False))
                continue
            if not self._stands_alone(text, match.start(), match.end(), name):
                continue
            found.append((PlaceMention(slug, self.district_of(slug), match.start(), match.end()), ambiguous))
        return self._supported(text, found)

    def _stands_alone(self, text: str, start: int, end: int, name: str) -> bool:
        """A short name must begin a word: 秀山 is not a place inside 优秀山区."""
        if len(name) > 2 or name.endswith(("区", "县")):
            return True
        window_start = max(0, start - 6)
        position = window_start
        for word in self.lexicon.cut(text[window_start : end + 6]):
            if position == start:
                return True
            if position > start:
                return False
            position += len(word)
        return False

    def _supported(self, text: str, found: list[tuple[PlaceMention, bool]]) -> list[PlaceMention]:
        sure = [m for m, ambiguous in found if not ambiguous]
        sure_slugs = {m.slug for m in sure} | {m.district for m in sure}
        kept = []
        for mention, ambiguous in found:
            if not ambiguous or mention.slug in sure_slugs or _in_enumeration(text, mention, sure):
                kept.append(mention)
        return kept


def _in_enumeration(text: str, mention: PlaceMention, sure: list[PlaceMention]) -> bool:
    """涪陵、长寿、南川: a name listed with 、 next to a certain district is a district too."""
    for other in sure:
        between = text[other.end : mention.start] if other.end <= mention.start else text[mention.end : other.start]
        if other.district and between in ("、", "，", "和", "及") and abs(other.start - mention.start) < 12:
            return True
    return False


def tag_districts(parts: dict[str, list[str]], gazetteer: Gazetteer) -> DistrictTags:
    """Weigh each district by where it is named; parts maps a position name (WEIGHTS) to texts."""
    weights: dict[str, float] = defaultdict(float)
    zones: list[str] = []
    elsewhere: list[str] = []
    for part, texts in parts.items():
        for text in texts:
            for mention in gazetteer.find(text):
                place: Place = gazetteer.places[mention.slug]  # regions are not returned here
                if mention.district is None:
                    elsewhere.append(mention.slug)
                    continue
                if place.kind == "functional_area":
                    zones.append(mention.slug)
                weights[mention.district] += WEIGHTS[part]
                if _HOME_OF_COMPANY.match(text[max(0, mention.start - 1) : mention.end + 2], 0):
                    weights[mention.district] += HOME_WEIGHT
    central = _central(weights)
    rounded = {slug: round(weight, 2) for slug, weight in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))}
    return DistrictTags(tuple(central), rounded, tuple(dict.fromkeys(zones)), tuple(dict.fromkeys(elsewhere)))


def _central(weights: dict[str, float]) -> list[str]:
    if not weights:
        return []
    strongest = max(weights.values())
    ranked = sorted(weights, key=lambda slug: (-weights[slug], slug))
    return [slug for slug in ranked if weights[slug] >= max(CENTRAL_SHARE * strongest, CENTRAL_WEIGHT)]
