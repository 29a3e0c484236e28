"""Benchmark: time to ingest, extract and render the shipped seeds (prints numbers; not a test).

Usage: ./dev bench [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from generator.content import merge_articles
from generator.extract import Knowledge
from generator.lexicon import Lexicon
from generator.pipeline import Paths, extract_articles, render
from generator.reference import load_reference
from generator.report import Reporter

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    reference = load_reference(ROOT / "content")
    knowledge = Knowledge.build(reference, Lexicon(reference.user_words()))
    load = time.perf_counter() - started
    timings: dict[str, list[float]] = {"ingest+extract": [], "content merge": [], "render": []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
            paths = Paths(ROOT / "seeds", Path(tmp) / "content", Path(tmp) / "site", ROOT / "templates")
            reporter = Reporter()
            t0 = time.perf_counter()
            articles = extract_articles(paths, reporter, knowledge)
            t1 = time.perf_counter()
            merge_articles(paths.content, articles)
            t2 = time.perf_counter()
            result = render(paths, reporter)
            t3 = time.perf_counter()
        timings["ingest+extract"].append(t1 - t0)
        timings["content merge"].append(t2 - t1)
        timings["render"].append(t3 - t2)
    seeds = len(list((ROOT / "seeds").glob("*.txt")))
    print(f"seeds: {seeds}, articles: {len(articles)}, pages: {result.pages}, repeats: {args.repeat}")
    print(f"reference data and lexicon load: {load:.2f} s")
    for stage, values in timings.items():
        print(f"{stage:15} median {statistics.median(values):.3f} s  min {min(values):.3f} s")
    total = sum(statistics.median(v) for v in timings.values())
    print(f"{'total':15} median {total:.3f} s (excluding dictionary load)")


if __name__ == "__main__":
    main()
