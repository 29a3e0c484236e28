"""Bad inputs: each ends in a clear message naming the file, and everything else is still built.

One project holds every kind of bad seed and, after a first extraction, every kind of bad article
file; `briefing build` runs on it as a user would. Each test then looks at one bad input.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from generator.content import read_article_file
from generator.errors import BriefingError
from generator.ingest import ingest_seed, read_seed
from generator.ingest.read import MAX_SEED_BYTES
from generator.pipeline import Paths

from .conftest import ROOT, TEMPLATES

PAGE = "铜梁签约27个项目\n\n本报讯（记者 陈维灯）10月12日，铜梁集中签约27个招商引资项目，计划总投资206亿元。\n"
TRADITIONAL = (
    "銅梁簽約27個項目 計劃總投資206億元\n\n"
    "本報訊（記者 陳維燈）10月12日，銅梁集中簽約27個招商引資項目，計劃總投資206億元，"
    "涵蓋新型儲能、醫療器械等多個領域。\n"
)
MIXED = "璧山新增3家工厂\n\n本报讯(记者 张三)3月1日,璧山区新增3家智能工厂,总投资12,702万元;产值同比增长15.5%.\n"
SEEDS = {
    "910_gb18030.txt": PAGE.replace("铜梁", "大足").encode("gb18030"),
    "911_utf16.txt": PAGE.replace("铜梁", "永川").encode("utf-16"),
    "912_bom.txt": PAGE.replace("铜梁", "綦江").encode("utf-8-sig"),
    "913_empty.txt": b"",
    "914_binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    "916_captions.txt": "\n\n".join(["图为铜梁区生产车间。 记者 张三 摄", "（视觉重庆）", "图片由铜梁区供图"]).encode(),
    "917_numbers.txt": "\n".join(["12345 6789", "3.14 100%", "2024", "①②③"] * 20).encode(),
    "918_long_lines.txt": (
        "荣昌新增企业\n\n本报讯（记者 李四）"
        + "荣昌区新增企业38家，产值增长12.5%，" * 5000
        + "\n\n"
        + "9" * 100_000
        + "\n"
    ).encode(),
    "919_mixed_punctuation.txt": MIXED.encode(),
    "920_traditional.txt": TRADITIONAL.encode(),
    "000_copy.txt": (ROOT / "seeds" / "000_6c2b654cce873b63.txt").read_bytes(),  # same key as 000_…
}


def _project(root) -> Paths:
    seeds = root / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    for name, data in SEEDS.items():
        (seeds / name).write_bytes(data)
    with open(seeds / "915_huge.txt", "wb") as huge:  # 50 MB of real text
        block = (PAGE * 200).encode()
        for _ in range(50 * 2**20 // len(block) + 1):
            huge.write(block)
    content = root / "content"
    shutil.copytree(ROOT / "content" / "reference", content / "reference")
    return Paths(seeds, content, root / "site", TEMPLATES)


def _briefing(paths: Paths, command: str) -> subprocess.CompletedProcess:
    folders = ["--seeds", str(paths.seeds), "--content", str(paths.content), "--out", str(paths.out)]
    return subprocess.run(
        [sys.executable, "-m", "generator", command, *folders], capture_output=True, text=True, cwd=ROOT, timeout=600
    )


def _edit(path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    """First run over the bad seeds; then bad article files are made and the site is built."""
    paths = _project(tmp_path_factory.mktemp("bad"))
    first = _briefing(paths, "extract")
    articles = paths.content / "articles"
    _edit(articles / "001-04.md", "kind: brief", "kind: [brief")  # malformed YAML
    (articles / "001-02.md").write_text("title: no front matter\n\nbody\n", "utf-8")
    _edit(articles / "001-03.md", "  value: ", "  value: lots\n  old_value: ")  # valid YAML, wrong shape
    text = (articles / "001-05.md").read_text("utf-8")
    text = re.sub(r"^districts:.*$", "districts:\n- atlantis\n- tongliangg\n- tongliang", text, count=1, flags=re.M)
    text = re.sub(r"^industries:.*$", "industries:\n- perpetual-motion", text, count=1, flags=re.M)
    (articles / "001-05.md").write_text(text, "utf-8")
    copy = (articles / "001-06.md").read_text("utf-8").replace("id: 001-06", "id: 001-06-copy", 1)
    (articles / "001-06-copy.md").write_text(copy, "utf-8")  # an editor copies an article file
    broken = {name: (articles / name).read_bytes() for name in ("001-04.md", "001-02.md", "001-03.md")}
    second = _briefing(paths, "build")
    return paths, first, second, broken


def _messages(result: subprocess.CompletedProcess, name: str) -> list[str]:
    return [line for line in result.stderr.splitlines() if name in line]


def test_no_traceback_and_a_summary_with_the_errors(bad):
    paths, first, second, _ = bad
    for result in (first, second):
        assert "Traceback" not in result.stderr
        assert result.returncode == 1  # files were skipped: scripts and CI notice
    assert re.match(r"extracted: \d+ articles, .*, 3 errors, \d+ warnings in ", first.stdout)
    assert re.match(r"built: \d+ pages, \d+ articles, .*, \d+ errors, \d+ warnings in ", second.stdout)
    assert (paths.out / "zh/articles/000-01/index.html").exists()  # everything else is built
    assert (paths.out / "en/articles/004-07/index.html").exists()


@pytest.mark.parametrize(("name", "place"), [("910_gb18030.txt", "大足"), ("911_utf16.txt", "永川")])
def test_other_encodings_are_decoded_with_a_warning(bad, name, place):
    paths, first, _, _ = bad
    assert any("warning:" in m and "decoded as" in m for m in _messages(first, name))
    fields = read_article_file(paths.content / "articles" / f"{name[:3]}-01.md")
    assert fields["title"] == f"{place}签约27个项目"


def test_utf8_with_bom_is_read_silently(bad):
    paths, first, _, _ = bad
    assert _messages(first, "912_bom.txt") == []
    assert read_article_file(paths.content / "articles" / "912-01.md")["title"] == "綦江签约27个项目"


def test_empty_and_binary_seeds(bad):
    _, first, _, _ = bad
    assert _messages(first, "913_empty.txt") == ["warning: 913_empty.txt: empty seed, skipped"]
    (binary,) = _messages(first, "914_binary.txt")
    assert binary.startswith("error: ") and "is a binary file, not a text page (remove it" in binary


def test_a_50_mb_seed_is_refused_without_being_read(bad):
    _, first, _, _ = bad
    (message,) = _messages(first, "915_huge.txt")
    assert re.search(r"915_huge\.txt: is 50\.\d MB; a seed is one newspaper page \(at most 4 MB\)", message)


def test_read_seed_refuses_a_large_file_by_its_size(tmp_path):
    path = tmp_path / "big.txt"
    with open(path, "wb") as handle:
        handle.truncate(MAX_SEED_BYTES + 1)  # sparse: nothing to read, only the size is known
    with pytest.raises(BriefingError, match="big.txt.*MB"):
        read_seed(path)


def test_seeds_of_only_captions_or_only_numbers_are_not_silent(bad):
    paths, first, _, _ = bad
    for name in ("916_captions.txt", "917_numbers.txt"):
        extracted = list((paths.content / "articles").glob(f"{name[:3]}-*.md"))
        assert extracted or any("no article found" in m for m in _messages(first, name)), name
        assert not any(m.startswith("error") for m in _messages(first, name))


def test_lines_of_100000_characters(bad):
    paths, first, _, _ = bad
    assert not any(m.startswith("error") for m in _messages(first, "918_long_lines.txt"))
    fields = read_article_file(paths.content / "articles" / "918-01.md")
    assert fields["title"] == "荣昌新增企业"
    assert any(f["raw"] == "38家" for f in fields["figures"])
    assert all(f["raw"] in f["quote"] for f in fields["figures"])


def test_mixed_half_and_full_width_punctuation_is_normalised(bad):
    paths, _, _, _ = bad
    fields = read_article_file(paths.content / "articles" / "919-01.md")
    assert fields["dateline"].startswith("本报讯（记者 张三）")
    assert "璧山区新增3家智能工厂，总投资12,702万元；产值同比增长15.5%" in fields["body"]
    assert {f["raw"] for f in fields["figures"]} >= {"12,702万元", "15.5%"}


def test_traditional_chinese_is_converted_to_simplified(bad):
    paths, first, _, _ = bad
    assert any("Traditional Chinese" in m and "converted to Simplified" in m for m in _messages(first, "920_"))
    fields = read_article_file(paths.content / "articles" / "920-01.md")
    assert fields["title"] == "铜梁签约27个项目 计划总投资206亿元"
    assert fields["districts"] == ["tongliang"]  # names match the (Simplified) reference data
    assert fields["source"]["start_line"] == 1  # line numbers still point into the seed


def test_simplified_text_is_never_converted(lexicon, tmp_path):
    path = tmp_path / "001_page.txt"
    shutil.copy(ROOT / "seeds" / "001_2d698e00e8e37bcc.txt", path)
    articles, warnings = ingest_seed(path, lexicon)
    assert not any("Traditional" in w for w in warnings)
    text = path.read_text("utf-8")
    assert all(b.text in text.replace("\n", "") or b.text for a in articles for b in a.body)


def test_two_seeds_giving_the_same_ids(bad):
    paths, first, _, _ = bad
    (message,) = _messages(first, "000_copy.txt")
    assert "article id 000-01 is already produced by 000_6c2b654cce873b63.txt" in message
    assert "rename one of the files" in message
    assert read_article_file(paths.content / "articles" / "000-01.md")["source"]["file"].startswith("000_6c2b")


def test_malformed_yaml_in_an_article_file(bad):
    paths, _, second, broken = bad
    (message,) = _messages(second, "001-04.md")
    assert re.search(r"error: \S+/001-04\.md:4:\d+: malformed YAML front matter: .+ \(fix the YAML syntax", message)
    assert (paths.content / "articles/001-04.md").read_bytes() == broken["001-04.md"]  # left as it is
    assert not (paths.out / "zh/articles/001-04").exists()


def test_missing_front_matter(bad):
    paths, _, second, broken = bad
    (message,) = _messages(second, "001-02.md")
    assert re.search(r"001-02\.md:1:1: no YAML front matter \(the file must start with a line '---'", message)
    assert (paths.content / "articles/001-02.md").read_bytes() == broken["001-02.md"]


def test_a_field_of_the_wrong_shape(bad):
    paths, _, second, _ = bad
    (message,) = _messages(second, "001-03.md")
    line = next(
        n
        for n, row in enumerate((paths.content / "articles/001-03.md").read_text("utf-8").splitlines(), 1)
        if row.strip() == "value: lots"
    )
    assert re.search(rf"001-03\.md:{line}:3: figure 1: 'value' must be a number, not 'lots' \(e\.g\.", message)


def test_unknown_district_and_industry(bad):
    paths, _, second, _ = bad
    messages = _messages(second, "001-05.md")
    rows = (paths.content / "articles/001-05.md").read_text("utf-8").splitlines()
    line = rows.index("- atlantis") + 1
    assert any(f"001-05.md:{line}:3: unknown district 'atlantis' in 'districts'" in m for m in messages)
    assert any("unknown district 'tongliangg'" in m and "did you mean 'tongliang'?" in m for m in messages)
    assert any("unknown industry 'perpetual-motion'" in m for m in messages)
    page = paths.out / "zh/articles/001-05/index.html"
    assert page.exists()  # the article is still built, without the unknown slugs
    records = {a["id"]: a for a in json.loads((paths.out / "data/articles.json").read_text("utf-8"))}
    assert "atlantis" not in records["001-05"]["districts"] and "tongliang" in records["001-05"]["districts"]


def test_a_copied_article_file_does_not_duplicate_figures(bad):
    paths, _, second, _ = bad
    messages = _messages(second, "001-06-copy.md")
    assert any("kept because it was edited" in m for m in messages)
    assert any("figure id 001-06-01 is already used in 001-06.md; the figure is left out here" in m for m in messages)
    figures = json.loads((paths.out / "data/figures.json").read_text("utf-8"))
    ids = [f["id"] for f in figures]
    assert len(ids) == len(set(ids)) and "001-06-01" in ids
    assert (paths.out / "zh/articles/001-06-copy/index.html").exists()
