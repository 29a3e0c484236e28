"""Block classification and line joining on small hand-made pages."""

from __future__ import annotations

import pytest

from generator.ingest import ingest_text
from generator.ingest.lines import read_units
from generator.ingest.normalise import normalise_text
from generator.model import BlockKind


def roles(text, lexicon):
    return [(u.role, u.text) for u in read_units(normalise_text(text), lexicon)]


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("□本报记者 夏元", "byline"),
        ("□新重庆-重庆日报首席记者 陈维灯", "byline"),
        ("本报讯(记者 颜安)10月11日,记者从市乡村振兴局获悉。", "dateline"),
        ("火锅底料自动灌装生产线 摄/张静", "caption"),
        ("特约摄影 陈仕川/视觉重庆", "caption"),
        ("重庆美的通用制冷设备有限公司生产车间。(南岸区委宣传部供图)", "caption"),
        ("（数据来源：市经信委）", "note"),
        ("2020年4月30日", "date"),
        ("杨溢 贺娜", "signature"),
        ("渝轩", "signature"),
        ("数读", "label"),
        ("推出首款自主研发磁悬浮离心式冷水机组", "short"),
        ("川渝两地产业协作之路不断走深走实。", "text"),
    ],
)
def test_line_roles(lexicon, line, role):
    assert roles(f"正文第一段。\n\n{line}\n", lexicon)[1][0] == role


def test_dictionary_words_are_not_signatures(lexicon):
    assert roles("正文。\n\n团队\n", lexicon)[1][0] == "short"


def test_word_broken_across_lines_is_joined(lexicon):
    page = "我市还将建立完善股权投资基金支持体\n\n系,健全完善“技改专项贷”等政策。\n"
    assert roles(page, lexicon) == [("text", "我市还将建立完善股权投资基金支持体系，健全完善“技改专项贷”等政策。")]


def test_paragraph_broken_after_a_comma_is_joined_across_a_caption(lexicon):
    page = "公司深耕汽车行业20年,是一家集团化公司,\n\n\n\n签约活动现场 摄/刘纪涓\n\n客户遍布全球。\n"
    units = roles(page, lexicon)
    assert units[0] == ("text", "公司深耕汽车行业20年，是一家集团化公司，客户遍布全球。")
    assert units[1] == ("caption", "签约活动现场 摄/刘纪涓")


def test_subheading_followed_by_a_paragraph_is_not_joined(lexicon):
    page = "上一段结束了。\n\n推出首款自主研发磁悬浮离心式冷水机组\n\n“通过优化工艺流程，车间效率提升15%。”\n"
    assert [r for r, _ in roles(page, lexicon)] == ["text", "short", "text"]


def test_deck_under_a_subheading_is_not_joined_to_the_next_paragraph(lexicon):
    page = (
        "上一段结束了。\n\n加快智能化转型\n\n推动制造业与数字经济深度融合。截至去年底，全市累计实施6000多个项目\n\n"
        "机械手臂不停舞动，智能物流机器人将零部件准确送达。\n"
    )
    texts = [t for _, t in roles(page, lexicon)]
    assert texts[2].endswith("6000多个项目") and texts[3].startswith("机械手臂")


def test_markdown_headings_and_bold(lexicon):
    units = read_units(normalise_text("# 綦江\n\n## 核心提示\n\n产值超过**2.6万亿元**。\n"), lexicon)
    assert [(u.role, u.level) for u in units] == [("heading", 1), ("heading", 2), ("text", 0)]
    assert units[2].text == "产值超过2.6万亿元。" and units[2].bold == ("2.6万亿元",)


def test_normalise_punctuation_keeps_numbers():
    assert (
        normalise_text("会上,市经信委(重庆)说:1:1试验台已发运12,702辆")
        == "会上，市经信委（重庆）说：1:1试验台已发运12,702辆"
    )
    assert normalise_text("２０２３年增长１５％") == "2023年增长15%"


def test_small_page_with_two_briefs(lexicon):
    page = (
        "铜梁签约27个项目  \n计划总投资206亿元\n\n本报讯(首席记者 陈维灯)10月12日,铜梁集中签约27个项目。\n\n"
        "这些项目重点围绕储能。\n\n\n\n巴南新增就业岗位\n\n本报讯(记者 颜安)巴南区新增就业岗位3000个。\n"
    )
    articles = ingest_text(page, "900_test.txt", lexicon)
    assert [a.kind for a in articles] == ["brief", "brief"]
    assert [b.text for a in articles for b in a.head if b.kind == BlockKind.HEADLINE] == [
        "铜梁签约27个项目 计划总投资206亿元",
        "巴南新增就业岗位",
    ]
    assert (articles[0].start_line, articles[0].end_line) == (1, 6)
