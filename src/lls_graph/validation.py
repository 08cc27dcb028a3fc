"""Validate the populated graph: SHACL shapes and the check queries that must return nothing.

The shapes (``ontology/shapes.ttl``) say what a well-formed record looks like and run on
the ontology plus the inferred graph, so a shape may target a superclass. The check
queries (``queries/checks/*-violation.rq``, named as in the Ontology Development Kit)
catch what shapes say badly, such as a fact without a quote; they run on the ontology
plus the asserted graph (entailed triples have premises, not quotes), in pyoxigraph.

At scale, pySHACL on a million-triple graph spends its time copying and indexing triples
no shape looks at. When every shape targets classes or the subjects of a predicate and every
property path is a single predicate (true of ``ontology/shapes.ttl``), a focus node's
conformance depends only on its own outgoing triples and on the types of their values, so
:func:`shacl_violations` hands pySHACL exactly that neighbourhood plus the class hierarchy:
the same results, on every focus node, not a sample. Shapes using anything else are run on
the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from .config import DEFAULT_BASE, Namespaces
from .serialise import Triple, ntriples

__all__ = ["Violation", "check_queries", "focus_neighbourhood", "run_checks", "shacl_violations", "to_store"]

#: Shape terms whose conformance depends on more than a focus node's own triples and value types.
_NON_LOCAL = (SH.node, SH.qualifiedValueShape, SH.sparql, SH.target, SH.targetNode, SH.targetObjectsOf)


@dataclass(frozen=True, order=True)
class Violation:
    """One problem found in the graph: which check, on which node, and what is wrong."""

    check: str
    focus: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.focus}: {self.message}"


def focus_neighbourhood(data: Graph | Iterable[Graph], shapes: Graph) -> Graph | None:
    """The triples the shapes can see: focus nodes' outgoing triples, their values' types, the classes.

    None when a shape is not local (see the module docstring): then only the whole graph will do.
    """
    graphs = [data] if isinstance(data, Graph) else list(data)
    if any(True for term in _NON_LOCAL for _ in shapes.subject_objects(term)):
        return None
    if any(not isinstance(path, URIRef) for path in shapes.objects(None, SH.path)):
        return None
    hierarchy = Graph(bind_namespaces="none")
    for g in graphs:
        for triple in g.triples((None, RDFS.subClassOf, None)):
            hierarchy.add(triple)
        for triple in g.triples((None, OWL.equivalentClass, None)):
            hierarchy.add(triple)
    targets = set(shapes.objects(None, SH.targetClass))
    todo = list(targets)
    while todo:  # subclasses of a target class are targets too (SHACL's rdfs:subClassOf* rule)
        for sub in hierarchy.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in targets:
                targets.add(sub)
                todo.append(sub)
    predicates = set(shapes.objects(None, SH.targetSubjectsOf))
    out = Graph(bind_namespaces="none")
    out += hierarchy
    for g in graphs:
        focus_nodes = {focus for cls in targets for focus in g.subjects(RDF.type, cls)}
        focus_nodes.update(focus for predicate in predicates for focus in g.subjects(predicate, None))
        for focus in focus_nodes:
            for _, p, o in g.triples((focus, None, None)):
                out.add((focus, p, o))
                for h in graphs:
                    for t in h.objects(o, RDF.type):
                        out.add((o, RDF.type, t))
    return out


def shacl_violations(data: Graph | Iterable[Graph], shapes: Graph) -> list[Violation]:
    """Every SHACL result of ``data`` (a graph, or graphs read as their union) against ``shapes``."""
    import pyshacl

    if not isinstance(data, Graph):  # TEMP until the native validator lands
        from .serialise import graph_of

        data = [d if isinstance(d, Graph) else graph_of(d, Namespaces()) for d in data]
    local = focus_neighbourhood(data, shapes)
    ours = local is not None or not isinstance(data, Graph)  # a graph made here, pySHACL need not copy it
    if local is not None:
        data = local
    elif not isinstance(data, Graph):
        union = Graph(bind_namespaces="none")
        for g in data:
            union += g
        data = union

    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True, inplace=ours)  # fmt: skip
    found = []
    for result in report.subjects(SH.focusNode, None):
        shape = _named_shape(shapes, report.value(result, SH.sourceShape))
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or "does not conform"
        where = f" (path {path.n3(shapes.namespace_manager)})" if path is not None else ""
        focus = str(report.value(result, SH.focusNode))
        found.append(Violation(f"shape {shape.n3(shapes.namespace_manager)}", focus, f"{message}{where}"))
    return sorted(set(found))


def _named_shape(shapes: Graph, shape: Node) -> Node:
    """The node shape a blank property shape belongs to, so a message names ``shapes:HubShape``."""
    if isinstance(shape, BNode):
        return next(iter(shapes.subjects(SH.property, shape)), shape)
    return shape


def to_store(graph: Graph | Iterable[Iterable[Triple]], *, lines: Sequence[str] = ()) -> pyoxigraph.Store:
    """An in-memory pyoxigraph store of ``graph`` (or the union of graphs, without copying them in rdflib).

    rdflib's engine takes minutes on the check queries; pyoxigraph, milliseconds. ``lines`` adds
    N-Triples already rendered (the build renders its 5 M-triple graphs once, ~10 s each time).
    """
    store = pyoxigraph.Store()
    for g in [graph] if isinstance(graph, Graph) else graph:
        _load_lines(store, ntriples(g))
    _load_lines(store, lines)
    return store


def _load_lines(store: pyoxigraph.Store, lines: Sequence[str], chunk: int = 500_000) -> None:
    """Bulk-load N-Triples lines a chunk at a time: one joined copy of 5 M lines would be ~1 GB."""
    for start in range(0, len(lines), chunk):
        store.bulk_load("".join(lines[start : start + chunk]).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)


def check_queries(folder: Path) -> list[Path]:
    """The check queries of ``folder``: those whose rows are violations."""
    return sorted(folder.glob("*-violation.rq"))


def run_checks(data: pyoxigraph.Store | Graph | Iterable[Iterable[Triple]], folder: Path,
               ns: Namespaces | None = None) -> list[Violation]:  # fmt: skip
    """Run each ``*-violation.rq`` on ``data`` (a store, a graph or a union); every row returned is a violation.

    The queries are written against the default base IRI; under another base their IRIs
    are moved with the data (our own query files, never user text).
    """
    ns = ns or Namespaces()
    store = data if isinstance(data, pyoxigraph.Store) else to_store(data)
    found = []
    for path in check_queries(folder):
        text = path.read_text(encoding="utf-8").replace(DEFAULT_BASE, ns.base)
        for row in store.query(text):
            values = [term.value for term in row if term is not None]
            focus = values[0] if values else "?"
            found.append(Violation(path.stem, focus, " ".join(values[1:]) or "violation"))
    return sorted(set(found))
