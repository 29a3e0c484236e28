"""The content layer keeps editors' changes across re-extraction and follows the source elsewhere."""

from __future__ import annotations

import re
import time

import yaml

from generator import content as content_module
from generator.content import article_path, read_article_file
from generator.pipeline import extract
from generator.report import Reporter


def first_brief(project):
    return article_path(project.content, "001-04")


def edit_field(path, key, value):
    text = path.read_text("utf-8")
    fields = read_article_file(path)
    old = yaml.safe_dump({key: fields[key]}, allow_unicode=True, width=1000).strip()
    new = yaml.safe_dump({key: value}, allow_unicode=True, width=1000).strip()
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_first_extraction_writes_one_file_per_article(project, lexicon):
    result = extract(project, Reporter(), lexicon)
    files = sorted(p.name for p in (project.content / "articles").glob("*.md"))
    assert len(files) == 20 and files[0] == "000-01.md"
    fields = read_article_file(first_brief(project))
    assert fields["title"] == "铜梁签约27个项目 计划总投资206亿元"
    assert fields["source"] == {"file": "001_2d698e00e8e37bcc.txt", "start_line": 84, "end_line": 95}
    assert fields["body"].startswith("本报讯（首席记者 陈维灯）10月12日")
    assert result.written == 40  # 20 article files + 20 records of what was extracted


def test_second_extraction_changes_nothing(project, lexicon):
    extract(project, Reporter(), lexicon)
    before = _files_without_caches(project)
    result = extract(project, Reporter(), lexicon)
    assert result.written == 0
    assert before == _files_without_caches(project)


def _files_without_caches(project):
    """content/ but .cache/, which learns on a second run (its seeds are settled: their files were not written)."""
    return {p: p.read_bytes() for p in project.content.rglob("*") if p.is_file() and ".cache" not in p.parts}


def test_editor_edit_survives_reextraction(project, lexicon):
    extract(project, Reporter(), lexicon)
    path = first_brief(project)
    edit_field(path, "title", "铜梁一天签下27个项目")
    with path.open("a", encoding="utf-8") as body:
        body.write("\n编者按：本文数据截至10月12日。\n")
    text = path.read_text("utf-8").replace("---\n\n", "---\n\ntitle_en: Tongliang signs 27 projects\n", 0)
    text = text.replace("anchor:", "title_en: Tongliang signs 27 projects\nanchor:", 1)
    path.write_text(text, "utf-8")
    extract(project, Reporter(), lexicon)
    fields = read_article_file(path)
    assert fields["title"] == "铜梁一天签下27个项目"
    assert fields["title_en"] == "Tongliang signs 27 projects"
    assert fields["body"].rstrip().endswith("编者按：本文数据截至10月12日。")


def test_source_change_updates_machine_fields_of_unedited_articles(project, lexicon):
    extract(project, Reporter(), lexicon)
    seed = project.seeds / "001_2d698e00e8e37bcc.txt"
    seed.write_text(seed.read_text("utf-8").replace("计划总投资206亿元\n", "计划总投资208亿元\n", 1), "utf-8")
    extract(project, Reporter(), lexicon)
    fields = read_article_file(first_brief(project))
    assert fields["title"] == "铜梁签约27个项目 计划总投资208亿元"
    assert not (project.content / "conflicts.yaml").exists()


def test_conflicting_source_change_is_reported_with_both_versions(project, lexicon):
    extract(project, Reporter(), lexicon)
    path = first_brief(project)
    edit_field(path, "title", "铜梁一天签下27个项目")
    seed = project.seeds / "001_2d698e00e8e37bcc.txt"
    seed.write_text(seed.read_text("utf-8").replace("计划总投资206亿元\n", "计划总投资208亿元\n", 1), "utf-8")
    reporter = Reporter()
    extract(project, reporter, lexicon)
    assert read_article_file(path)["title"] == "铜梁一天签下27个项目"
    conflicts = yaml.safe_load((project.content / "conflicts.yaml").read_text("utf-8"))
    assert conflicts == [
        {
            "article": "001-04",
            "field": "title",
            "editor": "铜梁一天签下27个项目",
            "machine_before": "铜梁签约27个项目 计划总投资206亿元",
            "machine_now": "铜梁签约27个项目 计划总投资208亿元",
        }
    ]
    assert any("001-04.md" in w and "title" in w for w in reporter.warnings)
    extract(project, Reporter(), lexicon)  # still open on the next run, until the editor settles it
    assert (project.content / "conflicts.yaml").exists()


def test_ids_stay_stable_when_an_article_is_added_before_others(project, lexicon):
    extract(project, Reporter(), lexicon)
    before = read_article_file(article_path(project.content, "004-05"))["anchor"]
    seed = project.seeds / "004_8558ad0e888ddfda.txt"
    text = seed.read_text("utf-8")
    insert = (
        "\n\n重庆新设一个测试园区\n\n"
        "本报讯（记者 某某）2月20日，重庆新设立一个测试用的产业园区，规划面积3平方公里。\n\n"
    )
    marker = "重庆新增2家上市辅导备案企业"
    seed.write_text(text.replace(marker, insert + marker, 1), "utf-8")
    extract(project, Reporter(), lexicon)
    assert read_article_file(article_path(project.content, "004-05"))["anchor"] == before


def test_malformed_front_matter_is_reported_with_file_line_col_and_the_rest_is_merged(project, lexicon):
    extract(project, Reporter(), lexicon)
    path = first_brief(project)
    path.write_text(path.read_text("utf-8").replace("kind: brief", "kind: [brief", 1), "utf-8")
    broken = path.read_bytes()
    seed = project.seeds / "000_6c2b654cce873b63.txt"
    seed.write_text(seed.read_text("utf-8").replace("399.9亿元", "400亿元"), "utf-8")
    reporter = Reporter()
    result = extract(project, reporter, lexicon)
    assert len(reporter.errors) == 1
    assert re.search(r"001-04\.md:4:\d+: malformed YAML front matter: .*\(fix the YAML syntax", reporter.errors[0])
    assert path.read_bytes() == broken  # the editor's file is left exactly as it is
    assert "001-04" not in {a.path.stem for a in result.articles}
    other = read_article_file(article_path(project.content, "000-01"))
    assert "400亿元" in other["body"]  # everything else follows the source


def test_undecodable_seed_is_skipped_and_the_others_are_extracted(project, lexicon):
    (project.seeds / "900_bad.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe\x00" * 100)
    reporter = Reporter()
    result = extract(project, reporter, lexicon)
    assert len(reporter.errors) == 1 and "900_bad.txt" in reporter.errors[0]
    assert len(result.articles) == 20


def test_invalid_reference_data_is_reported_entry_by_entry(project, lexicon):
    districts = project.content / "reference" / "districts.yaml"
    text = districts.read_text("utf-8")
    districts.write_text(text.replace("  en: Nan'an District", "  en: Nan'an District\n  colour: red", 1), "utf-8")
    try:
        extract(project, Reporter(), lexicon)
    except Exception as error:  # noqa: BLE001 - the message is what is tested
        message = str(error)
    else:
        raise AssertionError("an unknown key must be reported")
    line = next(i for i, row in enumerate(districts.read_text("utf-8").splitlines(), 1) if "colour" in row)
    assert f"districts.yaml:{line - 3}: unknown keys ['colour']" in message


def test_seeds_unchanged_since_their_merge_are_not_merged_again_until_a_file_of_theirs_changes(project, lexicon):
    extract(project, Reporter(), lexicon)
    extract(project, Reporter(), lexicon)  # the first run's files are older than this run's clock tick now
    result = extract(project, Reporter(), lexicon)
    assert (result.settled, result.articles, result.written) == (20, [], 0)
    snapshot = project.content / ".extracted" / "001-04.yaml"
    snapshot.unlink()  # a file of a settled seed changes: the seed is merged again, and the file rewritten
    path = first_brief(project)
    edit_field(path, "title", "铜梁签约27个项目 计划总投资207亿元")  # same size, same second
    result = extract(project, Reporter(), lexicon)
    assert snapshot.exists() and result.settled < 20
    assert read_article_file(path)["title"] == "铜梁签约27个项目 计划总投资207亿元"
    assert "001-04" in {a.path.stem for a in result.articles}


def test_an_article_saved_while_its_seed_is_merged_is_merged_again_next_time(project, lexicon, monkeypatch):
    extract(project, Reporter(), lexicon)
    seed = project.seeds / "001_2d698e00e8e37bcc.txt"
    seed.write_text(seed.read_text("utf-8").replace("计划总投资206亿元\n", "计划总投资208亿元\n", 1), "utf-8")
    path = first_brief(project)
    write_outputs = content_module.write_outputs

    def saved_meanwhile(outputs, root=None):  # the editor saves right after the merge wrote the file
        written = write_outputs(outputs, root)
        edit_field(path, "title", "铜梁一天签下27个项目")
        time.sleep(0.05)  # a clock tick or more before the build ends
        return written

    monkeypatch.setattr(content_module, "write_outputs", saved_meanwhile)
    extract(project, Reporter(), lexicon)
    monkeypatch.undo()
    result = extract(project, Reporter(), lexicon)
    assert "001-04" in {a.path.stem for a in result.articles}  # merged, not taken as settled
    assert read_article_file(path)["title"] == "铜梁一天签下27个项目"


def test_two_articles_with_the_same_opening_words_keep_their_own_ids(project, lexicon):
    seed = project.seeds / "004_8558ad0e888ddfda.txt"
    # the same words well past the anchor's length (40 characters after the dateline), then different
    opening = (
        "本报讯（记者 某某）2月20日，重庆新设立一个测试用的产业园区，规划面积3平方公里，首期建设标准厂房二十万平方米，"
    )
    pair = (("重庆新设一个测试园区", "首批入驻企业12家。"), ("重庆再设一个测试园区", "计划投资40亿元。"))
    briefs = "".join(f"\n\n{title}\n\n{opening}{tail}\n\n" for title, tail in pair)
    marker = "重庆新增2家上市辅导备案企业"
    seed.write_text(seed.read_text("utf-8").replace(marker, briefs + marker, 1), "utf-8")
    extract(project, Reporter(), lexicon)
    twins = {p.stem: read_article_file(p) for p in (project.content / "articles").glob("004-*.md")}
    twins = {id: fields["body"] for id, fields in twins.items() if fields["body"].startswith(opening)}
    assert len(twins) == 2 and len(set(twins.values())) == 2
    # the seed changes elsewhere: it is merged again, and each twin keeps its id and its own body
    seed.write_text(seed.read_text("utf-8").replace("上市辅导备案", "上市辅导备案登记", 1), "utf-8")
    extract(project, Reporter(), lexicon)
    after = {p.stem: read_article_file(p)["body"] for p in (project.content / "articles").glob("004-*.md")}
    assert {id: after.get(id) for id in twins} == twins
