"""Label search: folded substring matches, ranking, type filter, the index beside the store, the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from lls_graph.config import Project
from lls_graph.search import INDEX_FILE, LabelIndex, normalise_name
from lls_graph.store import open_index, open_store, store_path

ROOT = Path(__file__).resolve().parents[1]
LLS = "https://w3id.org/lls/ontology#"
ID = "https://w3id.org/lls/id/"

SMALL = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix lls: <{LLS}> .
<{ID}unimi> a lls:University, lls:Organisation ;
    rdfs:label "University of Milan"@en, "Università degli Studi di Milano"@it ; skos:altLabel "UNIMI" .
<{ID}milan> a lls:City ; rdfs:label "Milan"@en, "Milano"@it .
<{ID}polimi> a lls:University, lls:Organisation ; rdfs:label "Politecnico di Milano"@it .
<{ID}dot> a lls:Organisation ; rdfs:label "A.B.C. Lab"@en .
"""


@pytest.fixture(scope="module")
def small() -> LabelIndex:
    store = ox.Store()
    store.load(SMALL.encode(), ox.RdfFormat.TURTLE)
    return LabelIndex.from_store(store)


def _iris(hits) -> list[str]:
    return [hit.iri.removeprefix(ID) for hit in hits]


def test_accents_and_case_are_ignored_both_ways(small: LabelIndex) -> None:
    assert _iris(small.search("universita degli")) == ["unimi"]
    assert _iris(small.search("UNIVERSITÀ")) == ["unimi"]
    assert small.search("Università")[0].label == "Università degli Studi di Milano"


def test_exact_then_prefix_then_inside(small: LabelIndex) -> None:
    # "Milan" is exactly the city's label, a prefix of "Milano", inside the universities' names.
    assert _iris(small.search("milan")) == ["milan", "polimi", "unimi"]
    assert [hit.rank for hit in small.search("milan")] == [0, 2, 2]


def test_alternative_labels_are_found(small: LabelIndex) -> None:
    assert _iris(small.search("unimi")) == ["unimi"]


def test_type_filter_and_limit(small: LabelIndex) -> None:
    assert _iris(small.search("milan", type_iri=LLS + "University")) == ["polimi", "unimi"]
    assert _iris(small.search("milan", type_iri=LLS + "City")) == ["milan"]
    assert len(small.search("milan", limit=1)) == 1


def test_the_text_is_literal_never_a_pattern(small: LabelIndex) -> None:
    assert _iris(small.search("a.b.c.")) == ["dot"]
    assert small.search("a.b.c.d") == []
    assert small.search(".*") == [] and small.search("(") == [] and small.search("   ") == []


def test_a_match_never_spans_two_labels(small: LabelIndex) -> None:
    folded = sorted(label for label in small._text.split("\n"))
    assert small.search(folded[0][-2:] + folded[1][:2]) == []


def test_the_index_is_deterministic_and_round_trips(small: LabelIndex) -> None:
    again = LabelIndex.from_store(_reversed_store())
    assert again.to_json() == small.to_json()
    assert LabelIndex(*_parts(small)).search("milan") == small.search("milan")


def _reversed_store() -> ox.Store:
    store = ox.Store()
    lines = sorted(ox.serialize(ox.parse(SMALL.encode(), ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
                   .decode().splitlines(), reverse=True)  # fmt: skip
    store.load("\n".join(lines).encode(), ox.RdfFormat.N_TRIPLES)
    return store


def _parts(index: LabelIndex) -> tuple[list[tuple[str, str, str]], dict[str, list[str]]]:
    return list(reversed(index.labels)), index.types


def test_a_saved_index_loads_back_equal(tmp_path: Path, small: LabelIndex) -> None:
    path = tmp_path / INDEX_FILE
    path.write_bytes(small.to_json())
    loaded = LabelIndex.load(path)
    assert (loaded.labels, loaded.types, loaded.to_json()) == (small.labels, small.types, small.to_json())
    assert [h.iri for h in loaded.search("mil")] == [h.iri for h in small.search("mil")]


def test_the_index_beside_the_store_matches_the_store() -> None:
    """Drift test: the saved index is exactly what the store it sits beside gives today."""
    project = Project(root=ROOT)
    saved = open_index(project).to_json()
    assert saved == LabelIndex.from_store(open_store(project)).to_json()
    hits = open_index(project).search("citta della salute", type_iri=LLS + "InnovationHub")
    assert [(hit.iri, hit.label, hit.rank) for hit in hits] == [(ID + "citta-della-salute", "Città della Salute", 0)]


def _search_by_scanning(index: LabelIndex, text: str) -> list[tuple[str, str, int]]:
    """The ranking the index promises, computed the slow obvious way: fold each label, look inside."""
    needle = normalise_name(text)
    best: dict[str, tuple[int, str, str, str]] = {}
    for iri, label, language in index.labels:
        folded = normalise_name(label)
        if needle in folded:
            rank = 0 if folded == needle else 1 if folded.startswith(needle) else 2
            best[iri] = min(best.get(iri, (3, "", "", "")), (rank, folded, label, language))
    ordered = sorted(best.items(), key=lambda item: (item[1], item[0]))
    return [(iri, label, rank) for iri, (rank, _, label, _) in ordered]


@pytest.mark.parametrize("text", ["milan", "Università", "lombard", "ospedale", "a", "in", "irccs", "mind"])
def test_the_index_ranks_as_scanning_every_label_would(text: str) -> None:
    """On the real graph, where labels hold the text more than once ("'Milan ...' and 'Milano ...'")."""
    index = open_index(Project(root=ROOT))
    hits = index.search(text, limit=None)
    assert hits, text
    assert [(hit.iri, hit.label, hit.rank) for hit in hits] == _search_by_scanning(index, text)
    assert index.search(text, limit=3) == hits[:3]


def test_the_build_index_from_triples_is_the_store_index() -> None:
    """The build indexes its own triples; the store path reads them back: both must give the same bytes."""
    project = Project(root=ROOT)
    triples = Graph().parse(project.inferred_graph, format="turtle")
    assert LabelIndex.from_triples(triples).to_json() == LabelIndex.from_store(open_store(project)).to_json()


def test_an_older_store_without_index_gets_one(tmp_path: Path) -> None:
    project = Project(root=tmp_path)
    (tmp_path / "graph").mkdir()
    shutil.copy(ROOT / "graph" / "lls-inferred.ttl", tmp_path / "graph" / "lls-inferred.ttl")
    open_store(project).query("ASK {}")  # builds the store (and its index)
    (store_path(project, "inferred") / INDEX_FILE).unlink()
    assert open_index(project).search("bocconi")
    (store_path(project, "inferred") / INDEX_FILE).write_text('{"labels": [], "types": {}}')  # the old layout
    assert open_index(project).search("bocconi")


def _cli(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "lls_graph", "search", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_cli_finds_organisations_by_italian_name_without_accents() -> None:
    done = _cli("universita", "--type", "Organisation", "--format", "json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert {"Università Bocconi", "Università Cattolica del Sacro Cuore"} <= {row["label"] for row in found}
    assert all("Organisation" in row["types"] for row in found)


def test_cli_exit_codes() -> None:
    assert _cli("bocconi", "--format", "tsv").returncode == 0
    nothing = _cli("no such organisation anywhere")
    assert nothing.returncode == 1 and nothing.stdout == ""
    missing = subprocess.run([sys.executable, "-m", "lls_graph", "search", "x", "--root", "/nonexistent"],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert missing.returncode == 2 and "lls-graph build" in missing.stderr
