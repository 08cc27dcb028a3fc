"""Run a catalogue query, a query file or query text, locally or on an endpoint, and shape the result.

One call, :func:`run_query`, answers any SELECT, ASK, CONSTRUCT or DESCRIBE: on the inferred
graph by default (the embedded store of :mod:`lls_graph.store`), on the asserted graph, on any
RDF files (``data=``) or on a SPARQL endpoint (``endpoint=``). Every query first passes
:func:`lls_graph.sparql.guard`; parameters are typed by the query header and bound as terms
(:func:`lls_graph.sparql.bind`). Local and remote answers are the same :class:`Result` of
pyoxigraph terms, so they compare equal when the graphs are equal.

>>> result = run_query("ASK { ?s ?p ?o }", data=[])
>>> result.boolean
False
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .catalogue import Param, ParamError, QueryFile, find, parse_query_text, to_term
from .config import Namespaces, Project
from .sparql import UnsafeQuery, bind, guard

if TYPE_CHECKING:
    import pandas

    from .remote import Endpoint

__all__ = [
    "FORMATS",
    "QueryFailed",
    "Result",
    "format_result",
    "label_lookup",
    "load_data",
    "resolve",
    "rows",
    "run_query",
    "table_rows",
    "to_dataframe",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
XSD = "http://www.w3.org/2001/XMLSchema#"


class QueryFailed(Exception):
    """The query could not run: a syntax error (with line and column), an unsafe query, a bad parameter."""


@dataclass
class Result:
    """The answer of one query: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No rows, ``false`` or no triples: what ``--fail-empty`` fails on."""
        if self.form == "ASK":
            return not self.boolean
        return not (self.rows if self.form == "SELECT" else self.triples)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts of plain Python values (numbers for numeric literals, str otherwise)."""
        return [{v: python_value(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]


def python_value(term: Term | None) -> Any:
    """A term as a Python value: ``None`` unbound, int/float/bool for typed literals, else its text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger"):
                return int(term.value)
            if datatype in (XSD + "decimal", XSD + "double", XSD + "float"):
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
    return term.value if not isinstance(term, ox.Triple) else str(term)


def resolve(query: str | Path | QueryFile, project: Project | None = None) -> QueryFile:
    """A catalogue name (``cq-01-mind-members``, or a unique prefix), a ``.rq`` path, or query text."""
    if isinstance(query, QueryFile):
        return query
    project = project or Project()
    if isinstance(query, Path):
        return parse_query_text(query.read_text(encoding="utf-8"), query.stem, query, path=query)
    if "\n" not in query and query.endswith(".rq") and Path(query).is_file():
        return resolve(Path(query), project)
    if "{" not in query and "\n" not in query and " " not in query.strip():
        try:
            return find(project.queries, query.strip())
        except KeyError as exc:
            raise QueryFailed(exc.args[0]) from None
    return parse_query_text(query, "<query>")


def bindings(entry: QueryFile, params: Mapping[str, str], ns: Namespaces) -> dict[str, ox.NamedNode | ox.Literal]:
    """Header-typed terms for the given values and the declared defaults; undeclared names are strings."""
    terms: dict[str, ox.NamedNode | ox.Literal] = {}
    for name in params:
        if entry.params and entry.param(name) is None:
            declared = ", ".join(p.name for p in entry.params)
            raise ParamError(f"{entry.name} has no parameter {name!r} (it has: {declared})")
    for param in entry.params:
        value = params.get(param.name, param.default)
        if value is not None:
            terms[param.name] = to_term(param, value, ns)
    for name, value in params.items():
        if entry.param(name) is None:
            terms[name] = to_term(Param(name, "string"), value, ns)
    return terms


def load_data(paths: Iterable[Path | str]) -> ox.Store:
    """An in-memory store of RDF files, each parsed in the format its extension names."""
    store = ox.Store()
    for path in map(Path, paths):
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".")) if path.suffix else None
        if fmt is None:
            raise QueryFailed(f"{path}: unknown RDF format (use .ttl, .nt, .nq, .trig, .rdf, .jsonld, ...)")
        try:
            store.bulk_load(path=str(path), format=fmt)
        except (SyntaxError, ValueError) as exc:
            raise QueryFailed(f"{path}: {exc}") from None
    return store


def syntax_message(exc: SyntaxError) -> str:
    """pyoxigraph's ``error at 3:2: ...`` as ``syntax error at line 3, column 2: ...``."""
    match = re.match(r"error at (\d+):(\d+)(?:-\d+:\d+)?: (.*)", str(exc), re.S)
    if not match:
        return f"syntax error: {exc}"
    return f"syntax error at line {match[1]}, column {match[2]}: {match[3]}"


def _first_syntax_error(text: str, original: str) -> SyntaxError | None:
    """The syntax error of the query as written (its positions are the user's), if it has one."""
    if text == original:
        return None
    try:
        ox.Store().query(original)
    except SyntaxError as exc:
        return exc
    return None


def _local(store: ox.Store, text: str, form: str, original: str) -> Result:
    try:
        answer = store.query(text)
    except SyntaxError as exc:
        raise QueryFailed(syntax_message(_first_syntax_error(text, original) or exc)) from None
    if isinstance(answer, ox.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        return Result("SELECT", names, [tuple(solution) for solution in answer])  # values in variable order
    return Result(form, triples=list(answer))


def run_query(
    query: str | Path | QueryFile,
    params: Mapping[str, str] | None = None,
    *,
    project: Project | None = None,
    ns: Namespaces | None = None,
    asserted: bool = False,
    data: Sequence[Path | str] | None = None,
    store: ox.Store | None = None,
    endpoint: Endpoint | str | None = None,
    allow_service: bool = False,
) -> Result:
    """Answer ``query`` (a catalogue name, a file or text) with ``params`` bound as typed terms.

    Where: ``store`` if given, else ``endpoint``, else the RDF files of ``data``, else the built
    graph's embedded store (inferred, or asserted with ``asserted=True``).
    """
    project = project or Project()
    ns = ns or Namespaces()
    entry = resolve(query, project)
    try:
        form = guard(entry.text, allow_service=allow_service)
        text = bind(entry.text, bindings(entry, params or {}, ns))
    except (UnsafeQuery, ParamError) as exc:
        raise QueryFailed(str(exc)) from None
    if store is None and endpoint is not None:
        from .remote import Endpoint, remote_query

        target = endpoint if isinstance(endpoint, Endpoint) else Endpoint(endpoint)
        return remote_query(target, text, form)
    if store is None and data is not None:
        store = load_data(data)
    if store is None:
        from .store import open_store

        store = open_store(project, "asserted" if asserted else "inferred")
    return _local(store, text, form, entry.text)


def rows(query: str | Path | QueryFile, params: Mapping[str, str] | None = None, **options: Any) -> list[dict]:
    """The rows of a SELECT as dicts of Python values: the shortest way to use a query from Python.

    >>> rows("SELECT ?x WHERE { VALUES ?x { 1 2 } } ORDER BY ?x", data=[])
    [{'x': 1}, {'x': 2}]
    """
    return run_query(query, params, **options).records()


def to_dataframe(result: Result, labels: Callable[[Term], str] | None = None) -> pandas.DataFrame:
    """The rows as a pandas DataFrame (pandas is optional: ``pip install 'lls-graph[pandas]'``)."""
    import pandas

    if labels is None:
        return pandas.DataFrame(result.records(), columns=result.variables)
    return pandas.DataFrame([[labels(t) if t is not None else None for t in row] for row in result.rows],
                            columns=result.variables)  # fmt: skip


# --- shaping results -------------------------------------------------------------------------------

FORMATS = ("table", "csv", "tsv", "json", "ttl", "jsonld")


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = zip(("subject", "predicate", "object"), (term.subject, term.predicate, term.object), strict=True)
        return {"type": "triple", "value": {k: _json_term(v) for k, v in parts}}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def results_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON of a SELECT or ASK result."""
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    bound = [{v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
             for row in result.rows]  # fmt: skip
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bound}}, ensure_ascii=False)


def format_result(result: Result, fmt: str, ns: Namespaces | None = None) -> str:
    """``result`` as text in ``fmt`` (csv, tsv, json for SELECT/ASK; ttl, jsonld for graphs)."""
    ns = ns or Namespaces()
    graph = result.form in ("CONSTRUCT", "DESCRIBE")
    if fmt in ("ttl", "jsonld"):
        if not graph:
            raise QueryFailed(f"--format {fmt} needs a CONSTRUCT or DESCRIBE query; use csv, tsv or json")
        rdf = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.JSON_LD
        prefixes = ns.prefixes() if fmt == "ttl" else None
        return ox.serialize(result.triples, format=rdf, prefixes=prefixes).decode("utf-8")
    if graph:
        if fmt in ("csv", "tsv", "json"):
            raise QueryFailed(f"--format {fmt} is for SELECT and ASK; use ttl or jsonld for a graph")
        raise QueryFailed(f"unknown format {fmt!r}")
    if fmt == "json":
        return results_json(result)
    if fmt in ("csv", "tsv"):
        kind = ox.QueryResultsFormat.CSV if fmt == "csv" else ox.QueryResultsFormat.TSV
        parsed = ox.parse_query_results(results_json(result).encode("utf-8"), format=ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=kind).decode("utf-8")
    raise QueryFailed(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def label_lookup(store: ox.Store | None, lang: str = "en", ns: Namespaces | None = None) -> Callable[[Term], str]:
    """A function naming a term for people: its label in ``lang`` (else en, it, any), else a CURIE."""
    prefixes = sorted((ns or Namespaces()).prefixes().items(), key=lambda kv: -len(kv[1]))
    order = [lang, "en", "it", ""]
    cache: dict[str, str] = {}

    def curie(iri: str) -> str:
        for prefix, base in prefixes:
            if iri.startswith(base) and len(iri) > len(base):
                return f"{prefix}:{iri[len(base) :]}"
        return f"<{iri}>"

    def label(term: Term) -> str:
        if not isinstance(term, ox.NamedNode):
            return term.value if isinstance(term, ox.Literal | ox.BlankNode) else str(term)
        if term.value not in cache:
            found: dict[str, str] = {}
            if store is not None:
                for predicate in (SKOS_PREF, RDFS_LABEL):
                    for quad in store.quads_for_pattern(term, predicate, None):
                        obj = quad.object
                        if isinstance(obj, ox.Literal):
                            found.setdefault(obj.language or "", obj.value)
            cache[term.value] = next((found[k] for k in order if k in found), None) or curie(term.value)
        return cache[term.value]

    return label


def table_rows(result: Result, label: Callable[[Term], str]) -> tuple[list[str], list[list[str]]]:
    """Column names and cells for a human-readable table of any result."""
    if result.form == "ASK":
        return ["answer"], [["yes" if result.boolean else "no"]]
    if result.form == "SELECT":
        return result.variables, [["" if t is None else label(t) for t in row] for row in result.rows]
    return ["subject", "predicate", "object"], [
        [label(t.subject), label(t.predicate), label(t.object)] for t in result.triples
    ]
