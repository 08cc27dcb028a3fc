"""Query timings on the built graph: the embedded pyoxigraph store against rdflib's SPARQL engine.

Run ``python benchmarks/query_bench.py`` from the repository root after ``lls-graph build``. It
prints, for the catalogue: the cold wall time of ``lls-graph query NAME`` (a fresh process each
time, the store already built), the warm in-process time per query on the persistent store, and
rdflib's load and query times on the same query texts (parameters bound to their defaults).
Figures, not assertions: no test times anything.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def cold_cli(names: list[str], runs: int) -> dict[str, float]:
    """Median wall time of a fresh ``lls-graph query NAME --format csv`` process per query."""
    exe = Path(sys.executable).parent / "lls-graph"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "lls_graph"]
    times: dict[str, float] = {}
    for name in names:
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([*command, "query", name, "--format", "csv"], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            samples.append(time.perf_counter() - started)
        times[name] = statistics.median(samples)
    return times


def store_rebuild() -> float:
    """Seconds to build the persistent store from the inferred Turtle (what a stale store costs once)."""
    from lls_graph.config import Project
    from lls_graph.store import ensure_store

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        shutil.copy(ROOT / "graph" / "lls-inferred.ttl", out / "lls-inferred.ttl")
        started = time.perf_counter()
        ensure_store(Project(root=ROOT, out=out), "inferred")
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold runs per query (median)")
    parser.add_argument("--cold", type=int, default=5, help="how many catalogue queries to time cold")
    args = parser.parse_args()

    import pyoxigraph as ox
    import rdflib

    from lls_graph.catalogue import load_catalogue
    from lls_graph.config import Namespaces, Project
    from lls_graph.query import bindings, run_query
    from lls_graph.sparql import bind
    from lls_graph.store import open_store

    project, ns = Project(root=ROOT), Namespaces()
    catalogue = load_catalogue(project.queries)
    texts = {name: bind(entry.text, bindings(entry, {}, ns)) for name, entry in catalogue.items()}
    graph_file = project.inferred_graph

    started = time.perf_counter()
    memory = ox.Store()
    memory.bulk_load(path=str(graph_file), format=ox.RdfFormat.TURTLE)
    ox_load = time.perf_counter() - started
    started = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(graph_file, format="turtle")
    rdflib_load = time.perf_counter() - started
    rebuild = store_rebuild()

    store = open_store(project)
    warm: dict[str, float] = {}
    slow: dict[str, float] = {}
    for name in catalogue:
        run_query(name, project=project, store=store)  # warm the caches once
        started = time.perf_counter()
        run_query(name, project=project, store=store)
        warm[name] = time.perf_counter() - started
        started = time.perf_counter()
        result = graph.query(texts[name])
        _ = list(result) if result.type != "ASK" else result.askAnswer
        slow[name] = time.perf_counter() - started
    cold = cold_cli(list(catalogue)[: args.cold], args.runs)

    print(f"graph: {graph_file.relative_to(ROOT)}, {len(memory)} triples, {len(catalogue)} catalogue queries")
    print(f"load Turtle: pyoxigraph {_ms(ox_load)}   rdflib {_ms(rdflib_load)}   ({rdflib_load / ox_load:.0f}x)")
    print(f"build persistent store (once, when stale): {_ms(rebuild)}")
    print(f"cold `lls-graph query NAME --format csv`, median of {args.runs}:")
    for name, seconds in cold.items():
        print(f"  {name:45} {_ms(seconds)}")
    total_warm, total_slow = sum(warm.values()), sum(slow.values())
    print("warm query, per query: persistent pyoxigraph store vs rdflib (in memory, already parsed)")
    print(f"  median   {_ms(statistics.median(warm.values()))}   {_ms(statistics.median(slow.values()))}")
    print(f"  max      {_ms(max(warm.values()))}   {_ms(max(slow.values()))}")
    print(f"  total    {_ms(total_warm)}   {_ms(total_slow)}   ({total_slow / total_warm:.0f}x)")
    worst = sorted(slow, key=slow.get, reverse=True)[:3]
    print("  slowest on rdflib: " + ", ".join(f"{n} {slow[n] * 1000:.0f} ms (oxigraph {warm[n] * 1000:.1f})"
                                              for n in worst))  # fmt: skip


if __name__ == "__main__":
    main()
