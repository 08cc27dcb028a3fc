"""A synthetic ecosystem of any size, for benchmarks and the big-graph tests.

The real graph has a few hundred nodes; partners' graphs and future releases will not. This
builds a :class:`~lls_graph.network.Network` shaped like ours (organisations in hubs, working in
fields, collaborating mostly inside their hub) straight in networkx, seeded, so a benchmark at
10 k nodes measures the page and the browser, not RDF parsing.
"""

from __future__ import annotations

import random

import networkx as nx

from .network import Network, _index_neighbours

__all__ = ["synthetic_network"]

_LLS = "https://w3id.org/lls/ontology#"
_ID = "https://example.org/synthetic/"
_KINDS = (("Company", 0.45), ("HealthcareProvider", 0.2), ("University", 0.1), ("ResearchOrganisation", 0.25))
_RELATIONS = {"basedInHub": ("based in hub", "ha sede nel polo"),
              "specialisesIn": ("specialises in", "specializzato in"),
              "collaboratesWith": ("collaborates with", "collabora con")}  # fmt: skip


def _node(graph: nx.MultiDiGraph, key: str, family: str, en: str, it: str) -> None:
    graph.add_node(_ID + key, label={"en": en, "it": it}, names=sorted({en, it}), cls=_LLS + family,
                   cls_label={"en": family}, family=_LLS + family, family_label={"en": family}, sources=[])  # fmt: skip


def _edge(graph: nx.MultiDiGraph, a: str, relation: str, b: str) -> None:
    en, it = _RELATIONS[relation]
    graph.add_edge(_ID + a, _ID + b, key=_LLS + relation, label={"en": en, "it": it}, sources=[])


def synthetic_network(nodes: int, seed: int = 7) -> Network:
    """About ``nodes`` nodes: 2% hubs, 3% fields, the rest organisations; ~3 relations each.

    >>> net = synthetic_network(200)
    >>> net.graph.number_of_nodes(), nx.is_weakly_connected(net.graph)
    (200, True)
    """
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    hubs = max(2, nodes // 50)
    fields = max(3, nodes * 3 // 100)
    orgs = nodes - hubs - fields
    for h in range(hubs):
        _node(graph, f"hub-{h}", "InnovationHub", f"Hub {h}", f"Polo {h}")
    for f in range(fields):
        _node(graph, f"field-{f}", "Specialisation", f"Field {f}", f"Ambito {f}")
    by_hub: list[list[int]] = [[] for _ in range(hubs)]
    kinds, weights = zip(*_KINDS, strict=True)
    for o in range(orgs):
        kind = rng.choices(kinds, weights)[0]
        _node(graph, f"org-{o}", kind, f"Organisation {o}", f"Organizzazione {o}")
        hub = o % hubs if o < hubs * 2 else rng.randrange(hubs)
        by_hub[hub].append(o)
        _edge(graph, f"org-{o}", "basedInHub", f"hub-{hub}")
        _edge(graph, f"org-{o}", "specialisesIn", f"field-{rng.randrange(fields)}")
    for f in range(fields):
        _edge(graph, f"org-{f % orgs}", "specialisesIn", f"field-{f}")
    for members in by_hub:
        for o in members:
            partner = rng.choice(members) if rng.random() < 0.8 else rng.randrange(orgs)
            if partner != o:
                _edge(graph, f"org-{o}", "collaboratesWith", f"org-{partner}")
    _index_neighbours(graph)
    return Network(graph, f"Synthetic ecosystem ({nodes} nodes)")
