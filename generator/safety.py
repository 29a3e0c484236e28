"""Crash and concurrency safety: one run at a time per folder, and a site swapped in whole.

- `locked(...)`: an exclusive fcntl.flock on a lock file beside each folder a run writes (content/
  and the output folder). A second run waits, saying who it waits for; the kernel releases the lock
  when a process dies, so a killed run never leaves a stale lock behind.
- `swap_in(staging, out)`: the new site replaces the old one with one atomic exchange of the two
  folders (Linux renameat2 RENAME_EXCHANGE); elsewhere with two renames, and `recover_site` puts
  the old site back if a run died between them.
- `recover_site(out)`: removes staging folders of killed runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_NAME = ".briefing.lock"
_held: dict[Path, int] = {}
_guard = threading.Lock()


def content_lock(content: Path) -> Path:
    return content / LOCK_NAME


def site_lock(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def locked(*lock_files: Path, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold these lock files (re-entrant within a process), always taken in the same order."""
    paths = sorted({p.absolute() for p in lock_files})
    with contextlib.ExitStack() as stack:
        for path in paths:
            stack.enter_context(_lock(path, say))
        yield


@contextlib.contextmanager
def _lock(path: Path, say: Callable[[str], None] | None) -> Iterator[None]:
    with _guard:
        if path in _held:
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = (os.pread(descriptor, 64, 0).decode("ascii", "replace").split() or ["unknown"])[0]
            (say or _stderr)(
                f"waiting for another briefing run (pid {holder}) that is writing {path.parent}; "
                f"it holds {path.name} until it ends"
            )
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        with _guard:
            _held[path] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[path]
            os.ftruncate(descriptor, 0)  # no pid left behind: two runs leave the same bytes
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _stderr(message: str) -> None:
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def _old(out: Path) -> Path:
    return out.with_name(f".{out.name}-old")


def recover_site(out: Path) -> None:
    """After a killed run: put the old site back if the swap was cut in half; drop staging folders."""
    old = _old(out)
    if not out.exists() and old.is_dir():
        old.rename(out)
    if out.parent.is_dir():
        for stale in out.parent.glob(f".{out.name}-*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)


def swap_in(staging: Path, out: Path) -> None:
    """Make `staging` the site at `out` in one step; the old site is removed afterwards."""
    crash_point("site-staged")
    if out.exists() and _exchange(staging, out):
        crash_point("site-exchanged")
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old site
        return
    old = _old(out)
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
        crash_point("site-half-swapped")
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where the system cannot."""
    if os.environ.get("BRIEFING_NO_EXCHANGE") or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def crash_point(name: str) -> None:
    """Tests of crash safety set BRIEFING_TEST_KILL_AT to die here, as kill -9 or a power cut would."""
    if os.environ.get("BRIEFING_TEST_KILL_AT") == name:
        os.kill(os.getpid(), 9)
