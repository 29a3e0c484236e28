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
import difflib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import BriefingError
from .model import Article
from .safety import crash_point
from .yamlfiles import DUMPER, LOADER

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
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise BriefingError(f"{path}:{line}", "is not UTF-8 text", "save the file as UTF-8") from None
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise BriefingError(
            f"{path}:1:1",
            "no YAML front matter",
            "the file must start with a line '---', then 'key: value' lines, then a line '---' before the body",
        )
    try:
        node = yaml.compose(match.group(1), Loader=LOADER)
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
        raise BriefingError(f"{path}:{_position(node, keys)}", what, fix)
    return fields


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
    dumped = yaml.dump(front, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---\n\n{fields.get('body', '')}"


def merge_articles(
    content_dir: Path, articles: list[Article], unread_seeds: frozenset[str] = frozenset()
) -> MergeResult:
    """Merge fresh extraction with the editors' files and write the result (all files at once).

    An article file that cannot be read is reported in `errors` and left exactly as it is, as are
    the articles of seeds that could not be read this time (`unread_seeds`): they are not "gone".
    """
    plan = _MergePlan(content_dir)
    for article in articles:
        plan.merge(article)
    plan.keep_orphans({a.id for a in articles}, unread_seeds)
    return plan.result()


class _MergePlan:
    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir
        self.outputs: dict[Path, str] = {}
        self.stored: list[StoredArticle] = []
        self.conflicts: list[Conflict] = []
        self.warnings: list[str] = []
        self.errors: list[str] = []
        self.skipped: set[str] = set()
        self.open_conflicts = {(c.get("article"), c.get("field")): c for c in _read_conflicts(content_dir)}

    def merge(self, article: Article) -> None:
        machine = machine_record(article)
        path = article_path(self.content_dir, article.id)
        snapshot_path = extracted_path(self.content_dir, article.id)
        try:
            current = read_article_file(path) if path.exists() else None
        except BriefingError as error:
            self.errors.append(f"{error.message}; the file is left as it is and the article is skipped")
            self.skipped.add(article.id)
            return
        before = _read_snapshot(snapshot_path, self.warnings)
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
                fields = read_article_file(path)
            except BriefingError as error:
                self.errors.append(f"{error.message}; the file is left as it is and the article is skipped")
                self.skipped.add(article_id)
                continue
            snapshot = _read_snapshot(snapshot_path, self.warnings)
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
        return MergeResult(self.stored, self.conflicts, self.warnings, written, self.errors)


def _read_snapshot(path: Path, warnings: list[str]) -> dict | None:
    """What the machine wrote last time, or None (then every field present is taken as the editor's)."""
    if not path.exists():
        return None
    try:
        snapshot = _read_yaml(path)
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


def known_anchors(content_dir: Path) -> dict[tuple[str, str], str]:
    """(seed file, anchor) -> article id, from the last extraction: keeps ids stable across runs."""
    folder = content_dir / EXTRACTED_DIR
    anchors: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.exists() else []:
        try:
            record = _read_yaml(path)
        except BriefingError:
            continue  # reported when the article is merged
        if isinstance(record, dict) and isinstance(record.get("source"), dict):
            anchors[(str(record["source"].get("file", "")), str(record.get("anchor", "")))] = path.stem
    return anchors


def load_articles(content_dir: Path) -> list[StoredArticle]:
    """All article files under content/articles/, as editors left them (the first bad file raises)."""
    folder = content_dir / ARTICLES_DIR
    return [StoredArticle(p, read_article_file(p)) for p in sorted(folder.glob("*.md"))] if folder.exists() else []


@dataclass(frozen=True)
class Loaded:
    articles: list[StoredArticle]
    errors: list[str]
    """Files that cannot be read: skipped."""
    warnings: list[str]
    """Unknown districts, zones or industries: dropped from what is rendered (the file is unchanged)."""


def load_content(content_dir: Path, places: set[str], industries: set[str]) -> Loaded:
    """The article files ready to render: unreadable files are reported and skipped; slugs that the
    reference data does not know are reported (file:line:col, with the nearest known slug) and left out."""
    folder = content_dir / ARTICLES_DIR
    articles, errors, warnings = [], [], []
    readable: list[tuple[Path, dict]] = []
    for path in sorted(folder.glob("*.md")) if folder.exists() else []:
        try:
            readable.append((path, read_article_file(path)))
        except BriefingError as error:
            errors.append(f"{error.message}; the file is left as it is and the article is skipped")
    figure_owners = _figure_owners(readable)
    for path, fields in readable:
        fields = _known_slugs(path, fields, places, industries, warnings)
        fields = _unique_figures(path, fields, figure_owners, warnings)
        cleaned = _without_control_characters(fields)
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
            if re.fullmatch(rf"{re.escape(path.stem)}-\d+", figure["id"]):
                owners.setdefault(figure["id"], path)
    for path, fields in readable:
        for figure in fields.get("figures") or []:
            owners.setdefault(figure["id"], path)
    return owners


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


def _read_conflicts(content_dir: Path) -> list[dict]:
    path = content_dir / CONFLICTS_FILE
    data = _read_yaml(path) if path.exists() else None
    return [c for c in data if isinstance(c, dict)] if isinstance(data, list) else []


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    except yaml.YAMLError as error:
        raise BriefingError(
            _yaml_where(path, error),
            f"malformed YAML: {_yaml_problem(error)}",
            "fix the YAML syntax, or delete the file to let extraction rewrite it",
        ) from None


def _dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=1000)
