"""Fuzzing the ingest and figure extraction with random Chinese/ASCII/punctuation text (hypothesis).

Invariants: nothing raises; normalising keeps every line; every article's line range lies inside
the page; every figure's `raw` is inside its `quote`, and its `quote` inside the source text.
Example counts are modest so the suite stays fast; the last test prints how many inputs were tried.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.errors import BriefingError
from generator.extract import Knowledge, extract_article, infer_page_year, page_texts
from generator.extract.figures import Context
from generator.extract.sentences import split_sentences
from generator.ingest import ingest_seed, ingest_text
from generator.ingest.normalise import normalise_text
from generator.reference import Reference

CHINESE = (
    "重庆铜梁区南岸两江新区汽车产业投资签约项目亿万元家台个吨亩人"
    "同比增长超近约以上第年月日本报讯记者摄供图视觉新型储能企业产值去今"
)
ASCII = "abcXYZ0123456789.,:;!?%+-()[]*#_/\\\"' \t"
FULL_WIDTH = "，。：；！？（）【】“”‘’、—…％＋０１２　"
TOKENS = [
    "206亿元",
    "12.5%",
    "2.1个百分点",
    "2023年",
    "1,234台",
    "3041亩",
    "10万吨",
    "399.9亿元",
    "8000万元",
    "2.6万亿元",
    "超过",
    "近",
    "约",
    "以上",
    "余",
    "左右",
    "第二",
    "②",
    "33618",
    "2+4",
    "“154”",
    "去年",
    "今年",
    "本报讯（记者 张三）",
    "□本报记者 夏元",
    "记者 李四 摄",
    "视觉重庆",
    "（数据来源：统计局）",
    "**",
    "# ",
    "## ",
    "\n",
    "\n\n",
    "。",
    "，",
    "；",
    "铜梁",
    "两江新区",
    "该区",
    "全市",
    "长安汽车",
    "以",
    "为代表",
    "等",
]
characters = st.sampled_from(list(CHINESE + ASCII + FULL_WIDTH + "\n"))
texts = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(characters, min_size=1, max_size=8)), max_size=60).map(
    "".join
)
FUZZ = {"bytes": 0, "ingest": 0, "figures": 0, "pipeline": 0, "figures found": 0, "articles found": 0}


FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
page_bytes = st.one_of(
    st.binary(max_size=600),
    st.tuples(texts, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "big5"])).map(
        lambda t: t[0].encode(t[1], errors="replace")
    ),
    st.tuples(texts, st.binary(max_size=8), texts).map(lambda t: t[0].encode() + t[1] + t[2].encode()),
)


@settings(FAST, max_examples=1000)
@given(data=page_bytes)
def test_any_bytes_are_read_or_refused_with_a_message(data, tmp_path, lexicon):
    FUZZ["bytes"] += 1
    path = tmp_path / "999_fuzz.txt"
    path.write_bytes(data)
    try:
        articles, warnings = ingest_seed(path, lexicon)
    except BriefingError as error:
        assert "999_fuzz.txt" in error.message
        return
    assert all(isinstance(w, str) and "999_fuzz.txt" in w for w in warnings)
    for article in articles:
        assert not any(re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", b.text) for b in article.head + article.body)


def _knowledge(reference: Reference, lexicon) -> Knowledge:
    global _KNOWLEDGE
    if _KNOWLEDGE is None:
        _KNOWLEDGE = Knowledge.build(reference, lexicon)
    return _KNOWLEDGE


_KNOWLEDGE: Knowledge | None = None


@settings(FAST, max_examples=1000)
@given(text=texts)
def test_ingest_never_fails_and_keeps_lines(text, lexicon):
    FUZZ["ingest"] += 1
    assert normalise_text(text).count("\n") == text.count("\n")
    lines = text.count("\n") + 1
    for source in ingest_text(text, "999_fuzz.txt", lexicon):
        assert 1 <= source.start_line <= source.end_line <= lines
        assert all(b.text.strip() for b in source.head + source.body)


@settings(FAST, max_examples=1000)
@given(text=texts)
def test_every_figure_quotes_its_source(text, reference, lexicon):
    FUZZ["figures"] += 1
    finder = _knowledge(reference, lexicon).figures
    paragraph = text.replace("\n", "")
    sentences = split_sentences([(paragraph, ())])
    for figure in finder.find(sentences, Context("", 2024, "铜梁", "")):
        FUZZ["figures found"] += 1
        assert figure.raw and figure.raw in figure.quote
        assert figure.quote in paragraph
        assert figure.value == figure.value and figure.value >= 0  # a number, not NaN


def _plain(text: str) -> str:
    return re.sub(r"[\s*_#]", "", text)  # Markdown markers and the line breaks the layout re-joins


def _from_page(fragment: str, text: str) -> bool:
    """In the page, or in it with one line left out: a caption or photo credit printed between the two halves
    of a paragraph is stepped over when they are joined (ingest/lines.py; `206亿元` `视觉重庆` `。` gives
    `206亿元。`)."""
    lines = normalise_text(text).split("\n")
    if _plain(fragment) in _plain("\n".join(lines)):
        return True
    return any(_plain(fragment) in _plain("\n".join(lines[:i] + lines[i + 1 :])) for i in range(len(lines)))


@settings(FAST, max_examples=400)
@given(text=texts)
@example(text="206亿元\n视觉重庆\n。")  # found by a run of this test: a photo credit between two halves
def test_the_whole_extraction_on_random_pages(text, reference, lexicon):
    FUZZ["pipeline"] += 1
    knowledge = _knowledge(reference, lexicon)
    sources = ingest_text(text, "999_fuzz.txt", lexicon)
    year = infer_page_year(page_texts(sources))
    for number, source in enumerate(sources, 1):
        article = extract_article(source, f"999-{number:02d}", knowledge, year)
        FUZZ["articles found"] += 1
        for figure in article.figures:
            assert figure.raw in figure.quote
            assert _from_page(figure.quote, text)
        for sentence in re.findall(r"[^。！？；]+[。！？；]*", article.summary):
            assert _from_page(_plain(sentence).rstrip("。"), text)  # the summary is made of the page's own sentences


def test_report_how_many_inputs_the_fuzzers_tried():
    print(f"\nfuzz inputs: {FUZZ}")
    assert all(count == 0 or count >= 10 for count in FUZZ.values())
