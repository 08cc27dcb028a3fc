"""Read and validate the curated sources (``graph/sources/*.yaml``).

The curated YAML is the single source of truth, edited by hand; nothing reaches the
graph until every record passes. Errors are collected, not raised one at a time, and
each names the file, the line and the record, so a data steward fixes a batch of
mistakes in one go. YAML parsers silently keep the last of two equal keys: the loader
here refuses them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from .evidence import Document, normalise
from .schema import (
    COMMON_FIELDS,
    QUALIFIERS,
    SECTIONS,
    STATUSES,
    UNITS,
    Section,
)

__all__ = [
    "Evidence",
    "Record",
    "Ref",
    "SourceError",
    "Sources",
    "SourcesInvalid",
    "load_sources",
]

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LANGS = frozenset({"en", "it", "es"})
PERIOD = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
YEARS = range(1900, 2101)


@dataclass(frozen=True, order=True)
class SourceError:
    """One problem in the curated sources, located for the person who will fix it."""

    path: str
    line: int
    record: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        return f"{where}: record '{self.record}': {self.message}" if self.record else f"{where}: {self.message}"


class SourcesInvalid(Exception):
    """The curated sources did not validate; ``errors`` says where and why."""

    def __init__(self, errors: Iterable[SourceError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True, order=True)
class Evidence:
    """A verbatim quote of a source document and the line it starts on."""

    doc: str
    line: int
    quote: str


@dataclass(frozen=True)
class Ref:
    """A relation value: the target id, and the quote stating it (None: the record's quote)."""

    target: str
    evidence: Evidence | None = None


@dataclass
class Record:
    """One curated record, validated."""

    section: str
    id: str
    types: tuple[str, ...]
    data: dict[str, Any]
    path: str
    line: int
    evidence: Evidence | None = None
    refs: dict[str, list[Ref]] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict, repr=False)

    def line_of(self, key: str) -> int:
        """The line of a field, for messages (the record's line when unknown)."""
        return self.key_lines.get(key, self.line)


@dataclass
class Sources:
    """All records by id, and the documents their quotes come from."""

    records: dict[str, Record]
    documents: dict[str, Document]

    def section(self, name: str) -> Iterator[Record]:
        return (r for r in self.records.values() if r.section == name)


# --------------------------------------------------------------------------- YAML with lines


class _Mapping(dict):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int
    key_lines: dict[str, int]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml parses 100 k records 8x faster
    """Safe YAML loader that keeps line numbers and rejects duplicate keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.MarkedYAMLError(
                problem=f"duplicate key '{key}' (first at line {mapping.key_lines[key]})",
                problem_mark=key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _parse(path: Path, shown: str) -> tuple[Any, list[SourceError]]:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [SourceError(shown, line, "", f"YAML error: {exc.problem}")]
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return None, [SourceError(shown, 1, "", f"cannot read: {exc}")]


# --------------------------------------------------------------------------- validation


class _Checker:
    """Collects errors while turning raw mappings into records."""

    def __init__(self) -> None:
        self.errors: list[SourceError] = []
        self.quotes: list[_PendingQuote] = []

    def quote(self, record: Record, where: str, line: int, item: Any, assign: Callable[[Evidence], None]) -> None:
        """Remember a quote to locate once the documents are open."""
        doc, text = (item.get("doc"), item.get("quote")) if isinstance(item, dict) else (None, None)
        self.quotes.append(_PendingQuote(record, where, line, doc, text, assign))

    def error(self, path: str, line: int, record: str, message: str) -> None:
        self.errors.append(SourceError(path, line, record, message))

    def file(self, data: Any, shown: str) -> Iterator[Record]:
        if data is None:
            return
        if not isinstance(data, dict):
            self.error(shown, 1, "", "the file must be a mapping of sections to lists of records")
            return
        for section, records in data.items():
            line = data.key_lines.get(section, 1)
            if section not in SECTIONS:
                self.error(shown, line, "", f"unknown section '{section}' (known: {', '.join(SECTIONS)})")
                continue
            if not isinstance(records, list):
                self.error(shown, line, "", f"section '{section}' must be a list of records")
                continue
            for raw in records:
                record = self.record(section, raw, shown, line)
                if record is not None:
                    yield record

    def record(self, section: str, raw: Any, shown: str, section_line: int) -> Record | None:
        spec = SECTIONS[section]
        if not isinstance(raw, _Mapping):
            self.error(shown, section_line, "", f"a record of '{section}' must be a mapping, got {raw!r}")
            return None
        rid = raw.get("id")
        name = rid if isinstance(rid, str) else "?"
        where = raw.key_lines.get
        for missing in sorted(spec.required - raw.keys()):
            self.error(shown, raw.line, name, f"missing required field '{missing}'")
        allowed = COMMON_FIELDS | spec.relations.keys() | spec.literals
        for key in raw:
            if key not in allowed:
                self.error(shown, where(key, raw.line), name, f"unknown field '{key}' in section '{section}'")
        if not isinstance(rid, str) or not SLUG.match(rid):
            self.error(shown, where("id", raw.line), name, f"id must be a slug of a-z, 0-9 and '-': {rid!r}")
            return None
        types = raw.get("type")
        types = tuple(types) if isinstance(types, list) else (types,)
        for t in types:
            if t not in spec.types:
                self.error(shown, where("type", raw.line), rid,
                           f"type {t!r} is not one of {', '.join(sorted(spec.types))}")  # fmt: skip
        record = Record(section, rid, types, dict(raw), shown, raw.line, key_lines=raw.key_lines)
        self.labels(record, raw)
        self.literals(record, raw, spec)
        if spec.quoted or "quote" in raw or "doc" in raw:
            self.quote(record, "quote", where("quote", raw.line), raw, partial(setattr, record, "evidence"))
        for key, relation in spec.relations.items():
            if key in raw:
                record.refs[relation.prop] = self.refs(record, key, raw[key], where(key, raw.line))
        if section == "discrepancies":
            self.discrepancy_evidence(record, raw)
        return record

    def labels(self, record: Record, raw: _Mapping) -> None:
        line = raw.key_lines.get
        label = raw.get("label")
        if "label" in raw and (not isinstance(label, dict) or not label
                               or not all(k in LANGS and isinstance(v, str) and v.strip()
                                          for k, v in label.items())):  # fmt: skip
            self.error(record.path, line("label", raw.line), record.id,
                       "label must be a mapping {en: ..., it: ...} of non-empty strings")  # fmt: skip
        alt = raw.get("alt_labels")
        if alt is not None and (not isinstance(alt, dict) or not all(
                k in LANGS and isinstance(v, list) and all(isinstance(s, str) for s in v)
                for k, v in alt.items())):  # fmt: skip
            self.error(record.path, line("alt_labels", raw.line), record.id,
                       "alt_labels must be a mapping {en: [...], it: [...]} of lists of strings")  # fmt: skip
        acronyms = raw.get("acronyms")
        if acronyms is not None and not (isinstance(acronyms, list) and all(isinstance(a, str) for a in acronyms)):
            self.error(record.path, line("acronyms", raw.line), record.id, "acronyms must be a list of strings")

    def literals(self, record: Record, raw: _Mapping, spec: Section) -> None:
        def bad(key: str, message: str) -> None:
            self.error(record.path, raw.key_lines.get(key, raw.line), record.id, message)

        if "value" in raw and (isinstance(raw["value"], bool) or not isinstance(raw["value"], int | float)):
            bad("value", f"value must be a number (no thousands separators), got {raw['value']!r}")
        for key, table in (("unit", UNITS), ("qualifier", QUALIFIERS), ("status", STATUSES)):
            if key in raw and raw[key] not in table:
                bad(key, f"{key} {raw[key]!r} is not one of {', '.join(table)}")
        if "year" in raw and (isinstance(raw["year"], bool) or raw["year"] not in YEARS):
            bad("year", f"impossible year {raw['year']!r} (expected an integer from 1900 to 2100)")
        if "period" in raw:
            match = PERIOD.match(str(raw["period"]))
            years = [int(y) for y in match.groups() if y] if match else []
            if not match or any(y not in YEARS for y in years) or years != sorted(years):
                bad("period", f"impossible period {raw['period']!r} (expected YYYY or YYYY-YYYY, in order)")
        if "number" in raw and (isinstance(raw["number"], bool) or not isinstance(raw["number"], int)
                                or raw["number"] < 1):  # fmt: skip
            bad("number", f"footnote number must be a positive integer, got {raw['number']!r}")
        for key in ("mission", "vision", "definition", "description", "decision"):
            value = raw.get(key)
            if key in raw and not (isinstance(value, dict) and value and all(
                    k in LANGS and isinstance(v, str) for k, v in value.items())):  # fmt: skip
                bad(key, f"{key} must be a mapping {{en: ..., it: ...}} of strings")
        for key in ("website", "email", "telephone", "social_account", "street_address", "postal_code",
                    "file", "language", "title", "data_period", "counts"):  # fmt: skip
            if key in raw and not isinstance(raw[key], str | int):
                bad(key, f"{key} must be a string, got {raw[key]!r}")

    def refs(self, record: Record, key: str, value: Any, line: int) -> list[Ref]:
        refs: list[Ref] = []
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                refs.append(Ref(item))
            elif isinstance(item, _Mapping) and isinstance(item.get("id"), str):
                extra = item.keys() - {"id", "doc", "quote"}
                if extra:
                    self.error(record.path, item.line, record.id, f"unknown field(s) {sorted(extra)} in '{key}'")
                refs.append(Ref(item["id"]))
                if "doc" in item or "quote" in item:
                    self.quote(record, f"{key}: {item['id']}", item.line, item, _set_ref(refs, len(refs) - 1))
            else:
                self.error(record.path, line, record.id, f"'{key}' values must be ids or {{id, doc, quote}}")
        return refs

    def discrepancy_evidence(self, record: Record, raw: _Mapping) -> None:
        items = raw.get("evidence")
        if not isinstance(items, list) or not items:
            self.error(record.path, raw.key_lines.get("evidence", raw.line), record.id,
                       "evidence must be a non-empty list of {doc, quote}")  # fmt: skip
            return
        found: list[Evidence] = []
        record.data["evidence"] = found
        for index, item in enumerate(items, start=1):
            line = item.line if isinstance(item, _Mapping) else raw.line
            self.quote(record, f"evidence {index}", line, item, found.append)


@dataclass
class _PendingQuote:
    record: Record
    where: str
    line: int
    doc: Any
    quote: Any
    assign: Callable[[Evidence], None]


def _set_ref(refs: list[Ref], index: int) -> Callable[[Evidence], None]:
    def assign(evidence: Evidence) -> None:
        refs[index] = Ref(refs[index].target, evidence)

    return assign


def _find_duplicates(checker: _Checker, records: list[Record]) -> dict[str, Record]:
    by_id: dict[str, Record] = {}
    for record in records:
        first = by_id.get(record.id)
        if first is not None:
            checker.error(record.path, record.line, record.id,
                          f"duplicate id (first defined at {first.path}:{first.line})")  # fmt: skip
        else:
            by_id[record.id] = record
    return by_id


def _check_targets(checker: _Checker, by_id: dict[str, Record]) -> None:
    for record in by_id.values():
        spec = SECTIONS[record.section]
        for key, relation in spec.relations.items():
            for ref in record.refs.get(relation.prop, []):
                target = by_id.get(ref.target)
                line = record.line_of(key)
                if target is None:
                    checker.error(record.path, line, record.id, f"'{key}' refers to unknown id '{ref.target}'")
                elif target.section not in relation.targets:
                    checker.error(record.path, line, record.id,
                                  f"'{key}' must refer to {' or '.join(relation.targets)}, "
                                  f"but '{ref.target}' is in {target.section}")  # fmt: skip


def _open_documents(checker: _Checker, by_id: dict[str, Record], folder: Path) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    for record in by_id.values():
        if record.section != "documents":
            continue
        path = folder / str(record.data.get("file", ""))
        if not path.is_file():
            checker.error(record.path, record.line, record.id, f"document file not found: {path}")
            continue
        documents[record.id] = Document.read(record.id, path)
    return documents


def _resolve_quotes(checker: _Checker, documents: dict[str, Document]) -> None:
    """Locate every quote in its document and hand the evidence to whoever asked for it."""
    for pending in checker.quotes:
        record, where, line = pending.record, pending.where, pending.line
        if pending.doc not in documents:
            known = ", ".join(sorted(documents)) or "none"
            checker.error(record.path, line, record.id,
                          f"{where}: doc {pending.doc!r} is not a known document ({known})")  # fmt: skip
            continue
        if not isinstance(pending.quote, str) or not normalise(pending.quote):
            checker.error(record.path, line, record.id, f"{where}: a non-empty quote is required")
            continue
        document = documents[pending.doc]
        found = document.locate(pending.quote)
        if found is None:
            checker.error(record.path, line, record.id,
                          f"{where}: quote not found in {document.path.name}: {pending.quote[:80]!r}")  # fmt: skip
            continue
        pending.assign(Evidence(pending.doc, found, normalise(pending.quote)))


def load_sources(folder: Path, documents_folder: Path, root: Path | None = None) -> Sources:
    """Read every ``*.yaml`` in ``folder``; raise :class:`SourcesInvalid` listing all problems.

    ``documents_folder`` holds the source documents named by the ``documents`` records;
    ``root`` only shortens the file names in messages.
    """
    checker = _Checker()
    records: list[Record] = []
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise SourcesInvalid([SourceError(str(folder), 1, "", "no *.yaml curated sources in this folder")])
    for path in files:
        shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        data, errors = _parse(path, shown)
        checker.errors.extend(errors)
        records.extend(checker.file(data, shown))
    by_id = _find_duplicates(checker, records)
    _check_targets(checker, by_id)
    documents = _open_documents(checker, by_id, documents_folder)
    _resolve_quotes(checker, documents)
    if checker.errors:
        raise SourcesInvalid(checker.errors)
    return Sources(dict(sorted(by_id.items())), documents)
