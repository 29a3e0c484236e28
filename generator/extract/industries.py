"""Industries per article, ranked, from the keywords of the taxonomy (content/reference/industries.yaml)."""

from __future__ import annotations

import re
from collections import defaultdict

from ..reference import Reference

WEIGHTS = {"headline": 6.0, "kicker": 3.0, "lead": 2.0, "body": 1.0, "caption": 0.5}
# An industry is tagged when its keywords weigh at least this much (a headline mention, or repeated
# mentions in the text), and at least this share of the strongest industry.
MIN_WEIGHT = 3.0
MIN_SHARE = 0.25
MAX_INDUSTRIES = 5


class IndustryIndex:
    def __init__(self, reference: Reference) -> None:
        self.keyword_to_slug: dict[str, str] = {}
        for industry in reference.industries:
            for keyword in (industry.zh, *industry.keywords):
                self.keyword_to_slug.setdefault(keyword, industry.slug)
        keywords = sorted(self.keyword_to_slug, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, keywords))) if keywords else None

    def weigh(self, parts: dict[str, list[str]]) -> dict[str, float]:
        weights: dict[str, float] = defaultdict(float)
        if self.pattern is None:
            return {}
        for part, texts in parts.items():
            for text in texts:
                for match in self.pattern.finditer(text):
                    weights[self.keyword_to_slug[match.group()]] += WEIGHTS[part]
        return dict(weights)

    def rank(self, parts: dict[str, list[str]]) -> list[str]:
        weights = self.weigh(parts)
        if not weights:
            return []
        strongest = max(weights.values())
        ranked = sorted(weights, key=lambda slug: (-weights[slug], slug))
        chosen = [s for s in ranked if weights[s] >= MIN_WEIGHT and weights[s] >= MIN_SHARE * strongest]
        return chosen[:MAX_INDUSTRIES]
