"""Validate the populated graph: SHACL shapes and the check queries that must return nothing.

The shapes (``ontology/shapes.ttl``) say what a well-formed record looks like and run on
the ontology plus the inferred graph, so a shape may target a superclass. The check
queries (``queries/checks/*-violation.rq``, named as in the Ontology Development Kit)
catch what shapes say badly, such as a fact without a quote; they run on the ontology
plus the asserted graph (entailed triples have premises, not quotes), in pyoxigraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Graph
from rdflib.namespace import SH

from .config import DEFAULT_BASE, Namespaces

__all__ = ["Violation", "check_queries", "run_checks", "shacl_violations", "to_store"]


@dataclass(frozen=True, order=True)
class Violation:
    """One problem found in the graph: which check, on which node, and what is wrong."""

    check: str
    focus: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.focus}: {self.message}"


def shacl_violations(data: Graph, shapes: Graph) -> list[Violation]:
    """Every SHACL result of ``data`` against ``shapes`` (empty when it conforms)."""
    import pyshacl

    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True)  # fmt: skip
    found = []
    for result in report.subjects(SH.focusNode, None):
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or "does not conform"
        where = f" (path {path.n3(shapes.namespace_manager)})" if path is not None else ""
        focus = str(report.value(result, SH.focusNode))
        found.append(Violation(f"shape {shape.n3(shapes.namespace_manager)}", focus, f"{message}{where}"))
    return sorted(set(found))


def to_store(graph: Graph) -> pyoxigraph.Store:
    """An in-memory pyoxigraph store of ``graph``: rdflib's engine takes minutes on these checks."""
    store = pyoxigraph.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def check_queries(folder: Path) -> list[Path]:
    """The check queries of ``folder``: those whose rows are violations."""
    return sorted(folder.glob("*-violation.rq"))


def run_checks(data: Graph, folder: Path, ns: Namespaces | None = None) -> list[Violation]:
    """Run each ``*-violation.rq`` on ``data``; every row returned is a violation.

    The queries are written against the default base IRI; under another base their IRIs
    are moved with the data (our own query files, never user text).
    """
    ns = ns or Namespaces()
    store = to_store(data)
    found = []
    for path in check_queries(folder):
        text = path.read_text(encoding="utf-8").replace(DEFAULT_BASE, ns.base)
        for row in store.query(text):
            values = [term.value for term in row if term is not None]
            focus = values[0] if values else "?"
            found.append(Violation(path.stem, focus, " ".join(values[1:]) or "violation"))
    return sorted(set(found))
