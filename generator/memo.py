"""A memory across builds for values that are costly to make and cheap to keep: one pickle file.

`scope` names everything the values depend on besides their own key (reference data, translations,
the code that makes them): a memory saved under another scope is not used. Entries a run did not use
are dropped when it saves, so the file holds one build's worth. A missing, old or damaged file is an
empty memory; the file is replaced atomically (temporary file + rename).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO


def read_pickle(file: Path) -> Any:
    """What `write_pickle` stored, or None when the file is missing, damaged or from other code."""
    try:
        with file.open("rb") as stream, collector_paused():
            return pickle.load(stream)
    except Exception:  # noqa: BLE001 - unpickling a damaged file can raise almost anything
        return None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while many objects that live on are made (a build, loading a
    cache, the search index's 300,000 documents at 10,000 pages): every few hundred new objects it walks the
    young ones, every so often all of them (the whole site data), finding nothing to free. A build with one
    seed changed among 2,000 spent 1.6-1.8 s of its 9-10 s in it. Reference counting still frees what a build
    drops; only cycles wait for the collector, after the build."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_pickle(file: Path, value: Any) -> None:
    """Store `value` so that a killed run leaves the old file or the new one, never half of one."""
    write_atomically(file, lambda stream: pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL))


def write_atomically(file: Path, dump: Callable[[BinaryIO], None]) -> None:
    """`dump` into a temporary file beside `file`, then renamed over it: a reader never sees half of one."""
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            dump(stream)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Memo:
    def __init__(self, file: Path | None, scope: bytes) -> None:
        self.file, self.scope = file, scope
        self._old: dict[bytes, Any] = {}
        self._used: dict[bytes, Any] = {}
        self._changed = False
        stored = read_pickle(file) if file else None
        if isinstance(stored, dict) and stored.get("scope") == scope and isinstance(stored.get("entries"), dict):
            self._old = stored["entries"]

    def get(self, key: bytes) -> Any:
        if key in self._old:
            value = self._used[key] = self._old[key]
            return value
        return None

    def put(self, key: bytes, value: Any) -> None:
        self._used[key] = value
        self._changed = True

    def save(self) -> None:
        if self.file is None or not (self._changed or len(self._used) != len(self._old)):
            return
        write_pickle(self.file, {"scope": self.scope, "entries": self._used})


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


@functools.cache
def generator_digest() -> str:
    """The generator's own code: what runs cannot change while it runs, so it is read once per process."""
    return code_digest(Path(__file__).resolve().parent)


def code_digest(*folders: Path) -> str:
    """The files of `folders` (templates, the generator's code) as one digest."""
    hasher = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            hasher.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()
