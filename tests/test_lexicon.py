"""The lexicon cuts with jieba-rs and must give jieba's own words, the project's words included."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.lexicon import TOTAL_ENTRY

from .conftest import SEEDS

SEED_TEXT = "".join(path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt")))

# jieba counts a project word that its dictionary already had (重庆, 四川…) twice in its total of frequencies;
# with jieba-rs's own total, rare dictionary words lose against two single characters in these
TOTAL_SENSITIVE = [
    "美鱼生司是一家传统制造企伐，主营生产销售",
    "、建、投”路铜梁去年建自投用70个重",
    "盯弦遭宝废帆仕骨坦】能比门便迭具战缩科梁坚乔随别队",
]


def _jieba(lexicon):
    return lexicon._tokenizer  # jieba itself, with the same added words (what tagging uses)


@pytest.mark.parametrize("text", TOTAL_SENSITIVE)
def test_words_where_the_total_of_frequencies_decides_are_jiebas(lexicon, text):
    jieba = _jieba(lexicon)
    assert lexicon.cut(text) == jieba.lcut(text, HMM=False)
    assert lexicon.cut_for_search(text) == jieba.lcut_for_search(text, HMM=False)


def test_every_seed_line_is_cut_into_jiebas_words(lexicon):
    jieba = _jieba(lexicon)
    lines = [line for line in SEED_TEXT.splitlines() if line.strip()]
    runs = [run for line in lines for run in re.findall(r"[\u4e00-\u9fff]+", line)]
    assert len(lines) > 300
    for text in lines + runs:
        assert lexicon.cut(text) == jieba.lcut(text, HMM=False), text
        assert lexicon.cut_for_search(text) == jieba.lcut_for_search(text, HMM=False), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=sorted(set(SEED_TEXT)) + list("abcXYZ019.%+#&_- \t·—"), min_size=1, max_size=40))
def test_any_text_of_the_seeds_characters_is_cut_into_jiebas_words(lexicon, text):
    jieba = _jieba(lexicon)
    assert lexicon.cut(text) == jieba.lcut(text, HMM=False)
    assert lexicon.cut_for_search(text) == jieba.lcut_for_search(text, HMM=False)


def test_known_words(lexicon):
    assert lexicon.is_word("重庆") and lexicon.is_word("铜梁区")  # jieba's and the project's
    assert not lexicon.is_word("铜梁区去年") and not lexicon.is_word(TOTAL_ENTRY)
