"""The `briefing` command: a thin wrapper around pipeline.py (SPEC §8)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

from .check import check_site
from .errors import BriefingError
from .pipeline import BuildFailed, KeptLexicon, Paths, update_translations
from .pipeline import build as run_build
from .pipeline import extract as run_extract
from .pipeline import render as run_render
from .render import RenderOptions
from .report import Reporter

PROJECT = Path.cwd()


def run() -> None:
    """The `briefing` command in a process of its own. A build's objects live until it ends, so Python's
    cyclic collector would only walk them (about 0.4 s when a build of 2,000 pages re-enables it) and so
    would the interpreter's teardown (0.3 s): the collector stays off (forked workers collect), and the
    process ends without a teardown once its output is flushed. `serve` runs for long: it collects."""
    if sys.argv[1:2] != ["serve"]:
        gc.disable()
    end(main())


def end(status: int) -> NoReturn:
    """Flush the output and end the process without the interpreter's teardown (`run`)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    reporter = Reporter()
    paths = Paths(args.seeds, args.content, args.out, args.templates)
    try:
        status = args.run(paths, reporter, args)
    except (BriefingError, BuildFailed) as error:
        if isinstance(error, BriefingError):
            reporter.error(error.message)
        print(
            f"{args.command} failed: {error if isinstance(error, BuildFailed) else 'see the error above'}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(f"{args.command} interrupted; the previous site and content/ are unchanged", file=sys.stderr)
        return 130
    except OSError as error:
        reporter.error(f"{error.filename or ''}: {error.strerror or error}".lstrip(": "))
        print(f"{args.command} failed: check that the folder exists and is writable", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - a bug: one clear line, the traceback only on request
        if os.environ.get("BRIEFING_DEBUG"):
            raise
        frame = traceback.extract_tb(error.__traceback__)[-1]
        reporter.error(
            f"internal error {type(error).__name__}: {error} (at {Path(frame.filename).name}:{frame.lineno}); "
            "please report it with the input that caused it; BRIEFING_DEBUG=1 shows the traceback"
        )
        return 2
    if reporter.errors and status == 0:
        print(f"{args.command}: {len(reporter.errors)} file(s) skipped, see the errors above", file=sys.stderr)
        return 1
    return status


def _options(args: argparse.Namespace) -> RenderOptions:
    return RenderOptions(base_url=args.base_url, strict=args.strict, pdf=args.pdf)


def _extract(paths: Paths, reporter: Reporter, args: argparse.Namespace) -> int:
    result = run_extract(paths, reporter)
    reporter.summary(
        "extracted",
        articles=len(result.articles) + result.settled,
        **{"files changed": result.written, "conflicts": len(result.conflicts)},
    )
    return 0


def _render(paths: Paths, reporter: Reporter, args: argparse.Namespace) -> int:
    result = run_render(paths, reporter, _options(args))
    reporter.summary(
        "rendered",
        pages=result.pages,
        articles=result.articles,
        figures=result.figures,
        **{"untranslated": result.english_missing, "pages rendered": result.pages_rendered},
        **{"files written": result.files_written},
    )
    return 0


def _build(paths: Paths, reporter: Reporter, args: argparse.Namespace) -> int:
    merged, rendered = run_build(paths, reporter, options=_options(args))
    reporter.summary(
        "built",
        pages=rendered.pages,
        articles=rendered.articles,
        figures=rendered.figures,
        conflicts=len(merged.conflicts),
        untranslated=rendered.english_missing,
        **{"pages rendered": rendered.pages_rendered, "files written": rendered.files_written},
    )
    return 0


def _check(paths: Paths, reporter: Reporter, args: argparse.Namespace) -> int:
    problems = check_site(paths.out)
    for problem in problems:
        reporter.error(problem)
    pages = sum(1 for _ in paths.out.rglob("*.html")) if paths.out.is_dir() else 0
    reporter.summary("checked", pages=pages, problems=len(problems))
    return 1 if problems else 0


def _translations(paths: Paths, reporter: Reporter, args: argparse.Namespace) -> int:
    status, written = update_translations(paths)
    for line in status.lines():
        print(line)
    reporter.summary(
        "translations",
        strings=status.total,
        translated=status.translated,
        missing=len(status.missing),
        stale=len(status.stale),
        obsolete=len(status.obsolete),
        **{"files changed": written},
    )
    return 1 if args.strict and (status.missing or status.stale) else 0


def _serve(paths: Paths, reporter: Reporter, args: argparse.Namespace) -> int:
    from .serve import serve, timed

    options = _options(args)
    lexicon = KeptLexicon(paths.content)  # jieba stays loaded between rebuilds
    rebuild = timed(lambda: run_build(paths, Reporter(), lexicon.current(), options=options))
    run_build(paths, reporter, lexicon.current(), options=options)
    serve(paths.out, [paths.seeds, paths.content, paths.templates], rebuild, port=args.port)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description="Build the Chongqing Manufacturing Briefing site.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, run, help_text in (
        ("build", _build, "seeds -> content -> site (the main job)"),
        ("extract", _extract, "seeds -> content/ (keeps editors' changes)"),
        ("render", _render, "content/ -> site/"),
        ("serve", _serve, "build, serve site/ on localhost and rebuild on change"),
        ("check", _check, "verify a built site: links (root, sub-path, disk), language pairs, data files"),
        ("translations", _translations, "update content/translations/ and report missing or stale English"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.set_defaults(run=run)
        command.add_argument("--seeds", type=Path, default=PROJECT / "seeds", help="raw pages (default: seeds/)")
        command.add_argument(
            "--content", type=Path, default=PROJECT / "content", help="editable content (default: content/)"
        )
        command.add_argument("--out", type=Path, default=PROJECT / "site", help="output folder (default: site/)")
        command.add_argument("--templates", type=Path, default=PROJECT / "templates", help=argparse.SUPPRESS)
        if name in ("build", "render", "serve"):
            command.add_argument("--base-url", help="absolute URL of the published site, for canonical/sitemap/feed")
            command.add_argument("--pdf", action="store_true", help="also print zh/briefing.pdf and en/briefing.pdf")
        if name in ("build", "render", "serve", "translations"):
            command.add_argument("--strict", action="store_true", help="fail on missing or stale English")
        if name == "serve":
            command.add_argument("--port", type=int, default=8000, help="port on localhost (default: 8000)")
    return parser
