"""What a run tells its user: progress on a terminal, warnings, and a one-line summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Reporter:
    """Collects warnings and counts; draws progress only when stderr is a terminal."""

    stream: TextIO = sys.stderr
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def interactive(self) -> bool:
        return self.stream.isatty()

    def progress(self, done: int, total: int, what: str) -> None:
        if self.interactive:
            self.stream.write(f"\r\x1b[K[{done}/{total}] {what}")
            self.stream.flush()
            if done == total:
                self.stream.write("\r\x1b[K")

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self.stream.write(f"warning: {message}\n")

    def error(self, message: str) -> None:
        if message in self.errors:  # one bad file seen by two stages of a build is one error
            return
        self.errors.append(message)
        self.stream.write(f"error: {message}\n")

    def note(self, message: str) -> None:
        """Something the user should see that is neither a warning nor an error (e.g. waiting for a lock)."""
        self.stream.write(f"{message}\n")
        self.stream.flush()

    def summary(self, action: str, **counts: int) -> str:
        parts = ", ".join(f"{value} {name}" for name, value in counts.items())
        seconds = time.monotonic() - self.started
        warnings = len(self.warnings)
        errors = f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}, " if self.errors else ""
        line = f"{action}: {parts}, {errors}{warnings} warning{'s' if warnings != 1 else ''} in {seconds:.1f} s"
        print(line)
        return line
