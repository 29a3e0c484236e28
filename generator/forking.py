"""Work spread over the machine's cores by forked processes that inherit the build's memory.

A forked worker starts with everything the build has already loaded (the jieba dictionary, compiled
reference data, templates, the site's data), so nothing is loaded twice; only the items' results travel
back. Where fork is unavailable, or one core is all there is, the work runs in the build process.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent dies."""

_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The function and items of the running fork_map, inherited by its workers."""
_beside: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The same for `started`: its workers run beside a fork_map's."""


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and cores() > 1


def fork_map(function: Callable[[Any], Any], items: Sequence[Any], workers: int | None = None) -> list[Any]:
    """[function(item) for item in items], computed in forked workers when that can help; in order."""
    workers = min(workers or cores(), len(items), 8)
    if workers <= 1 or not can_fork():
        return [function(item) for item in items]
    global _job
    _job = (function, items)
    # what the workers inherit is left out of the garbage collector's walks (gc.freeze): a walk writes to
    # every object it visits, which copies the inherited memory into each worker, and takes long
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_end_with, initargs=(os.getpid(),)) as pool:
            return list(pool.map(_run, range(len(items))))
    finally:
        gc.unfreeze()
        _job = None


@contextlib.contextmanager
def started(function: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Callable[[], list[Any]]]:
    """[function(item) for item in items] begun now, each item in a forked worker of its own, beside what the
    caller does next (which may fork_map too); the function yielded waits for the results, in order. Where
    fork_map would not fork, the items are computed when their results are asked for."""
    if not items or not can_fork():
        yield lambda: [function(item) for item in items]
        return
    global _beside
    _beside = (function, items)
    gc.freeze()  # as in fork_map
    try:
        context = multiprocessing.get_context("fork")
        ending = {"initializer": _end_with, "initargs": (os.getpid(),)}
        with ProcessPoolExecutor(len(items), mp_context=context, **ending) as pool:
            futures = [pool.submit(_run_beside, index) for index in range(len(items))]
            yield lambda: [future.result() for future in futures]
    finally:
        gc.unfreeze()
        _beside = None


def _end_with(parent: int) -> None:
    """A worker ends when its build is killed: it would wait for work forever (its siblings keep the work
    queue open) and keep the build's locks held (it inherited their files)."""
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # Linux; elsewhere no such call
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # killed before the call above
        os._exit(1)
    # the build may have paused the collector (memo.collector_paused); a worker renders thousands of pages whose
    # cycles (Jinja's contexts) would pile up, and what it inherited is frozen, out of the collector's walks
    gc.enable()


def _run(index: int) -> Any:
    assert _job is not None, "workers are forked from a fork_map that set the job"
    function, items = _job
    return function(items[index])


def _run_beside(index: int) -> Any:
    assert _beside is not None, "workers are forked from `started`, which set the job"
    function, items = _beside
    return function(items[index])
