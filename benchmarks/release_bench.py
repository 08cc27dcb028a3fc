"""Release timings and sizes on the built graph: what each product of ``lls-graph release`` costs.

Run ``python benchmarks/release_bench.py`` from the repository root after ``lls-graph build``. It prints
the time to read the two graphs, to serialise each dump (and its size), to describe the dataset (VoID
and the DCAT record with its SHACL check) and to make each ontology page, then the whole release's time
(``release_files``, which repeats all of it) and its total size. Figures, not assertions.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rdflib import Graph
from site_bench import _timed  # the script's folder is on sys.path

from lls_graph.config import Namespaces, Project
from lls_graph.dataset import Dump, dcat_graph, ontology_facts, void_graph
from lls_graph.docs import LANGUAGES, ontology_html
from lls_graph.export import FORMATS, export_bytes, load_graphs
from lls_graph.release import release_files
from lls_graph.validation import shacl_violations

ROOT = Path(__file__).resolve().parents[1]
RELEASED = date(2026, 12, 4)


def main() -> None:
    project, ns = Project(root=ROOT), Namespaces()
    (asserted, inferred), read = _timed(load_graphs, project)
    print(f"read graph/lls.ttl and graph/lls-inferred.ttl: {read:6.2f} s ({len(inferred)} triples inferred)")
    dumps = []
    for fmt, (extension, media) in FORMATS.items():
        data, seconds = _timed(export_bytes, fmt, asserted, inferred, ns, True)
        dumps.append(Dump(fmt, len(data)))
        print(f"dumps/lls.{extension:<7} {media:<22} {len(data):>11,} bytes {seconds:6.2f} s")
    licence, version = ontology_facts(Graph().parse(project.ontology), ns)
    _, described = _timed(void_graph, inferred, ns, dumps, licence)
    record, catalogued = _timed(dcat_graph, ns, dumps, licence, version, RELEASED)
    _, checked = _timed(shacl_violations, record, Graph().parse(project.dcat_shapes))
    print(f"VoID {described:6.2f} s, DCAT record {catalogued:6.2f} s, its SHACL check {checked:6.2f} s")
    for lang in LANGUAGES:
        page, seconds = _timed(ontology_html, project.ontology, lang)
        print(f"ontology/index-{lang}.html {len(page.encode()):>11,} bytes {seconds:6.2f} s")
    files, whole = _timed(release_files, project, ns, RELEASED)
    print(f"release: {len(files)} files, {sum(map(len, files.values())):,} bytes, {whole:6.2f} s")


if __name__ == "__main__":
    main()
