"""The one word segmenter of a build: loaded once, passed to every stage that segments Chinese.

Words are cut by jieba-rs (the `rjieba` binding), jieba's algorithm and dictionary in Rust, about ten times
faster than jieba's Python code and with the same words: the project's own words get the frequencies jieba
suggests for them, and jieba's total of frequencies (which counts a word already in the dictionary a second
time when it is added again) is kept by one unreachable entry. Part-of-speech tags are jieba.posseg's (without
its HMM), from jieba-rs's dictionary. jieba itself is loaded only to suggest the project's words' frequencies,
once per change of those words (`_kept`). tests/test_lexicon.py checks all of this against jieba."""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import logging
import marshal
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import jieba
import rjieba

from .memo import write_atomically

jieba.setLogLevel(logging.WARNING)

T = TypeVar("T")

IDF_FILE = str(Path(jieba.__file__).with_name("analyse") / "idf.txt")
"""jieba's table of inverse document frequencies, read here as jieba.analyse.IDFLoader reads it: importing
jieba.analyse would build its keyword extractors, loading that table and the part-of-speech tables (0.6-0.9 s
per build, whether or not the copy kept by `_kept` exists)."""
DICTIONARY = str(Path(jieba.__file__).with_name("dict.txt"))
"""jieba's dictionary (jieba-rs ships the same one)."""
CUT_MEMORY = 20_000
"""Texts whose words are remembered (then the memory starts again): a few seeds' worth."""
TOTAL_ENTRY = "\x00"
"""A dictionary entry no text can reach (jieba-rs cuts only runs of Chinese characters, letters and digits
against the dictionary), whose frequency makes jieba-rs's total of frequencies equal jieba's."""
_TAGGED_RUN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._]+)")
"""The runs jieba.posseg cuts against the dictionary (its re_han_internal)."""
_CUT_RUN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
"""The runs jieba cuts against the dictionary (its re_han_default); jieba-rs's runs take in more characters
(CJK extensions, compatibility ideographs), which would join what jieba cuts apart."""
_OTHER_PIECE = re.compile(r"\r\n|.", re.DOTALL)
_LETTERS_AND_DIGITS = re.compile(r"[a-zA-Z0-9]+")
USER_WORD_FREQUENCY = 1000
"""The least frequency of a project's own word, so that jieba keeps it whole in most contexts."""


class Lexicon:
    """Chinese word segmentation with the project's own words (districts, companies, metrics) added."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._user_words = tuple(user_words)
        self._cutter: rjieba.Jieba | None = None
        self._idf: dict[str, float] | None = None
        self._median_idf = 0.0
        self._user_word_set = frozenset(self._user_words)
        self._cuts: dict[str, tuple[str, ...]] = {}

    @property
    def _words(self) -> rjieba.Jieba:
        """jieba-rs with the project's words, made on first use (0.1 s): a build whose seeds and search texts
        are all cached never needs it."""
        if self._cutter is None:
            added, replaced = _kept(
                DICTIONARY,
                lambda: _user_frequencies(self._user_words),
                "\n".join((str(USER_WORD_FREQUENCY), inspect.getsource(_jieba_with), *self._user_words)),
            )
            cutter = rjieba.Jieba()
            for word, frequency in added:
                cutter.add_word(word, frequency, "n")
            if replaced:
                cutter.add_word(TOTAL_ENTRY, replaced, None)
            self._cutter = cutter
        return self._cutter

    def signature(self) -> str:
        """What the words found depend on besides the text: jieba's and jieba-rs's versions, jieba's
        dictionary, the added words."""
        return "\n".join((segmenter_versions(), str(jieba.dt.dictionary), *sorted(self._user_words)))

    def idf(self, word: str) -> float:
        """Inverse document frequency of a word in jieba's reference corpus: high for rare words."""
        if self._idf is None:
            self._idf, self._median_idf = _kept(IDF_FILE, lambda: _idf_table(IDF_FILE))
        return self._idf.get(word, self._median_idf)

    def cut(self, text: str) -> list[str]:
        """The words of `text`. Extraction cuts the same sentences for several purposes (places, figures,
        the summary): each distinct text is cut once (2.6 times fewer characters through jieba)."""
        words = self._cuts.get(text)
        if words is None:
            if len(self._cuts) >= CUT_MEMORY:
                self._cuts.clear()
            words = self._cuts[text] = tuple(_by_runs(text, _CUT_RUN, lambda run: self._words.cut(run, False)))
        return list(words)

    def tag(self, text: str) -> list[tuple[str, str]]:
        """Words with their part-of-speech flags (n noun, v verb, …), as jieba.posseg gives them without its
        HMM: the dictionary's flags from jieba-rs, but the project's words are nouns (n), a run of letters and
        digits that is not a dictionary word is `eng`, and what lies outside the runs jieba.posseg cuts is `x`."""
        return _by_runs(
            text,
            _TAGGED_RUN,
            lambda run: [(word, self._flag(word, flag)) for word, flag in self._words.tag(run, False)],
            lambda piece: (piece, "x"),
        )

    def _flag(self, word: str, flag: str) -> str:
        if word in self._user_word_set:
            return "n"
        letters_and_digits = _LETTERS_AND_DIGITS.fullmatch(word)
        if letters_and_digits and len(word) == 1:
            return "eng"  # jieba.posseg gathers single letters and digits into one word
        if not self.is_word(word):
            return "eng" if letters_and_digits else "x"
        return flag

    def cut_for_search(self, text: str) -> list[str]:
        return _by_runs(text, _CUT_RUN, lambda run: self._words.cut_for_search(run, False))

    def is_word(self, text: str) -> bool:
        """True when the dictionary knows the string as a word."""
        return text != TOTAL_ENTRY and self._words.has_word(text)


def segmenter_versions() -> str:
    """The versions of jieba (dictionary, suggested frequencies) and jieba-rs (cutting, tagging)."""
    return f"{jieba.__version__}\nrjieba {importlib.metadata.version('rjieba')}"


def _by_runs(
    text: str, runs: re.Pattern, cut: Callable[[str], list[T]], other: Callable[[str], T] = lambda piece: piece
) -> list[T]:
    """As jieba splits a text: its `runs` (a pattern with one group) cut by jieba-rs, each other character
    (or \\r\\n) a word of its own."""
    words: list[T] = []
    for index, block in enumerate(runs.split(text)):
        if index % 2:  # split by a pattern with a group: other text, a run, other text, …
            words += cut(block)
        else:
            words += map(other, _OTHER_PIECE.findall(block))
    return words


def _jieba_with(user_words: tuple[str, ...]) -> tuple[jieba.Tokenizer, list[tuple[str, int]], int]:
    """jieba's tokenizer with the project's words added as `Lexicon` has always added them; the words with
    their frequencies, and the sum of the dictionary's frequencies of those it already had."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    added: list[tuple[str, int]] = []
    replaced = 0
    for word in user_words:
        frequency = max(tokenizer.suggest_freq(word), USER_WORD_FREQUENCY)
        replaced += tokenizer.FREQ.get(word, 0)
        tokenizer.add_word(word, freq=frequency, tag="n")
        added.append((word, frequency))
    return tokenizer, added, replaced


def _user_frequencies(user_words: tuple[str, ...]) -> tuple[list[tuple[str, int]], int]:
    return _jieba_with(user_words)[1:]


def _idf_table(path: str) -> tuple[dict[str, float], float]:
    """{word: idf} and the median idf (for words not in the table), as jieba.analyse computes them."""
    with open(path, "rb") as stream:
        lines = stream.read().decode("utf-8").splitlines()
    table = {word: float(idf) for word, idf in (line.strip().split(" ") for line in lines)}
    return table, sorted(table.values())[len(table) // 2]


def _kept(source: str, make: Callable[[], T], inputs: str = "") -> T:
    """`make()`, computed from the file `source` (and `inputs`) once and then read from a marshal copy in the
    temporary folder (as jieba keeps its own dictionary), named by the source file's path, size and time."""
    stat = os.stat(source)
    key = hashlib.blake2b(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:{jieba.__version__}".encode(), digest_size=8)
    key.update(inputs.encode())
    copy = Path(tempfile.gettempdir()) / f"briefing-jieba-{key.hexdigest()}.marshal"
    try:
        return marshal.loads(copy.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = make()
    try:
        write_atomically(copy, lambda stream: marshal.dump(value, stream))
    except OSError:
        pass  # no copy: made again next time
    return value
