"""Sentences of an article's paragraphs, with what figure extraction and summaries need to know."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_SENTENCE = re.compile(r"[^。！？；]*[。！？；]+[”’」』）)]*|[^。！？；]+$")
_PARAGRAPH_YEAR = re.compile(r"^(?:截至)?((?:19|20)\d{2})年(?:末|底|以来|全年)?[，,]")
_YEAR = re.compile(r"(?<![\d.—-])((?:19|20)\d{2})年(?![—-])")
_TARGET = re.compile(r"(?:到|至|力争|计划|预计|目标)\s*$")
_COMPLETED = "(?:年末|年底|年全年)"


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int
    """Index of the paragraph in the article (0 = the lead)."""
    bold: tuple[str, ...] = ()
    year: int | None = None
    """A year that opens the paragraph (2023年，…) and so dates its sentences."""
    subjects: tuple[tuple[int, int, str], ...] = ()
    """(start, end, text) of the places, regions and companies the sentence names."""
    previous_subject: str = ""
    """The last place or company named earlier in the same paragraph."""


def split_sentences(paragraphs: list[tuple[str, tuple[str, ...]]]) -> list[Sentence]:
    """Paragraph texts (with their bold spans) -> sentences, in order."""
    sentences = []
    for index, (text, bold) in enumerate(paragraphs):
        opening = _PARAGRAPH_YEAR.match(text)
        year = int(opening.group(1)) if opening else None
        for match in _SENTENCE.finditer(text):
            for piece in _bounded(match.group().strip()):
                spans = tuple(b for b in bold if b in piece)
                sentences.append(Sentence(piece, index, spans, year))
    return sentences


MAX_SENTENCE_CHARS = 600
"""Longer "sentences" (a page pasted without full stops) are cut at clause marks: figure extraction
looks around each number in its sentence, which would be quadratic. Printed sentences are shorter."""
_CLAUSE_END = re.compile(r"[，、,\s]")


def _bounded(piece: str) -> list[str]:
    """The sentence, or pieces of at most MAX_SENTENCE_CHARS ending after a comma where there is one."""
    pieces = []
    while len(piece) > MAX_SENTENCE_CHARS:
        cut = max((m.end() for m in _CLAUSE_END.finditer(piece, 0, MAX_SENTENCE_CHARS)), default=0)
        cut = cut if cut > MAX_SENTENCE_CHARS // 2 else MAX_SENTENCE_CHARS
        pieces.append(piece[:cut].strip())
        piece = piece[cut:]
    pieces.append(piece.strip())
    return [p for p in pieces if p]


def infer_page_year(texts: list[str]) -> int | None:
    """The year a page was published: the latest year it reports as past or present.

    Targets (到2025年, 2023—2027年) do not count. A latest year the page already sums up as a whole
    (2023年末, 2023年全年, a paragraph opening with 2023年，) was last year: the page is from the year after.
    """
    years: Counter[int] = Counter()
    for text in texts:
        for match in _YEAR.finditer(text):
            if not _TARGET.search(text[max(0, match.start() - 4) : match.start()]):
                years[int(match.group(1))] += 1
    if not years:
        return None
    latest = max(years)
    joined = "\n".join(texts)
    summed_up = re.search(rf"{latest}{_COMPLETED}|(?:^|[。，\n]){latest}年，", joined, re.M)
    uses_last_year = "去年" in joined
    return latest + 1 if summed_up and uses_last_year else latest
