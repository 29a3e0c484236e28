"""Segmentation of the shipped seeds recovers the hand annotation (tests/annotations/segmentation.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.extract import extract_article
from generator.ingest import ingest_seed
from generator.model import BlockKind

from .conftest import SEEDS

ANNOTATION = yaml.safe_load((Path(__file__).parent / "annotations" / "segmentation.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def extracted(lexicon):
    result = {}
    for name in ANNOTATION:
        sources, warnings = ingest_seed(SEEDS / name, lexicon)
        assert warnings == []
        result[name] = [(s, extract_article(s, f"{s.key}-{i:02d}")) for i, s in enumerate(sources, 1)]
    return result


@pytest.mark.parametrize("seed", sorted(ANNOTATION))
def test_seed_is_cut_into_the_annotated_articles(extracted, seed):
    expected = ANNOTATION[seed]
    got = extracted[seed]
    assert [a.title for _, a in got] and len(got) == len(expected), [a.title for _, a in got]
    for (_source, article), want in zip(got, expected, strict=True):
        assert want["headline"] in article.title
        assert article.kind == want["kind"], article.title
        assert article.anchor.startswith(want["opens"][:40]), (article.title, article.anchor)
        assert list(article.reporters) == want.get("reporters", [])
        assert article.signature == want.get("signature", "")


def test_all_five_seeds_hold_twenty_articles(extracted):
    assert sum(len(v) for v in extracted.values()) == 20


def test_headlines_printed_at_the_top_are_attached_by_content(extracted):
    nanan, tongliang, _ = (a for _, a in extracted["000_6c2b654cce873b63.txt"])
    assert "南岸" in nanan.title and nanan.source.start_line <= 17
    assert "铜梁" in tongliang.title
    assert "不久前，德国克诺尔集团" in tongliang.body
    assert "美的" not in tongliang.body


def test_brief_whose_headline_sits_inside_its_body(extracted):
    jobs = next(a for _, a in extracted["004_8558ad0e888ddfda.txt"] if "就业" in a.title)
    assert jobs.title == "重庆今年将新增城镇就业60万人以上"
    assert "社会保障方面" in jobs.body and "重庆今年将新增城镇就业" not in jobs.body


def test_subheadings_stay_inside_their_article(extracted):
    nanan = extracted["000_6c2b654cce873b63.txt"][0][1]
    assert "## 推出首款自主研发磁悬浮离心式冷水机组" in nanan.body
    qijiang = extracted["003_d52a9df22eedaccc.txt"][0][1]
    for heading in ("核心提示", "抓创新 推进转型升级发展", "育产业 提升产业发展能级", "优环境 增强产业发展动能"):
        assert f"## {heading}" in qijiang.body


def test_captions_bylines_banners_signatures_stay_out_of_paragraphs(extracted):
    for articles in extracted.values():
        for source, article in articles:
            paragraphs = [b.text for b in source.body if b.kind == BlockKind.PARAGRAPH]
            for text in paragraphs:
                assert not text.startswith("□")
                assert "视觉重庆" not in text and "摄/" not in text
            for caption in article.captions:
                assert caption not in article.body
    qijiang = extracted["003_d52a9df22eedaccc.txt"][0][1]
    assert "杨溢 贺娜" not in qijiang.body and qijiang.signature == "杨溢 贺娜"
    banners = [b.text for s, _ in extracted["001_2d698e00e8e37bcc.txt"] for b in s.head if b.kind == BlockKind.BANNER]
    assert banners == ["贯彻二十大 建设新重庆", "重庆"]


@pytest.mark.parametrize(
    ("seed", "joined"),
    [
        ("001_2d698e00e8e37bcc.txt", "建立完善股权投资基金支持体系，健全"),
        ("000_6c2b654cce873b63.txt", "在高新区探索建立的党建融合新模式"),
        ("000_6c2b654cce873b63.txt", "实现党建工作与产业发展相融互促。"),
        ("000_6c2b654cce873b63.txt", "如久旱逢甘霖。"),
        ("001_2d698e00e8e37bcc.txt", "辐射华东、西南、华南、华北等地的集团化公司，客户遍布全球。"),
        ("004_8558ad0e888ddfda.txt", "人社公共服务事项可网办率达到99%"),
    ],
)
def test_lines_broken_by_the_layout_are_joined(extracted, seed, joined):
    assert any(joined in article.body for _, article in extracted[seed])


def test_provenance_is_the_source_line_range(extracted):
    brief = extracted["001_2d698e00e8e37bcc.txt"][3][1]
    assert brief.source.file == "001_2d698e00e8e37bcc.txt"
    assert (brief.source.start_line, brief.source.end_line) == (84, 95)
    lines = (SEEDS / brief.source.file).read_text("utf-8").splitlines()
    assert lines[brief.source.start_line - 1].startswith("铜梁签约27个项目")
