"""Content: the editable middle layer (SPEC §3.3).

Each article is one file, content/articles/<id>.md: YAML front matter with the machine fields and
provenance, then the body as Markdown. Editors change these files by hand.

Re-extraction never loses an editor's change. Beside each article file, content/.extracted/<id>.yaml
remembers what the machine wrote last time. For every field:

- the file still holds what the machine wrote  -> the field follows the new extraction;
- the file differs from what the machine wrote -> an editor changed it, and the editor's value stays;
  if the source changed that field too, the conflict is reported and recorded in
  content/conflicts.yaml with both versions, until the editor settles it;
- fields the machine never writes (an editor's own notes, English overrides) are kept untouched.

Files are written only when their bytes change; key order is fixed, so a second run changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import BriefingError
from .model import Article

ARTICLES_DIR = "articles"
EXTRACTED_DIR = ".extracted"
CONFLICTS_FILE = "conflicts.yaml"
MACHINE_FIELDS = (
    "id",
    "kind",
    "title",
    "kicker",
    "subtitle",
    "banner",
    "dateline",
    "reporters",
    "byline",
    "signature",
    "captions",
    "notes",
    "source",
    "anchor",
    "year",
    "districts",
    "district_weights",
    "zones",
    "elsewhere",
    "industries",
    "companies",
    "summary",
    "keywords",
    "figures",
    "body",
)
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n?(.*)\Z", re.S)


@dataclass(frozen=True)
class Conflict:
    article: str
    field: str
    editor: Any
    machine_before: Any
    machine_now: Any


@dataclass(frozen=True)
class StoredArticle:
    """An article file as read from content/: all its fields, machine and editor, and its body."""

    path: Path
    fields: dict[str, Any]


@dataclass(frozen=True)
class MergeResult:
    articles: list[StoredArticle]
    conflicts: list[Conflict]
    warnings: list[str]
    written: int


def machine_record(article: Article) -> dict[str, Any]:
    """The article as the plain dict stored in files, keys in MACHINE_FIELDS order."""
    raw = dataclasses.asdict(article)
    record = {key: _plain(raw[key]) for key in MACHINE_FIELDS}
    return record


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def read_article_file(path: Path) -> dict[str, Any]:
    """Front matter and body of an article file; errors name file:line:col and the fix."""
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise BriefingError(f"{path}:1", "no YAML front matter", "the file must start with a line '---'")
    try:
        fields = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        raise BriefingError(
            _yaml_where(path, error, offset=1),
            f"malformed YAML front matter: {_yaml_problem(error)}",
            "fix the YAML syntax (quotes, indentation, a ':' after each key)",
        ) from None
    if not isinstance(fields, dict):
        raise BriefingError(
            f"{path}:2", "front matter is not a mapping of keys to values", "write one 'key: value' per line"
        )
    fields["body"] = match.group(2).lstrip("\n")
    return fields


def _yaml_where(path: Path, error: yaml.YAMLError, offset: int = 0) -> str:
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return str(path)
    return f"{path}:{mark.line + 1 + offset}:{mark.column + 1}"


def _yaml_problem(error: yaml.YAMLError) -> str:
    return getattr(error, "problem", None) or str(error).splitlines()[0]


def render_article_file(fields: dict[str, Any]) -> str:
    front = {k: v for k, v in fields.items() if k != "body"}
    dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---\n\n{fields.get('body', '')}"


def merge_articles(content_dir: Path, articles: list[Article]) -> MergeResult:
    """Compute the new content files from fresh extraction and the editors' files (writes nothing)."""
    plan = _MergePlan(content_dir)
    for article in articles:
        plan.merge(article)
    plan.keep_orphans({a.id for a in articles})
    return plan.result()


class _MergePlan:
    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir
        self.outputs: dict[Path, str] = {}
        self.stored: list[StoredArticle] = []
        self.conflicts: list[Conflict] = []
        self.warnings: list[str] = []
        self.open_conflicts = {(c["article"], c["field"]): c for c in _read_conflicts(content_dir)}

    def merge(self, article: Article) -> None:
        machine = machine_record(article)
        path = article_path(self.content_dir, article.id)
        snapshot_path = extracted_path(self.content_dir, article.id)
        current = read_article_file(path) if path.exists() else None
        before = _read_yaml(snapshot_path) if snapshot_path.exists() else None
        merged = self._merge_fields(article.id, machine, current, before, path)
        self.outputs[path] = render_article_file(merged)
        self.outputs[snapshot_path] = _dump_yaml(machine)
        self.stored.append(StoredArticle(path, merged))

    def _merge_fields(
        self, article_id: str, machine: dict, current: dict | None, before: dict | None, path: Path
    ) -> dict[str, Any]:
        if current is None:
            return dict(machine)
        merged: dict[str, Any] = {}
        for key, new_value in machine.items():
            if key not in current:
                merged[key] = new_value
                continue
            old_machine = before.get(key) if before is not None else new_value
            edited = current[key] != old_machine
            merged[key] = current[key] if edited else new_value
            if edited:
                self._check_conflict(article_id, key, current[key], old_machine, new_value, path)
        merged.update({k: v for k, v in current.items() if k not in machine})
        return _ordered(merged)

    def _check_conflict(self, article_id: str, key: str, editor: Any, before: Any, now: Any, path: Path) -> None:
        previous = self.open_conflicts.get((article_id, key))
        if now != before:
            conflict = Conflict(article_id, key, editor, before, now)
        elif previous is not None and previous.get("machine_now") == now and editor != now:
            conflict = Conflict(article_id, key, editor, previous.get("machine_before"), now)
        else:
            return
        self.conflicts.append(conflict)
        self.warnings.append(
            f"{path}: field '{key}' was edited by hand and the source changed it too; "
            f"the edit is kept, the new machine value is in {CONFLICTS_FILE}"
        )

    def keep_orphans(self, current_ids: set[str]) -> None:
        """Articles no longer found in the seeds: kept when an editor changed them, else removed."""
        folder = self.content_dir / ARTICLES_DIR
        for path in sorted(folder.glob("*.md")) if folder.exists() else []:
            article_id = path.stem
            if article_id in current_ids:
                continue
            snapshot_path = extracted_path(self.content_dir, article_id)
            fields = read_article_file(path)
            snapshot = _read_yaml(snapshot_path) if snapshot_path.exists() else None
            if (
                snapshot is not None
                and all(fields.get(k) == snapshot.get(k) for k in snapshot)
                and set(fields) <= set(snapshot)
            ):
                self.outputs[path] = ""  # unchanged machine output of a vanished article: remove
                self.outputs[snapshot_path] = ""
                continue
            self.warnings.append(f"{path}: its article is no longer found in the seeds; kept because it was edited")
            self.stored.append(StoredArticle(path, fields))

    def result(self) -> MergeResult:
        conflicts_path = self.content_dir / CONFLICTS_FILE
        if self.conflicts:
            self.outputs[conflicts_path] = _dump_yaml([dataclasses.asdict(c) for c in self.conflicts])
        elif conflicts_path.exists():
            self.outputs[conflicts_path] = ""
        written = write_outputs(self.outputs)
        return MergeResult(self.stored, self.conflicts, self.warnings, written)


def write_outputs(outputs: dict[Path, str]) -> int:
    """Write files whose bytes change, remove those mapped to ''; returns how many files changed."""
    changed = 0
    for path, text in outputs.items():
        if text == "":
            if path.exists():
                path.unlink()
                changed += 1
            continue
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
        changed += 1
    return changed


def article_path(content_dir: Path, article_id: str) -> Path:
    return content_dir / ARTICLES_DIR / f"{article_id}.md"


def extracted_path(content_dir: Path, article_id: str) -> Path:
    return content_dir / EXTRACTED_DIR / f"{article_id}.yaml"


def known_anchors(content_dir: Path) -> dict[tuple[str, str], str]:
    """(seed file, anchor) -> article id, from the last extraction: keeps ids stable across runs."""
    folder = content_dir / EXTRACTED_DIR
    anchors: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.exists() else []:
        record = _read_yaml(path)
        if isinstance(record, dict) and isinstance(record.get("source"), dict):
            anchors[(record["source"].get("file", ""), record.get("anchor", ""))] = path.stem
    return anchors


def load_articles(content_dir: Path) -> list[StoredArticle]:
    """All article files under content/articles/, as editors left them."""
    folder = content_dir / ARTICLES_DIR
    return [StoredArticle(p, read_article_file(p)) for p in sorted(folder.glob("*.md"))] if folder.exists() else []


def _ordered(fields: dict[str, Any]) -> dict[str, Any]:
    order = [k for k in MACHINE_FIELDS if k in fields and k != "body"]
    extra = [k for k in fields if k not in MACHINE_FIELDS]
    result = {k: fields[k] for k in order + extra}
    result["body"] = fields.get("body", "")
    return result


def _read_conflicts(content_dir: Path) -> list[dict]:
    path = content_dir / CONFLICTS_FILE
    data = _read_yaml(path) if path.exists() else None
    return [c for c in data if isinstance(c, dict)] if isinstance(data, list) else []


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BriefingError(
            _yaml_where(path, error),
            f"malformed YAML: {_yaml_problem(error)}",
            "fix the YAML syntax, or delete the file to let extraction rewrite it",
        ) from None


def _dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
