"""The query catalogue: every ``queries/*.rq`` file, described by its comment header.

A header is the block of ``# key: value`` lines opening the file, so a query stays a plain
SPARQL file that any tool runs unchanged::

    # title: Which organisations does a hub host?
    # question-it: Quali organizzazioni ospita un polo?
    # description: Organisations hosted by, based in or planned in the hub.
    # description-it: Organizzazioni ospitate dal polo, con sede o previste nel polo.
    # view: table
    # param: hub | iri | mind | the hub: an entity id, a CURIE such as id:mind, or a full IRI

``param`` lines read ``name | type | default | description`` (default and description may be
empty); types are those of :data:`PARAM_TYPES`. ``view`` is ``table``, ``graph`` or ``chart``.
A malformed header is an error naming the file and the line, so a typo never silently drops a
parameter.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .config import Namespaces

__all__ = [
    "PARAM_TYPES",
    "VIEWS",
    "CatalogueError",
    "Param",
    "ParamError",
    "QueryFile",
    "find",
    "load_catalogue",
    "parse_query_file",
    "parse_query_text",
    "to_term",
]

VIEWS = ("table", "graph", "chart")
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Parameter types and the datatype of their literals (``iri`` is a named node).
PARAM_TYPES: dict[str, str | None] = {
    "iri": None,
    "string": XSD + "string",
    "integer": XSD + "integer",
    "decimal": XSD + "decimal",
    "boolean": XSD + "boolean",
    "date": XSD + "date",
}
KEYS = {"title", "title-it", "question-it", "description", "description-it", "view", "param"}
_HEADER_LINE = re.compile(r"^#\s*([a-z][a-z-]*):\s*(.*?)\s*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LEXICAL = {
    "integer": re.compile(r"^[+-]?\d+$"),
    "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "boolean": re.compile(r"^(true|false|1|0)$"),
    "date": re.compile(r"^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$"),
}


class CatalogueError(ValueError):
    """A malformed query header: ``str()`` names the file and the line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path, self.line = str(path), line
        super().__init__(f"{path}:{line}: {message}")


class ParamError(ValueError):
    """A parameter value that is not of its declared type, or an unknown parameter."""


@dataclass(frozen=True)
class Param:
    """One declared parameter: bound as a term of ``type`` to the variable ``?name``."""

    name: str
    type: str
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class QueryFile:
    """A catalogue entry: the query text and what its header says about it."""

    name: str
    text: str
    path: Path | None = None
    title: str = ""
    title_it: str = ""
    description: str = ""
    description_it: str = ""
    view: str = "table"
    params: tuple[Param, ...] = field(default_factory=tuple)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _param(value: str, where: Path | str, line: int) -> Param:
    parts = [part.strip() for part in value.split("|")]
    if len(parts) < 2 or len(parts) > 4:
        raise CatalogueError(where, line, "a param line reads 'name | type | default | description'")
    name, kind = parts[0].lstrip("?$"), parts[1]
    if not _NAME.match(name):
        raise CatalogueError(where, line, f"parameter name {parts[0]!r} is not a SPARQL variable name")
    if kind not in PARAM_TYPES:
        raise CatalogueError(where, line, f"parameter type {kind!r} is not one of {', '.join(PARAM_TYPES)}")
    default = parts[2] if len(parts) > 2 and parts[2] else None
    if default is not None and kind in _LEXICAL and not _LEXICAL[kind].match(default):
        raise CatalogueError(where, line, f"default {default!r} is not a valid {kind}")
    return Param(name, kind, default, parts[3] if len(parts) > 3 else "")


def parse_query_text(text: str, name: str, where: Path | str = "<query>", *, path: Path | None = None) -> QueryFile:
    """Read the header of ``text`` (which may have none: an ad-hoc query)."""
    fields: dict[str, str] = {}
    params: list[Param] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        if not line[1:].strip():
            continue
        match = _HEADER_LINE.match(line)
        if not match:
            raise CatalogueError(where, number, "header lines read '# key: value'")
        key, value = match.groups()
        if key not in KEYS:
            raise CatalogueError(where, number, f"unknown header key {key!r} (known: {', '.join(sorted(KEYS))})")
        if not value:
            raise CatalogueError(where, number, f"header {key!r} has no value")
        if key == "param":
            param = _param(value, where, number)
            if any(p.name == param.name for p in params):
                raise CatalogueError(where, number, f"parameter {param.name!r} declared twice")
            params.append(param)
        elif key in fields:
            raise CatalogueError(where, number, f"header {key!r} given twice")
        else:
            if key == "view" and value not in VIEWS:
                raise CatalogueError(where, number, f"view {value!r} is not one of {', '.join(VIEWS)}")
            fields[key] = value
    return QueryFile(
        name=name,
        text=text,
        path=path,
        title=fields.get("title", ""),
        title_it=fields.get("title-it", fields.get("question-it", "")),
        description=fields.get("description", ""),
        description_it=fields.get("description-it", ""),
        view=fields.get("view", "table"),
        params=tuple(params),
    )


def parse_query_file(path: Path | str) -> QueryFile:
    """The catalogue entry of one ``.rq`` file (FileNotFoundError if there is none)."""
    stat = os.stat(path)
    return _parse_file(os.fspath(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _parse_file(path: str, mtime_ns: int, size: int) -> QueryFile:
    """Cached by the file's path, time and size: reading and parsing it cost more than a small query.

    An edited file has a new time, so a long-running ``serve`` sees the edit. The key is the
    path as text: hashing a fresh ``Path`` on every call cost more than a 40 µs query.
    """
    file = Path(path)
    return parse_query_text(file.read_text(encoding="utf-8"), file.stem, file, path=file)


def load_catalogue(folder: Path) -> dict[str, QueryFile]:
    """Every ``*.rq`` of ``folder`` (not its ``checks/``, which are build checks), by name."""
    return {path.stem: parse_query_file(path) for path in sorted(folder.glob("*.rq"))}


def find(folder: Path, name: str) -> QueryFile:
    """The catalogue query called ``name``, or the only one whose name starts with it (``cq-01``)."""
    with suppress(FileNotFoundError, IsADirectoryError):
        return parse_query_file(os.path.join(folder, f"{name}.rq"))
    matches = sorted(folder.glob(f"{glob_escape(name)}*.rq"))
    if len(matches) == 1:
        return parse_query_file(matches[0])
    if not matches:
        raise KeyError(f"no query called {name!r} in {folder} (see `lls-graph queries`)")
    raise KeyError(f"{name!r} is ambiguous: {', '.join(p.stem for p in matches)}")


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def to_term(param: Param, value: str, ns: Namespaces | None = None) -> ox.NamedNode | ox.Literal:
    """``value`` as an RDF term of the parameter's type; raise :class:`ParamError` when it is not one.

    An ``iri`` is an entity id (``mind``), a CURIE of our prefixes (``id:mind``, ``lls:Hospital``) or
    a full IRI (``<...>`` optional); anything that is not a valid IRI is refused, never quoted in.

    >>> str(to_term(Param("hub", "iri"), "id:mind"))
    '<https://w3id.org/lls/id/mind>'
    >>> str(to_term(Param("lang", "string"), 'x" || "a" = "a'))
    '"x\\\\" || \\\\"a\\\\" = \\\\"a"'
    """
    ns = ns or Namespaces()
    if param.type == "iri":
        return ox.NamedNode(_iri(param, value, ns))
    if param.type in _LEXICAL and not _LEXICAL[param.type].match(value):
        raise ParamError(f"parameter {param.name!r}: {value!r} is not a valid {param.type}")
    return ox.Literal(value, datatype=ox.NamedNode(PARAM_TYPES[param.type] or ""))


def _iri(param: Param, value: str, ns: Namespaces) -> str:
    text = value[1:-1] if value.startswith("<") and value.endswith(">") else value
    prefix, sep, local = text.partition(":")
    prefixes = ns.prefixes()
    if sep and prefix in prefixes and not local.startswith("//"):
        text = prefixes[prefix] + local
    elif not sep:
        text = str(ns.id) + text
    try:
        ox.NamedNode(text)
    except ValueError as exc:
        raise ParamError(f"parameter {param.name!r}: {value!r} is not an IRI or entity id ({exc})") from None
    return text
