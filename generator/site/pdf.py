"""The printed briefing as PDF: headless Chromium prints zh/briefing/ and en/briefing/ (`--pdf`).

Needs Debian's `chromium` and `fonts-noto-cjk` (`./dev build --pdf` installs them when missing).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import BriefingError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    raise BriefingError("--pdf", "no Chromium found on PATH", "install it (`./dev build --pdf` does) or drop --pdf")


def print_pdf(browser: str, page: Path, target: Path) -> None:
    """Print one HTML file to PDF with the page's own print stylesheet (A4, page numbers)."""
    with tempfile.TemporaryDirectory(prefix="briefing-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            page.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or not target.exists():
        raise BriefingError(
            str(page),
            f"Chromium could not print the briefing: {result.stderr.strip()[-300:]}",
            "check that chromium runs headless on this machine",
        )
