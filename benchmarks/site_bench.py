"""Site and diff timings on the built graph: what ``lls-graph site`` and ``lls-graph diff`` cost.

Run ``python benchmarks/site_bench.py`` from the repository root after ``lls-graph build``. It prints
the time to read the model from the embedded store, to render every page and RDF alternate, and to
write the site atomically; the site's size (pages, files, bytes); and the time of a diff of the
asserted graph against itself. Figures, not assertions: no test times anything.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from lls_graph.config import Namespaces, Project
from lls_graph.diff import compare, load_graph
from lls_graph.site import Model, site_files, write_site
from lls_graph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def _timed(function: Callable[..., T], *args: object) -> tuple[T, float]:
    """The value of ``function(*args)`` and the seconds it took."""
    started = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - started


def main() -> None:
    project = Project(root=ROOT)
    store = open_store(project)
    model, read = _timed(Model.from_store, store, Namespaces(), project.ontology)
    renders = []
    for _ in range(3):
        files, seconds = _timed(site_files, model)
        renders.append(seconds)
    with tempfile.TemporaryDirectory() as folder:
        _, written = _timed(write_site, files, Path(folder) / "site")
    graph = load_graph(str(project.asserted_graph), ROOT)
    _, diffed = _timed(compare, graph, graph)
    pages = sum(1 for name in files if name.startswith("id/") and name.endswith(".html"))
    size = sum(len(data) for data in files.values())
    html = sum(len(data) for name, data in files.items() if name.endswith(".html"))
    print(f"graph: {sum(len(t) for t in model.triples.values())} triples, {len(model.entities)} entities")
    print(f"read model from the store: {read:6.2f} s")
    print(f"render pages and alternates (median of 3): {statistics.median(renders):6.2f} s")
    print(f"write the site atomically: {written:6.2f} s")
    print(f"site: {pages} entity pages, {len(files)} files, {size:,} bytes ({html:,} of HTML)")
    print(f"diff of the asserted graph against itself ({len(graph)} triples): {diffed:6.2f} s")


if __name__ == "__main__":
    main()
