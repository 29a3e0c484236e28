"""Benchmark: the full build (seeds -> content -> site, both languages) as a user runs it; prints numbers.

Usage: .venv/bin/python bench/site_speed.py [--repeat N]   (also run by ./dev bench)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    timings, line = [], ""
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            content = Path(tmp) / "content"
            shutil.copytree(ROOT / "content" / "reference", content / "reference")
            shutil.copytree(ROOT / "content" / "translations", content / "translations")
            command = [
                sys.executable,
                "-m",
                "generator",
                "build",
                "--seeds",
                str(ROOT / "seeds"),
                "--content",
                str(content),
                "--out",
                str(Path(tmp) / "site"),
            ]
            started = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
            timings.append(time.perf_counter() - started)
            line = result.stdout.strip()
            pages = sum(1 for _ in (Path(tmp) / "site").rglob("*.html"))
    print(f"full build (fresh content/, new process, both languages): {line}")
    print(
        f"html files: {pages}; wall time median {statistics.median(timings):.2f} s, min {min(timings):.2f} s "
        f"over {args.repeat} runs (target: under 5 s)"
    )


if __name__ == "__main__":
    main()
