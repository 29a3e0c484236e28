"""Scores of extraction against the hand annotation (tests/annotations/): shared by the test and
`python -m tests.scoring`, which prints every miss."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ANNOTATIONS = Path(__file__).parent / "annotations"


def load(name: str):
    return yaml.safe_load((ANNOTATIONS / name).read_text("utf-8"))


@dataclass
class Scores:
    district_hits: int = 0
    district_extracted: int = 0
    district_annotated: int = 0
    figures_annotated: int = 0
    figures_found: int = 0
    top_hits: int = 0
    top_extracted: int = 0
    metric_right: int = 0
    subject_right: int = 0
    misses: list[str] = field(default_factory=list)

    def ratio(self, part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def table(self) -> dict[str, float]:
        return {
            "district precision": self.ratio(self.district_hits, self.district_extracted),
            "district recall": self.ratio(self.district_hits, self.district_annotated),
            "figure recall": self.ratio(self.figures_found, self.figures_annotated),
            "top-k figure precision": self.ratio(self.top_hits, self.top_extracted),
            "metric right (matched)": self.ratio(self.metric_right, self.figures_found),
            "subject right (matched)": self.ratio(self.subject_right, self.figures_found),
        }

    def report(self, title: str) -> str:
        rows = [f"{name}: {value:.3f}" for name, value in self.table.items()]
        return f"{title}: " + "; ".join(rows) + f" ({self.figures_annotated} annotated figures)"


def same_figure(gold: dict, found: dict) -> bool:
    unit = gold.get("unit") or ""
    return abs(float(gold["value"]) - float(found["value"])) < 1e-6 * max(1.0, abs(float(gold["value"]))) and unit == (
        found.get("unit") or ""
    )


_CITY = {"全市", "我市", "本市", "重庆市", "重庆"}


def _norm(text: str | None) -> str:
    """Names of one entity compare equal: 铜梁区 = 铜梁, 全市 = 我市 = 重庆."""
    text = text or ""
    return "重庆" if text in _CITY else re.sub(r"(区|县|市)$", "", text)


def close(gold: str | None, found: str | None) -> bool:
    a, b = _norm(gold), _norm(found)
    return bool(a) and bool(b) and (a in b or b in a)


def score(gold: dict[str, dict], extracted: dict[str, dict]) -> Scores:
    """gold and extracted: article id -> {"districts": [...], "figures": [...]}, figures in rank order."""
    scores = Scores()
    for article_id, want in gold.items():
        got = extracted.get(article_id, {"districts": [], "figures": []})
        _score_districts(scores, article_id, want.get("districts") or [], got["districts"])
        _score_figures(scores, article_id, want.get("figures") or [], got["figures"])
    return scores


def _score_districts(scores: Scores, article_id: str, want: list[str], got: list[str]) -> None:
    hits = set(want) & set(got)
    scores.district_hits += len(hits)
    scores.district_extracted += len(set(got))
    scores.district_annotated += len(set(want))
    for slug in set(got) - set(want):
        scores.misses.append(f"{article_id}: district {slug} tagged but not annotated")
    for slug in set(want) - set(got):
        scores.misses.append(f"{article_id}: district {slug} annotated but not tagged")


def _score_figures(scores: Scores, article_id: str, want: list[dict], got: list[dict]) -> None:
    scores.figures_annotated += len(want)
    for gold in want:
        match = next((f for f in got if same_figure(gold, f)), None)
        if match is None:
            scores.misses.append(f"{article_id}: figure {gold['raw']} not found")
            continue
        scores.figures_found += 1
        scores.metric_right += close(gold.get("metric"), match.get("metric"))
        scores.subject_right += close(gold.get("subject"), match.get("subject"))
        if not close(gold.get("metric"), match.get("metric")):
            scores.misses.append(
                f"{article_id}: {gold['raw']} metric {match.get('metric')!r} != {gold.get('metric')!r}"
            )
        if not close(gold.get("subject"), match.get("subject")):
            scores.misses.append(
                f"{article_id}: {gold['raw']} subject {match.get('subject')!r} != {gold.get('subject')!r}"
            )
    top = got[: len(want)]
    scores.top_extracted += len(top)
    for found in top:
        if any(same_figure(g, found) for g in want):
            scores.top_hits += 1
        else:
            scores.misses.append(f"{article_id}: top figure {found['raw']} ({found.get('metric')}) not annotated")


def extract_seeds():
    """Extract the shipped seeds as a build does: article id -> fields."""
    from generator.content import machine_record
    from generator.extract import Knowledge
    from generator.lexicon import Lexicon
    from generator.pipeline import Paths, extract_articles
    from generator.reference import load_reference
    from generator.report import Reporter

    root = Path(__file__).resolve().parent.parent
    reference = load_reference(root / "content")
    knowledge = Knowledge.build(reference, Lexicon(reference.user_words()))
    paths = Paths(root / "seeds", Path("/nonexistent"), Path("/nonexistent"), root / "templates")
    return {a.id: machine_record(a) for a in extract_articles(paths, Reporter(), knowledge)}, knowledge


if __name__ == "__main__":
    records, _ = extract_seeds()
    result = score(load("extraction.yaml"), records)
    print("\n".join(result.misses))
    print(result.report("seeds"))
