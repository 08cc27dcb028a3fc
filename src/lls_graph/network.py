"""The ecosystem as a network: RDF graph → networkx multigraph, and the views drawn from it.

The RDF graph holds more than the ecosystem: provenance (axioms, quotes, sources), statistics and
code lists. Analysts want the actors and their relations, so a node is any resource that is not
one of those bookkeeping kinds, and an edge is a relation between two nodes. Every node and edge
keeps its labels in both languages and the quotes it rests on, so a page, a ranking or a match can
always say where a fact comes from.

The same code reads a partner's RDF file that does not use our ontology: there, a node's class is
its ``rdf:type`` (or "Resource") and nothing but reification is left out. Our own product is read
by pyoxigraph's parser into a :class:`ProductGraph` instead of an rdflib Graph: rdflib needs
~45 µs and ~2 KB a triple, which is 339 s and more than 10 GB at 100 k organisations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, OWL, QB, RDF, RDFS, SKOS
from rdflib.term import Node

from .config import Namespaces, Project
from .search import normalise_name
from .serialise import Triple, read_triples

__all__ = [
    "FAMILIES",
    "EntityNotFound",
    "Network",
    "ProductGraph",
    "ecosystem",
    "ego_view",
    "hub_view",
    "load_product",
    "load_rdf",
    "overview",
    "query_graph",
    "resolve",
    "simple_graph",
    "specialisation_view",
]

LANGS = ("en", "it")

#: The kinds of node that colour the page and fill the legend, most specific first: a node's family
#: is the first of these its class descends from. Order matters (a University is a research body).
FAMILIES = (
    "InnovationHub",
    "Company",
    "HealthcareProvider",
    "University",
    "ResearchOrganisation",
    "Cluster",
    "PublicAuthority",
    "Organisation",
    "Specialisation",
    "Place",
    "Initiative",
    "Therapy",
    "ScientificFirst",
    "MedicalCondition",
)

#: Bookkeeping kinds that are not part of the ecosystem (their subclasses neither).
EXCLUDED = (
    "Statistic",
    "Indicator",
    "Period",
    "Unit",
    "Qualifier",
    "Status",
    "Source",
    "Quote",
    "Discrepancy",
)

#: Predicates that describe the RDF itself rather than a relation between actors.
_SKIP_PREDICATE_NS = (str(RDF), str(RDFS), str(OWL))
#: Links to web pages are not relations between actors: a homepage would become a node.
_SKIP_PREDICATES = {SKOS.inScheme, SKOS.topConceptOf, SKOS.hasTopConcept, QB.dataSet, FOAF.homepage,
                    URIRef("https://schema.org/url")}  # fmt: skip
_EXCLUDED_TYPES = {OWL.Axiom, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                   OWL.Ontology, SKOS.ConceptScheme, QB.DataSet, RDF.Property}  # fmt: skip


class EntityNotFound(LookupError):
    """A name matched no node, or several: the message lists the candidates."""


@dataclass
class Network:
    """The ecosystem graph and the class labels its legend needs.

    ``graph`` is a :class:`networkx.MultiDiGraph` keyed by IRI; node attributes: ``label``
    (lang → text), ``names`` (every label and alternative label), ``cls`` and ``cls_label``,
    ``family`` and ``family_label``, ``sources`` (quotes); edge key: the predicate IRI, attributes
    ``label`` (lang → text) and ``sources``.
    """

    graph: nx.MultiDiGraph
    title: str = "Lombardy life-sciences ecosystem"

    def label(self, node: str, lang: str = "en") -> str:
        """The node's label in ``lang``, falling back to the other language and then the IRI."""
        return pick(self.graph.nodes[node]["label"], lang) or local_name(node)


def load_rdf(paths: Iterable[Path]) -> Graph:
    """Parse RDF files of any syntax rdflib knows (guessed from the extension)."""
    graph = Graph()
    for path in paths:
        graph.parse(str(path))
    return graph


class ProductGraph:
    """Triples indexed by subject, with the part of rdflib's Graph API that :func:`ecosystem` reads.

    A dict of dicts of lists costs a fraction of rdflib's memory store (three indexes of every
    triple) and is built at the speed of the parser; ``subjects`` answers ``rdf:type`` only, the
    one reverse lookup the network needs.
    """

    def __init__(self, triples: Iterable[Triple]):
        self._index: dict[Node, dict[Node, list[Node]]] = {}
        self._typed: dict[Node, list[Node]] = {}
        self._size = 0
        for s, p, o in triples:
            self._index.setdefault(s, {}).setdefault(p, []).append(o)
            if p == RDF.type:
                self._typed.setdefault(o, []).append(s)
            self._size += 1

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Triple]:
        for s, by_predicate in self._index.items():
            for p, objects in by_predicate.items():
                for o in objects:
                    yield s, p, o

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        return iter(self._index.get(subject, {}).get(predicate, ()))

    def subjects(self, predicate: Node, obj: Node | None) -> Iterator[Node]:
        """The subjects of ``rdf:type obj`` (every typed subject when ``obj`` is None)."""
        if predicate != RDF.type:
            raise ValueError(f"only rdf:type is indexed by object, not {predicate}")
        if obj is None:
            return (s for subjects in self._typed.values() for s in subjects)
        return iter(self._typed.get(obj, ()))

    def value(self, subject: Node, predicate: Node) -> Node | None:
        return next(self.objects(subject, predicate), None)


def load_product(path: Path, ns: Namespaces | None = None) -> ProductGraph:
    """Our asserted product as the network reads it: every triple but the literals it never shows.

    Literals other than labels and quotes (figures, descriptions, dates) are dropped while parsing,
    as :func:`ecosystem` skips them anyway; on the real graph the network is the same as from
    :func:`load_rdf` (``tests/test_viz.py`` compares them).
    """
    lls = Namespace(str((ns or Namespaces()).lls))
    shown = {RDFS.label, SKOS.prefLabel, SKOS.altLabel, lls.quoteText, lls.lineNumber}
    return ProductGraph(t for t in read_triples(path) if not isinstance(t[2], Literal) or t[1] in shown)


def local_name(iri: str) -> str:
    """The last segment of an IRI, for a readable fallback label.

    >>> local_name("https://w3id.org/lls/ontology#InnovationHub")
    'InnovationHub'
    """
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            return iri.rstrip(sep).rsplit(sep, 1)[1]
    return iri


def pick(labels: dict[str, str], lang: str) -> str:
    """The label in ``lang``, else in any language, else ''."""
    if labels.get(lang):
        return labels[lang]
    for other in (*LANGS, ""):
        if labels.get(other):
            return labels[other]
    return next(iter(sorted(labels.values())), "")


def _labels(data: Graph | ProductGraph, node: URIRef | BNode) -> dict[str, str]:
    """rdfs:label by language (skos:prefLabel when there is none); deterministic on ties."""
    found: dict[str, str] = {}
    for prop in (RDFS.label, SKOS.prefLabel):
        for value in sorted(data.objects(node, prop), key=str):
            if isinstance(value, Literal):
                found.setdefault(value.language or "", str(value))
    return found


def _names(data: Graph | ProductGraph, node: URIRef | BNode) -> list[str]:
    names = {str(v) for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel) for v in data.objects(node, p)}
    return sorted(names)


class _Classes:
    """Class hierarchy of the ontology, to find a node's family and whether it is bookkeeping."""

    def __init__(self, ontology: Graph, data: Graph | ProductGraph, ns: Namespaces):
        self.ontology = ontology
        self.data = data
        self.lls = Namespace(str(ns.lls))
        self._ancestors: dict[URIRef, list[URIRef]] = {}
        self._bookkeeping = {self.lls[name] for name in EXCLUDED}
        # Per class and read once: a 100 k-organisation graph asks about a million axioms.
        self._excluded: dict[URIRef, bool] = {}
        self._labels: dict[URIRef, dict[str, str]] = {}
        self._declared: dict[Node, set[Node]] = {}
        for subject, cls in ontology.subject_objects(RDF.type):
            self._declared.setdefault(subject, set()).add(cls)

    def ancestors(self, cls: URIRef) -> list[URIRef]:
        """The class and its superclasses, nearest first (breadth first, sorted per level)."""
        if cls not in self._ancestors:
            seen, level = [cls], [cls]
            while level:
                nxt = []
                for c in level:
                    for sup in sorted(self.ontology.objects(c, RDFS.subClassOf), key=str):
                        if isinstance(sup, URIRef) and sup not in seen:
                            seen.append(sup)
                            nxt.append(sup)
                level = nxt
            self._ancestors[cls] = seen
        return self._ancestors[cls]

    def types(self, node: URIRef | BNode) -> list[URIRef]:
        found = set(self.data.objects(node, RDF.type)) | self._declared.get(node, set())
        return sorted((t for t in found if isinstance(t, URIRef)), key=str)

    def excluded(self, node: URIRef | BNode) -> bool:
        return any(self._excluded_class(t) for t in self.types(node))

    def _excluded_class(self, cls: URIRef) -> bool:
        if cls not in self._excluded:
            self._excluded[cls] = cls in _EXCLUDED_TYPES or any(a in self._bookkeeping for a in self.ancestors(cls))
        return self._excluded[cls]

    def most_specific(self, node: URIRef | BNode) -> URIRef | None:
        """The asserted class deepest in the hierarchy (ties broken by IRI)."""
        types = self.types(node)
        if not types:
            return None
        return max(types, key=lambda t: (len(self.ancestors(t)), str(t)))

    def family(self, cls: URIRef | None) -> URIRef | None:
        if cls is None:
            return None
        ancestors = self.ancestors(cls)
        for name in FAMILIES:
            if self.lls[name] in ancestors:
                return self.lls[name]
        return cls

    def labels(self, cls: URIRef | None) -> dict[str, str]:
        if cls is None:
            return {"en": "Resource", "it": "Risorsa"}
        if cls not in self._labels:
            self._labels[cls] = _labels(self.ontology, cls) or _labels(self.data, cls) or {"": local_name(str(cls))}
        return self._labels[cls]


def _evidence(data: Graph | ProductGraph, lls: Namespace) -> dict[tuple, list[dict[str, object]]]:
    """Quotes per reified statement (source, property, target), read once from the owl:Axioms."""
    quotes: dict[tuple, list[dict[str, object]]] = {}
    evidence, quote_text, quoted_from, line_number = lls.evidence, lls.quoteText, lls.quotedFrom, lls.lineNumber
    for axiom in data.subjects(RDF.type, OWL.Axiom):
        key = (data.value(axiom, OWL.annotatedSource), data.value(axiom, OWL.annotatedProperty),
               data.value(axiom, OWL.annotatedTarget))  # fmt: skip
        for quote in data.objects(axiom, evidence):
            text = data.value(quote, quote_text)
            if text is None:
                continue
            doc = data.value(quote, quoted_from)
            line = data.value(quote, line_number)
            quotes.setdefault(key, []).append({"text": str(text), "document": local_name(str(doc)) if doc else "",
                                               "line": int(line) if line is not None else None})  # fmt: skip
    for value in quotes.values():
        value.sort(key=lambda q: (str(q["document"]), q["line"] or 0, str(q["text"])))
    return quotes


def _node_sources(quotes: dict[tuple, list[dict[str, object]]]) -> dict[object, list[dict[str, object]]]:
    """The quotes that attest each node's type or label: the source a tooltip shows."""
    found: dict[object, list[dict[str, object]]] = {}
    for (subject, prop, _), qs in quotes.items():
        if prop in (RDF.type, RDFS.label):
            found.setdefault(subject, []).extend(qs)
    for subject, qs in found.items():
        unique = {(str(q["document"]), q["line"] or 0, str(q["text"])): q for q in qs}
        found[subject] = [unique[k] for k in sorted(unique)][:3]
    return found


def ecosystem(data: Graph | ProductGraph, ontology: Graph | None = None, ns: Namespaces | None = None,
              title: str = "Lombardy life-sciences ecosystem") -> Network:  # fmt: skip
    """The ecosystem network of an RDF graph (our asserted graph, or any partner's file).

    Only the asserted graph should be passed: the inferred one repeats every relation with its
    inverse, which would double the edges and the degrees.
    """
    ns = ns or Namespaces()
    ontology = ontology if ontology is not None else Graph()
    classes = _Classes(ontology, data, ns)
    quotes = _evidence(data, ns.lls)
    node_sources = _node_sources(quotes)
    graph = nx.MultiDiGraph()

    def add_node(node: URIRef | BNode) -> bool:
        key = str(node)
        if key in graph:
            return True
        if classes.excluded(node):
            return False
        cls = classes.most_specific(node)
        family = classes.family(cls)
        labels = _labels(data, node)
        graph.add_node(key, label=labels or {"": local_name(key)}, names=_names(data, node) or [local_name(key)],
                       cls=str(cls) if cls else "", cls_label=classes.labels(cls),
                       family=str(family) if family else "", family_label=classes.labels(family),
                       sources=node_sources.get(node, []))  # fmt: skip
        return True

    relation_labels: dict[URIRef, dict[str, str]] = {}
    for s, p, o in sorted(data, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        if isinstance(o, Literal) or p in _SKIP_PREDICATES or str(p).startswith(_SKIP_PREDICATE_NS):
            continue
        if not (add_node(s) and add_node(o)):
            continue
        if p not in relation_labels:
            relation_labels[p] = _labels(ontology, p) or _labels(data, p) or {"": local_name(str(p))}
        graph.add_edge(str(s), str(o), key=str(p), label=relation_labels[p], sources=quotes.get((s, p, o), [])[:3])
    for node in sorted(set(data.subjects(RDF.type, None)), key=str):
        if isinstance(node, URIRef):
            add_node(node)
    _index_neighbours(graph)
    return Network(graph, title)


def _index_neighbours(graph: nx.MultiDiGraph) -> None:
    """Record each node's hubs and specialisations, which tooltips and filters use."""
    for node, attrs in graph.nodes(data=True):
        neighbours = set(graph.successors(node)) | set(graph.predecessors(node))
        attrs["hubs"] = sorted(n for n in neighbours if graph.nodes[n]["family"].endswith("#InnovationHub"))
        attrs["specialisations"] = sorted(n for n in graph.successors(node)
                                          if graph.nodes[n]["family"].endswith("#Specialisation"))  # fmt: skip


def resolve(network: Network, name: str) -> str:
    """The node a user means by an IRI, a compact id (``mind``, ``id:mind``), a label or an alt label.

    Names are compared without accents and case, in either language. An exact id wins; several
    nodes with the same label is an error listing them, never a silent guess.
    """
    graph = network.graph
    if name in graph:
        return name
    wanted = normalise_name(name.removeprefix("id:"))
    by_id = sorted(n for n in graph if normalise_name(local_name(n)) == wanted)
    if len(by_id) == 1:
        return by_id[0]
    matches = sorted(n for n, a in graph.nodes(data=True) if wanted in {normalise_name(x) for x in a["names"]})
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{local_name(m)} ({network.label(m)})" for m in matches)
        raise EntityNotFound(f"{name!r} names several entities: {listed}")
    words = set(wanted.split())
    close = sorted(n for n, a in graph.nodes(data=True)
                   if any(words <= set(normalise_name(x).split()) or wanted in normalise_name(x) for x in a["names"])
                   or wanted in normalise_name(n))  # fmt: skip
    hint = f"; did you mean: {', '.join(local_name(c) for c in close[:8])}" if close else ""
    raise EntityNotFound(f"no entity is named {name!r}{hint}")


def simple_graph(graph: nx.Graph, nodes: Iterable[str] | None = None) -> nx.Graph:
    """The undirected simple graph of ``graph`` (or of ``nodes`` in it): ties only, no attributes.

    Centralities, layouts and paths treat a relation as a tie whichever way it is stated. networkx's
    own ``to_undirected`` deep-copies every attribute (2 s at 10 k nodes), and iterating a subgraph
    view's edges is slow (1 s for the layout's 500 subgraphs); this reads the adjacency, copies none, adds
    nodes and ties in sorted order (so seeded algorithms see the same order on every hash seed) and
    drops self-loops.

    >>> g = nx.MultiDiGraph([("b", "a"), ("a", "b"), ("a", "a"), ("b", "c")])
    >>> sorted(simple_graph(g).edges()), sorted(simple_graph(g, ["a", "b"]))
    ([('a', 'b'), ('b', 'c')], ['a', 'b'])
    """
    keep = sorted(graph) if nodes is None else sorted(nodes)
    inside = set(keep)
    ties = {(u, v) if u < v else (v, u) for u in keep for v in graph.adj[u] if v != u and v in inside}
    simple = nx.Graph()
    simple.add_nodes_from(keep)
    simple.add_edges_from(sorted(ties))
    return simple


def _subnetwork(network: Network, nodes: Iterable[str], title: str) -> Network:
    sub = network.graph.subgraph(set(nodes)).copy()
    _index_neighbours(sub)
    return Network(sub, title)


def ego_view(network: Network, name: str, depth: int = 1) -> Network:
    """The entity and everything within ``depth`` relations of it, in either direction."""
    centre = resolve(network, name)
    reach = nx.single_source_shortest_path_length(network.graph.to_undirected(as_view=True), centre, cutoff=depth)
    return _subnetwork(network, reach, f"{network.label(centre)} (depth {depth})")


def hub_view(network: Network, name: str) -> Network:
    """A hub, the organisations related to it, and their specialisations."""
    hub = resolve(network, name)
    members = {hub} | set(network.graph.successors(hub)) | set(network.graph.predecessors(hub))
    specs = {s for m in members for s in network.graph.nodes[m]["specialisations"]}
    return _subnetwork(network, members | specs, network.label(hub))


def overview(network: Network, limit: int) -> Network:
    """At most ``limit`` nodes: every hub, then the most connected (ties by IRI); the title says so.

    A page of 100 k nodes does not draw in a browser, so the whole-ecosystem picture of a big graph
    is its backbone, as network tools show one; every node stays reachable through the ego, hub and
    specialisation views, ``lls-graph export`` and GraphML/GEXF from ``lls-graph analyse``.
    """
    graph = network.graph
    total = graph.number_of_nodes()
    if total <= limit:
        return network
    hubs = sorted(n for n, family in graph.nodes(data="family") if family.endswith("#InnovationHub"))[:limit]
    chosen = set(hubs)
    by_degree = sorted((n for n in graph if n not in chosen), key=lambda n: (-graph.degree(n), n))
    chosen.update(by_degree[: limit - len(chosen)])
    title = f"{network.title} (showing {limit:,} of {total:,}: every hub and the most connected)"
    return _subnetwork(network, chosen, title)


def specialisation_view(network: Network, name: str) -> Network:
    """A specialisation, its broader and narrower concepts, who works in them and their hubs."""
    spec = resolve(network, name)
    graph = network.graph
    concepts = {spec} | {
        n for n in nx.all_neighbors(graph, spec) if graph.nodes[n]["family"].endswith("#Specialisation")
    }
    actors = {a for c in concepts for a in graph.predecessors(c)}
    hubs = {h for a in actors for h in graph.nodes[a]["hubs"]}
    return _subnetwork(network, concepts | actors | hubs, network.label(spec))


def query_graph(query: str, project: Project, data_paths: Iterable[Path] = ()) -> tuple[Graph, str]:
    """Run a CONSTRUCT (or DESCRIBE) of the catalogue, a file or text; return its triples and its name.

    It goes through :func:`lls_graph.query.run_query`, so the query is resolved, checked for
    SERVICE and updates, and run on the embedded store (or on ``data_paths``) like any other. The
    types and labels of every resource in the result are added from the data, so the drawing
    names its nodes even when the query only constructs the relations.
    """
    import pyoxigraph as ox

    from .query import load_data, resolve, run_query
    from .store import open_store

    entry = resolve(query, project)
    paths = list(data_paths)
    store = load_data(paths) if paths else open_store(project, "inferred")
    result = run_query(entry, project=project, store=store)
    if result.form not in ("CONSTRUCT", "DESCRIBE"):
        raise ValueError(f"{entry.name} is not a CONSTRUCT (or DESCRIBE) query")
    triples = list(result.triples)
    resources = {t for triple in triples for t in (triple.subject, triple.object) if isinstance(t, ox.NamedNode)}
    for prop in (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel):
        for resource in sorted(resources, key=str):
            triples.extend(q.triple for q in store.quads_for_pattern(resource, ox.NamedNode(str(prop)), None))
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=text.decode("utf-8"), format="nt"), entry.name
