"""Network analysis of the ecosystem: who brokers, which groups form, what holds it together.

Centralities, communities, components and bridges are computed on the undirected simple graph of
the actors: a relation is a tie whichever way the RDF states it, and two relations between the same
pair are one tie. Places are left out by default: every actor is "located in" Lombardy, which would
make the region the ecosystem's top broker and say nothing. Results are deterministic (Louvain is
seeded; ties are broken by IRI) and go back into RDF as Data Cube observations, so partners can
query the metrics with SPARQL beside the facts they describe.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import QB, RDF, RDFS, XSD

from .config import Namespaces
from .network import Network, local_name, pick, simple_graph

if TYPE_CHECKING:
    from scipy.sparse import csr_array

__all__ = [
    "MEASURES",
    "Analysis",
    "Step",
    "actor_graph",
    "analyse",
    "betweenness_centrality",
    "export_graph",
    "metrics_graph",
    "ranking",
    "relation_paths",
]

#: The measures written as Data Cube measure properties (lls:<name>), with their labels.
MEASURES = {
    "degree": ("Degree centrality", "Centralità di grado"),
    "betweenness": ("Betweenness centrality", "Centralità di intermediazione"),
    "eigenvector": ("Eigenvector centrality", "Centralità di autovettore"),
    "community": ("Community", "Comunità"),
    "component": ("Connected component", "Componente connessa"),
}
DEFAULT_EXCLUDE = ("Place",)
#: Above this many nodes betweenness is estimated from :data:`BETWEENNESS_PIVOTS` seeded source nodes
#: (Brandes and Pich): exact betweenness costs one shortest-path search per node, about 16 minutes on a
#: 10 k-node synthetic ecosystem here, where the estimate ranks the same top brokers in seconds.
EXACT_BETWEENNESS_MAX = 2000
BETWEENNESS_PIVOTS = 500
#: Sources searched at once by :func:`_sampled_betweenness` (arrays of nodes x batch floats).
_BATCH = 64


@dataclass
class Analysis:
    """The metrics of one network, plus how long each took (seconds)."""

    graph: nx.Graph
    degree: dict[str, float]
    betweenness: dict[str, float]
    eigenvector: dict[str, float]
    communities: list[list[str]]
    components: list[list[str]]
    bridges: list[tuple[str, str]]
    timings: dict[str, float] = field(default_factory=dict)
    #: How many source nodes the betweenness was estimated from; ``None`` when it is exact.
    betweenness_pivots: int | None = None

    def community_of(self) -> dict[str, int]:
        return {n: i for i, members in enumerate(self.communities, start=1) for n in members}

    def component_of(self) -> dict[str, int]:
        return {n: i for i, members in enumerate(self.components, start=1) for n in members}


def actor_graph(network: Network, exclude: Iterable[str] = DEFAULT_EXCLUDE) -> nx.Graph:
    """The undirected simple graph of the network without the excluded families (by class name)."""
    banned = {name.casefold() for name in exclude}
    keep = [n for n, a in network.graph.nodes(data=True) if local_name(a["family"]).casefold() not in banned]
    return simple_graph(network.graph, keep)


def _ordered(groups: Iterable[Iterable[str]]) -> list[list[str]]:
    """Groups biggest first, then by their first IRI: an order that does not depend on hashing."""
    return sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))


def _eigenvector(graph: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality per component, scaled by component size.

    On a disconnected graph the leading eigenvector lives on one component only; computing each
    component and weighting by its share of nodes keeps every component's brokers visible.
    """
    values: dict[str, float] = {}
    total = graph.number_of_nodes()
    for component in nx.connected_components(graph):
        sub = graph.subgraph(component)
        if sub.number_of_nodes() < 3:
            values.update(dict.fromkeys(sub, 0.0))
            continue
        scores = nx.eigenvector_centrality_numpy(sub)
        share = sub.number_of_nodes() / total
        values.update({n: abs(v) * share for n, v in scores.items()})
    return values


def betweenness_centrality(graph: nx.Graph, seed: int = 42) -> dict[str, float]:
    """Exact up to :data:`EXACT_BETWEENNESS_MAX` nodes, above it estimated from the seeded pivots."""
    if len(graph) <= EXACT_BETWEENNESS_MAX:
        return nx.betweenness_centrality(graph)
    return _sampled_betweenness(graph, BETWEENNESS_PIVOTS, seed)


def _sampled_betweenness(graph: nx.Graph, pivots: int, seed: int) -> dict[str, float]:
    """``nx.betweenness_centrality(graph, k=pivots, seed=seed)``, equal up to float rounding, ~20x faster.

    The same sources (``random.Random(seed).sample`` of the nodes), the same dependencies (Brandes)
    and the same scaling; but networkx runs one breadth-first search per source in Python (~0.5 s at
    100 k nodes, so 500 sources take minutes), where here the searches of a batch of sources advance
    together, one sparse matrix product per level, as GraphBLAS's LAGraph computes betweenness.
    """
    import random

    nodes = list(graph)
    sources = random.Random(seed).sample(nodes, pivots)
    where = {node: i for i, node in enumerate(nodes)}
    adjacency = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None, dtype=np.float64, format="csr")
    total = np.zeros(len(nodes))
    for start in range(0, pivots, _BATCH):
        total += _dependencies(adjacency, np.array([where[s] for s in sources[start : start + _BATCH]]))
    # networkx's scaling of a sample without endpoints: pairs (s, t), s a source, t != s, v
    n = len(nodes) - 1
    if n < 2:
        return dict(zip(nodes, total.tolist(), strict=True))
    scale = np.full(len(nodes), 1 / (pivots * (n - 1)))
    scale[[where[s] for s in sources]] = 1 / ((pivots - 1) * (n - 1))
    return dict(zip(nodes, (total * scale).tolist(), strict=True))


def _dependencies(adjacency: csr_array, sources: np.ndarray) -> np.ndarray:
    """Sum over ``sources`` of Brandes' dependency of each node on the source (the source's own left out).

    Forward: the number of shortest paths from each source (a column) reaching each node, level by
    level; backward: each level's dependencies from the next one's,
    ``delta(v) = sum over w of sigma(v) / sigma(w) * (1 + delta(w))``.
    """
    columns = np.arange(len(sources))
    sigma = np.zeros((adjacency.shape[0], len(sources)))
    sigma[sources, columns] = 1.0
    levels = [sigma > 0]
    seen = levels[0].copy()
    frontier = sigma
    while True:
        frontier = adjacency @ frontier
        frontier[seen] = 0.0
        reached = frontier > 0
        if not reached.any():
            break
        sigma += frontier
        seen |= reached
        levels.append(reached)
    delta = np.zeros_like(sigma)
    safe = np.where(seen, sigma, 1.0)
    for depth in range(len(levels) - 1, 0, -1):
        share = np.where(levels[depth], (1.0 + delta) / safe, 0.0)
        delta += np.where(levels[depth - 1], sigma * (adjacency @ share), 0.0)
    delta[sources, columns] = 0.0
    return delta.sum(axis=1)


def analyse(graph: nx.Graph, seed: int = 42) -> Analysis:
    """Centralities, Louvain communities (seeded), components and bridges of an undirected graph.

    >>> a = analyse(nx.path_graph(["a", "b", "c"]))
    >>> a.betweenness["b"], a.bridges
    (1.0, [('a', 'b'), ('b', 'c')])
    """
    timings: dict[str, float] = {}

    def timed(name, func):
        start = time.perf_counter()
        result = func()
        timings[name] = round(time.perf_counter() - start, 4)
        return result

    degree = timed("degree", lambda: nx.degree_centrality(graph) if len(graph) > 1 else dict.fromkeys(graph, 0.0))
    pivots = BETWEENNESS_PIVOTS if len(graph) > EXACT_BETWEENNESS_MAX else None
    betweenness = timed("betweenness", lambda: betweenness_centrality(graph, seed))
    eigenvector = timed("eigenvector", lambda: _eigenvector(graph))
    communities = timed("communities", lambda: _ordered(nx.community.louvain_communities(graph, seed=seed)))
    components = timed("components", lambda: _ordered(nx.connected_components(graph)))
    bridges = timed("bridges", lambda: sorted(tuple(sorted(e)) for e in nx.bridges(graph)))
    return Analysis(graph, degree, betweenness, eigenvector, communities, components, bridges, timings, pivots)


def ranking(values: dict[str, float], top: int | None = 10) -> list[tuple[str, float]]:
    """Highest first; equal values by IRI, so the order never depends on dict order."""
    ordered = sorted(values.items(), key=lambda kv: (-round(kv[1], 12), kv[0]))
    return ordered if top is None else ordered[:top]


def metrics_graph(analysis: Analysis, network: Network, ns: Namespaces | None = None) -> Graph:
    """The metrics as RDF Data Cube observations: one qb:Observation per entity, in one qb:DataSet.

    The measure properties (``lls:degree`` ...) and the dimension ``lls:networkNode`` are declared
    here, in the generated file, with the data structure definition they belong to.
    """
    ns = ns or Namespaces()
    lls, data = Namespace(str(ns.lls)), Namespace(str(ns.id))
    out = Graph()
    dataset, dsd = data["dataset/network-metrics"], data["dsd/network-metrics"]
    out.add((dataset, RDF.type, QB.DataSet))
    out.add((dataset, RDFS.label, Literal("Network metrics of the ecosystem", lang="en")))
    out.add((dataset, RDFS.label, Literal("Metriche di rete dell'ecosistema", lang="it")))
    out.add((dataset, QB.structure, dsd))
    out.add((dsd, RDF.type, QB.DataStructureDefinition))
    dimension = lls.networkNode
    out.add((dimension, RDF.type, QB.DimensionProperty))
    out.add((dimension, RDFS.label, Literal("network node", lang="en")))
    out.add((dimension, RDFS.label, Literal("nodo della rete", lang="it")))
    components = [(dimension, QB.dimension)] + [(lls[name], QB.measure) for name in MEASURES]
    for i, (prop, kind) in enumerate(components):
        spec = data[f"dsd/network-metrics/component-{i}"]
        out.add((dsd, QB.component, spec))
        out.add((spec, kind, prop))
    for name, (en, it) in MEASURES.items():
        out.add((lls[name], RDF.type, QB.MeasureProperty))
        out.add((lls[name], RDFS.label, Literal(en.lower(), lang="en")))
        out.add((lls[name], RDFS.label, Literal(it.lower(), lang="it")))
    community, component = analysis.community_of(), analysis.component_of()
    for node in sorted(analysis.graph):
        obs = data[f"metric/{local_name(node)}"] if node.startswith(str(ns.id)) else data[f"metric/n{_digest(node)}"]
        out.add((obs, RDF.type, QB.Observation))
        out.add((obs, QB.dataSet, dataset))
        out.add((obs, dimension, URIRef(node)))
        out.add((obs, RDFS.label, Literal(f"Network metrics of {network.label(node)}", lang="en")))
        for name, values in (("degree", analysis.degree), ("betweenness", analysis.betweenness),
                             ("eigenvector", analysis.eigenvector)):  # fmt: skip
            out.add((obs, lls[name], Literal(f"{values.get(node, 0.0):.6f}", datatype=XSD.decimal)))
        out.add((obs, lls.community, Literal(community[node], datatype=XSD.integer)))
        out.add((obs, lls.component, Literal(component[node], datatype=XSD.integer)))
    return out


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def export_graph(analysis: Analysis, network: Network, path: Path, lang: str = "en") -> None:
    """GraphML or GEXF (by extension) for Gephi and Cytoscape, with labels, classes and the metrics."""
    from .serialise import write_atomically

    out = nx.Graph()
    community, component = analysis.community_of(), analysis.component_of()
    for node in sorted(analysis.graph):
        attrs = network.graph.nodes[node]
        out.add_node(node, label=network.label(node, lang), type=pick(attrs["cls_label"], lang),
                     family=local_name(attrs["family"]), degree=float(analysis.degree[node]),
                     betweenness=float(analysis.betweenness[node]), eigenvector=float(analysis.eigenvector[node]),
                     community=community[node], component=component[node])  # fmt: skip
    for u, v in sorted(analysis.graph.edges()):
        relations = sorted({pick(d["label"], lang) for a, b in ((u, v), (v, u))
                            for d in (network.graph.get_edge_data(a, b) or {}).values()})  # fmt: skip
        out.add_edge(u, v, label=", ".join(relations))
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        text = "\n".join(nx.generate_graphml(out))
    elif suffix == ".gexf":
        text = "\n".join(nx.generate_gexf(out))
    else:
        raise ValueError(f"export format by extension: .graphml or .gexf, not {path.name!r}")
    write_atomically({path: (text + "\n").encode("utf-8")})


@dataclass(frozen=True)
class Step:
    """One relation along a path: ``source --relation--> target`` as the RDF states it."""

    source: str
    relation: str
    target: str
    forward: bool


def relation_paths(network: Network, start: str, end: str, limit: int = 5) -> list[list[Step]]:
    """The shortest chains of relations between two nodes, each step with its stated direction.

    Every distinct relation on a hop gives a distinct chain (MIND —focus area→ biotech and
    MIND —specialises in→ biotech are two answers); at most ``limit``, in a deterministic order.
    """
    graph = network.graph
    undirected = simple_graph(graph)
    chains: list[list[Step]] = []
    for nodes in sorted(nx.all_shortest_paths(undirected, start, end)):
        hop_options: list[list[Step]] = []
        for a, b in itertools.pairwise(nodes):
            steps = [Step(a, key, b, True) for key in sorted(graph.get_edge_data(a, b) or {})]
            steps += [Step(b, key, a, False) for key in sorted(graph.get_edge_data(b, a) or {})]
            hop_options.append(steps)
        partial: list[list[Step]] = [[]]
        for options in hop_options:
            partial = [[*chain, step] for chain in partial for step in options][: limit * 4]
        chains.extend(partial)
        if len(chains) >= limit:
            break
    return chains[:limit]
