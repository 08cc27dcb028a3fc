"""Node positions computed before the page opens, for graphs too big for the browser's physics.

vis-network's force simulation needs minutes to settle above about a thousand nodes, and a force
layout of the whole graph in Python is no better (networkx's spring layout: 47 s at 5 k nodes;
a step of its sparse variant costs 6 s at 10 k). Big graphs are laid out by group instead: seeded
label-propagation communities (0.3 s at 10 k nodes, where Louvain takes 2-5 s for a picture
nobody can tell apart), the small graph of communities placed by a spring layout, then each
community laid out on its own around its place, its radius growing with the square root of its
size. Force layouts stay under about 800 nodes, where they are fast. Connected components are laid
out apart and packed on shelves, biggest first. Everything is seeded: the same graph gives the
same picture.
"""

from __future__ import annotations

import math

import networkx as nx

from .network import simple_graph

__all__ = ["precomputed_layout"]

#: Largest group laid out by a force simulation in one piece; bigger ones are split by community.
FORCE_LIMIT = 800


def _force_layout(graph: nx.Graph, seed: int) -> dict:
    """Positions in [-1, 1]² for a connected graph of at most ``FORCE_LIMIT`` nodes.

    The graph's node and edge order must not depend on hashing (graphs from
    :func:`~lls_graph.network.simple_graph` and their subgraphs are sorted), as the seeded
    simulation starts from positions drawn in that order. A few dozen iterations suffice for
    groups this small; at 10 k nodes the hundreds of groups' simulations are most of the cost.
    """
    order = list(graph)
    if len(order) == 1:
        return {order[0]: (0.0, 0.0)}
    if len(order) == 2:
        return {order[0]: (-0.5, 0.0), order[1]: (0.5, 0.0)}
    return nx.spring_layout(graph, iterations=30 if len(order) <= 300 else 20, seed=seed)


def _grouped_layout(graph: nx.Graph, seed: int, depth: int = 0) -> dict:
    """Positions in [-1, 1]² for any connected graph: force layout if small, else by community.

    Every subgraph is rebuilt by :func:`~lls_graph.network.simple_graph`: a networkx subgraph view
    iterates its nodes in set order, which changes with the hash seed and so would the picture.
    """
    if graph.number_of_nodes() <= FORCE_LIMIT or depth > 3:
        return _force_layout(graph, seed)
    groups = sorted((sorted(c, key=str) for c in nx.community.fast_label_propagation_communities(graph, seed=seed)),
                    key=lambda c: (-len(c), str(c[0])))  # fmt: skip
    if len(groups) == 1:
        return _force_layout(simple_graph(graph, groups[0][:FORCE_LIMIT]), seed) | {
            n: (0.0, 0.0) for n in groups[0][FORCE_LIMIT:]}  # fmt: skip
    member = {n: i for i, g in enumerate(groups) for n in g}
    quotient = nx.Graph()
    quotient.add_nodes_from(range(len(groups)))
    for u, v in graph.edges():
        a, b = member[u], member[v]
        if a != b:
            weight = quotient.get_edge_data(a, b, {"weight": 0})["weight"]
            quotient.add_edge(a, b, weight=weight + 1)
    centres = (
        _force_layout(quotient, seed) if len(groups) <= FORCE_LIMIT else _grouped_layout(quotient, seed, depth + 1)
    )
    total = graph.number_of_nodes()
    positions: dict = {}
    for i, group in enumerate(groups):
        radius = 0.9 * math.sqrt(len(group) / total)
        cx, cy = centres[i]
        sub = simple_graph(graph, group)
        parts = sorted(nx.connected_components(sub), key=lambda c: (-len(c), min(map(str, c))))
        local = _grouped_layout(simple_graph(sub, parts[0]), seed, depth + 1) if parts else {}
        for j, extra in enumerate(parts[1:], start=1):  # stray pieces: on a small ring
            angle = 2 * math.pi * j / len(parts)
            local.update({n: (0.9 * math.cos(angle), 0.9 * math.sin(angle)) for n in extra})
        for node, (x, y) in local.items():
            positions[node] = (cx + radius * float(x), cy + radius * float(y))
    return positions


def precomputed_layout(simple: nx.Graph, seed: int = 42, spacing: float = 40.0) -> dict[str, tuple[float, float]]:
    """Seeded positions (in page pixels) for every node, in a few seconds at 10 k nodes.

    ``simple`` is an undirected simple graph in sorted order, as
    :func:`~lls_graph.network.simple_graph` returns (the page needs it for the sizes too).

    >>> pos = precomputed_layout(simple_graph(nx.path_graph(5)))
    >>> sorted(pos) == list(range(5)) and pos == precomputed_layout(simple_graph(nx.path_graph(5)))
    True
    """
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(map(str, c))))
    positions: dict = {}
    x = y = row_height = 0.0
    row_width = spacing * math.sqrt(simple.number_of_nodes()) * 4
    for component in components:
        local = _grouped_layout(simple_graph(simple, component), seed)
        scale = spacing * math.sqrt(len(component)) * 1.5
        size = 2 * scale + spacing
        if x + size > row_width and x > 0:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in local.items():
            positions[node] = (round(x + scale + px * scale, 1), round(y + scale + py * scale, 1))
        x += size
        row_height = max(row_height, size)
    return positions
