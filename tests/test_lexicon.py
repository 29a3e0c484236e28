"""The lexicon cuts and tags with jieba-rs and must give jieba's own words and flags, the project's words included."""

from __future__ import annotations

import re

import jieba.posseg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.lexicon import TOTAL_ENTRY, _jieba_with

from .conftest import SEEDS

SEED_TEXT = "".join(path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt")))

# jieba counts a project word that its dictionary already had (重庆, 四川…) twice in its total of frequencies;
# with jieba-rs's own total, rare dictionary words lose against two single characters in these
TOTAL_SENSITIVE = [
    "美鱼生司是一家传统制造企伐，主营生产销售",
    "、建、投”路铜梁去年建自投用70个重",
    "盯弦遭宝废帆仕骨坦】能比门便迭具战缩科梁坚乔随别队",
    "上垒上㐀重庆",  # jieba-rs alone would cut across the extension character
    "上垒上鿖重庆",
]


@pytest.fixture(scope="module")
def jieba_itself(reference):
    """jieba with the project's words, added as the lexicon computes their frequencies."""
    return _jieba_with(tuple(reference.user_words()))[0]


@pytest.fixture(scope="module")
def posseg(jieba_itself):
    return jieba.posseg.POSTokenizer(jieba_itself)


def _jieba_tags(posseg, text):
    return [(pair.word, pair.flag) for pair in posseg.lcut(text, HMM=False)]


@pytest.mark.parametrize("text", TOTAL_SENSITIVE)
def test_words_where_the_total_of_frequencies_decides_are_jiebas(lexicon, jieba_itself, text):
    jieba = jieba_itself
    assert lexicon.cut(text) == jieba.lcut(text, HMM=False)
    assert lexicon.cut_for_search(text) == jieba.lcut_for_search(text, HMM=False)


def test_every_seed_line_is_cut_into_jiebas_words(lexicon, jieba_itself):
    jieba = jieba_itself
    lines = [line for line in SEED_TEXT.splitlines() if line.strip()]
    runs = [run for line in lines for run in re.findall(r"[\u4e00-\u9fff]+", line)]
    assert len(lines) > 300
    for text in lines + runs:
        assert lexicon.cut(text) == jieba.lcut(text, HMM=False), text
        assert lexicon.cut_for_search(text) == jieba.lcut_for_search(text, HMM=False), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=sorted(set(SEED_TEXT)) + list("abcXYZ019.%+#&_- \t·—㐀鿖﨑𠀀"), min_size=1, max_size=40))
def test_any_text_of_the_seeds_characters_is_cut_into_jiebas_words(lexicon, jieba_itself, text):
    jieba = jieba_itself
    assert lexicon.cut(text) == jieba.lcut(text, HMM=False)
    assert lexicon.cut_for_search(text) == jieba.lcut_for_search(text, HMM=False)


def test_known_words(lexicon):
    assert lexicon.is_word("重庆") and lexicon.is_word("铜梁区")  # jieba's and the project's
    assert not lexicon.is_word("铜梁区去年") and not lexicon.is_word(TOTAL_ENTRY)


TAG_SAMPLES = ["示范项目生产效率平均提升", "70个重点项目", "重庆市綦江区2023年", "我市融资ab12 c3 x.5%", "輸運\r\n豈"]


@pytest.mark.parametrize("text", TAG_SAMPLES)
def test_flags_are_jieba_possegs(lexicon, posseg, text):
    assert lexicon.tag(text) == _jieba_tags(posseg, text)


def test_flags_of_the_seeds_around_every_number_are_jieba_possegs(lexicon, posseg):
    """What figure extraction tags: the 12 characters before a number and the 16 after it."""
    slices = []
    for number in re.finditer(r"[0-9.]+", SEED_TEXT):
        slices += [SEED_TEXT[max(0, number.start() - 12) : number.start()], SEED_TEXT[number.end() : number.end() + 16]]
    assert len(slices) > 1000
    for text in slices:
        assert lexicon.tag(text) == _jieba_tags(posseg, text), text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=sorted(set(SEED_TEXT)) + list("abcXYZ019.%+#&_- \t\r\n·—輸運"), min_size=1, max_size=20))
def test_flags_of_any_text_of_the_seeds_characters_are_jieba_possegs(lexicon, posseg, text):
    assert lexicon.tag(text) == _jieba_tags(posseg, text)
