"""Crash safety: `briefing build` killed with SIGKILL at any moment leaves the previous site whole and
content/ consistent, and the next build succeeds; two runs never write at the same time.

State A is a built project; the seed is then changed, so a complete build gives state B (computed
once in a copy). After a kill the site must be exactly A or exactly B, content/ exactly A or B (or a
committed journal that the next run finishes), and the next build must reach exactly B, without any
field taken for an editor's edit.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.check import check_site
from generator.pipeline import Paths

from .conftest import ROOT, TEMPLATES

SEEDS = ("001_2d698e00e8e37bcc.txt", "004_8558ad0e888ddfda.txt")
IGNORED = (".briefing.lock", ".site.lock")


def _paths(root: Path) -> Paths:
    return Paths(root / "seeds", root / "content", root / "site", TEMPLATES)


def _command(paths: Paths) -> list[str]:
    folders = ["--seeds", str(paths.seeds), "--content", str(paths.content), "--out", str(paths.out)]
    return [sys.executable, "-m", "generator", "build", *folders]


def _build(paths: Paths, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        _command(paths), capture_output=True, text=True, cwd=ROOT, timeout=300, env={**os.environ, **env}
    )


def _digest(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        # .cache/ holds extraction results by seed hash: a killed run may leave entries for seeds it got
        # through, which is what a cache is for (each entry is written whole, by rename)
        if p.is_file() and p.name not in IGNORED and ".journal" not in p.parts and ".cache" not in p.parts
    }


def _change_seed(paths: Paths) -> None:
    seed = paths.seeds / SEEDS[0]
    seed.write_text(seed.read_text("utf-8").replace("计划总投资206亿元\n", "计划总投资208亿元\n", 1), "utf-8")


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """A project at state A with the seed already changed, and the digests of states A and B."""
    base = tmp_path_factory.mktemp("crash")
    a = base / "a"
    (a / "seeds").mkdir(parents=True)
    for name in SEEDS:
        shutil.copy(ROOT / "seeds" / name, a / "seeds")
    shutil.copytree(ROOT / "content" / "reference", a / "content" / "reference")
    first = _build(_paths(a))
    assert first.returncode == 0, first.stderr
    site_a, content_a = _digest(a / "site"), _digest(a / "content")
    _change_seed(_paths(a))
    b = base / "b"
    shutil.copytree(a, b)
    started = time.monotonic()
    second = _build(_paths(b))
    duration = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    site_b, content_b = _digest(b / "site"), _digest(b / "content")
    assert site_a != site_b and content_a != content_b
    again = base / "again"  # the build is deterministic: the same inputs give the same bytes
    shutil.copytree(a, again)
    assert _build(_paths(again)).returncode == 0
    assert _digest(again / "site") == site_b and _digest(again / "content") == content_b
    return {
        "a": a,
        "site_a": site_a,
        "content_a": content_a,
        "site_b": site_b,
        "content_b": content_b,
        "duration": duration,
    }


def _fresh(states, tmp_path: Path) -> Paths:
    shutil.copytree(states["a"], tmp_path / "p")
    return _paths(tmp_path / "p")


def _after_kill(states, paths: Paths, exchange: bool = True) -> None:
    """The state right after a kill, then the next build."""
    site = _digest(paths.out)
    if exchange:
        assert site in (states["site_a"], states["site_b"]), "the site is neither the old one nor the new one"
    else:  # two renames: a kill between them leaves the old site whole beside its place
        old = _digest(paths.out.with_name(".site-old"))
        assert site in (states["site_a"], states["site_b"]) or old == states["site_a"]
    content = _digest(paths.content)
    committed = (paths.content / ".journal" / "manifest.json").exists()
    assert content in (states["content_a"], states["content_b"]) or committed, "content/ is half-written"
    following = _build(paths)
    assert following.returncode == 0, following.stderr
    assert "waiting for another briefing run" not in following.stderr  # the kill released the lock
    assert _digest(paths.out) == states["site_b"]
    assert _digest(paths.content) == states["content_b"]  # nothing was mistaken for an editor's edit
    assert not (paths.content / "conflicts.yaml").exists() and not (paths.content / ".journal").exists()
    assert not [p.name for p in paths.out.parent.iterdir() if p.name.startswith(".site-")]


@pytest.mark.parametrize(
    "moment", ["content-committed", "content-half-applied", "site-staged", "site-exchanged", "site-half-swapped"]
)
def test_a_build_killed_at_a_given_moment(states, tmp_path, moment):
    paths = _fresh(states, tmp_path)
    exchange = moment != "site-half-swapped"
    env = {"BRIEFING_TEST_KILL_AT": moment, **({} if exchange else {"BRIEFING_NO_EXCHANGE": "1"})}
    killed = _build(paths, **env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if moment.startswith("content") or moment == "site-staged":
        assert _digest(paths.out) == states["site_a"]  # the previous site, untouched
    _after_kill(states, paths, exchange)


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.75, 0.9])
def test_a_build_killed_from_outside_at_any_time(states, tmp_path, fraction):
    paths = _fresh(states, tmp_path)
    process = subprocess.Popen(_command(paths), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=states["duration"] * fraction)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
    _after_kill(states, paths)


def test_a_second_run_waits_for_the_first_and_says_so(states, tmp_path):
    paths = _fresh(states, tmp_path)
    with open(paths.content / ".briefing.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        process = subprocess.Popen(_command(paths), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = process.stderr.readline()
        assert f"waiting for another briefing run (pid {os.getpid()}) that is writing {paths.content}" in line
        assert _digest(paths.out) == states["site_a"]  # nothing written while it waits
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert _digest(paths.out) == states["site_b"]


def test_two_builds_started_at_once(states, tmp_path):
    paths = _fresh(states, tmp_path)
    runs = [
        subprocess.Popen(_command(paths), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(r.communicate(timeout=300), r.returncode) for r in runs]
    assert [code for _, code in results] == [0, 0], results
    assert _digest(paths.out) == states["site_b"] and _digest(paths.content) == states["content_b"]
    assert check_site(paths.out) == []
