"""The read cache of content/ (content.ContentCache) and the merge's shortcut for unchanged files.

The cache may only ever make things faster: an entry is used only for the very bytes it was made from,
files with errors are never cached (their errors come again, word for word), a damaged cache file is
ignored, and a merge that finds everything unchanged writes nothing and gives the same result as one
without the cache. Values stored without parsing (what the merge wrote) must equal what parsing gives.
"""

from __future__ import annotations

import dataclasses
import pickle
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import content as content_module
from generator.content import (
    CACHE_FILE,
    ContentCache,
    article_path,
    extracted_path,
    known_anchors,
    load_content,
    merge_articles,
    read_article_file,
    render_article_file,
)
from generator.errors import BriefingError
from generator.model import Article, Source
from generator.yamlfiles import DUMPER, dump


def _article(number: int, **values: object) -> Article:
    return Article(
        id=f"900-{number:02d}",
        source=Source("900_page.txt", 10 * number + 1, 10 * number + 9),
        kind="news",
        title=f"标题{number}",
        summary="摘要。",
        districts=("tongliang",),
        body="正文。\n\n第二段。",
        anchor=f"开头{number}",
        **values,
    )


def _same(a: object, b: object) -> bool:
    """Equal with the same types and key order (1, 1.0 and True are not the same here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return a == b


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _check_cache_entries(content: Path) -> int:
    """Every entry of the saved cache equals what parsing its file gives now (when the bytes still match)."""
    cache = ContentCache(content)
    checked = 0
    for key, (digest, pickled) in cache.parsed.items():
        path = content / key
        data = path.read_bytes()
        if content_module._digest(data) != digest:
            continue
        parse = content_module._parse_article if path.suffix == ".md" else content_module._parse_yaml
        assert _same(pickle.loads(pickled), parse(path, data)), key
        checked += 1
    return checked


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    return content


def test_a_changed_file_is_parsed_again(folder):
    merge_articles(folder, [_article(1)])
    path = article_path(folder, "900-01")
    cache = ContentCache(folder)
    assert cache.article(path)["title"] == "标题1"
    path.write_text(path.read_text("utf-8").replace("标题1", "新标题"), "utf-8")
    assert cache.article(path)["title"] == "新标题"
    assert ContentCache(folder).article(path)["title"] == "新标题"  # and from the saved cache too
    assert ContentCache(folder).article(path) == read_article_file(path)


def test_a_file_with_errors_is_never_cached(folder):
    merge_articles(folder, [_article(1)])
    path = article_path(folder, "900-01")
    good = path.read_text("utf-8")
    path.write_text(good.replace("kind: news", "kind: poem"), "utf-8")
    with pytest.raises(BriefingError) as plain:
        read_article_file(path)
    for _ in range(2):  # the second time too: errors are found again, word for word
        cache = ContentCache(folder)
        with pytest.raises(BriefingError) as cached:
            cache.article(path)
        assert cached.value.message == plain.value.message
        load_content(folder, {"tongliang"}, set())
    path.write_text(good, "utf-8")
    assert ContentCache(folder).article(path) == read_article_file(path)


def test_a_cached_value_is_a_fresh_copy(folder):
    merge_articles(folder, [_article(1)])
    cache = ContentCache(folder)
    path = article_path(folder, "900-01")
    cache.article(path)["districts"].append("changed")
    assert cache.article(path)["districts"] == ["tongliang"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: b"",
        lambda raw: b"not a cache at all",
        lambda raw: raw[:-10] + b"0123456789",  # payload changed: the checksum differs
        lambda raw: raw[:40] + bytes(b ^ 0xFF for b in raw[40:80]) + raw[80:],
        lambda raw: pickle.dumps(("v", {}, {})),  # a pickle, but not a cache file
    ],
)
def test_a_damaged_cache_file_is_ignored(folder, damage):
    merge_articles(folder, [_article(1), _article(2)])
    cache_file = folder / CACHE_FILE
    cache_file.write_bytes(damage(cache_file.read_bytes()))
    cache = ContentCache(folder)
    assert cache.parsed == {} and cache.rendered == {}
    assert cache.article(article_path(folder, "900-01")) == read_article_file(article_path(folder, "900-01"))
    result = merge_articles(folder, [_article(1), _article(2)])
    assert result.written == 0 and not result.errors
    assert _check_cache_entries(folder) == 4


def test_an_entry_for_other_bytes_is_not_used(folder):
    """An entry made for other bytes (e.g. a cache copied from elsewhere) is ignored."""
    merge_articles(folder, [_article(1)])
    path = article_path(folder, "900-01")
    cache = ContentCache(folder)
    key = str(path.relative_to(folder))
    digest, _ = cache.parsed[key]
    cache.parsed[key] = (b"x" * len(digest), pickle.dumps({"id": "900-01", "title": "wrong", "body": ""}))
    assert cache.article(path)["title"] == "标题1"


def test_a_warm_merge_writes_nothing_and_gives_the_same_result(folder):
    articles = [_article(1), _article(2, captions=("图为签约现场。",)), _article(3)]
    merge_articles(folder, articles)
    path = article_path(folder, "900-02")
    fields = read_article_file(path)
    fields["title"] = "编辑改过的标题"
    fields["note"] = "编辑的笔记"
    path.write_text(render_article_file(fields), "utf-8")
    changed = [dataclasses.replace(articles[0], title="新的标题"), articles[1], articles[2]]
    merge_articles(folder, changed)  # the edit and a source change, through the cache
    before = _files(folder)
    warm = merge_articles(folder, changed)
    assert warm.written == 0
    assert _files(folder) == before  # the cache file included: nothing new was learnt
    (folder / CACHE_FILE).unlink()
    cold = merge_articles(folder, changed)
    assert cold.written == 0
    assert [(a.path, a.fields) for a in warm.articles] == [(a.path, a.fields) for a in cold.articles]
    assert (warm.conflicts, warm.warnings, warm.errors) == (cold.conflicts, cold.warnings, cold.errors)
    after = {k: v for k, v in _files(folder).items() if ".cache" not in k}
    assert after == {k: v for k, v in before.items() if ".cache" not in k}
    assert _check_cache_entries(folder) == 6


def test_the_merge_result_is_the_same_with_and_without_the_cache(folder, tmp_path):
    articles = [_article(1), _article(2), _article(3)]
    merge_articles(folder, articles)
    path = article_path(folder, "900-01")
    fields = read_article_file(path)
    fields["summary"] = "编辑的摘要。"
    path.write_text(render_article_file(fields), "utf-8")
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    (other / CACHE_FILE).unlink()
    changed = [dataclasses.replace(articles[0], summary="新的摘要。"), articles[1]]  # 900-03 vanishes
    cached = merge_articles(folder, changed)
    uncached = merge_articles(other, changed)
    assert cached.written == uncached.written
    assert [a.fields for a in cached.articles] == [a.fields for a in uncached.articles]
    assert cached.conflicts == uncached.conflicts
    assert [w.replace(str(folder), str(other)) for w in cached.warnings] == uncached.warnings
    files = _files(folder)
    del files[str(CACHE_FILE)]
    other_files = _files(other)
    del other_files[str(CACHE_FILE)]
    assert files == other_files


def test_known_anchors_and_load_content_read_through_the_cache(folder):
    merge_articles(folder, [_article(1), _article(2)])
    anchors = known_anchors(folder)
    assert anchors == {("900_page.txt", "开头1"): ["900-01"], ("900_page.txt", "开头2"): ["900-02"]}
    extracted_path(folder, "900-02").write_text("id: [unclosed\n", "utf-8")
    assert known_anchors(folder) == {("900_page.txt", "开头1"): ["900-01"]}
    loaded = load_content(folder, {"tongliang"}, set())
    assert [a.fields for a in loaded.articles] == [read_article_file(p) for p in sorted(folder.glob("articles/*.md"))]


def test_articles_with_the_same_opening_are_known_in_id_order(folder):
    """Their ids are handed out in this order (pipeline.assign_ids): 900-99 before 900-100, not as text sorts."""
    merge_articles(folder, [dataclasses.replace(_article(n), anchor="同一个开头") for n in (7, 99, 100)])
    assert known_anchors(folder) == {("900_page.txt", "同一个开头"): ["900-07", "900-99", "900-100"]}


text = st.text(
    st.one_of(
        st.sampled_from(list("铜梁签约：，。“”（）、 \n\t#&*!|>'\"%@`-?:,[]{}0123456789.eE+_<=~")),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)
scalars = st.one_of(
    text,
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(["yes", "no", "null", "~", "2024-10-12", "0x1F", "1e3", "<<", "=", "---", "...", "- a"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4)))
def test_dump_writes_what_yaml_dump_writes(value):
    assert dump(value) == yaml.dump(value, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    shared = [value]
    both = {"a": shared, "b": shared}  # an alias: the generic representer writes it
    assert dump(both) == yaml.dump(both, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=text,
    summary=text,
    captions=st.lists(text, max_size=3),
    body=text,
    year=st.one_of(st.none(), st.integers(1900, 2100)),
    own=st.one_of(text, st.floats(), st.integers(), st.lists(text, max_size=2)),
)
def test_what_the_merge_stores_without_parsing_is_what_parsing_gives(
    tmp_path_factory, title, summary, captions, body, year, own
):
    content = tmp_path_factory.mktemp("claims") / "content"
    article = dataclasses.replace(
        _article(1), title=title, summary=summary, captions=tuple(captions), body=body, year=year
    )
    merge_articles(content, [article])
    path = article_path(content, "900-01")
    fields = read_article_file(path)
    fields["note"] = own  # a field of the editor's own, of any plain type
    path.write_text(render_article_file(fields), "utf-8")
    merge_articles(content, [dataclasses.replace(article, title=title + "。")])
    assert _check_cache_entries(content) >= 2
