"""A synthetic archive for the scale benchmark: N newspaper pages recombined from the seeds' paragraphs.

Each page is one article, as a reporter files it: a headline, a byline, then eight to fourteen body
paragraphs drawn from the seeds, with the district, the companies and the numbers varied so that the
extraction, the topic pages and the search index see realistic, different content. Deterministic for a
given N and seed.

Usage: .venv/bin/python bench/corpus.py N OUT_DIR
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.reference import load_reference  # noqa: E402

_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")
_YEAR = re.compile(r"^(19|20)\d\d$")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然雪松波"


@dataclass(frozen=True)
class Pool:
    headlines: list[str]
    paragraphs: list[str]
    districts: list[tuple[str, str]]
    """(full name, short name): 铜梁区, 铜梁."""
    companies: list[str]


def load_pool() -> Pool:
    reference = load_reference(ROOT / "content")
    districts = [
        (p.zh, (p.aliases or (p.zh,))[0])
        for p in reference.places
        if p.kind in ("district", "county", "autonomous_county") and p.parent is None
    ]
    companies = [c.zh for c in reference.companies if c.kind == "company" and len(c.zh) >= 6]
    headlines, paragraphs = [], []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        for block in re.split(r"\n\s*\n", seed.read_text("utf-8")):
            text = " ".join(line.strip() for line in block.splitlines()).strip()
            if 12 <= len(text) <= 30 and not re.search(r"[。，；：:]", text) and not text.startswith(("□", "#")):
                headlines.append(text)
            elif len(text) >= 60 and text.endswith(("。", "”", "！")):
                paragraphs.append(text)
    return Pool(headlines, paragraphs, districts, companies)


def vary(text: str, pool: Pool, district: tuple[str, str], rng: random.Random) -> str:
    """The paragraph about another district and other companies, with other numbers."""
    for full, short in pool.districts:
        if full != district[0]:
            text = text.replace(full, district[0])
        if short != district[1] and len(short) >= 2:
            text = text.replace(short, district[1])
    for company in pool.companies:
        if company in text:
            text = text.replace(company, rng.choice(pool.companies))

    def number(match: re.Match) -> str:
        raw = match.group(1)
        if _YEAR.match(raw):
            return raw
        value = float(raw) * rng.uniform(0.5, 1.8)
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        return f"{value:.{decimals}f}" if decimals else str(max(1, round(value)))

    return _NUMBER.sub(number, text)


def page(index: int, pool: Pool, rng: random.Random) -> str:
    district = rng.choice(pool.districts)
    headline = vary(rng.choice(pool.headlines), pool, district, rng)
    if district[1] not in headline:
        headline = f"{district[1]}：{headline}"
    reporter = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    body = [vary(p, pool, district, rng) for p in rng.sample(pool.paragraphs, rng.randint(8, 14))]
    return "\n\n".join([f"# {headline}", f"□本报记者 {reporter}", *body]) + "\n"


def write_corpus(count: int, out: Path, seed: int = 20261121) -> list[Path]:
    pool, rng = load_pool(), random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        path = out / f"{i:05d}_synthetic.txt"
        path.write_text(page(i, pool, rng), "utf-8")
        files.append(path)
    return files


if __name__ == "__main__":
    written = write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {len(written)} pages, {sum(p.stat().st_size for p in written):,} bytes, to {sys.argv[2]}")
