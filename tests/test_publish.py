"""Publishing for partners (issue 5 §1-3): dumps, context, VoID, DCAT record, ontology docs.

One release is built twice, in two processes with different hash seeds (in parallel), and
every other test reads the first copy. The graphs have no blank nodes, so a dump round-trips
when its set of triples equals the source's: that is graph isomorphism here.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from mod_rewrite import rewrite
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, VOID
from rdflib.plugins.shared.jsonld.context import Context

from lls_graph import export
from lls_graph.cli import EXPORT_FORMATS, main
from lls_graph.config import Namespaces, Project
from lls_graph.docs import PYLODE_LOCK, _ontpub, ontology_html
from lls_graph.export import FORMATS, context, export_bytes, jsonld_nodes, load_graphs
from lls_graph.release import release_date
from lls_graph.serialise import ntriples
from lls_graph.site import htaccess
from lls_graph.validation import shacl_violations

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "dcat"
NS = Namespaces()
OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
              "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}  # fmt: skip
FORBIDDEN = re.compile(rb"file:/|//localhost\b|127\.0\.0\.1|example\.(?:org|com)\b")


def _release(out: Path, seed: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    env.pop("SOURCE_DATE_EPOCH", None)
    command = [
        sys.executable,
        "-m",
        "lls_graph",
        "release",
        "--root",
        str(ROOT),
        "-o",
        str(out),
        "--date",
        "2026-12-04",
    ]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same release written under PYTHONHASHSEED=1 and =3 (1 and 2 happen to order two named graphs alike)."""
    first, second = tmp_path_factory.mktemp("release-1"), tmp_path_factory.mktemp("release-3")
    runs = [_release(first, "1"), _release(second, "3")]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err.decode()
    return first, second


@pytest.fixture(scope="module")
def release(releases: tuple[Path, Path]) -> Path:
    return releases[0]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _triples(data: bytes | Path, fmt: ox.RdfFormat, graph: str | None = None) -> set[tuple[str, str, str]]:
    """Triples as canonical strings; with ``graph``, only that named graph's."""
    quads = ox.parse(data.read_bytes() if isinstance(data, Path) else data, fmt)
    return {(str(q.subject), str(q.predicate), str(q.object))
            for q in quads if graph is None or str(q.graph_name) == f"<{graph}>"}  # fmt: skip


@pytest.fixture(scope="module")
def source() -> dict[str, set[tuple[str, str, str]]]:
    return {"asserted": _triples(ROOT / "graph" / "lls.ttl", ox.RdfFormat.TURTLE),
            "inferred": _triples(ROOT / "graph" / "lls-inferred.ttl", ox.RdfFormat.TURTLE)}  # fmt: skip


def test_release_lists_every_product(release: Path) -> None:
    dumps = {f"dumps/lls.{extension}" for extension, _ in FORMATS.values()}
    docs = {"ontology/index-en.html", "ontology/index-it.html", "ontology/lls.ttl"}
    assert set(_files(release)) == dumps | docs | {"context.jsonld", "void.ttl", "dcat.ttl"}
    assert list(FORMATS) == EXPORT_FORMATS


def test_release_is_byte_identical_across_hash_seeds(releases: tuple[Path, Path]) -> None:
    first, second = (_files(folder) for folder in releases)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_dump_round_trips_to_the_inferred_graph(release: Path, source: dict, fmt: str) -> None:
    dump = release / "dumps" / f"lls.{FORMATS[fmt][0]}"
    assert _triples(dump, OX_FORMATS[fmt]) == source["inferred"]


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_quad_dumps_keep_asserted_and_entailed_named_graphs(release: Path, source: dict, fmt: str) -> None:
    dump = release / "dumps" / f"lls.{FORMATS[fmt][0]}"
    asserted, entailed = NS.base + "graph/asserted", NS.base + "graph/inferred"
    assert _triples(dump, OX_FORMATS[fmt], asserted) == source["asserted"]
    assert _triples(dump, OX_FORMATS[fmt], entailed) == source["inferred"] - source["asserted"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own TriG parser uses its deprecated API
def test_large_trig_is_each_named_graph_as_sorted_lines(monkeypatch: pytest.MonkeyPatch, source: dict) -> None:
    """Above LONGTURTLE_MAX triples TriG needs no rdflib Dataset: pyoxigraph and rdflib read the same named graphs."""
    monkeypatch.setattr(export, "LONGTURTLE_MAX", 0)
    asserted, inferred = load_graphs(Project(root=ROOT), "trig")
    data = export_bytes("trig", asserted, inferred, NS, use_inferred=True)
    names = [NS.base + "graph/asserted", NS.base + "graph/inferred"]
    assert _triples(data, ox.RdfFormat.TRIG, names[0]) == source["asserted"]
    assert _triples(data, ox.RdfFormat.TRIG, names[1]) == source["inferred"] - source["asserted"]
    blocks = re.findall(r"^<([^>]+)> \{\n(.*?)^\}$", data.decode(), flags=re.MULTILINE | re.DOTALL)
    assert [name for name, _ in blocks] == names
    assert all(lines.splitlines() == sorted(lines.splitlines()) for _, lines in blocks)
    by_rdflib = Dataset()
    by_rdflib.parse(data=data, format="trig")
    assert [len(by_rdflib.graph(URIRef(name))) for name in names] == [
        len(source["asserted"]), len(source["inferred"] - source["asserted"])]  # fmt: skip


def _sorted_nodes(nodes: list[dict]) -> str:
    """Node objects as the dump writes them (sorted lists, nodes and keys): one string to compare."""
    nodes = json.loads(json.dumps(nodes))
    for node in nodes:
        node.pop("@context", None)
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    return json.dumps(sorted(nodes, key=lambda n: n["@id"]), indent=1, sort_keys=True)


def _rdflib_jsonld(graph: Graph) -> str:
    raw = json.loads(graph.serialize(format="json-ld", context=context(NS)["@context"], auto_compact=True))
    return _sorted_nodes(raw.get("@graph", [raw] if "@id" in raw else []))


def _edge_cases() -> Graph:
    """Every kind of value the compaction treats apart: classes, tagged, native and typed literals, blank nodes."""
    from rdflib.namespace import XSD  # not a module global: pytest's collection trips rdflib's closed namespace

    a, lls = URIRef(NS.base + "id/a"), NS.lls
    graph = Graph()
    for triple in [
        (a, RDF.type, URIRef(lls + "Company")),
        (a, RDF.type, URIRef("http://other.example/Thing")),
        (a, RDFS.label, Literal("Università", lang="it")),
        (a, RDFS.label, Literal("University", lang="en")),
        (a, URIRef(lls + "obsValue"), Literal("12", datatype=XSD.integer)),
        (a, URIRef(lls + "obsValue"), Literal("1.5E0", datatype=XSD.double)),
        (a, URIRef(lls + "status"), Literal("true", datatype=XSD.boolean)),
        (a, URIRef(lls + "quoteText"), Literal('say "hi"\n', datatype=XSD.string)),
        (a, URIRef(lls + "year"), Literal("2021", datatype=XSD.gYear)),
        (a, URIRef("http://other.example/p"), Literal("plain")),
        (a, URIRef(lls + "locatedIn"), BNode("place")),
        (BNode("place"), RDFS.label, Literal("Milano")),
        (URIRef(NS.base + "id/quote/a-1"), URIRef(lls + "quotedFrom"), URIRef(NS.base + "id/brochure")),
    ]:
        graph.add(triple)
    return graph


@pytest.mark.parametrize("which", ["edge cases", "inferred product"])
def test_jsonld_nodes_are_the_ones_rdflib_compacts(which: str) -> None:
    """The dump's nodes are made without an rdflib graph: the same nodes as rdflib's serializer, value for value."""
    graph = _edge_cases() if which == "edge cases" else Graph().parse(Project(root=ROOT).inferred_graph)
    ours = jsonld_nodes(sorted(graph, key=lambda t: [term.n3() for term in t]), Context(context(NS)["@context"]))
    assert _sorted_nodes(ours) == _rdflib_jsonld(graph)


def test_jsonld_keeps_falsy_values_rdflib_drops() -> None:
    """rdflib's serializer tests ``if value:`` and loses a 0 or "" when another value follows; the dump keeps all."""
    a, p = URIRef(NS.base + "id/a"), URIRef(NS.lls + "obsValue")
    triples = {(a, p, Literal(0)), (a, p, Literal(5)), (a, p, Literal("")), (a, p, Literal(False))}
    data = export_bytes("jsonld", set(), triples, NS, use_inferred=True)
    assert _triples(data, ox.RdfFormat.JSON_LD) == _triples("".join(ntriples(triples)).encode(), ox.RdfFormat.N_TRIPLES)


def test_ntriples_dump_is_what_rdflib_parses_and_writes(release: Path) -> None:
    """Read by pyoxigraph, written by our line writer: the very lines of rdflib's parser and serializer."""
    graph = Graph().parse(Project(root=ROOT).inferred_graph, format="turtle")
    lines = sorted({line for line in graph.serialize(format="nt", encoding="utf-8").decode().splitlines() if line})
    assert (release / "dumps" / "lls.nt").read_text(encoding="utf-8") == "\n".join(lines) + "\n"


def test_chunked_asserted_ntriples_are_valid_dumps_that_add_up(tmp_path: Path, source: dict) -> None:
    (tmp_path / "lls-0099.nt").write_text("stale chunk of an earlier dump\n")
    args = ["export", "--root", str(ROOT), "--format", "nt", "--asserted", "--chunk-size", "10000",
            "-o", str(tmp_path / "lls.nt")]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    chunks = sorted(tmp_path.glob("lls-*.nt"))
    assert [c.name for c in chunks] == ["lls-0001.nt", "lls-0002.nt", "lls-0003.nt"]
    parts = [_triples(chunk, ox.RdfFormat.N_TRIPLES) for chunk in chunks]
    assert [len(part) for part in parts] == [10_000, 10_000, len(source["asserted"]) - 20_000]
    assert set().union(*parts) == source["asserted"]


def test_chunk_size_is_refused_for_tree_formats(tmp_path: Path) -> None:
    args = ["export", "--root", str(ROOT), "--format", "ttl", "--chunk-size", "5", "-o", str(tmp_path / "x.ttl")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "--chunk-size applies to the line formats nt and nq only" in result.output
    assert not list(tmp_path.iterdir())


def _offline_loader(local: dict[str, dict]):
    """A pyld document loader that serves only the given documents and never opens a connection."""

    def load(url: str, options: dict | None = None) -> dict:
        if url not in local:
            raise RuntimeError(f"network access attempted: {url}")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": local[url]}

    return load


def test_jsonld_expands_offline_with_pyld(release: Path, source: dict) -> None:
    from pyld import jsonld

    doc = json.loads((release / "dumps" / "lls.jsonld").read_text("utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _offline_loader({})})
    assert _triples(nquads.encode("utf-8"), ox.RdfFormat.N_QUADS) == source["inferred"]


def test_partners_compact_with_the_published_context_offline(release: Path) -> None:
    from pyld import jsonld

    shipped = json.loads((release / "context.jsonld").read_text("utf-8"))
    assert shipped == context(NS)
    partner = {"@context": NS.context_iri, "@id": "id:mind", "@type": "lls:InnovationHub",
               "rdfs:label": {"@value": "MIND", "@language": "en"}}  # fmt: skip
    expanded = jsonld.expand(partner, {"documentLoader": _offline_loader({NS.context_iri: shipped})})
    label = [{"@value": "MIND", "@language": "en"}]
    assert expanded == [{"@id": str(NS.id["mind"]), "@type": [str(NS.lls.InnovationHub)],
                         "http://www.w3.org/2000/01/rdf-schema#label": label}]  # fmt: skip


# --- VoID: every count recomputed with SPARQL over the N-Triples dump ----------------------------------
# The dump is queried with rdflib, not a pyoxigraph Store: the Store keeps "54"^^xsd:positiveInteger as
# "54"^^xsd:integer, which merges distinct RDF terms and would miscount void:distinctObjects.

VOID_COUNTS = """
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?triples ?subjects ?objects ?entities WHERE {
  ?ds a void:Dataset ; void:triples ?triples ; void:distinctSubjects ?subjects ;
      void:distinctObjects ?objects ; void:entities ?entities ; void:uriSpace ?space .
}"""
DUMP_COUNTS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
       (COUNT(DISTINCT ?e) AS ?entities)
WHERE { ?s ?p ?o . BIND(IF(STRSTARTS(STR(?s), ?space), ?s, ?unbound) AS ?e) }"""
VOID_CLASSES = """
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?class ?n WHERE { ?ds void:classPartition [ void:class ?class ; void:entities ?n ] }"""
DUMP_CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"
VOID_PROPERTIES = """
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?property ?n WHERE { ?ds void:propertyPartition [ void:property ?property ; void:triples ?n ] }"""
DUMP_PROPERTIES = "SELECT ?property (COUNT(*) AS ?n) WHERE { ?s ?property ?o } GROUP BY ?property"


def _store(path: Path, fmt: ox.RdfFormat) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=fmt)
    return store


def _pairs(store: ox.Store | Graph, query: str) -> dict[str, int]:
    if isinstance(store, Graph):
        return {str(row[0]): int(row[1]) for row in store.query(query)}
    return {row[0].value: int(row[1].value) for row in store.query(query)}


@pytest.fixture(scope="module")
def dump(release: Path) -> Graph:
    return Graph().parse(release / "dumps" / "lls.nt", format="nt")


def test_void_counts_equal_the_dump(release: Path, dump: Graph) -> None:
    void = _store(release / "void.ttl", ox.RdfFormat.TURTLE)
    stated = next(iter(void.query(VOID_COUNTS)))
    counted = next(iter(dump.query(DUMP_COUNTS, initBindings={"space": Literal(str(NS.id))})))
    assert [int(stated[i].value) for i in range(4)] == [int(counted[i]) for i in range(4)]
    assert int(stated[0].value) > 30_000
    assert _pairs(void, VOID_CLASSES) == _pairs(dump, DUMP_CLASSES)
    assert _pairs(void, VOID_PROPERTIES) == _pairs(dump, DUMP_PROPERTIES)


def test_void_lists_dumps_vocabularies_and_examples(release: Path, dump: Graph) -> None:
    void = Graph().parse(release / "void.ttl")
    dumps = {str(o) for o in void.objects(None, VOID.dataDump)}
    assert dumps == {NS.base + name for name in _files(release) if name.startswith("dumps/")}
    vocabularies = {str(o) for o in void.objects(None, VOID.vocabulary)}
    for predicate in set(dump.predicates()):
        assert any(predicate.startswith(v) for v in vocabularies), predicate
    examples = list(void.objects(None, VOID.exampleResource))
    assert len(examples) == 3
    assert all((example, None, None) in dump for example in examples)
    assert [str(o) for o in void.objects(None, VOID.sparqlEndpoint)] == [NS.sparql_endpoint]


# --- DCAT-AP_IT record --------------------------------------------------------------------------------

DCAT_SIZES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT ?url ?size WHERE { ?d a dcat:Distribution ; dcat:downloadURL ?url ; dcat:byteSize ?size }"""


def test_dcat_record_conforms_and_states_the_real_sizes(release: Path) -> None:
    record = Graph().parse(release / "dcat.ttl")
    assert shacl_violations(record, Graph().parse(Project(ROOT).dcat_shapes)) == []
    sizes = _pairs(_store(release / "dcat.ttl", ox.RdfFormat.TURTLE), DCAT_SIZES)
    on_disk = {NS.base + name: len(data) for name, data in _files(release).items() if name.startswith("dumps/")}
    assert sizes == on_disk


def test_broken_dcat_record_is_rejected_for_each_fault() -> None:
    found = shacl_violations(Graph().parse(FIXTURES / "broken.ttl"), Graph().parse(Project(ROOT).dcat_shapes))
    faults = {(v.focus.removeprefix(NS.base), v.message.rsplit("(path ", 1)[-1].rstrip(")")) for v in found}
    assert faults == {
        ("catalog", "dcterms:title"),
        ("dataset", "dcat:theme"),
        ("dataset", "dcterms:modified"),
        ("dataset#distribution-ttl", "dcat:accessURL"),
        ("dataset#distribution-ttl", "dcat:byteSize"),
        ("dataset#distribution-ttl", "dcat:mediaType"),
    }


def test_release_date_is_the_changelog_date_of_the_ontology_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    ontology = Graph().parse(ROOT / "ontology" / "lls.ttl")
    version = str(ontology.value(URIRef(NS.ontology_iri), OWL.versionInfo))
    changelog = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert f"## [{version}] - {release_date(None, ontology, NS, ROOT / 'CHANGELOG.md')}" in changelog
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert release_date(None, ontology, NS, ROOT / "CHANGELOG.md") == date(2026, 1, 1)


def test_release_needs_a_stable_date(scratch: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (scratch.root / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["release", "--root", str(scratch.root), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no release date" in result.output
    assert not (tmp_path / "out").exists()


# --- every product ------------------------------------------------------------------------------------


def test_no_local_or_example_iris_in_any_product(release: Path) -> None:
    hits = {name: FORBIDDEN.findall(data)[:3] for name, data in _files(release).items() if FORBIDDEN.search(data)}
    assert hits == {}


class _Resources(HTMLParser):
    """Every URL the page would load by itself (not the links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and attributes.get("src"):
            self.loaded.append(attributes["src"] or "")
        if tag == "link" and attributes.get("href"):
            self.loaded.append(attributes["href"] or "")


ENGLISH = (">Organisation<", "<h2>Classes</h2>", ">Sub Class Of<")
ITALIAN = (">Organizzazione<", "<h2>Classi</h2>", ">Sottoclasse di<")


@pytest.mark.parametrize(("lang", "own", "other"), [("en", ENGLISH, ITALIAN), ("it", ITALIAN, ENGLISH)])
def test_ontology_docs_build_offline_self_contained_in_one_language(release: Path, offline: list, lang: str,
                                                                    own: tuple, other: tuple) -> None:  # fmt: skip
    html = ontology_html(ROOT / "ontology" / "lls.ttl", lang)
    assert offline == []
    assert html == (release / "ontology" / f"index-{lang}.html").read_text("utf-8")
    parser = _Resources()
    parser.feed(html)
    assert [url for url in parser.loaded if not url.startswith(("data:", "#"))] == []
    assert not re.search(r"@import|url\((?!['\"]?data:)", html)
    assert f'<html lang="{lang}">' in html
    assert [text for text in own if text not in html] == []
    assert [text for text in other if text in html] == []


def test_ontology_docs_wait_while_pylode_writes_its_cache() -> None:
    """pyLODE writes its cache pickle in place on first use: a page begun meanwhile waits, never reads half of it."""
    _ontpub()  # imports pyLODE without the DEBUG logging its loader switches on
    from pylode.utils import RDF_FOLDER, load_background_onts

    cache = RDF_FOLDER / "refs.pickle"
    load_background_onts()  # the cache exists, whole
    if not os.access(cache, os.W_OK):
        pytest.skip("pyLODE's folder is read-only here")
    whole = cache.read_bytes()
    script = "import sys, pathlib, lls_graph.docs as d; d.ontology_html(pathlib.Path(sys.argv[1]), 'en')"
    try:
        with PYLODE_LOCK.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # as the first page holds it while pyLODE writes
            cache.write_bytes(whole[: len(whole) // 2])
            page = subprocess.Popen([sys.executable, "-c", script, str(ROOT / "ontology" / "lls.ttl")],
                                    stderr=subprocess.PIPE)  # fmt: skip
            time.sleep(3)  # past its imports, at the lock
            cache.write_bytes(whole)
        _, err = page.communicate(timeout=300)
    finally:
        cache.write_bytes(whole)
    assert page.returncode == 0, err.decode()


def test_release_iris_dereference_to_release_files(release: Path) -> None:
    """The ontology (so each of its terms), the dataset and the catalogue IRIs reach a release file about them."""
    rules = htaccess(NS)
    for iri in (NS.ontology_iri, str(NS.lls.Company), NS.dataset_iri, NS.catalog_iri):
        document = urllib.parse.urldefrag(iri).url
        target, status = rewrite(rules, document[len(NS.base) :], "text/turtle")
        assert status == "303", iri
        assert (URIRef(iri), None, None) in Graph().parse(release / target, format="turtle"), (iri, target)
    page, status = rewrite(rules, NS.ontology_iri[len(NS.base) :], "text/html,*/*;q=0.8")
    assert status == "303" and (release / page).is_file()
