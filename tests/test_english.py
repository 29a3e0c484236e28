"""English figures (SPEC §5) and the translation catalog."""

from __future__ import annotations

import pytest

from generator.english import UnitTable, figure_en, figure_zh
from generator.translations import English, split_sentences


@pytest.fixture(scope="module")
def units(reference) -> UnitTable:
    return UnitTable.build(reference.units)


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "english"),
    [
        (39990000000, "元", None, "39.99 billion yuan"),
        (2.6e12, "元", None, "2.6 trillion yuan"),
        (80000000, "元", None, "80 million yuan"),
        (2.1, "个百分点", None, "2.1 percentage points"),
        (3041, "亩", None, "3,041 mu (203 ha)"),
        (100000, "吨", None, "100,000 tonnes"),
        (2200, "台", "超", "more than 2,200 units"),
        (50, "亿元", None, "50"),  # not a base unit: the number only, never Chinese
        (66, "%", "近", "nearly 66%"),
        (600000, "人", "以上", "600,000 people or more"),
        (25, "元", "约", "about 25 yuan"),
        (1, "家", None, "1 company"),
    ],
)
def test_english_figures(units, value, unit, qualifier, english):
    assert figure_en(value, unit, qualifier, units) == english


def test_chinese_display_keeps_the_qualifier_where_the_text_has_it():
    assert figure_zh("2200台", "超", "销量突破超2200台") == "超2200台"
    assert figure_zh("1.3万台", "余", "达1.3万余台") == "1.3万余台"
    assert figure_zh("60万人", "以上", "新增就业60万人以上") == "60万人以上"


def test_summaries_are_translated_sentence_by_sentence():
    assert split_sentences("第一句。第二句！“第三句。”") == ["第一句。", "第二句！", "“第三句。”"]
    english = English({"第一句。": "One.", "第二句！": "Two!"})
    assert english.text("第一句。第二句！") == "One. Two!"
    assert english.text("第一句。第三句。") is None  # one sentence missing: no English summary
