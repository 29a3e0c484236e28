"""Extractive Chinese summary (TextRank over jieba words, with a position prior) and keywords."""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from dataclasses import replace

from ..lexicon import Lexicon
from .sentences import Sentence

_DATELINE = re.compile(r"^本报讯\s*[（(][^）)]*[）)]|^本报讯")
_CHINESE_WORD = re.compile("[\u4e00-\u9fff]{2,}")
"""A content word: two or more Chinese characters."""
DAMPING = 0.85
ITERATIONS = 30
MAX_SUMMARY_CHARS = 220
MAX_CANDIDATES = 200
"""TextRank is quadratic in sentences: an article longer than any printed one (a page pasted as one
line) is summarised from its first MAX_CANDIDATES sentences. The longest seed article has under 100."""


def summarise(sentences: list[Sentence], lexicon: Lexicon, title: str = "") -> str:
    """Two or three whole sentences that cover the lead fact, in their original order."""
    full = _full_sentences(sentences)
    candidates = ([s for s in full if 16 <= len(s.text) <= 160] or full[:1])[:MAX_CANDIDATES]
    if not candidates:
        return ""
    words = [set(_content_words(s.text, lexicon)) for s in candidates]
    scores = _textrank(words)
    prior = [1.0 + 1.0 / (1 + i) + (0.5 if s.paragraph == 0 else 0.0) for i, s in enumerate(candidates)]
    ranked = sorted(range(len(candidates)), key=lambda i: -scores[i] * prior[i])
    wanted = 3 if len(candidates) >= 8 else 2
    chosen = [_lead_index(candidates, set(_content_words(title, lexicon)), words)]
    for index in ranked:
        if len(chosen) >= wanted:
            break
        length = sum(len(candidates[i].text) for i in chosen) + len(candidates[index].text)
        if index not in chosen and length <= MAX_SUMMARY_CHARS:
            chosen.append(index)
    return "".join(_ended(_without_dateline(candidates[i].text)) for i in sorted(chosen))


def keywords(sentences: list[Sentence], lexicon: Lexicon, count: int = 8) -> list[str]:
    """Words that characterise the article: frequent here, rare in jieba's reference corpus."""
    counts = Counter(w for s in sentences for w in _content_words(s.text, lexicon))
    ranked = sorted(counts, key=lambda w: (-counts[w] * lexicon.idf(w), w))
    return ranked[:count]


def _lead_index(candidates: list[Sentence], title_words: set[str], words: list[set[str]]) -> int:
    """The sentence that states the headline's fact (most headline words, early), else the first
    sentence that states a fact: it has a number and is not a quotation."""
    overlaps = [len(title_words & w) for w in words[:10]]
    if overlaps and max(overlaps) >= 2:
        return overlaps.index(max(overlaps))
    for index, sentence in enumerate(candidates[:3]):
        if any(ch.isdigit() for ch in sentence.text) and not sentence.text.startswith("“"):
            return index
    return 0


def _full_sentences(sentences: list[Sentence]) -> list[Sentence]:
    """Clauses split at ； joined back into sentences that end in 。！？ (or end their paragraph)."""
    joined: list[Sentence] = []
    for sentence in sentences:
        previous = joined[-1] if joined else None
        if previous and previous.paragraph == sentence.paragraph and previous.text.endswith(("；", ";")):
            joined[-1] = replace(previous, text=previous.text + sentence.text)
        else:
            joined.append(sentence)
    return joined


def _without_dateline(text: str) -> str:
    return _DATELINE.sub("", text)


def _ended(text: str) -> str:
    """Sentences from a list without punctuation (a data box) still end with a full stop."""
    return text if text.endswith(("。", "！", "？", "”", "；")) else text + "。"


def _textrank(words: list[set[str]]) -> list[float]:
    n = len(words)
    weights = [[_similarity(words[i], words[j]) if i != j else 0.0 for j in range(n)] for i in range(n)]
    totals = [sum(row) or 1.0 for row in weights]
    shares = [[weights[j][i] / totals[j] for j in range(n)] for i in range(n)]  # what sentence j gives to i
    scores = [1.0] * n
    for _ in range(ITERATIONS):
        # the same products summed in the same order as sum(weights[j][i] / totals[j] * scores[j] for j …)
        scores = [(1 - DAMPING) + DAMPING * sum(map(operator.mul, given, scores)) for given in shares]
    return scores


def _similarity(a: set[str], b: set[str]) -> float:
    if len(a) < 2 or len(b) < 2:
        return 0.0
    return len(a & b) / (math.log(len(a)) + math.log(len(b)))


def _content_words(text: str, lexicon: Lexicon) -> list[str]:
    return [w for w in lexicon.cut(text) if _CHINESE_WORD.fullmatch(w)]
