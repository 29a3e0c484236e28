"""`briefing serve`: a local preview of site/ that rebuilds when seeds, content or templates change.

A plain HTTP server on localhost (no network beyond it) and a watcher that polls file times once a
second; a failed rebuild leaves the last good site in place and prints the error.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

POLL_SECONDS = 1.0


def snapshot(folders: Iterable[Path]) -> dict[Path, float]:
    """Modification time of every file under the folders (hidden build folders excluded)."""
    times = {}
    for folder in folders:
        for path in folder.rglob("*") if folder.is_dir() else ():
            if path.is_file() and not path.name.endswith(".tmp"):
                times[path] = path.stat().st_mtime
    return times


def watch(folders: list[Path], rebuild: Callable[[], None], stop: threading.Event) -> None:
    """Call rebuild whenever a file under folders is added, removed or changed."""
    seen = snapshot(folders)
    while not stop.wait(POLL_SECONDS):
        now = snapshot(folders)
        if now != seen:
            rebuild()
            seen = snapshot(folders)  # the build itself rewrites content/: do not rebuild for that


def serve(
    out: Path, folders: list[Path], rebuild: Callable[[], None], host: str = "127.0.0.1", port: int = 8000
) -> None:
    handler = functools.partial(QuietHandler, directory=str(out))
    server = ThreadingHTTPServer((host, port), handler)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(folders, rebuild, stop), daemon=True)
    watcher.start()
    print(f"serving {out} at http://{host}:{server.server_address[1]}/ (rebuilds on change; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serving(folder: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """The folder served on 127.0.0.1 (a free port) from a background thread while the block runs;
    yields its root URL, ending in '/'. Used by the tests and the benchmarks."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def timed(action: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        started = time.monotonic()
        try:
            action()
            print(f"rebuilt in {time.monotonic() - started:.1f} s")
        except Exception as error:  # keep serving the last good site
            print(f"rebuild failed: {error}")

    return run
