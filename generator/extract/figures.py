"""Key figures (SPEC §5): numbers a briefing reader would quote, with what, for whom, when and how sure.

A figure is a number with a unit (or a multiplier and a unit) from content/reference/units.yaml.
Dates, bare years, durations, ordinals (第3次), codes and slogans (33618, 2+4, 1+N, “154”) have no
unit or are excluded by their context. The metric is the nearest glossary term before the number in
its clause (else the noun right after the unit), the subject the nearest place or company before it,
the year the nearest year in the sentence (去年/今年 resolved with the page's year).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from ..lexicon import Lexicon
from ..reference import Reference, UnitName
from .sentences import Sentence

_QUALIFIER_BEFORE = {"超过": "超", "超": "超", "逾": "超", "突破": "超", "近": "近", "约": "约", "不少于": "以上"}
_QUALIFIER_AFTER = {"以上": "以上", "左右": "左右", "余": "余", "多": "多"}
_EXCLUDED_KINDS = ("multiplier", "time", "duration")
_COUNTED = ("count", "quantity", "people")
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})年")
_GROWTH = re.compile(r"同比增长|同比增|增长|增幅|增速|提高|提升|增加|新增|下降|降低")
_THRESHOLD = re.compile(r"\d+(?:\.\d+)?(?:万|亿)?元以上[\u4e00-\u9fff]{1,8}$")
_ADVERBS = frozenset("平均 均 分别 累计 同比 较上年 较年初 共 合计 总共".split())
_DATA_STATEMENT = re.compile(r"^(?:统计)?数据显示|^截至|^据统计")
_FUTURE = re.compile(r"预计|计划|力争|将|目标|未来")
_CITY = re.compile(r"全市|我市|山城|重庆市|重庆(?![\u4e00-\u9fff]{0,6}(?:有限公司|集团|分行))")
_LOCATIVE = re.compile(r"(?:在|位于|于|来自)$")
_EXAMPLES = re.compile(
    r"以[^，。；]{2,60}?为代表|[^，。；]{2,80}?等(?=\d)|(?:[\u4e00-\u9fff]{2,8}、)+[\u4e00-\u9fff]{2,8}(?=\d)"
)
_THIS_DISTRICT = re.compile(r"该区|全区|本区")
_THIS_COMPANY = re.compile(r"该行|该公司|该企业|公司")


@dataclass(frozen=True)
class Figure:
    raw: str
    value: float
    unit: str
    qualifier: str | None
    metric: str
    metric_en: str | None
    subject: str
    year: int | None
    quote: str
    score: float
    paragraph: int


@dataclass(frozen=True)
class Context:
    """What figure extraction needs to know about the article it reads."""

    headline: str
    year: int | None
    """The year the page was published, for 去年 and 今年."""
    main_district: str
    """The article's most central district as named in it, or ''."""
    main_company: str
    """The company the article names most, or ''."""
    company_article: bool = False
    """The article is about a company (an advertorial, a company feature): figures default to it."""


class FigureFinder:
    """Units and metrics compiled once per build."""

    def __init__(self, reference: Reference, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        units = [u for u in reference.units if u.kind not in _EXCLUDED_KINDS]
        multipliers = [u for u in reference.units if u.kind == "multiplier"]
        self.units: dict[str, UnitName] = {u.zh: u for u in units}
        self.multipliers = {u.zh: u.factor for u in multipliers}
        unit_names = sorted(self.units, key=len, reverse=True)
        multiplier_names = sorted(self.multipliers, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?P<before>超过|不少于|突破|超|逾|(?<![最附将])近|(?<![签合预节制公条邀相大])约)?"
            # (?<!\d): a match never starts inside a run of digits (the leftmost match already
            # covers it), which keeps a long digit run linear instead of quadratic.
            r"(?<!\d)(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)"
            rf"(?P<multiplier>{'|'.join(map(re.escape, multiplier_names)) or '(?!)'})?"
            r"(?P<inner>余|多)?"
            rf"(?P<unit>{'|'.join(map(re.escape, unit_names)) or '(?!)'})"
            r"(?P<after>以上|左右)?"
        )
        self.metrics: dict[str, tuple[str, str]] = {}
        for metric in reference.metrics:
            for name in (metric.zh, *metric.aliases):
                self.metrics.setdefault(name, (metric.zh, metric.en))
        names = sorted(self.metrics, key=len, reverse=True)
        self.metric_pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def find(self, sentences: list[Sentence], context: Context) -> list[Figure]:
        figures: list[Figure] = []
        seen: dict[tuple[float, str, str], int] = {}
        paragraphs = max((s.paragraph for s in sentences), default=0) + 1
        for sentence in sentences:
            for match in self.pattern.finditer(sentence.text):
                if _excluded(sentence.text, match):
                    continue
                figure = self._figure(sentence, match, context, paragraphs)
                figure = _metric_from_earlier(figure, figures, sentence.text, match.start())
                key = (figure.value, figure.unit, figure.metric)
                if key in seen:  # the same figure printed twice: keep the first, count the repeat
                    first = figures[seen[key]]
                    figures[seen[key]] = _with_score(first, first.score + 1.0)
                    continue
                seen[key] = len(figures)
                figures.append(figure)
        return sorted(figures, key=lambda f: -f.score)

    def _figure(self, sentence: Sentence, match: re.Match, context: Context, paragraphs: int) -> Figure:
        text = sentence.text
        unit = self.units[match.group("unit")]
        multiplier = self.multipliers.get(match.group("multiplier") or "", 1)
        number = float(match.group("number").replace(",", ""))
        value = _clean_number(number * multiplier * unit.factor)
        raw = text[match.start("number") : match.end("unit")]
        metric, metric_en, from_glossary = self._metric(text, match)
        subject = _subject(sentence, match.start(), context)
        score = _score(raw, match, unit, from_glossary, sentence, context, paragraphs)
        if subject in (context.main_district or "重庆", context.main_company if context.company_article else None):
            score += 1.2  # a figure about what the article is about, not about an example in it
        return Figure(
            raw=raw,
            value=value,
            unit=unit.base or unit.zh,
            qualifier=_qualifier(match),
            metric=metric,
            metric_en=metric_en,
            subject=subject,
            year=_year(text, match.start(), sentence, context.year),
            quote=text,
            score=round(score, 3),
            paragraph=sentence.paragraph,
        )

    def _metric(self, text: str, match: re.Match) -> tuple[str, str | None, bool]:
        """What the figure measures, from its clause: a share or growth rate; the glossary term right
        after the unit (4.71亿元授信额度); what a count counts (9个数字化车间); the nearest glossary
        term before it (产值399.9亿元); a glossary term later in the clause (以近3.3万台的成绩…销量)."""
        clause_start = max(text.rfind(mark, 0, match.start()) for mark in "，；：。") + 1
        ends = [i for i in (text.find(mark, match.end()) for mark in "，；。") if i >= 0]
        before = text[clause_start : match.start()]
        after = text[match.end() : min(ends, default=len(text))]
        unit = self.units[match.group("unit")]
        if unit.kind in ("percent", "percentage_point"):
            special = self._rate_metric(before)
            if special:
                return special
        right_after = self._glossary_at(after, 0)
        if right_after:
            return right_after
        if unit.kind in _COUNTED:
            listed = self.metric_pattern.search(after[:12]) if self.metric_pattern is not None else None
            if listed and after[:1] not in "、，。；" and not re.search(r"[，。；]", after[: listed.start()]):
                zh, en = self.metrics[listed.group()]  # 1500个数字化、绿色化技改项目
                return zh, en, True
            counted = self._noun_after(after)
            if len(counted) >= 2:
                return (counted, *self.metrics.get(counted, (counted, None))[1:], True)
            threshold = _THRESHOLD.search(before)
            if threshold:
                return threshold.group(), None, True
        if self.metric_pattern is not None:
            found = list(self.metric_pattern.finditer(before))
            if found:
                zh, en = self.metrics[found[-1].group()]
                return zh, en, True
            later = self.metric_pattern.search(after)
            if later:
                zh, en = self.metrics[later.group()]
                return zh, en, True
        return "", None, False

    def _glossary_at(self, text: str, position: int) -> tuple[str, str | None, bool] | None:
        known = self.metric_pattern.match(text, position) if self.metric_pattern is not None else None
        if known is None:
            return None
        zh, en = self.metrics[known.group()]
        return zh, en, True

    def _rate_metric(self, before: str) -> tuple[str, str | None, bool] | None:
        """Shares and growth rates: 占…的66% is a share, 增长7.2% a growth rate, whatever grows."""
        if "占" in before:
            return self._glossary("占比", "share")
        growth = next(reversed(list(_GROWTH.finditer(before))), None)  # the last growth word
        if growth is None or (self.metric_pattern and self.metric_pattern.search(before[growth.end() :])):
            return None
        what = self._noun_before(before[: growth.start()])
        if what:  # 生产效率提升20%: the growth of what
            verb = "增长" if growth.group() in ("新增", "增加", "增幅", "增速") else growth.group()
            return what + verb, None, True
        word = "同比增长" if growth.group().startswith("同比") else "增长"
        return self._glossary(word, "year-on-year growth" if word == "同比增长" else "growth")

    def _noun_before(self, text: str) -> str:
        """The nouns that end a text: 示范项目生产效率 -> 生产效率 (two words at most)."""
        words = []
        tagged = self.lexicon.tag(text[-12:])
        while tagged and (tagged[-1][1][:1] in ("d", "a") or tagged[-1][0] in _ADVERBS):
            tagged.pop()  # 生产效率平均提升: skip 平均
        for word, flag in reversed(tagged):
            if not (flag.startswith("n") or flag in ("vn", "j")) or len(words) == 2:
                break
            words.insert(0, word)
        return "".join(words)

    def _glossary(self, zh: str, fallback_en: str) -> tuple[str, str | None, bool]:
        known = self.metrics.get(zh)
        return (known[0], known[1], True) if known else (zh, fallback_en, True)

    def _noun_after(self, text: str) -> str:
        """The noun phrase right after a unit: 70个重点项目 -> 重点项目, 7个乡村振兴劳务品牌试点 ->
        乡村振兴劳务品牌试点; '' when none follows (a verb, a particle, punctuation)."""
        words: list[str] = []
        for word, flag in self.lexicon.tag(text[:16]):
            verb_inside = flag.startswith("v") and words
            if len(words) == 5 or not (_is_noun_like(word, flag) or verb_inside):
                break
            words.append(word)
        while words and self.lexicon.tag(words[-1])[0][1].startswith("v"):
            words.pop()  # a phrase ends in a noun
        return "".join(words)


def _metric_from_earlier(figure: Figure, earlier: list[Figure], text: str, position: int) -> Figure:
    """累计分别达到144家、958家 takes 智能工厂 and 数字化车间 from 智能工厂17家、数字化车间224家 before it;
    累计达75家 (no metric of its own) takes the metric of the figure before it."""
    same = [f for f in earlier if f.quote == figure.quote and f.unit == figure.unit]
    clause_start = max(text.rfind(mark, 0, position) for mark in "，；") + 1
    ends = [i for i in (text.find(mark, position) for mark in "，；。") if i >= 0]
    respectively = text.find("分别", clause_start, position)
    if respectively >= 0:
        index = text.count("、", respectively, position)
        size = index + 1 + text.count("、", position, min(ends, default=len(text)))
        sources = same[: len(same) - index][-size:]
        if len(sources) == size:
            source = sources[index]
            return replace(figure, metric=source.metric, metric_en=source.metric_en)
    if not figure.metric and same:
        return replace(figure, metric=same[-1].metric, metric_en=same[-1].metric_en)
    return figure


def _excluded(text: str, match: re.Match) -> bool:
    start, end = match.start("number"), match.end()
    before = text[max(0, start - 1) : start]
    after = text[end : end + 3]
    if before in ("第", "+", "—", "-", "~", "至", "前") or text[end : end + 1] in ("+",):
        return True
    if match.group("unit") == "个" and after[:1] in ("月", "工", "小"):
        return True
    return bool(re.match(r"[A-Za-z]", text[match.end("number") : match.end("number") + 1]))


def _qualifier(match: re.Match) -> str | None:
    if match.group("before"):
        return _QUALIFIER_BEFORE[match.group("before")]
    if match.group("inner"):
        return _QUALIFIER_AFTER[match.group("inner")]
    if match.group("after"):
        return _QUALIFIER_AFTER[match.group("after")]
    return None


def _subject(sentence: Sentence, position: int, context: Context) -> str:
    """Who the figure is about: the first company, place, 该区/该行 or city word in its own clause
    (else in its sentence) before it. Places named only as a location (在高峰园) and examples
    (以…为代表) do not count. Else the last subject named earlier in the paragraph, else the
    article's own subject, else 重庆."""
    text = sentence.text
    candidates = _subject_candidates(sentence, position, context)
    clause_start = max(text.rfind(mark, 0, position) for mark in "，；：") + 1
    in_clause = [c for c in candidates if c[0] >= clause_start]
    chosen = min(in_clause or candidates, default=None)
    if chosen is not None:
        return chosen[1]
    fallback = context.main_company if context.company_article else context.main_district
    return _city_as_chongqing(sentence.previous_subject or fallback or "重庆")


def _subject_candidates(sentence: Sentence, position: int, context: Context) -> list[tuple[int, str]]:
    text = sentence.text
    examples = [(m.start(), m.end()) for m in _EXAMPLES.finditer(text)]
    spans = [(start, end) for start, end, _name in sentence.subjects]
    candidates = [
        (start, _city_as_chongqing(name))
        for start, end, name in sentence.subjects
        if start < position
        and not _LOCATIVE.search(text[max(0, start - 2) : start])
        and not any(a <= start < b for a, b in examples)
    ]
    city = context.main_company if context.company_article else "重庆"
    for pattern, name in (
        (_THIS_DISTRICT, context.main_district),
        (_THIS_COMPANY, context.main_company),
        (_CITY, city),
    ):
        for match in pattern.finditer(text[:position]):
            if name and not any(s <= match.start() < e for s, e in spans):
                candidates.append((match.start(), name))
    if context.company_article:
        candidates = [(start, context.main_company if name == "重庆" else name) for start, name in candidates]
    return candidates


def _city_as_chongqing(name: str) -> str:
    return "重庆" if name in ("全市", "我市", "本市", "重庆市", "重庆", "山城") else name


def _year(text: str, position: int, sentence: Sentence, page_year: int | None) -> int | None:
    before = text[:position]
    candidates: list[tuple[int, int]] = [(m.start(), int(m.group(1))) for m in _YEAR.finditer(before)]
    if page_year is not None:
        candidates += [(m.start(), page_year - 1) for m in re.finditer("去年|上年|过去一年", before)]
        candidates += [(m.start(), page_year) for m in re.finditer("今年|全年|当年", before)]
    if candidates:
        return max(candidates)[1]
    if sentence.year is not None:
        return sentence.year
    return None if _FUTURE.search(text) else page_year


def _stands_alone(number: str, text: str) -> bool:
    """Whether `number` is in `text` with no digit or point right before or after it (the regular expression
    (?<![\\d.])number(?![\\d.]), without compiling one per number)."""
    at = text.find(number)
    while at >= 0 and number:
        end = at + len(number)
        if (at == 0 or not _digit_or_point(text[at - 1])) and (end == len(text) or not _digit_or_point(text[end])):
            return True
        at = text.find(number, at + 1)
    return False


def _digit_or_point(char: str) -> bool:
    return char == "." or char.isdecimal()  # \d: any decimal digit


def _score(
    raw: str,
    match: re.Match,
    unit: UnitName,
    from_glossary: bool,
    sentence: Sentence,
    context: Context,
    paragraphs: int,
) -> float:
    score = 0.0
    number = match.group("number")
    if _stands_alone(number, context.headline):
        score += 4.0
    if sentence.paragraph == 0:
        score += 1.5
    if from_glossary:
        score += 2.0
    score += {"money": 1.5, "percent": 0.5, "percentage_point": 0.5}.get(unit.kind, 0.3)
    if raw in sentence.bold or number in "".join(sentence.bold):
        score += 2.0
    if match.group("unit") == "个" and not from_glossary:
        score -= 0.5
    if _in_quotation(sentence.text, match.start()):
        score -= 1.5  # a figure in someone's words is colour, not the record
    if _DATA_STATEMENT.match(sentence.text):
        score += 0.5
    score -= 1.0 * sentence.paragraph / max(paragraphs, 1)
    score += 0.05 * math.log10(max(float(number.replace(",", "")), 1.0))
    return score


def _is_noun_like(word: str, flag: str) -> bool:
    """Nouns and the words that modify them; not verbs, particles, prepositions, pronouns, punctuation."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in word):
        return False
    return flag[:1] in ("n", "b", "j", "l") or flag in ("vn", "an", "mq", "x", "i")


def _in_quotation(text: str, position: int) -> bool:
    before = text[:position]
    return before.count("“") > before.count("”")


def _clean_number(value: float) -> float | int:
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) else rounded


def _with_score(figure: Figure, score: float) -> Figure:
    return replace(figure, score=round(score, 3))
