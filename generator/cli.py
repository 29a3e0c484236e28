"""The `briefing` command: a thin wrapper around pipeline.py (SPEC §8)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import BriefingError
from .pipeline import BuildFailed, Paths
from .pipeline import build as run_build
from .pipeline import extract as run_extract
from .pipeline import render as run_render
from .report import Reporter

PROJECT = Path.cwd()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    reporter = Reporter()
    paths = Paths(args.seeds, args.content, args.out, args.templates)
    try:
        return args.run(paths, reporter)
    except (BriefingError, BuildFailed) as error:
        if isinstance(error, BriefingError):
            reporter.error(error.message)
        print(
            f"{args.command} failed: {error if isinstance(error, BuildFailed) else 'see the error above'}",
            file=sys.stderr,
        )
        return 1


def _extract(paths: Paths, reporter: Reporter) -> int:
    result = run_extract(paths, reporter)
    reporter.summary(
        "extracted",
        articles=len(result.articles),
        **{"files changed": result.written, "conflicts": len(result.conflicts)},
    )
    return 0


def _render(paths: Paths, reporter: Reporter) -> int:
    result = run_render(paths, reporter)
    reporter.summary("rendered", pages=result.pages, articles=result.articles, figures=result.figures)
    return 0


def _build(paths: Paths, reporter: Reporter) -> int:
    merged, rendered = run_build(paths, reporter)
    reporter.summary(
        "built",
        pages=rendered.pages,
        articles=rendered.articles,
        figures=rendered.figures,
        conflicts=len(merged.conflicts),
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description="Build the Chongqing Manufacturing Briefing site.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run, help_text in (
        ("build", _build, "seeds -> content -> site (the main job)"),
        ("extract", _extract, "seeds -> content/ (keeps editors' changes)"),
        ("render", _render, "content/ -> site/"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.set_defaults(run=run)
        command.add_argument("--seeds", type=Path, default=PROJECT / "seeds", help="raw pages (default: seeds/)")
        command.add_argument(
            "--content", type=Path, default=PROJECT / "content", help="editable content (default: content/)"
        )
        command.add_argument("--out", type=Path, default=PROJECT / "site", help="output folder (default: site/)")
        command.add_argument("--templates", type=Path, default=PROJECT / "templates", help=argparse.SUPPRESS)
    return parser
