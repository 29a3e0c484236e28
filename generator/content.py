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

import copy
import dataclasses
import difflib
import functools
import hashlib
import json
import math
import os
import pickle
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import BriefingError
from .model import Article
from .safety import crash_point
from .yamlfiles import DUMPER, LOADER
from .yamlfiles import dump as dump_yaml

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
SAFE_ID = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,99}\Z")
"""Article and figure ids become folder names and HTML ids: ASCII letters, digits, '-' and '_' only."""
KINDS = ("news", "brief", "advertorial", "photo", "data", "timeline")
_TEXT_FIELDS = ("title", "kicker", "subtitle", "banner", "dateline", "byline", "signature", "anchor", "summary")
_LIST_FIELDS = (
    "reporters",
    "captions",
    "notes",
    "districts",
    "zones",
    "elsewhere",
    "industries",
    "companies",
    "keywords",
)
_FIGURE_TEXT = ("raw", "unit", "quote")
_FIGURE_OPTIONAL_TEXT = ("qualifier", "metric", "metric_en", "subject")
JOURNAL_DIR = ".journal"


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
    errors: list[str] = field(default_factory=list)
    """Article files that could not be read: each is left exactly as it is, and skipped."""
    settled: int = 0
    """Articles of seeds that were not merged again: nothing they come from changed (seeds.SettledSeeds)."""
    troubled: frozenset[str] = frozenset()
    """Articles whose merge reported something (an error, a warning, a conflict): merged again next time."""


def machine_record(article: Article) -> dict[str, Any]:
    """The article as the plain dict stored in files, keys in MACHINE_FIELDS order."""
    if dataclasses.is_dataclass(article) and not isinstance(article, type):
        try:
            return {key: _record_value(getattr(article, key)) for key in MACHINE_FIELDS}
        except _Unusual:
            pass
    raw = dataclasses.asdict(article)
    return {key: _plain(raw[key]) for key in MACHINE_FIELDS}


class _Unusual(Exception):
    """A value _record_value leaves to dataclasses.asdict."""


_ATOMIC = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _record_value(value: Any) -> Any:
    """_plain(dataclasses.asdict(...)) of one field, the same values without asdict's generic walk."""
    kind = type(value)
    if kind in _ATOMIC:
        return value  # what copy.deepcopy gives for them
    if kind is list or kind is tuple:
        return [_record_value(v) for v in value]
    if kind is dict:
        if not all(type(k) in _ATOMIC for k in value):
            raise _Unusual
        return {k: _record_value(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.get(kind)
        if names is None:
            names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
        return {name: _record_value(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple | dict):
        raise _Unusual  # subclasses, named tuples
    return copy.deepcopy(value)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def read_article_file(path: Path) -> dict[str, Any]:
    """Front matter and body of an article file; errors name file:line:col and the fix."""
    return _parse_article(path, path.read_bytes())


def _parse_article(path: Path, data: bytes) -> dict[str, Any]:
    """read_article_file of the given bytes of `path` (parsed once: the node tree for error positions is
    composed only when a field has the wrong shape)."""
    try:
        text = _text(data)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BriefingError(f"{path}:{line}", "is not UTF-8 text", "save the file as UTF-8") from None
    text = text.lstrip("\ufeff")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise BriefingError(
            f"{path}:1:1",
            "no YAML front matter",
            "the file must start with a line '---', then 'key: value' lines, then a line '---' before the body",
        )
    try:
        fields = yaml.load(match.group(1), Loader=LOADER) or {}
    except yaml.YAMLError as error:
        raise BriefingError(
            _yaml_where(path, error, offset=1),
            f"malformed YAML front matter: {_yaml_problem(error)}",
            "fix the YAML syntax (quotes, indentation, a ':' after each key)",
        ) from None
    if not isinstance(fields, dict):
        raise BriefingError(
            f"{path}:2:1", "front matter is not a mapping of keys to values", "write one 'key: value' per line"
        )
    fields["body"] = match.group(2).lstrip("\n")
    problem = _shape_problem(fields, path.stem)
    if problem:
        keys, what, fix = problem
        node = yaml.compose(match.group(1), Loader=LOADER)
        raise BriefingError(f"{path}:{_position(node, keys)}", what, fix)
    return fields


def _text(data: bytes) -> str:
    """Bytes as Path.read_text(encoding="utf-8") gives them: UTF-8, every line end ('\\r\\n', '\\r') read as '\\n'."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _shape_problem(fields: dict[str, Any], stem: str) -> tuple[tuple, str, str] | None:
    """The first field whose value has the wrong shape: (key path, what is wrong, the fix)."""
    article_id = fields.get("id", stem)
    if not isinstance(article_id, str) or not SAFE_ID.match(article_id):
        return ("id",), f"id {article_id!r} is not a plain id", "use ASCII letters, digits and '-' only, e.g. 001-04"
    if article_id != stem:
        return ("id",), f"id {article_id!r} differs from the file name {stem}.md", f"write 'id: {stem}' or rename"
    if "kind" in fields and fields["kind"] not in KINDS:
        return ("kind",), f"kind {fields['kind']!r} is not one of {', '.join(KINDS)}", "use one of those kinds"
    for key in (*_TEXT_FIELDS, "body"):
        if fields.get(key) is not None and not isinstance(fields[key], str):
            return (key,), f"'{key}' must be text, not {_type_name(fields[key])}", "write the value as text"
    for key in _LIST_FIELDS:
        value = fields.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return (key,), f"'{key}' must be a list of text", f"write '{key}:' then one '- item' per line"
    year = fields.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        return ("year",), "'year' must be a whole number or null", "e.g. 'year: 2024'"
    source = fields.get("source")
    if source is not None and not isinstance(source, dict):
        return ("source",), "'source' must be a mapping (file, start_line, end_line)", "restore it from the seed"
    weights = fields.get("district_weights")
    if weights is not None and not (isinstance(weights, dict) and all(_is_number(v) for v in weights.values())):
        return ("district_weights",), "'district_weights' must map slugs to numbers", "e.g. 'nanan: 3.5'"
    figures = fields.get("figures")
    if figures is not None and not isinstance(figures, list):
        return ("figures",), "'figures' must be a list of figures", "write one '- id: …' entry per figure"
    for index, figure in enumerate(figures or []):
        problem = _figure_problem(figure)
        if problem:
            key, what, fix = problem
            return ("figures", index, *key), f"figure {index + 1}: {what}", fix
    return None


def _figure_problem(figure: Any) -> tuple[tuple, str, str] | None:
    if not isinstance(figure, dict):
        return (), "must be a mapping (id, raw, value, unit …)", "write 'key: value' lines under '- '"
    figure_id = figure.get("id")
    if not isinstance(figure_id, str) or not SAFE_ID.match(figure_id):
        return ("id",), f"id {figure_id!r} is not a plain id", "use ASCII letters, digits and '-' only"
    for key in _FIGURE_TEXT:
        if not isinstance(figure.get(key), str):
            return (key,), f"'{key}' must be text", f"write '{key}:' with the text"
    for key in _FIGURE_OPTIONAL_TEXT:
        if figure.get(key) is not None and not isinstance(figure[key], str):
            return (key,), f"'{key}' must be text or null", f"write '{key}:' with the text"
    if not _is_number(figure.get("value")):
        return ("value",), f"'value' must be a number, not {figure.get('value')!r}", "e.g. 'value: 39990000000'"
    year = figure.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        return ("year",), "'year' must be a whole number or null", "e.g. 'year: 2024'"
    for key in ("districts", "industries"):
        value = figure.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return (key,), f"'{key}' must be a list of slugs", f"write '{key}:' then one '- slug' per line"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _type_name(value: Any) -> str:
    return {list: "a list", dict: "a mapping", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _position(node: yaml.Node | None, keys: tuple) -> str:
    """line:col (in the file: front matter starts on line 2) of the value at a key path, or of its key."""
    mark = node.start_mark if node is not None else None
    for key in keys:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == key:
                    mark, child = key_node.start_mark, value_node
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
            mark = child.start_mark
        if child is None:
            break
        node = child
    if mark is None:
        return "2:1"
    return f"{mark.line + 2}:{mark.column + 1}"


def _yaml_where(path: Path, error: yaml.YAMLError, offset: int = 0) -> str:
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return str(path)
    return f"{path}:{mark.line + 1 + offset}:{mark.column + 1}"


def _yaml_problem(error: yaml.YAMLError) -> str:
    return getattr(error, "problem", None) or str(error).splitlines()[0]


def render_article_file(fields: dict[str, Any]) -> str:
    front = {k: v for k, v in fields.items() if k != "body"}
    dumped = dump_yaml(front)
    return f"---\n{dumped}---\n\n{fields.get('body', '')}"


def merge_articles(
    content_dir: Path,
    articles: list[Article],
    unread_seeds: frozenset[str] = frozenset(),
    cache: ContentCache | None = None,
    settled: frozenset[str] = frozenset(),
) -> MergeResult:
    """Merge fresh extraction with the editors' files and write the result (all files at once).

    An article file that cannot be read is reported in `errors` and left exactly as it is, as are
    the articles of seeds that could not be read this time (`unread_seeds`): they are not "gone".
    Files are read through `cache` (by default content/.cache/, saved after the merge), and a file that
    already holds what the merge would write is not rendered again. `settled`: the ids of articles left
    as they are because nothing they come from changed since they were merged (seeds.SettledSeeds).
    """
    own = cache is None
    plan = _MergePlan(content_dir, cache or ContentCache(content_dir))
    for article in articles:
        plan.merge(article)
    plan.keep_orphans({a.id for a in articles} | settled, unread_seeds)
    result = dataclasses.replace(plan.result(), settled=len(settled))
    if own:
        plan.cache.save()
    return result


class _MergePlan:
    def __init__(self, content_dir: Path, cache: ContentCache) -> None:
        self.content_dir = content_dir
        self.cache = cache
        self.outputs: dict[Path, str] = {}
        self.stored: list[StoredArticle] = []
        self.conflicts: list[Conflict] = []
        self.warnings: list[str] = []
        self.errors: list[str] = []
        self.skipped: set[str] = set()
        self.troubled: set[str] = set()
        self.open_conflicts = {(c.get("article"), c.get("field")): c for c in _read_conflicts(content_dir)}

    def merge(self, article: Article) -> None:
        reported = (len(self.warnings), len(self.errors), len(self.conflicts))
        self._merge(article)
        if (len(self.warnings), len(self.errors), len(self.conflicts)) != reported:
            self.troubled.add(article.id)

    def _merge(self, article: Article) -> None:
        machine = machine_record(article)
        path = article_path(self.content_dir, article.id)
        snapshot_path = extracted_path(self.content_dir, article.id)
        try:
            current = self.cache.article(path) if path.exists() else None
        except BriefingError as error:
            self.errors.append(f"{error.message}; the file is left as it is and the article is skipped")
            self.skipped.add(article.id)
            return
        before = _read_snapshot(snapshot_path, self.warnings, self.cache)
        merged = self._merge_fields(article.id, machine, current, before, path)
        self._output(path, merged, article=True)
        self._output(snapshot_path, machine, article=False)
        self.stored.append(StoredArticle(path, merged))

    def _output(self, path: Path, data: dict[str, Any], article: bool) -> None:
        """The file's new text, unless the file holds it already (then it is not rendered at all)."""
        fingerprint = _fingerprint(data)
        if self.cache.holds(path, fingerprint):
            return  # exactly what write_outputs would find unchanged
        text = render_article_file(data) if article else _dump_yaml(data)
        self.outputs[path] = text
        parsed = _article_parse(path, data, text) if article else _yaml_parse(data, text)
        self.cache.rendered_as(path, fingerprint, text, parsed)

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

    def keep_orphans(self, current_ids: set[str], unread_seeds: frozenset[str] = frozenset()) -> None:
        """Articles no longer found in the seeds: kept when an editor changed them, else removed.
        Articles of a seed that could not be read this time are kept as they are."""
        folder = self.content_dir / ARTICLES_DIR
        for path in sorted(folder.glob("*.md")) if folder.exists() else []:
            article_id = path.stem
            if article_id in current_ids:
                continue
            snapshot_path = extracted_path(self.content_dir, article_id)
            try:
                fields = self.cache.article(path)
            except BriefingError as error:
                self.errors.append(f"{error.message}; the file is left as it is and the article is skipped")
                self.skipped.add(article_id)
                continue
            snapshot = _read_snapshot(snapshot_path, self.warnings, self.cache)
            source = fields.get("source") if isinstance(fields.get("source"), dict) else {}
            if source.get("file") in unread_seeds:
                self.skipped.add(article_id)
                self.stored.append(StoredArticle(path, fields))
                continue
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
        kept = [c for (article, _), c in self.open_conflicts.items() if article in self.skipped]
        records = kept + [dataclasses.asdict(c) for c in self.conflicts]
        if records:
            self.outputs[conflicts_path] = _dump_yaml(records)
        elif conflicts_path.exists():
            self.outputs[conflicts_path] = ""
        written = write_outputs(self.outputs, self.content_dir)
        troubled = frozenset(self.troubled)
        return MergeResult(self.stored, self.conflicts, self.warnings, written, self.errors, troubled=troubled)


def _article_parse(path: Path, fields: dict[str, Any], text: str) -> dict[str, Any] | None:
    """What reading back `text` (render_article_file(fields)) gives, without parsing it, when the fields
    are plain values whose YAML round trip is exact (else None: the text is parsed when cached)."""
    front = {k: v for k, v in fields.items() if k != "body"}
    body = fields.get("body", "")
    if not (isinstance(body, str) and _round_trips(front)) or "\r" in text:
        return None
    match = _FRONT_MATTER.match(text)
    front_text = text[4 : len(text) - len(body) - 5]  # render_article_file: ---\n{front}---\n\n{body}
    if match is None or match.group(1) != front_text or match.group(2).lstrip("\n") != body:
        return None
    parsed = {**front, "body": body}
    return parsed if _shape_problem(parsed, path.stem) is None else None


def _yaml_parse(data: Any, text: str) -> Any:
    """What reading back `text` (_dump_yaml(data)) gives when the round trip is exact, else None."""
    return data if "\r" not in text and _round_trips(data) else None


def _read_snapshot(path: Path, warnings: list[str], cache: ContentCache | None = None) -> dict | None:
    """What the machine wrote last time, or None (then every field present is taken as the editor's)."""
    if not path.exists():
        return None
    try:
        snapshot = cache.yaml(path) if cache is not None else _read_yaml(path)
    except BriefingError as error:
        warnings.append(f"{error.message}; the article is compared with the new extraction instead")
        return None
    return snapshot if isinstance(snapshot, dict) else None


def write_outputs(outputs: dict[Path, str], root: Path | None = None) -> int:
    """Write files whose bytes change, remove those mapped to ''; returns how many files changed.

    All or nothing, even if the process is killed: the new files are first written into
    <root>/.journal/ with a manifest, the manifest is committed with one atomic rename, and only
    then are the files moved into place. A run that finds a committed journal (recover_journal)
    finishes moving it in; an uncommitted one is discarded, leaving the old files.
    """
    changes: list[tuple[Path, str]] = []
    for path, text in outputs.items():
        if text == "":
            if path.exists():
                changes.append((path, text))
        elif not (path.exists() and path.read_bytes() == text.encode("utf-8")):
            changes.append((path, text))
    if not changes:
        return 0
    root = root or Path(os.path.commonpath([p.parent for p, _ in changes]))
    journal = root / JOURNAL_DIR
    recover_journal(root)
    journal.mkdir(parents=True)
    manifest = []
    for number, (path, text) in enumerate(changes):
        new = None
        if text:
            new = f"{number}.new"
            _write_synced(journal / new, text)
        manifest.append({"target": os.path.relpath(path, root), "new": new})
    _write_synced(journal / "manifest.json.tmp", json.dumps(manifest, ensure_ascii=False))
    os.replace(journal / "manifest.json.tmp", journal / "manifest.json")  # the commit point
    _fsync_dir(journal)
    crash_point("content-committed")
    _apply_journal(root)
    return len(changes)


def recover_journal(root: Path) -> bool:
    """Finish a committed journal left by a killed run, or discard an uncommitted one. True if applied."""
    journal = root / JOURNAL_DIR
    if not journal.exists():
        return False
    if (journal / "manifest.json").exists():
        _apply_journal(root)
        return True
    shutil.rmtree(journal)
    return False


def _apply_journal(root: Path) -> None:
    journal = root / JOURNAL_DIR
    manifest = json.loads((journal / "manifest.json").read_text(encoding="utf-8"))
    for done, entry in enumerate(manifest):
        target = root / entry["target"]
        if entry["new"] is None:
            target.unlink(missing_ok=True)
        elif (journal / entry["new"]).exists():  # not yet moved (a replay skips what is done)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(journal / entry["new"], target)
        if done == len(manifest) // 2:
            crash_point("content-half-applied")
    for parent in {(root / e["target"]).parent for e in manifest}:
        _fsync_dir(parent)
    shutil.rmtree(journal)


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def article_path(content_dir: Path, article_id: str) -> Path:
    return content_dir / ARTICLES_DIR / f"{article_id}.md"


def extracted_path(content_dir: Path, article_id: str) -> Path:
    return content_dir / EXTRACTED_DIR / f"{article_id}.yaml"


def known_anchors(
    content_dir: Path, cache: ContentCache | None = None, keys: set[str] | None = None
) -> dict[tuple[str, str], list[str]]:
    """(seed file, anchor) -> the ids of its articles in id order (one, unless articles of one seed begin
    with the same words), from the last extraction: keeps ids stable across runs. `keys`: only the
    articles of seeds with these keys (an article's id starts with its seed's key)."""
    reader = cache or ContentCache(content_dir)
    folder = content_dir / EXTRACTED_DIR
    anchors: dict[tuple[str, str], list[str]] = {}
    paths = sorted(folder.glob("*.yaml")) if folder.exists() else []
    for path in paths if keys is None else [p for p in paths if p.stem.rsplit("-", 1)[0] in keys]:
        try:
            record = reader.yaml(path)
        except BriefingError:
            continue  # reported when the article is merged
        if isinstance(record, dict) and isinstance(record.get("source"), dict):
            anchor = (str(record["source"].get("file", "")), str(record.get("anchor", "")))
            anchors.setdefault(anchor, []).append(path.stem)
    for ids in anchors.values():
        ids.sort(key=_id_number)  # 004-99 before 004-100
    if cache is None:
        reader.save()
    return anchors


def _id_number(id: str) -> tuple[int, str]:
    number = id.rsplit("-", 1)[-1]
    return (int(number), id) if number.isascii() and number.isdigit() else (-1, id)


def load_articles(content_dir: Path, cache: ContentCache | None = None) -> list[StoredArticle]:
    """All article files under content/articles/, as editors left them (the first bad file raises)."""
    reader = cache or ContentCache(content_dir)
    folder = content_dir / ARTICLES_DIR
    articles = [StoredArticle(p, reader.article(p)) for p in sorted(folder.glob("*.md"))] if folder.exists() else []
    if cache is None:
        reader.save()
    return articles


@dataclass(frozen=True)
class Loaded:
    articles: list[StoredArticle]
    errors: list[str]
    """Files that cannot be read: skipped."""
    warnings: list[str]
    """Unknown districts, zones or industries: dropped from what is rendered (the file is unchanged)."""


def load_content(
    content_dir: Path, places: set[str], industries: set[str], cache: ContentCache | None = None
) -> Loaded:
    """The article files ready to render: unreadable files are reported and skipped; slugs that the
    reference data does not know are reported (file:line:col, with the nearest known slug) and left out.
    Files are read through `cache` (by default content/.cache/, saved after reading)."""
    reader = cache or ContentCache(content_dir)
    folder = content_dir / ARTICLES_DIR
    articles, errors, warnings = [], [], []
    readable: list[tuple[Path, dict]] = []
    for path in sorted(folder.glob("*.md")) if folder.exists() else []:
        try:
            readable.append((path, reader.article(path)))
        except BriefingError as error:
            errors.append(f"{error.message}; the file is left as it is and the article is skipped")
    if cache is None:
        reader.save()
    figure_owners = _figure_owners(readable)
    for path, fields in readable:
        fields = _known_slugs(path, fields, places, industries, warnings)
        fields = _unique_figures(path, fields, figure_owners, warnings)
        cleaned = _without_control_characters(fields) if _may_hold_control_characters(fields) else fields
        if cleaned != fields:
            warnings.append(f"{path}: control characters (e.g. from \\e or \\x07 escapes) removed from its text")
        articles.append(StoredArticle(path, cleaned))
    return Loaded(articles, errors, warnings)


def _figure_owners(readable: list[tuple[Path, dict]]) -> dict[str, Path]:
    """Figure id -> the file it belongs to: the article whose id it carries (001-06-01 is 001-06's),
    else the first file that uses it."""
    owners: dict[str, Path] = {}
    for path, fields in readable:
        for figure in fields.get("figures") or []:
            if _numbered(figure["id"], path.stem):
                owners.setdefault(figure["id"], path)
    for path, fields in readable:
        for figure in fields.get("figures") or []:
            owners.setdefault(figure["id"], path)
    return owners


def _numbered(figure_id: str, stem: str) -> bool:
    """re.fullmatch(rf"{re.escape(stem)}-\\d+", figure_id) without a pattern per file."""
    number = figure_id[len(stem) + 1 :]
    return figure_id.startswith(f"{stem}-") and number != "" and number.isdecimal()


def _unique_figures(path: Path, fields: dict, owners: dict[str, Path], warnings: list[str]) -> dict:
    """A figure id that belongs to another file (a copied article) is left out here, with a warning."""
    kept = []
    for figure in fields.get("figures") or []:
        owner = owners[figure["id"]]
        if owner == path:
            kept.append(figure)
        else:
            warnings.append(
                f"{path}: figure id {figure['id']} is already used in {owner.name}; the figure is left out here "
                "(give it an id of its own, e.g. <article id>-NN)"
            )
    return {**fields, "figures": kept} if "figures" in fields else fields


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_JSON_CONTROL = re.compile(r"\\u00[01]|\\[bf]|\x7f")
"""How JSON writes the characters of _CONTROL (or, at worst, a backslash written before u00, b or f)."""


def _may_hold_control_characters(value: Any) -> bool:
    """False when no text in `value` has a character of _CONTROL: JSON (C-fast) escapes each of them as
    \\u00XX, \\b or \\f except DEL, which it leaves as it is. True when in doubt."""
    try:
        written = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        return True
    return _JSON_CONTROL.search(written) is not None


def _without_control_characters(value: Any) -> Any:
    """Text without C0 control characters (YAML's "\\e" escapes let them into a file): they would make
    the feeds invalid XML and are never meant as text."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, list):
        return [_without_control_characters(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_control_characters(v) for k, v in value.items()}
    return value


def _known_slugs(path: Path, fields: dict, places: set[str], industries: set[str], warnings: list[str]) -> dict:
    node = None
    known = {"districts": places, "zones": places, "industries": industries}

    def keep(keys: tuple, slugs: list[str], what: str) -> list[str]:
        nonlocal node
        if known[what].issuperset(slugs):
            return list(slugs)  # all known (most files): no warnings
        good = [s for s in slugs if s in known[what]]
        for index, slug in ((i, s) for i, s in enumerate(slugs) if s not in known[what]):
            if node is None:
                node = yaml.compose(_FRONT_MATTER.match(path.read_text("utf-8").lstrip("\ufeff")).group(1), LOADER)
            near = difflib.get_close_matches(slug, sorted(known[what]), n=1)
            fix = f"did you mean '{near[0]}'?" if near else f"use a slug from content/reference/ ({what})"
            label = "district" if what != "industries" else "industry"
            warnings.append(
                f"{path}:{_position(node, (*keys, index))}: unknown {label} {slug!r} in '{keys[-1]}'; "
                f"left out of the site ({fix})"
            )
        return good

    fields = dict(fields)
    for key in ("districts", "zones", "industries"):
        if fields.get(key):
            fields[key] = keep((key,), fields[key], key)
    figures = []
    for index, figure in enumerate(fields.get("figures") or []):
        figure = dict(figure)
        for key in ("districts", "industries"):
            if figure.get(key):
                figure[key] = keep(("figures", index, key), figure[key], key)
        figures.append(figure)
    if "figures" in fields:
        fields["figures"] = figures
    return fields


def _ordered(fields: dict[str, Any]) -> dict[str, Any]:
    order = [k for k in MACHINE_FIELDS if k in fields and k != "body"]
    extra = [k for k in fields if k not in MACHINE_FIELDS]
    result = {k: fields[k] for k in order + extra}
    result["body"] = fields.get("body", "")
    return result


def conflicted_articles(content_dir: Path) -> set[str]:
    """The ids of the articles with an open conflict (content/conflicts.yaml)."""
    return {str(c.get("article")) for c in _read_conflicts(content_dir)}


def _read_conflicts(content_dir: Path) -> list[dict]:
    path = content_dir / CONFLICTS_FILE
    data = _read_yaml(path) if path.exists() else None
    return [c for c in data if isinstance(c, dict)] if isinstance(data, list) else []


def _read_yaml(path: Path) -> Any:
    return _parse_yaml(path, path.read_bytes())


def _parse_yaml(path: Path, data: bytes) -> Any:
    try:
        return yaml.load(_text(data), Loader=LOADER)
    except yaml.YAMLError as error:
        raise BriefingError(
            _yaml_where(path, error),
            f"malformed YAML: {_yaml_problem(error)}",
            "fix the YAML syntax, or delete the file to let extraction rewrite it",
        ) from None


def _dump_yaml(data: Any) -> str:
    return dump_yaml(data)


CACHE_FILE = Path(".cache") / "content.pickle"
_CACHE_MAGIC = b"briefing-content-cache 1\n"


class ContentCache:
    """What the files of content/ parse to, by their bytes, so that an unchanged file is not parsed again.

    Kept in content/.cache/content.pickle (a local cache, not for version control), one entry per file:
    the digest of the file's bytes and its parsed value. An entry is used only when the file's bytes
    have that digest now, so it can never be stale; files that fail to parse or validate get no entry
    (their errors are found again every time). Beside it, for each file the merge writes, the digest of
    the data it was rendered from and of the text: when the same data comes again and the file still
    holds that text, it is neither rendered nor written. The cache file is written whole by rename and
    carries a checksum: a missing, truncated, corrupt or older-version file is ignored.
    """

    def __init__(self, content_dir: Path) -> None:
        self.root = content_dir
        self.file = content_dir / CACHE_FILE
        self.parsed: dict[str, tuple[bytes, bytes]] = {}
        """relative path -> (digest of the file's bytes, pickled parse of those bytes)"""
        self.rendered: dict[str, tuple[bytes, bytes]] = {}
        """relative path -> (fingerprint of the data last rendered into it, digest of the text)"""
        self.digests: dict[str, bytes] = {}
        """digests of the files read in this run"""
        self.dirty = False
        self._prefix = os.path.join(str(content_dir), "")
        self._load()

    def _load(self) -> None:
        try:
            raw = self.file.read_bytes()
        except OSError:
            return
        head = len(_CACHE_MAGIC)
        if raw[:head] != _CACHE_MAGIC or _digest(raw[head + 32 :], 32) != raw[head : head + 32]:
            return  # truncated, corrupt or another layout: start afresh
        try:
            version, parsed, rendered = pickle.loads(raw[head + 32 :])
        except Exception:  # noqa: BLE001 - whatever a damaged pickle raises, the cache is only ignored
            return
        if version == content_version() and isinstance(parsed, dict) and isinstance(rendered, dict):
            self.parsed, self.rendered = parsed, rendered

    def _key(self, path: Path) -> str:
        """The path relative to content/ (as a string: pathlib's relative_to was a tenth of a merge)."""
        text = str(path)
        return text[len(self._prefix) :] if text.startswith(self._prefix) else text

    def article(self, path: Path) -> dict[str, Any]:
        """read_article_file(path), from the cache when the file's bytes were parsed before."""
        return self._read(path, _parse_article)

    def yaml(self, path: Path) -> Any:
        """_read_yaml(path), from the cache when the file's bytes were parsed before."""
        return self._read(path, _parse_yaml)

    def _read(self, path: Path, parse: Any) -> Any:
        data = path.read_bytes()
        key, digest = self._key(path), _digest(data)
        self.digests[key] = digest
        entry = self.parsed.get(key)
        if entry is not None and entry[0] == digest:
            try:
                return pickle.loads(entry[1])  # a fresh copy: callers may change what they get
            except Exception:  # noqa: BLE001 - a damaged entry is parsed again
                pass
        value = parse(path, data)  # errors propagate, and nothing is cached for them
        self._store(key, digest, value)
        return value

    def _store(self, key: str, digest: bytes, value: Any) -> None:
        try:
            pickled = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - not picklable: simply not cached
            return
        self.parsed[key] = (digest, pickled)
        self.dirty = True

    def holds(self, path: Path, fingerprint: bytes | None) -> bool:
        """Whether `path` holds, byte for byte, what rendering data of this fingerprint gives."""
        entry = self.rendered.get(self._key(path))
        if fingerprint is None or entry is None or entry[0] != fingerprint:
            return False
        key = self._key(path)
        if key not in self.digests:
            try:
                self.digests[key] = _digest(path.read_bytes())
            except OSError:
                return False
        return self.digests[key] == entry[1]

    def rendered_as(self, path: Path, fingerprint: bytes | None, text: str, parsed: Any = None) -> None:
        """`text` is what data of this fingerprint renders to, and is about to be written to `path`;
        `parsed`, when given, is what `text` parses to (else the text is parsed here when needed)."""
        key, data = self._key(path), text.encode("utf-8")
        digest = _digest(data)
        if fingerprint is not None and self.rendered.get(key) != (fingerprint, digest):
            self.rendered[key] = (fingerprint, digest)
            self.dirty = True
        entry = self.parsed.get(key)
        if entry is not None and entry[0] == digest:
            return
        if parsed is None:
            try:
                parsed = (_parse_article if path.suffix == ".md" else _parse_yaml)(path, data)
            except BriefingError:
                return
        self._store(key, digest, parsed)

    def save(self) -> None:
        """Write the cache if it changed (entries of files that are gone are dropped)."""
        if not self.dirty:
            return
        for table in (self.parsed, self.rendered):
            for key in [k for k in table if not (self.root / k).exists()]:
                del table[key]
        payload = pickle.dumps((content_version(), self.parsed, self.rendered), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            temporary.write_bytes(_CACHE_MAGIC + _digest(payload, 32) + payload)
            os.replace(temporary, self.file)  # a killed run leaves the old cache or the new one, never half
            for left in self.file.parent.glob(f".{self.file.name}.*.tmp"):  # by runs killed while saving
                left.unlink(missing_ok=True)
        except OSError:
            return  # a cache that cannot be written is only slower next time
        self.dirty = False


def _digest(data: bytes, size: int = 20) -> bytes:
    return hashlib.blake2b(data, digest_size=size).digest()


@functools.cache
def content_version() -> bytes:
    """What parsed and rendered values (the content cache, the merge's output) depend on besides the bytes:
    this code, PyYAML and Python."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (sys.version, yaml.__version__, LOADER.__name__, DUMPER.__name__, str(pickle.HIGHEST_PROTOCOL)):
        digest.update(part.encode() + b"\0")
    for module in (Path(__file__), Path(__file__).with_name("yamlfiles.py")):
        digest.update(module.read_bytes())
    return digest.digest()


def _round_trips(value: Any) -> bool:
    """Whether YAML gives `value` back exactly from the text it writes for it, without a doubt: dicts with
    text keys, lists, text that is printable apart from line breaks inside it, finite numbers, booleans and
    None, no container twice (YAML would write an alias). Such values are cached as what their files parse
    to without parsing them (tests/test_content_cache.py checks the claim on every file it writes)."""
    stack, seen = [value], set()
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if not (item.isprintable() or _printable_lines(item)):
                return False
        elif kind is dict or kind is list:
            if id(item) in seen:
                return False
            seen.add(id(item))
            if kind is dict:
                for key in item:
                    if type(key) is not str or not key.isprintable():
                        return False
                stack.extend(item.values())
            else:
                stack.extend(item)
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif not (kind is int or kind is bool or item is None):
            return False
    return True


def _printable_lines(text: str) -> bool:
    return (
        not text.startswith(("\n", " "))
        and not text.endswith(" ")
        and " \n" not in text
        and "\n " not in text
        and all(line.isprintable() for line in text.split("\n"))
    )


def _fingerprint(data: Any) -> bytes | None:
    """A digest that differs whenever YAML would write `data` differently: pickle records types, values,
    key order and which objects are shared (YAML writes a container met twice as an alias); None when the
    data cannot be pickled (then it is simply rendered)."""
    try:
        return _digest(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001
        return None
