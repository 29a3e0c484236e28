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
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent dies."""

_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The function and items of the running fork_map, inherited by its workers."""


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and cores() > 1


def fork_map(function: Callable[[Any], Any], items: Sequence[Any], workers: int | None = None) -> list[Any]:
    """[function(item) for item in items], computed in forked workers when that can help; in order."""
    return list(fork_each(function, items, workers))


def fork_each(function: Callable[[Any], Any], items: Sequence[Any], workers: int | None = None) -> Iterator[Any]:
    """fork_map's results one at a time, in order, as they come: the caller may let each go before the next."""
    workers = min(workers or cores(), len(items), 8)
    if workers <= 1 or not can_fork():
        yield from (function(item) for item in items)
        return
    global _job
    _job = (function, items)
    _give_back_freed_memory()
    # what the workers inherit is left out of the garbage collector's walks (gc.freeze): a walk writes to
    # every object it visits, which copies the inherited memory into each worker, and takes long
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_end_with, initargs=(os.getpid(),)) as pool:
            yield from pool.map(_run, range(len(items)))
    finally:
        gc.unfreeze()
        _job = None


@contextlib.contextmanager
def started(function: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Callable[[], list[Any]]]:
    """[function(item) for item in items] begun now, each item in a forked worker of its own, beside what the
    caller does next (which may fork_map too); the function yielded waits for the results, in order. Where
    fork_map would not fork, the items are computed when their results are asked for.

    Plain fork and a pipe per worker, not a process pool: a pool runs threads in the build process, and a
    fork_map forking while they run could copy a lock one of them holds (Python 3.12 warns of it). A worker
    not waited for when the block ends (an error in the build) is killed."""
    if not items or not can_fork():
        yield lambda: [function(item) for item in items]
        return
    workers: list[tuple[int, int]] = []
    _give_back_freed_memory()
    gc.freeze()  # as in fork_map
    try:
        for item in items:
            workers.append(_forked(function, item))
        yield lambda: [_result(pid, pipe) for pid, pipe in workers]
    finally:
        gc.unfreeze()
        for pid, pipe in workers:
            _stop(pid, pipe)


def _give_back_freed_memory() -> None:
    """Return the memory the build has freed to the system before forking (glibc's malloc keeps freed
    pages inside its heap): a worker's resident memory counts every page it inherits, freed or not. At
    10,000 pages, after the content cache was let go, the build process went from 1,042 to 953 MB."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _forked(function: Callable[[Any], Any], item: Any) -> tuple[int, int]:
    """A worker computing function(item): its pid and the reading end of the pipe its result comes through."""
    parent = os.getpid()
    read, write = os.pipe()
    _flush_output()  # else the worker would write what the build had not written yet, again
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    status = 1
    try:  # the worker: never returns
        os.close(read)
        _end_with(parent)
        try:
            payload = pickle.dumps((True, function(item)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as error:  # noqa: BLE001 - every error goes to the build, as a pool sends it
            where = traceback.format_exc()
            try:
                payload = pickle.dumps((False, error, where), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an error that does not pickle arrives as its text
                payload = pickle.dumps((False, RuntimeError(where.strip().splitlines()[-1]), where))
        with os.fdopen(write, "wb") as stream:
            stream.write(payload)
        status = 0
    finally:
        _flush_output()
        os._exit(status)


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _result(pid: int, pipe: int) -> Any:
    with os.fdopen(pipe, "rb", closefd=False) as stream:
        payload = stream.read()
    os.waitpid(pid, 0)
    if not payload:
        raise RuntimeError(f"a forked worker (pid {pid}) ended without a result")
    done, value, *where = pickle.loads(payload)
    if not done:
        raise value from RuntimeError(f"in a forked worker:\n{where[0]}")
    return value


def _stop(pid: int, pipe: int) -> None:
    """Close the worker's pipe and reap it, killing it first if it still runs."""
    os.close(pipe)
    try:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (its result was read)
        pass


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
