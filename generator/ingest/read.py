"""Read a seed file into text: detect the encoding, refuse what is not text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import BriefingError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


MAX_SEED_BYTES = 4 * 1024 * 1024
"""A newspaper page is 10-30 KB of text; a seed far larger is not a page (and would take hours to read)."""


@dataclass(frozen=True)
class SeedText:
    text: str
    encoding: str
    warning: str = ""


def read_seed(path: Path) -> SeedText:
    """Decode a seed. UTF-8 (with or without BOM) silently; other encodings with a warning."""
    size = path.stat().st_size
    if size > MAX_SEED_BYTES:
        raise BriefingError(
            str(path),
            f"is {size / 2**20:.1f} MB; a seed is one newspaper page (at most {MAX_SEED_BYTES // 2**20} MB)",
            "split it into one file per page, or remove it from the seeds folder",
        )
    data = path.read_bytes()
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise BriefingError(
                    str(path),
                    f"starts like {encoding} text (a byte-order mark) but byte {error.start} is not {encoding}",
                    "save it again as UTF-8, or remove it from the seeds folder if it is not a text page",
                ) from None
            if _binary_share(text) > 0.05:
                raise BriefingError(str(path), "is a binary file, not a text page", "remove it from the seeds folder")
            note = "" if encoding == "utf-8-sig" else f"{path.name}: decoded as {encoding}; consider saving as UTF-8"
            return SeedText(_clean_newlines(text), encoding, note)
    if b"\x00" in data[:4096] and _looks_like_utf16(data):
        return _decode_other(path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if b"\x00" in data[:4096]:
            raise BriefingError(
                str(path), "is a binary file, not a text page", "remove it from the seeds folder"
            ) from None
        return _decode_other(path, data)
    share = _binary_share(text)
    if share > 0.05:
        raise BriefingError(str(path), "is a binary file, not a text page", "remove it from the seeds folder")
    note = f"{path.name}: control characters removed (e.g. NUL, ESC)" if share else ""
    return SeedText(_clean_newlines(text), "utf-8", note)


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:4096]
    return sample.count(b"\x00") > len(sample) // 4 and len(sample) % 2 == 0


def _decode_other(path: Path, data: bytes) -> SeedText:
    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be"]).best()
    if best is None or best.encoding is None or _binary_share(str(best)) > 0.05:
        raise BriefingError(
            str(path),
            "is not UTF-8 and its encoding could not be recognised",
            "convert it to UTF-8, e.g. with `iconv -f GB18030 -t UTF-8`",
        )
    text = str(best)
    note = f"{path.name}: not UTF-8, decoded as {best.encoding}; consider saving it as UTF-8"
    return SeedText(_clean_newlines(text), best.encoding, note)


def _binary_share(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / len(text)


def _clean_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
