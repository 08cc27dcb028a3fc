"""What the query store's load time is made of: the graph as built, and two leaner shapes of it.

Run from the repository root, after ``scale_bench.py`` has built the sizes in ``--work``::

    python benchmarks/load_bench.py --sizes 10000,100000

At 100 k organisations the inferred graph is 7.3 M triples and pyoxigraph's bulk loader takes
~22 s for it on 2 cores, against a 5 s target (docs/scale.md, *Targets*). This script measures
what a different graph would cost, so that the choice is made on figures, not guesses:

- ``as built``: every fact annotated by an ``owl:Axiom`` whose ``lls:evidence`` is its quote;
- ``quote graphs``: the same facts and quotes, provenance as named graphs (nanopublication
  style): each annotated fact is a quad in the graph of each of its quotes, the axioms go;
- ``quote graphs, no alignment``: also without the entailed triples in other vocabularies than
  the ontology's own (``org:linkedTo``, ``schema:knowsAbout``, the schema.org, PROV, FOAF and
  ORG types...), i.e. what partners' vocabularies would no longer find materialised.

Each shape is rendered as N-Quads in memory and bulk-loaded into an in-memory store, strict and
lenient (``lenient=True`` skips IRI validation); the as-built graph is also loaded from its
Turtle file, as ``scale_bench.py`` does, and parsed alone, each triple made and let go (the
parser's floor). Figures, not assertions: no test times anything.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF
from scale_bench import _machine, _project_dir, _timed  # benchmarks/ is on sys.path when run as a script

from lls_graph.config import Namespaces, Project
from lls_graph.gc_pause import cycles_uncollected

RDF_TYPE = ox.NamedNode(str(RDF.type))


def _triples(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def quote_graphs(inferred: list[ox.Quad], ns: Namespaces) -> list[ox.Quad]:
    """The inferred graph with each axiom's fact moved into the named graph of its quote."""
    axioms: dict[ox.NamedNode, dict[str, list]] = {}
    for t in inferred:
        if t.predicate.value.startswith(str(OWL) + "annotated") or t.predicate.value == ns.lls + "evidence":
            axioms.setdefault(t.subject, {}).setdefault(t.predicate.value.rpartition("#")[2], []).append(t.object)
    annotated: dict[tuple, list] = {}
    for parts in axioms.values():
        fact = (parts["annotatedSource"][0], parts["annotatedProperty"][0], parts["annotatedTarget"][0])
        annotated.setdefault(fact, []).extend(parts["evidence"])
    quads = []
    for t in inferred:
        if t.subject in axioms:
            continue
        fact = (t.subject, t.predicate, t.object)
        quads += [ox.Quad(*fact, quote) for quote in annotated.get(fact, ())] or [ox.Quad(*fact)]
    return quads


def without_alignment(quads: list[ox.Quad], asserted: set[ox.Quad], ns: Namespaces) -> list[ox.Quad]:
    """Drop the entailed triples whose property (or, for ``rdf:type``, class) is not the ontology's."""
    own = str(ns.lls)

    def kept(q: ox.Quad) -> bool:
        term = q.object if q.predicate == RDF_TYPE else q.predicate
        return term.value.startswith(own) or ox.Quad(q.subject, q.predicate, q.object) in asserted

    return [q for q in quads if kept(q)]


def _load(quads: Iterable[ox.Quad], lenient: bool) -> float:
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return _timed(lambda: ox.Store().bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=lenient))[0]


def bench(folder: Path) -> list[tuple[str, str, str, str]]:
    """(shape, quads, strict load, lenient load) rows for one built project."""
    project, ns = Project(root=folder), Namespaces()
    source = project.inferred_graph
    if not source.is_file():
        raise SystemExit(f"{source} does not exist: build it first (scale_bench.py or lls-graph build)")
    from_file = [_timed(lambda lenient=lenient: ox.Store().bulk_load(
        path=str(source), format=ox.RdfFormat.TURTLE, lenient=lenient))[0] for lenient in (False, True)]  # fmt: skip
    parse = _timed(lambda: sum(1 for _ in ox.parse(path=str(source), format=ox.RdfFormat.TURTLE)))[0]
    rows = [("parse only (the parser's floor, Turtle)", "", f"{parse:.2f} s", ""),
            ("as built, from the Turtle file", "", f"{from_file[0]:.2f} s", f"{from_file[1]:.2f} s")]  # fmt: skip
    inferred = _triples(source)
    asserted = set(_triples(project.asserted_graph))
    graphs = quote_graphs(inferred, ns)
    for shape, quads in (("as built", inferred), ("quote graphs", graphs),
                         ("quote graphs, no alignment", without_alignment(graphs, asserted, ns))):  # fmt: skip
        rows.append((shape, f"{len(quads):,}", f"{_load(quads, False):.2f} s", f"{_load(quads, True):.2f} s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated numbers of organisations, or real")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "lls-scale")
    args = parser.parse_args()
    print(_machine())
    print("\n| organisations | graph | triples or quads | bulk_load | bulk_load, lenient |\n|---|---|---|---|---|")
    for size in args.sizes.split(","):
        folder, _ = _project_dir(size, args.work)
        with cycles_uncollected():  # millions of terms held, no cycles: each full collection would walk them
            rows = bench(folder)
        for shape, count, strict, lenient in rows:
            print(f"| {size} | {shape} | {count} | {strict} | {lenient} |", flush=True)


if __name__ == "__main__":
    main()
