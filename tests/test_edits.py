"""Editors' work is never lost silently (property-based).

Hypothesis plays random sequences of: an editor changing a field of content/articles/<id>.md (or
adding a field of their own), the seed changing what the machine extracts for a field, an article
vanishing from the seed and coming back, and re-extraction (the merge of content.py on real files).
After every re-extraction each edit still in force must be in the file, and an edit that meets a
source change must be in content/conflicts.yaml with both versions.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.content import (
    CONFLICTS_FILE,
    article_path,
    extracted_path,
    merge_articles,
    read_article_file,
    render_article_file,
)
from generator.model import Article, Source

ARTICLES = 3
WORDS = ["铜梁", "储能", "签约", "A", "", "投资206亿元"]
FIELDS = {
    "title": st.sampled_from(WORDS),
    "summary": st.sampled_from(WORDS),
    "districts": st.lists(st.sampled_from(["tongliang", "nanan", "qijiang"]), max_size=2, unique=True),
    "body": st.sampled_from(["正文。", "正文。\n\n编者按。", ""]),
}
field_names = st.sampled_from(sorted(FIELDS))
article_numbers = st.integers(0, ARTICLES - 1)
actions = st.one_of(
    st.tuples(st.just("edit"), article_numbers, field_names).flatmap(
        lambda t: st.tuples(st.just(t[0]), st.just(t[1]), st.just(t[2]), FIELDS[t[2]])
    ),
    st.tuples(st.just("source"), article_numbers, field_names).flatmap(
        lambda t: st.tuples(st.just(t[0]), st.just(t[1]), st.just(t[2]), FIELDS[t[2]])
    ),
    st.tuples(st.just("own-field"), article_numbers, st.sampled_from(["note", "title_en"]), st.sampled_from(WORDS)),
    st.tuples(st.just("vanish"), article_numbers),
    st.tuples(st.just("return"), article_numbers),
    st.tuples(st.just("extract")),
)

RUNS = {"examples": 0, "steps": 0}


class Editors:
    """The real content folder plus what the editors did, to check the files against."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self.machine = [
            {"title": f"标题{i}", "summary": "摘要。", "districts": ["tongliang"], "body": "正文。"}
            for i in range(ARTICLES)
        ]
        self.present = [True] * ARTICLES
        self.edits: dict[tuple[int, str], object] = {}
        """(article, field) -> the editor's value, while it differs from what the machine last wrote."""
        self.since: dict[tuple[int, str], object] = {}
        """(article, field) -> the machine's value when the edit was made."""
        self.extract()

    def article(self, number: int) -> Article:
        values = self.machine[number]
        return Article(
            id=f"900-{number + 1:02d}",
            source=Source("900_page.txt", 10 * number + 1, 10 * number + 9),
            kind="news",
            title=values["title"],
            summary=values["summary"],
            districts=tuple(values["districts"]),
            body=values["body"],
            anchor=f"开头{number}",
        )

    def path(self, number: int) -> Path:
        return article_path(self.content, f"900-{number + 1:02d}")

    def edit(self, number: int, key: str, value: object) -> None:
        path = self.path(number)
        if not path.exists():
            return
        fields = read_article_file(path)
        fields[key] = value
        path.write_text(render_article_file(fields), "utf-8")
        snapshot = yaml.safe_load(extracted_path(self.content, path.stem).read_text("utf-8"))
        if key in snapshot and value == snapshot[key]:
            self.edits.pop((number, key), None)  # set back to what the machine wrote: no longer an edit
            self.since.pop((number, key), None)
        else:
            if (number, key) not in self.edits:
                self.since[(number, key)] = snapshot.get(key)
            self.edits[(number, key)] = value

    def extract(self) -> None:
        merge_articles(self.content, [self.article(n) for n in range(ARTICLES) if self.present[n]])
        recorded = self.content / CONFLICTS_FILE
        conflicts = (yaml.safe_load(recorded.read_text("utf-8")) or []) if recorded.exists() else []
        open_conflicts = {(c["article"], c["field"]): c for c in conflicts}
        for (number, key), value in list(self.edits.items()):
            path = self.path(number)
            assert path.exists(), f"{path.name}: an edited article was deleted"
            assert read_article_file(path).get(key) == value, f"{path.name}: the edit of '{key}' was lost"
            if not self.present[number] or key not in self.machine[number]:
                continue
            now = self.machine[number][key]
            if now == value:  # the source now says what the editor wrote: settled
                del self.edits[(number, key)], self.since[(number, key)]
                continue
            if now != self.since[(number, key)]:
                conflict = open_conflicts.get((path.stem, key))
                assert conflict is not None, f"{path.name}: '{key}' edited and changed at the source, not reported"
                assert conflict["editor"] == value and conflict["machine_now"] == now, conflict


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(actions, min_size=1, max_size=25))
def test_no_edit_is_ever_lost_silently(steps):
    RUNS["examples"] += 1
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        (content / "articles").mkdir(parents=True)
        editors = Editors(content)
        for step in [*steps, ("extract",)]:
            RUNS["steps"] += 1
            kind = step[0]
            if kind in ("edit", "own-field"):
                editors.edit(step[1], step[2], step[3])
            elif kind == "source":
                editors.machine[step[1]] = {**editors.machine[step[1]], step[2]: step[3]}
            elif kind == "vanish":
                editors.present[step[1]] = False
            elif kind == "return":
                editors.present[step[1]] = True
            else:
                editors.extract()


def test_report_how_many_sequences_were_tried():
    print(f"\nedit sequences: {RUNS['examples']} tried, {RUNS['steps']} steps")
    assert RUNS["examples"] == 0 or RUNS["steps"] >= RUNS["examples"]


def test_an_article_machine_record_has_every_field_merged():
    assert {f.name for f in dataclasses.fields(Article)} >= set(FIELDS)
