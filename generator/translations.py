"""English for the article strings: a gettext catalog under content/translations/ (SPEC §1, §6).

Chinese is the source; English overrides it string by string. The build extracts the strings an
English page needs from content/ (titles, kickers, subtitles, each summary sentence, photo captions
and notes, signatures that are not just names, figure metrics that the reference data does not name,
figure subjects that are not known places or companies); reporters' names are romanised instead:

- content/translations/messages.pot  the template, rewritten by `briefing translations`;
- content/translations/en.po         the English, written by editors; `briefing translations`
                                     merges new strings into it (a changed string is matched to
                                     its old translation and marked fuzzy: stale until checked).

A string without a translation is missing, a fuzzy one is stale: neither is shown as English.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .content import StoredArticle, write_outputs
from .errors import BriefingError
from .site.credits import is_name_list

TRANSLATIONS_DIR = "translations"
TEMPLATE_FILE = "messages.pot"
ENGLISH_FILE = "en.po"
_SENTENCE = re.compile(r"[^。！？]+(?:[。！？]+[”’」）)]*)?")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_DATE_HEADER = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.M)


@dataclass(frozen=True)
class Message:
    """One Chinese string that English pages need, and where it occurs ('000-01 title')."""

    msgid: str
    where: tuple[str, ...]


@dataclass(frozen=True)
class English:
    """The editors' English: translated strings, and the ones marked fuzzy (stale)."""

    translations: Mapping[str, str] = field(default_factory=dict)
    fuzzy: frozenset[str] = frozenset()
    obsolete: tuple[str, ...] = ()

    def get(self, zh: str | None) -> str | None:
        """The English of a string, or None when it is missing or stale."""
        return self.translations.get(zh) if zh else None

    def text(self, zh: str | None) -> str | None:
        """A multi-sentence text (a summary), English only when every sentence is translated."""
        if not zh:
            return None
        parts = [self.get(s) for s in split_sentences(zh)]
        return " ".join(parts) if parts and all(parts) else None  # type: ignore[arg-type]


@dataclass(frozen=True)
class TranslationStatus:
    total: int
    missing: tuple[Message, ...]
    stale: tuple[Message, ...]
    obsolete: tuple[str, ...]

    @property
    def translated(self) -> int:
        return self.total - len(self.missing) - len(self.stale)

    def lines(self) -> list[str]:
        lines = [f"missing: {m.msgid}  ({', '.join(m.where)})" for m in self.missing]
        lines += [
            f"stale (source changed, check the fuzzy entry): {m.msgid}  ({', '.join(m.where)})" for m in self.stale
        ]
        lines += [f"obsolete (no longer used): {msgid}" for msgid in self.obsolete]
        return lines


def split_sentences(text: str) -> list[str]:
    """Chinese sentences, each with its closing punctuation: the unit of summary translation."""
    return [s.strip() for s in _SENTENCE.findall(text.strip()) if s.strip()]


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def collect_messages(
    articles: Iterable[StoredArticle], known_names: set[str], known_metrics: set[str]
) -> list[Message]:
    """Every string an English page needs, in article order, each once with all its places."""
    found: dict[str, list[str]] = {}
    for article in sorted(articles, key=lambda a: str(a.fields.get("id"))):
        for msgid, where in _article_strings(article.fields, known_names, known_metrics):
            if msgid.strip() and has_chinese(msgid):
                found.setdefault(msgid, []).append(where)
    return [Message(msgid, tuple(dict.fromkeys(where))) for msgid, where in found.items()]


def _article_strings(fields: dict[str, Any], names: set[str], metrics: set[str]) -> Iterable[tuple[str, str]]:
    article_id = str(fields.get("id"))
    for key in ("kicker", "title", "subtitle"):
        if fields.get(key):
            yield str(fields[key]), f"{article_id} {key}"
    for sentence in split_sentences(str(fields.get("summary") or "")):
        yield sentence, f"{article_id} summary"
    for key in ("captions", "notes"):
        for text in fields.get(key) or []:
            yield str(text), f"{article_id} {key[:-1]}"
    signature = str(fields.get("signature") or "")
    if signature and not is_name_list(signature):  # names alone are romanised (site/credits.py)
        yield signature, f"{article_id} signature"
    for figure in fields.get("figures") or []:
        if figure.get("metric") and not figure.get("metric_en") and figure["metric"] not in metrics:
            yield str(figure["metric"]), f"{figure['id']} metric"
        if figure.get("subject") and figure["subject"] not in names:
            yield str(figure["subject"]), f"{figure['id']} subject"


def load_english(content_dir: Path) -> English:
    path = content_dir / TRANSLATIONS_DIR / ENGLISH_FILE
    if not path.exists():
        return English()
    catalog = _read_catalog(path)
    translations, fuzzy = {}, set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        text = message.string if isinstance(message.string, str) else ""
        if message.fuzzy:
            fuzzy.add(message.id)
        elif text.strip():
            if has_chinese(text):
                raise BriefingError(
                    f"{path}:{message.lineno}",
                    f"the English for {message.id!r} contains Chinese characters",
                    "write English only (names in pinyin)",
                )
            translations[message.id] = text.strip()
    return English(translations, frozenset(fuzzy), tuple(m.id for m in catalog.obsolete.values()))


def translation_status(messages: list[Message], english: English) -> TranslationStatus:
    missing = tuple(m for m in messages if m.msgid not in english.translations and m.msgid not in english.fuzzy)
    stale = tuple(m for m in messages if m.msgid in english.fuzzy)
    return TranslationStatus(len(messages), missing, stale, english.obsolete)


def update_catalogs(content_dir: Path, messages: list[Message]) -> int:
    """Rewrite messages.pot and merge it into en.po (new strings empty, changed ones fuzzy); files changed."""
    folder = content_dir / TRANSLATIONS_DIR
    template = _template(messages)
    po_path = folder / ENGLISH_FILE
    english = (
        _read_catalog(po_path) if po_path.exists() else Catalog(locale="en", project="Chongqing Manufacturing Briefing")
    )
    english.update(template, update_header_comment=False)
    outputs = {}
    for path, catalog in ((folder / TEMPLATE_FILE, template), (po_path, english)):
        text = _po_text(catalog)
        if path.exists() and _without_dates(path.read_text("utf-8")) == _without_dates(text):
            continue
        outputs[path] = text
    return write_outputs(outputs)


def _template(messages: list[Message]) -> Catalog:
    catalog = Catalog(project="Chongqing Manufacturing Briefing", creation_date=datetime(2024, 1, 1))
    for message in messages:
        catalog.add(message.msgid, auto_comments=list(message.where))
    return catalog


def _read_catalog(path: Path) -> Catalog:
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale="en" if path.suffix == ".po" else None, abort_invalid=True)
    except Exception as error:  # babel raises PoFileError and ValueError subclasses
        raise BriefingError(
            str(path), f"unreadable PO file: {error}", "fix the entry or run `briefing translations`"
        ) from None


def _po_text(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_previous=True, no_location=True)
    return buffer.getvalue().decode("utf-8")


def _without_dates(text: str) -> str:
    return _DATE_HEADER.sub("", text)
