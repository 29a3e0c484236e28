"""English figures (SPEC §5) and the translation catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.content import StoredArticle
from generator.english import UnitTable, figure_en, figure_zh
from generator.site.credits import is_name_list, romanise_name, romanise_names
from generator.translations import English, collect_messages, split_sentences


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
    assert figure_zh("600余个", "余", "解决企业问题600余个") == "600余个"  # never 600余个余


def test_summaries_are_translated_sentence_by_sentence():
    assert split_sentences("第一句。第二句！“第三句。”") == ["第一句。", "第二句！", "“第三句。”"]
    english = English({"第一句。": "One.", "第二句！": "Two!"})
    assert english.text("第一句。第二句！") == "One. Two!"
    assert english.text("第一句。第三句。") is None  # one sentence missing: no English summary


@pytest.mark.parametrize(
    ("chinese", "pinyin"),
    [
        ("陈维灯", "Chen Weideng"),
        ("张亦筑", "Zhang Yizhu"),
        ("夏元", "Xia Yuan"),
        ("单雄", "Shan Xiong"),  # surname reading, not the everyday dan
        ("曾乐", "Zeng Le"),
        ("欧阳修", "Ouyang Xiu"),  # compound surname
        ("王亦安", "Wang Yi'an"),  # apostrophe before a vowel syllable
    ],
)
def test_names_are_romanised_surname_first(chinese, pinyin):
    assert romanise_name(chinese) == pinyin


def test_signatures_of_names_are_romanised_and_others_are_not_names():
    assert romanise_names("杨溢 贺娜") == "Yang Yi, He Na"
    assert is_name_list("张雲亮 徐妮 罗莎") and not is_name_list("（数据来源：市经信委）")


def test_captions_notes_and_non_name_signatures_go_to_the_catalog():
    fields = {
        "id": "x-01",
        "captions": ["鸟瞰綦江 摄/陈再华"],
        "notes": ["（数据来源：市经信委）"],
        "signature": "渝轩",
    }
    messages = {m.msgid: m.where for m in collect_messages([_stored(fields)], set(), set())}
    assert messages == {"鸟瞰綦江 摄/陈再华": ("x-01 caption",), "（数据来源：市经信委）": ("x-01 note",)}
    fields["signature"] = "（作者单位：市经信委）"
    assert "（作者单位：市经信委）" in {m.msgid for m in collect_messages([_stored(fields)], set(), set())}


def test_english_article_pages_credit_reporters_in_pinyin_and_translate_captions(site):
    header = article_header(site, "004-06")
    assert "Reporters: Zhang Yizhu, Zheng Peiru" in header and "本报讯" not in header
    assert "Reporter: Chen Weideng" in (site / "en/articles/001-04/index.html").read_text("utf-8")
    qijiang = (site / "en/articles/003-01/index.html").read_text("utf-8")
    assert "By Yang Yi, He Na" in qijiang
    captions = qijiang[qijiang.index('<section class="captions">') :]
    captions = captions[: captions.index("</section>")]
    assert (
        "An aerial view of the Chongqing Qijiang High-tech Industrial Development Zone. Photo: Chen Zaihua" in captions
    )
    assert not re.search(r"[\u4e00-\u9fff]", captions)
    assert "Data source: Chongqing Municipal Commission" in (site / "en/articles/004-02/index.html").read_text("utf-8")


def test_every_caption_and_byline_on_english_pages_is_english(site):
    for page in sorted((site / "en/articles").glob("*/index.html")):
        text = page.read_text("utf-8")
        meta = article_header(site, page.parent.name).split('<p class="meta">', 1)[1]
        assert not re.search(r"[\u4e00-\u9fff]", meta), page
        if '<section class="captions">' in text:
            block = text[text.index('<section class="captions">') :].split("</section>")[0]
            assert 'lang="zh-Hans"' not in block, page


def _stored(fields: dict) -> StoredArticle:
    return StoredArticle(Path("content/articles") / f"{fields['id']}.md", fields)


def article_header(site: Path, article_id: str) -> str:
    page = (site / f"en/articles/{article_id}/index.html").read_text("utf-8")
    start = page.index('<article class="article">')
    return page[start : page.index("</header>", start)]
