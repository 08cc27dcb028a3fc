"""Validate the populated graph: SHACL shapes and the check queries that must return nothing.

The shapes (``ontology/shapes.ttl``) say what a well-formed record looks like and run on
the ontology plus the inferred graph, so a shape may target a superclass. The check
queries (``queries/checks/*-violation.rq``, named as in the Ontology Development Kit)
catch what shapes say badly, such as a fact without a quote; they run on the ontology
plus the asserted graph (entailed triples have premises, not quotes), in pyoxigraph.

Why a SHACL validator of our own: at 10,000 synthetic organisations (~740 k triples) pySHACL,
even on the focus nodes' neighbourhoods only, took ~60 s, and at 100,000 (~7.4 M triples) the
build ran out of memory copying the graph for it; pyrudof took 24 s and 6 GB at 10 k, and SHACL
as SPARQL on a pyoxigraph store is lossy (the store reads ``"0"^^xsd:positiveInteger`` as an
``xsd:integer``). Our shapes use a small part of SHACL Core: class and subjects-of targets,
single-predicate paths and value-level components. :func:`shacl_violations` reads the triples
once, keeping only what those shapes can see (the types of the classes they name, the class
hierarchy, the values of their paths), and runs each compiled shape on its focus nodes. Shapes
using anything else go to pySHACL (:func:`pyshacl_violations`, also the reference the tests
compare against), on the whole graph.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD, NamespaceManager
from rdflib.term import Node

from .config import DEFAULT_BASE, Namespaces
from .serialise import Triple, ntriples

__all__ = [
    "Violation",
    "check_queries",
    "native_supported",
    "pyshacl_violations",
    "run_checks",
    "shacl_violations",
    "to_store",
]

#: N-Triples lines rendered and encoded at a time: the store loads one UTF-8 document, never a str of it all.
_CHUNK = 100_000


@dataclass(frozen=True, order=True)
class Violation:
    """One problem found in the graph: which check, on which node, and what is wrong."""

    check: str
    focus: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.focus}: {self.message}"


def _collections(data: Graph | Iterable[Iterable[Triple]]) -> list[Iterable[Triple]]:
    """The triple collections of ``data``, read as their union; a lone rdflib Graph is one collection."""
    return [data] if isinstance(data, Graph) else list(data)


# --- the native validator -------------------------------------------------------------------


class _Unsupported(Exception):
    """A shape uses SHACL this module does not implement, so pySHACL must judge."""


class _Index:
    """What the shapes can see of the data, read in one pass over the triples.

    Kept: the values of the path predicates (subject -> objects), the instances of the classes the
    shapes name and of their subclasses, and the class hierarchy. Other triples are skipped, and the
    instances of other classes dropped once the hierarchy is known, so a graph of millions of triples
    costs little more than the references held here.
    """

    def __init__(self, data: Iterable[Iterable[Triple]], predicates: set[Node], classes: set[Node]) -> None:
        self._objects: dict[Node, defaultdict[Node, list[Node]]] = {p: defaultdict(list) for p in predicates}
        instances: defaultdict[Node, set[Node]] = defaultdict(set)
        self._subclasses: defaultdict[Node, set[Node]] = defaultdict(set)
        inverse = {RDF.type: instances, RDFS.subClassOf: self._subclasses}  # object -> subjects
        forward = self._objects
        for triples in data:
            for s, p, o in triples:
                objects = forward.get(p)
                if objects is not None:
                    objects[s].append(o)
                subjects = inverse.get(p)
                if subjects is not None:
                    subjects[o].add(s)
        self._closures: dict[Node, frozenset[Node]] = {}
        kept = {sub for cls in classes for sub in self.subclasses(cls)}
        self._instances = {cls: instances[cls] for cls in kept if cls in instances}  # the rest is freed

    def subclasses(self, cls: Node) -> frozenset[Node]:
        """``cls`` and its subclasses, direct or not (SHACL's ``rdfs:subClassOf*``)."""
        if cls not in self._closures:
            found, todo = {cls}, [cls]
            while todo:
                for sub in self._subclasses.get(todo.pop(), ()):
                    if sub not in found:
                        found.add(sub)
                        todo.append(sub)
            self._closures[cls] = frozenset(found)
        return self._closures[cls]

    def instances(self, cls: Node) -> set[Node]:
        """The SHACL instances of ``cls``: nodes typed with it or with one of its subclasses."""
        return {node for sub in self.subclasses(cls) for node in self._instances.get(sub, ())}

    def is_instance(self, node: Node, cls: Node) -> bool:
        """Whether ``node`` has a type that is ``cls`` or one of its subclasses."""
        return any(node in self._instances.get(sub, ()) for sub in self.subclasses(cls))

    def subjects(self, predicate: Node) -> Iterable[Node]:
        """The subjects of ``predicate`` (an indexed one)."""
        return self._objects[predicate].keys()

    def objects(self, subject: Node, predicate: Node) -> Sequence[Node]:
        """The distinct objects of ``subject`` under ``predicate``: a collection may repeat another's triple."""
        found = self._objects[predicate].get(subject)
        if found is None:
            return ()
        return found if len(found) == 1 else tuple(dict.fromkeys(found))


#: A compiled constraint component: given the index and a shape's value nodes, what is wrong with them.
_Constraint = Callable[[_Index, Sequence[Node]], Iterator[str]]


@dataclass(frozen=True)
class _Shape:
    """A shape compiled once: its constraints, its property shapes, and what it targets."""

    node: Node
    path: Node | None
    constraints: tuple[_Constraint, ...]
    properties: tuple[_Shape, ...]
    message: str | None
    deactivated: bool
    target_classes: tuple[Node, ...]
    targets_subjects_of: tuple[Node, ...]


def _results(index: _Index, shape: _Shape, focus: Node) -> Iterator[tuple[_Shape, Node, str]]:
    """Each (source shape, focus node, problem) of ``focus`` against ``shape``, as a SHACL report has them."""
    if shape.deactivated:
        return
    values = (focus,) if shape.path is None else index.objects(focus, shape.path)
    for constraint in shape.constraints:
        for problem in constraint(index, values):
            yield shape, focus, problem
    for prop in shape.properties:
        for value in values:
            yield from _results(index, prop, value)


def _conforms(index: _Index, shape: _Shape, node: Node) -> bool:
    """Whether ``node`` conforms to ``shape`` (a member of an ``sh:or``)."""
    return next(_results(index, shape, node), None) is None


class _Compiler:
    """Turns the shapes graph into :class:`_Shape` objects, each node compiled once."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._done: dict[Node, _Shape] = {}
        self._open: set[Node] = set()

    def name(self, term: Node) -> str:
        """``term`` as the shapes write it (``lls:Place``), for messages."""
        namespaces: NamespaceManager = self.shapes.namespace_manager
        return term.n3(namespaces)

    def items(self, node: Node) -> list[Node]:
        """The members of the RDF list ``node`` (``sh:in``, ``sh:or``, ``sh:languageIn``)."""
        return list(self.shapes.items(node))

    def shape(self, node: Node) -> _Shape:
        """The compiled ``node``; a shape reached again through itself is recursive, which SHACL leaves undefined."""
        if node in self._done:
            return self._done[node]
        if node in self._open:
            raise _Unsupported(f"recursive shape {node}")
        self._open.add(node)
        g = self.shapes
        constraints = [_COMPONENTS[p](self, o) for p, o in g.predicate_objects(node) if p in _COMPONENTS]
        message = min(map(str, g.objects(node, SH.message)), default=None)  # one, the same on every run
        compiled = _Shape(
            node=node,
            path=g.value(node, SH.path),
            constraints=tuple(c for c in constraints if c is not None),
            properties=tuple(self.shape(p) for p in g.objects(node, SH.property)),
            message=message,
            deactivated=any(v.eq(Literal(True)) for v in g.objects(node, SH.deactivated)),
            target_classes=tuple(g.objects(node, SH.targetClass)),
            targets_subjects_of=tuple(g.objects(node, SH.targetSubjectsOf)),
        )
        self._open.discard(node)
        self._done[node] = compiled
        return compiled


def _per_value(
    label: str, fault: str, name: Callable[[Node], str], test: Callable[[_Index, Node], bool]
) -> _Constraint:
    """A constraint judging each value node alone; ``label`` names it and ``fault`` says what a bad value is."""

    def check(index: _Index, values: Sequence[Node]) -> Iterator[str]:
        for value in values:
            if not test(index, value):
                yield f"{label}: {name(value)} {fault}"

    return check


def _min_count(c: _Compiler, value: Node) -> _Constraint:
    least = int(value)

    def check(_: _Index, values: Sequence[Node]) -> Iterator[str]:
        if len(values) < least:
            yield f"sh:minCount {least}: {len(values)} values"

    return check


def _max_count(c: _Compiler, value: Node) -> _Constraint:
    most = int(value)

    def check(_: _Index, values: Sequence[Node]) -> Iterator[str]:
        if len(values) > most:
            yield f"sh:maxCount {most}: {len(values)} values"

    return check


def _class(c: _Compiler, cls: Node) -> _Constraint:
    return _per_value(f"sh:class {c.name(cls)}", "is not an instance", c.name,
                      lambda index, v: not isinstance(v, Literal) and index.is_instance(v, cls))  # fmt: skip


def _has_datatype(value: Node, datatype: Node) -> bool:
    """SHACL's datatype match: the same datatype IRI and, for the XSD types, a well-formed lexical form."""
    if not isinstance(value, Literal):
        return False
    if value.datatype is None:  # rdflib leaves the implicit datatype of a plain or tagged literal unset
        return datatype == (RDF.langString if value.language else XSD.string)
    return value.datatype == datatype and value.ill_typed is not True


def _datatype(c: _Compiler, datatype: Node) -> _Constraint:
    if datatype in (RDFS.Literal, RDFS.Datatype):  # pySHACL lets any literal match these, SHACL none
        raise _Unsupported(f"sh:datatype {datatype}")
    return _per_value(f"sh:datatype {c.name(datatype)}", "is not a well-formed literal of it", c.name,
                      lambda _, v: _has_datatype(v, datatype))  # fmt: skip


_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


def _node_kind(c: _Compiler, kind: Node) -> _Constraint:
    if kind not in _NODE_KINDS:
        raise _Unsupported(f"sh:nodeKind {kind}")
    kinds = _NODE_KINDS[kind]
    return _per_value(f"sh:nodeKind {c.name(kind)}", "is of another kind", c.name,
                      lambda _, v: isinstance(v, kinds))  # fmt: skip


def _in(c: _Compiler, members: Node) -> _Constraint:
    allowed = set(c.items(members))
    label = "sh:in (" + " ".join(sorted(c.name(m) for m in allowed)) + ")"
    return _per_value(label, "is not one of them", c.name, lambda _, v: v in allowed)


def _lang_matches(tag: str | None, ranges: set[str]) -> bool:
    """SPARQL's ``langMatches`` for basic ranges: the whole tag, a prefix ending at a ``-``, or ``*``."""
    if not tag:
        return False
    tag = tag.lower()
    return "*" in ranges or any(tag == r or tag.startswith(r + "-") for r in ranges)


def _language_in(c: _Compiler, members: Node) -> _Constraint:
    ranges = {str(m).lower() for m in c.items(members)}
    label = "sh:languageIn (" + " ".join(sorted(ranges)) + ")"
    return _per_value(label, "has no tag in them", c.name,
                      lambda _, v: isinstance(v, Literal) and _lang_matches(v.language, ranges))  # fmt: skip


def _unique_lang(c: _Compiler, flag: Node) -> _Constraint | None:
    if not flag.eq(Literal(True)):
        return None

    def check(_: _Index, values: Sequence[Node]) -> Iterator[str]:
        tags = Counter(v.language.lower() for v in values if isinstance(v, Literal) and v.language)
        for tag, count in sorted(tags.items()):
            if count > 1:
                yield f"sh:uniqueLang: {count} values tagged {tag}"

    return check


def _min_length(c: _Compiler, value: Node) -> _Constraint:
    least = int(value)
    return _per_value(f"sh:minLength {least}", "is shorter", c.name,
                      lambda _, v: not isinstance(v, BNode) and len(str(v)) >= least)  # fmt: skip


def _or(c: _Compiler, members: Node) -> _Constraint:
    shapes = [c.shape(m) for m in c.items(members)]
    return _per_value(f"sh:or of {len(shapes)} shapes", "conforms to none", c.name,
                      lambda index, v: any(_conforms(index, s, v) for s in shapes))  # fmt: skip


#: The constraint components implemented here, by parameter.
_COMPONENTS: dict[Node, Callable[[_Compiler, Node], _Constraint | None]] = {
    SH.minCount: _min_count,
    SH.maxCount: _max_count,
    SH["class"]: _class,
    SH.datatype: _datatype,
    SH.nodeKind: _node_kind,
    SH["in"]: _in,
    SH.languageIn: _language_in,
    SH.uniqueLang: _unique_lang,
    SH.minLength: _min_length,
    SH["or"]: _or,
}

#: Every SHACL term the native validator understands; a shapes graph using another goes to pySHACL.
_SUPPORTED = frozenset(_COMPONENTS) | {
    SH.targetClass, SH.targetSubjectsOf, SH.property, SH.path, SH.deactivated,
    SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
}  # fmt: skip


def _compile(shapes: Graph) -> list[_Shape] | None:
    """The shapes that have targets, compiled; None when one uses SHACL not implemented here."""
    if any(str(p).startswith(str(SH)) and p not in _SUPPORTED for p in set(shapes.predicates())):
        return None
    if any(not isinstance(path, URIRef) for path in shapes.objects(None, SH.path)):
        return None
    class_types = {RDFS.Class, OWL.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}
    shape_types = {SH.NodeShape, SH.PropertyShape}
    for node in set(shapes.subjects(RDF.type, None)):  # a shape that is also a class targets its instances
        types = set(shapes.objects(node, RDF.type))
        if types & shape_types and types & class_types:
            return None
    compiler = _Compiler(shapes)
    targeted = set(shapes.subjects(SH.targetClass, None)) | set(shapes.subjects(SH.targetSubjectsOf, None))
    try:
        return [compiler.shape(node) for node in targeted]
    except _Unsupported:
        return None


def native_supported(shapes: Graph) -> bool:
    """Whether every shape of ``shapes`` is within what :func:`shacl_violations` judges itself."""
    return _compile(shapes) is not None


def _native_violations(data: Iterable[Iterable[Triple]], shapes: Graph, compiled: list[_Shape]) -> list[Violation]:
    """Run the compiled shapes on every focus node of ``data``, indexed in one pass."""
    predicates = {o for p in (SH.path, SH.targetSubjectsOf) for o in shapes.objects(None, p)}
    classes = {o for p in (SH.targetClass, SH["class"]) for o in shapes.objects(None, p)}
    index = _Index(data, predicates, classes)
    found = set()
    for shape in compiled:
        focus_nodes = {node for cls in shape.target_classes for node in index.instances(cls)}
        focus_nodes.update(node for p in shape.targets_subjects_of for node in index.subjects(p))
        for focus in focus_nodes:
            for source, node, problem in _results(index, shape, focus):
                found.add(_violation(shapes, source.node, node, source.message or problem, source.path))
    return sorted(found)


def _violation(shapes: Graph, source: Node, focus: Node, message: str, path: Node | None) -> Violation:
    """A SHACL result as a :class:`Violation`, named after the node shape a blank property shape belongs to."""
    names = shapes.namespace_manager
    where = f" (path {path.n3(names)})" if path is not None else ""
    return Violation(f"shape {_named_shape(shapes, source).n3(names)}", str(focus), f"{message}{where}")


def shacl_violations(data: Graph | Iterable[Iterable[Triple]], shapes: Graph) -> list[Violation]:
    """Every SHACL result of ``data`` (collections of triples read as their union) against ``shapes``.

    Natively when the shapes allow it (see the module docstring), else by pySHACL.
    """
    compiled = _compile(shapes)
    if compiled is None:
        return pyshacl_violations(data, shapes)
    return _native_violations(_collections(data), shapes, compiled)


def pyshacl_violations(data: Graph | Iterable[Iterable[Triple]], shapes: Graph) -> list[Violation]:
    """pySHACL's results on the union of ``data``: the fallback, and the reference for the native validator."""
    import pyshacl

    collections = _collections(data)
    ours = not (len(collections) == 1 and isinstance(collections[0], Graph))  # a graph made here need not be copied
    if ours:
        graph = Graph(bind_namespaces="none")
        for triples in collections:
            graph += triples
    else:
        graph = collections[0]
    _, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True, inplace=ours)  # fmt: skip
    found = set()
    for result in report.subjects(SH.focusNode, None):
        message = report.value(result, SH.resultMessage) or "does not conform"
        source, focus = report.value(result, SH.sourceShape), report.value(result, SH.focusNode)
        found.add(_violation(shapes, source, focus, str(message), report.value(result, SH.resultPath)))
    return sorted(found)


def _named_shape(shapes: Graph, shape: Node) -> Node:
    """The node shape a blank property shape belongs to, so a message names ``shapes:HubShape``."""
    if isinstance(shape, BNode):
        return next(iter(shapes.subjects(SH.property, shape)), shape)
    return shape


# --- the check queries ----------------------------------------------------------------------


def _ntriples_chunks(data: Graph | Iterable[Iterable[Triple]], lines: Sequence[str]) -> Iterator[bytes]:
    """The N-Triples text of ``data`` then ``lines``, :data:`_CHUNK` lines at a time."""
    for triples in _collections(data):
        rows = iter(triples)
        while chunk := ntriples(islice(rows, _CHUNK)):
            yield "".join(chunk).encode()
    for start in range(0, len(lines), _CHUNK):
        yield "".join(lines[start : start + _CHUNK]).encode()


def to_store(graph: Graph | Iterable[Iterable[Triple]], *, lines: Sequence[str] = ()) -> pyoxigraph.Store:
    """An in-memory pyoxigraph store of the union of ``graph`` (a graph, or collections of triples).

    rdflib's engine takes minutes on the check queries; pyoxigraph, milliseconds. ``lines`` adds
    N-Triples already rendered (the build renders its 5 M-triple graphs once, ~10 s each time).
    One load of one document, as bytes: pyoxigraph renames blank nodes per load, so chunk-by-chunk
    loads would split a blank node, and it parses bytes without holding the GIL (a Python stream
    it reads under the GIL), so the build's checks load while its closure runs (at 100 k
    organisations the document is ~0.7 GB).
    """
    store = pyoxigraph.Store()
    store.bulk_load(b"".join(_ntriples_chunks(graph, lines)), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


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
