"""Partner matching: who could work with an organisation, or in a field, and why.

The cluster's matchmaking looks for partners that share a field (same specialisation),
complement it (a broader or narrower concept, or a sibling under the same broader one) and are
already close in the network (few relations apart through the actors' own ties: hubs,
initiatives, partners; not through places nor fields). Each candidate carries its explanation,
because a suggestion nobody can check is not used: what is shared, the chain of relations
between the two, and the quotes behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .analysis import Step, relation_paths
from .network import Network, local_name, resolve

__all__ = ["WEIGHTS", "Match", "match_entity", "match_specialisation"]

#: Score weights: a shared specialisation counts most, a complementary one less, closeness adds
#: ``proximity / distance``.
WEIGHTS = {"shared": 3.0, "complementary": 1.0, "proximity": 2.0}

_PARTNER_FAMILIES = {"Company", "HealthcareProvider", "University", "ResearchOrganisation", "Cluster",
                     "PublicAuthority", "Organisation"}  # fmt: skip
_NOT_PARTNERS = {"Specialisation", "Place", "MedicalCondition", "Therapy", "ScientificFirst", "InnovationHub",
                 "Initiative"}  # fmt: skip
_MAX_DISTANCE = 4


@dataclass
class Match:
    """One candidate partner with the reasons for its rank."""

    node: str
    score: float
    shared: list[str] = field(default_factory=list)
    complementary: list[tuple[str, str]] = field(default_factory=list)
    distance: int | None = None
    path: list[Step] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)


def _family(network: Network, node: str) -> str:
    return local_name(network.graph.nodes[node]["family"])


def _is_partner(network: Network, node: str) -> bool:
    family = _family(network, node)
    return family in _PARTNER_FAMILIES or (family not in _NOT_PARTNERS and not family.startswith("http"))


def _related_concepts(network: Network, concept: str) -> set[str]:
    """Broader, narrower and sibling concepts: the fields that complement ``concept``."""
    graph = network.graph
    specs = lambda nodes: {n for n in nodes if _family(network, n) == "Specialisation"}  # noqa: E731
    direct = specs(nx.all_neighbors(graph, concept))
    broader = specs(graph.successors(concept))
    siblings = {s for b in broader for s in specs(graph.predecessors(b))}
    return (direct | siblings) - {concept}


def _proximity(network: Network, source: str) -> tuple[Network, dict[str, int]]:
    """The network without places and fields, and how many relations apart from ``source`` (up to 4).

    Sharing Lombardy says nothing, and a shared field is already scored: a path through it would
    count it twice. What is left are the actors' own ties (hubs, initiatives, partners).
    """
    keep = [n for n in network.graph if _family(network, n) not in ("Place", "Specialisation")]
    ties = Network(network.graph.subgraph(keep), network.title)
    undirected = ties.graph.to_undirected(as_view=True)
    return ties, nx.single_source_shortest_path_length(undirected, source, cutoff=_MAX_DISTANCE)


def _spec_sources(network: Network, node: str, concepts: list[str]) -> list[dict]:
    found = []
    for concept in concepts:
        for data in (network.graph.get_edge_data(node, concept) or {}).values():
            found.extend(data["sources"])
    unique = {(s["document"], s["line"] or 0, s["text"]): s for s in found}
    return [unique[k] for k in sorted(unique)][:3]


def _order(network: Network, matches: list[Match], top: int | None) -> list[Match]:
    matches.sort(key=lambda m: (-m.score, network.label(m.node).casefold(), m.node))
    return matches if top is None else matches[:top]


def match_entity(network: Network, name: str, top: int | None = 10) -> tuple[str, list[Match]]:
    """Candidate partners of an entity, best first, each with shared fields, path and sources."""
    me = resolve(network, name)
    graph = network.graph
    mine = set(graph.nodes[me]["specialisations"])
    complement = {c: {m for m in mine if c in _related_concepts(network, m)} for m in mine
                  for c in _related_concepts(network, m)}  # fmt: skip
    ties, distance = _proximity(network, me)
    matches = []
    for node in sorted(graph):
        if node == me or not _is_partner(network, node):
            continue
        theirs = set(graph.nodes[node]["specialisations"])
        shared = sorted(mine & theirs)
        complementary = sorted((m, t) for t in theirs - mine for m in complement.get(t, ()))
        d = distance.get(node)
        score = (WEIGHTS["shared"] * len(shared) + WEIGHTS["complementary"] * len({t for _, t in complementary})
                 + (WEIGHTS["proximity"] / d if d else 0.0))  # fmt: skip
        if score <= 0:
            continue
        path = relation_paths(ties, me, node, limit=1)[0] if d else []
        sources = _spec_sources(network, node, shared or [t for _, t in complementary])
        matches.append(Match(node, round(score, 4), shared, complementary, d, path, sources))
    return me, _order(network, matches, top)


def match_specialisation(network: Network, name: str, top: int | None = 10) -> tuple[str, list[Match]]:
    """Who works in a field (or a complementary one), best first, with the quotes that say so."""
    concept = resolve(network, name)
    graph = network.graph
    related = _related_concepts(network, concept)
    matches = []
    for node in sorted(graph):
        if not _is_partner(network, node):
            continue
        theirs = set(graph.nodes[node]["specialisations"])
        shared = [concept] if concept in theirs else []
        complementary = sorted((concept, t) for t in theirs & related)
        score = WEIGHTS["shared"] * len(shared) + WEIGHTS["complementary"] * len(complementary)
        if score <= 0:
            continue
        sources = _spec_sources(network, node, shared or [t for _, t in complementary])
        path = relation_paths(network, node, concept, limit=1)[0]
        d = len(path)
        matches.append(Match(node, round(score + WEIGHTS["proximity"] / d, 4), shared, complementary, d, path, sources))
    return concept, _order(network, matches, top)
