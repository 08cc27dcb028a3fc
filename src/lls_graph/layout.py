"""Node positions computed before the page opens, for graphs too big for the browser's physics.

vis-network's force simulation needs minutes to settle above about a thousand nodes, and a force
layout of the whole graph in Python is no better (networkx's spring layout: 47 s at 5 k nodes;
a step of its sparse variant costs 6 s at 10 k). Big graphs are laid out by group instead: seeded
label-propagation communities (0.3 s at 10 k nodes, where Louvain takes 2-5 s for a picture
nobody can tell apart), the small graph of communities placed by a spring layout, then each
community laid out on its own around its place, its radius growing with the square root of its
size. Connected components are laid out apart and packed on shelves, biggest first.

The spring layouts are networkx's Fruchterman-Reingold step, run on many small graphs at once:
at 10 k nodes there are some 300 groups, and one ``spring_layout`` call each spent 2-4 s in
per-call overhead; graphs of similar size padded into one numpy array take a fraction of that.
Everything is seeded: the same graph gives the same picture.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from .network import simple_graph

__all__ = ["precomputed_layout"]

#: Largest group laid out by a force simulation in one piece; bigger ones are split by community.
FORCE_LIMIT = 800


def _springs(graphs: list[nx.Graph], seed: int, iterations: int = 30) -> list[dict]:
    """Fruchterman-Reingold positions in [-1, 1]² for each graph (edge ``weight`` honoured), in one go.

    The step is networkx's ``_fruchterman_reingold`` (same forces, cooling and starting box);
    graphs are grouped by size (next multiple of 16) and padded, padding nodes feeling no force.
    The node order of each graph must not depend on hashing (see :func:`_grouped_layout`).
    """
    results: list[dict] = [{} for _ in graphs]
    buckets: dict[int, list[int]] = {}
    for i, graph in enumerate(graphs):
        nodes = list(graph)
        if len(nodes) <= 2:
            results[i] = dict(zip(nodes, [(-0.5, 0.0), (0.5, 0.0)] if len(nodes) == 2 else [(0.0, 0.0)], strict=False))
        else:
            buckets.setdefault(-(-len(nodes) // 16) * 16, []).append(i)
    rng = np.random.default_rng(seed)
    for width, members in sorted(buckets.items()):
        per_batch = max(1, 2_000_000 // (width * width))  # bounds the (batch, width, width, 2) arrays
        for start in range(0, len(members), per_batch):
            batch = members[start : start + per_batch]
            for i, pos in zip(batch, _spring_batch([graphs[i] for i in batch], width, rng, iterations), strict=True):
                results[i] = pos
    return results


def _spring_batch(graphs: list[nx.Graph], width: int, rng: np.random.Generator, iterations: int) -> list[dict]:
    adjacency = np.zeros((len(graphs), width, width), dtype=np.float32)
    present = np.zeros((len(graphs), width), dtype=np.float32)
    orders = []
    for b, graph in enumerate(graphs):
        order = list(graph)
        where = {n: j for j, n in enumerate(order)}
        present[b, : len(order)] = 1
        for u, v, weight in graph.edges(data="weight", default=1):
            adjacency[b, where[u], where[v]] = adjacency[b, where[v], where[u]] = weight
        orders.append(order)
    pos = rng.random((len(graphs), width, 2), dtype=np.float32)
    k = (1 / np.sqrt(present.sum(axis=1)))[:, None, None]
    pairs = present[:, :, None] * present[:, None, :]
    t, dt = 0.1, 0.1 / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, :, None, :] - pos[:, None, :, :]
        distance = np.maximum(np.hypot(delta[..., 0], delta[..., 1]), 0.01)
        displacement = np.einsum("bijd,bij->bid", delta, pairs * (k * k / distance**2 - adjacency * distance / k))
        length = np.hypot(displacement[..., 0], displacement[..., 1])
        length = np.where(length < 0.01, 0.1, length)
        pos += displacement * (t / length)[:, :, None]
        t -= dt
    layouts = []
    for b, order in enumerate(orders):
        points = pos[b, : len(order)] - pos[b, : len(order)].mean(axis=0)
        points /= np.abs(points).max() or 1.0
        layouts.append({n: (float(x), float(y)) for n, (x, y) in zip(order, points, strict=True)})
    return layouts


def _grouped_layout(graph: nx.Graph, seed: int, depth: int = 0) -> dict:
    """Positions in [-1, 1]² for a connected graph above ``FORCE_LIMIT`` nodes, by community.

    Every subgraph is rebuilt by :func:`~lls_graph.network.simple_graph`: a networkx subgraph view
    iterates its nodes in set order, which changes with the hash seed and so would the picture.
    """
    groups = sorted((sorted(c, key=str) for c in nx.community.fast_label_propagation_communities(graph, seed=seed)),
                    key=lambda c: (-len(c), str(c[0])))  # fmt: skip
    if len(groups) == 1 or depth > 3:
        nodes = sorted(graph, key=str)
        first = _springs([simple_graph(graph, nodes[:FORCE_LIMIT])], seed)[0]
        return first | dict.fromkeys(nodes[FORCE_LIMIT:], (0.0, 0.0))
    member = {n: i for i, g in enumerate(groups) for n in g}
    quotient = nx.Graph()
    quotient.add_nodes_from(range(len(groups)))
    for u, v in graph.edges():
        a, b = member[u], member[v]
        if a != b:
            weight = quotient.get_edge_data(a, b, {"weight": 0})["weight"]
            quotient.add_edge(a, b, weight=weight + 1)
    centres = _layout_all([quotient], seed, depth + 1)[0]
    pieces, placed = [], []
    for group in groups:
        sub = simple_graph(graph, group)
        parts = sorted(nx.connected_components(sub), key=lambda c: (-len(c), min(map(str, c))))
        pieces.append(sub if len(parts) == 1 else simple_graph(sub, parts[0]))
        ring = [(0.9 * math.cos(2 * math.pi * j / len(parts)), 0.9 * math.sin(2 * math.pi * j / len(parts)))
                for j in range(len(parts))]  # fmt: skip
        placed.append({n: ring[j] for j, extra in enumerate(parts[1:], start=1) for n in extra})  # stray pieces
    total = graph.number_of_nodes()
    positions: dict = {}
    for i, local in enumerate(_layout_all(pieces, seed, depth + 1)):
        radius = 0.9 * math.sqrt(len(groups[i]) / total)
        cx, cy = centres[i]
        for node, (x, y) in (local | placed[i]).items():
            positions[node] = (cx + radius * float(x), cy + radius * float(y))
    return positions


def _layout_all(graphs: list[nx.Graph], seed: int, depth: int = 0) -> list[dict]:
    """Positions in [-1, 1]² for each connected graph: the small ones in one batch, big ones by community."""
    small = [i for i, g in enumerate(graphs) if g.number_of_nodes() <= FORCE_LIMIT]
    results = dict(zip(small, _springs([graphs[i] for i in small], seed), strict=True))
    for i, graph in enumerate(graphs):
        if i not in results:
            results[i] = _grouped_layout(graph, seed, depth)
    return [results[i] for i in range(len(graphs))]


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
    layouts = _layout_all([simple_graph(simple, c) for c in components], seed)
    for component, local in zip(components, layouts, strict=True):
        scale = spacing * math.sqrt(len(component)) * 1.5
        size = 2 * scale + spacing
        if x + size > row_width and x > 0:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in local.items():
            positions[node] = (round(x + scale + px * scale, 1), round(y + scale + py * scale, 1))
        x += size
        row_height = max(row_height, size)
    return positions
