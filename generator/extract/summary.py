"""Extractive Chinese summary (TextRank over jieba words, with a position prior) and keywords."""

from __future__ import annotations

import math
from collections import Counter

from ..lexicon import Lexicon
from .sentences import Sentence

DAMPING = 0.85
ITERATIONS = 30
MAX_SUMMARY_CHARS = 220


def summarise(sentences: list[Sentence], lexicon: Lexicon) -> str:
    """Two or three whole sentences that cover the lead fact, in their original order."""
    candidates = [s for s in sentences if 12 <= len(s.text) <= 160]
    if not candidates:
        return sentences[0].text if sentences else ""
    words = [set(_content_words(s.text, lexicon)) for s in candidates]
    scores = _textrank(words)
    prior = [1.0 + 1.0 / (1 + i) + (0.5 if s.paragraph == 0 else 0.0) for i, s in enumerate(candidates)]
    ranked = sorted(range(len(candidates)), key=lambda i: -scores[i] * prior[i])
    wanted = 3 if len(candidates) >= 8 else 2
    chosen = [_lead_index(candidates)]
    for index in ranked:
        if len(chosen) >= wanted:
            break
        length = sum(len(candidates[i].text) for i in chosen) + len(candidates[index].text)
        if index not in chosen and length <= MAX_SUMMARY_CHARS:
            chosen.append(index)
    return "".join(candidates[i].text for i in sorted(chosen))


def keywords(sentences: list[Sentence], lexicon: Lexicon, count: int = 8) -> list[str]:
    """Words that characterise the article: frequent here, rare in jieba's reference corpus."""
    counts = Counter(w for s in sentences for w in _content_words(s.text, lexicon))
    ranked = sorted(counts, key=lambda w: (-counts[w] * lexicon.idf(w), w))
    return ranked[:count]


def _lead_index(candidates: list[Sentence]) -> int:
    """The first sentence that states a fact: it has a number or is not a quotation."""
    for index, sentence in enumerate(candidates[:3]):
        if any(ch.isdigit() for ch in sentence.text) and not sentence.text.startswith("“"):
            return index
    return 0


def _textrank(words: list[set[str]]) -> list[float]:
    n = len(words)
    weights = [[_similarity(words[i], words[j]) if i != j else 0.0 for j in range(n)] for i in range(n)]
    totals = [sum(row) or 1.0 for row in weights]
    scores = [1.0] * n
    for _ in range(ITERATIONS):
        scores = [
            (1 - DAMPING) + DAMPING * sum(weights[j][i] / totals[j] * scores[j] for j in range(n)) for i in range(n)
        ]
    return scores


def _similarity(a: set[str], b: set[str]) -> float:
    if len(a) < 2 or len(b) < 2:
        return 0.0
    return len(a & b) / (math.log(len(a)) + math.log(len(b)))


def _content_words(text: str, lexicon: Lexicon) -> list[str]:
    return [w for w in lexicon.cut(text) if len(w) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w)]
