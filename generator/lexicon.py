"""The one jieba tokenizer of a build: loaded once, passed to every stage that segments Chinese."""

from __future__ import annotations

import hashlib
import importlib
import logging
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import jieba

from .memo import write_atomically

jieba.setLogLevel(logging.WARNING)

T = TypeVar("T")

IDF_FILE = str(Path(jieba.__file__).with_name("analyse") / "idf.txt")
"""jieba's table of inverse document frequencies, read here as jieba.analyse.IDFLoader reads it: importing
jieba.analyse would build its keyword extractors, loading that table and the part-of-speech tables (0.6-0.9 s
per build, whether or not the copy kept by `_kept` exists)."""
CUT_MEMORY = 20_000
"""Texts whose words are remembered (then the memory starts again): a few seeds' worth."""


class Lexicon:
    """Chinese word segmentation with the project's own words (districts, companies, metrics) added."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._user_words = tuple(user_words)
        self._loaded: jieba.Tokenizer | None = None
        self._idf: dict[str, float] | None = None
        self._median_idf = 0.0
        self._tagger = None  # jieba.posseg, imported on first use: it loads a large table
        self._cuts: dict[str, tuple[str, ...]] = {}

    @property
    def _tokenizer(self) -> jieba.Tokenizer:
        """jieba's dictionary with the project's words, loaded on first use (about 0.8 s): a build whose
        seeds and search texts are all cached never needs it."""
        if self._loaded is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in self._user_words:
                tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 1000), tag="n")
            self._loaded = tokenizer
        return self._loaded

    def signature(self) -> str:
        """What the words found depend on besides the text: jieba's version and dictionary, the added words."""
        return "\n".join((jieba.__version__, str(jieba.dt.dictionary), *sorted(self._user_words)))

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
            words = self._cuts[text] = tuple(self._tokenizer.lcut(text, HMM=False))
        return list(words)

    def tag(self, text: str) -> list[tuple[str, str]]:
        """Words with their part-of-speech flags (n noun, v verb, …)."""
        if self._tagger is None:
            self._tagger = _tagger(self._tokenizer)
        return [(pair.word, pair.flag) for pair in self._tagger.lcut(text, HMM=False)]

    def cut_for_search(self, text: str) -> list[str]:
        return self._tokenizer.lcut_for_search(text, HMM=False)

    def is_word(self, text: str) -> bool:
        """True when the dictionary knows the string as a word."""
        return self._tokenizer.FREQ.get(text, 0) > 0

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        return self._tokenizer


def _tagger(tokenizer: jieba.Tokenizer):  # noqa: ANN202 - jieba.posseg is imported here, on first use
    """jieba's part-of-speech tokenizer, its word-tag table read from a kept copy (parsing the
    dictionary text took about 1 s per build)."""
    if "jieba.posseg" not in sys.modules:
        # its import makes a default tokenizer (jieba.posseg.dt, not used here) that would parse the whole
        # dictionary for its tags (0.5 s): it is pointed at an empty dictionary while the module loads
        default, jieba.dt.dictionary = jieba.dt.dictionary, os.devnull
        try:
            importlib.import_module("jieba.posseg")
        finally:
            jieba.dt.dictionary = default
    posseg = sys.modules["jieba.posseg"]

    class KeptTags(posseg.POSTokenizer):
        def load_word_tag(self, f) -> None:  # noqa: ANN001 - jieba's signature
            name = f.name
            f.close()
            self.word_tag_tab = _kept(name, lambda: _word_tags(name))

    return KeptTags(tokenizer)


def _idf_table(path: str) -> tuple[dict[str, float], float]:
    """{word: idf} and the median idf (for words not in the table), as jieba.analyse computes them."""
    with open(path, "rb") as stream:
        lines = stream.read().decode("utf-8").splitlines()
    table = {word: float(idf) for word, idf in (line.strip().split(" ") for line in lines)}
    return table, sorted(table.values())[len(table) // 2]


def _word_tags(dictionary: str) -> dict[str, str]:
    tags = {}
    with open(dictionary, "rb") as lines:
        for line in lines:
            parts = line.decode("utf-8").split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


def _kept(source: str, make: Callable[[], T]) -> T:
    """`make()`, computed from the file `source` once and then read from a marshal copy in the
    temporary folder (as jieba keeps its own dictionary), named by the source file's path, size and time."""
    stat = os.stat(source)
    key = hashlib.blake2b(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:{jieba.__version__}".encode(), digest_size=8)
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
