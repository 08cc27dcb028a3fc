"""The network views and the page, without a browser: what `lls-graph viz` draws and writes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph

from lls_graph.cli import main
from lls_graph.config import Project
from lls_graph.network import (
    ecosystem,
    ego_view,
    hub_view,
    load_product,
    load_rdf,
    overview,
    simple_graph,
    specialisation_view,
)
from lls_graph.synthetic_network import synthetic_network
from lls_graph.viz import BIG_GRAPH, page_data, render_html

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/lls/id/"
PARTNER = """@prefix ex: <http://partner.example/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:acme a foaf:Organization ; rdfs:label "Acme Biotech"@en , "Acme Biotecnologie"@it ; foaf:member ex:bea .
ex:bea a foaf:Person ; rdfs:label "Beatrice Rossi" ; foaf:knows ex:carla .
ex:carla a foaf:Person ; rdfs:label "Càrla Bianchi" .
"""


def _viz(tmp_path: Path, *args: str) -> dict:
    """Run `lls-graph viz` and return the data block of the page it wrote."""
    out = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["viz", "--root", str(ROOT), "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8")
    block = re.search(r'<script id="lls-data" type="application/json">(.*?)</script>', text, re.S).group(1)
    return json.loads(block)


@pytest.fixture(scope="module")
def network():
    project = Project(root=ROOT)
    return ecosystem(load_rdf([project.asserted_graph]), Graph().parse(project.ontology))


def test_the_product_reader_gives_the_network_rdflib_gives(network):
    """pyoxigraph's parse of the asserted product, literals it never shows dropped: the same nodes and edges."""
    project = Project(root=ROOT)
    fast = ecosystem(load_product(project.asserted_graph), Graph().parse(project.ontology))
    assert list(fast.graph.nodes(data=True)) == list(network.graph.nodes(data=True))
    assert list(fast.graph.edges(keys=True, data=True)) == list(network.graph.edges(keys=True, data=True))


def test_overview_keeps_every_hub_then_the_most_connected():
    network = synthetic_network(400)
    graph = network.graph
    hubs = {n for n, family in graph.nodes(data="family") if family.endswith("#InnovationHub")}
    view = overview(network, 60)
    assert view.graph.number_of_nodes() == 60 and hubs <= set(view.graph)
    rest = sorted((n for n in graph if n not in hubs), key=lambda n: (-graph.degree(n), n))
    assert set(view.graph) == hubs | set(rest[: 60 - len(hubs)])
    total = graph.number_of_nodes()
    assert view.title == f"{network.title} (showing 60 of {total:,}: every hub and the most connected)"
    assert overview(network, graph.number_of_nodes()) is network


def _ids(view) -> set[str]:
    return set(view.graph)


def test_ego_hub_and_specialisation_views(tmp_path, network):
    whole = _viz(tmp_path)  # the command's default: the whole ecosystem of graph/lls.ttl
    assert {n["id"] for n in whole["nodes"]} == set(network.graph)
    assert len(whole["edges"]) == network.graph.number_of_edges()
    ego = ego_view(network, "Milan Innovation District", depth=1)
    assert {ID + "mind", ID + "human-technopole"} <= _ids(ego) < set(network.graph)
    assert _ids(ego_view(network, "mind", depth=2)) > _ids(ego)
    hub = hub_view(network, "MIND")
    assert {ID + "mind", ID + "human-technopole", ID + "big-data"} <= _ids(hub) < set(network.graph)
    spec = specialisation_view(network, "Biotecnologie")
    assert {ID + "biotechnology", ID + "cluster-lombardo-scienze-della-vita"} <= _ids(spec)
    italian = page_data(spec, lang="it")
    labels = {n["id"]: n["label"] for n in italian["nodes"]}
    assert labels[ID + "biotechnology"] == "biotecnologie" and italian["ui"]["legend"] == "Legenda"


def test_query_view_draws_a_construct(tmp_path):
    data = _viz(tmp_path, "--query", "report-hub-network")
    assert ID + "mind" in {n["id"] for n in data["nodes"]} and data["edges"] and data["title"] == "report-hub-network"
    result = CliRunner().invoke(main, ["viz", "--root", str(ROOT), "-o", str(tmp_path / "x.html"), "--query", "cq-01"])
    assert result.exit_code == 2 and "not a CONSTRUCT" in result.output and not (tmp_path / "x.html").exists()


def test_partner_file_without_our_ontology(tmp_path):
    partner = tmp_path / "partner.ttl"
    partner.write_text(PARTNER, encoding="utf-8")
    data = _viz(tmp_path, "--data", str(partner))
    assert {n["id"] for n in data["nodes"]} == {
        "http://partner.example/acme",
        "http://partner.example/bea",
        "http://partner.example/carla",
    }
    assert {item["label"] for item in data["legend"]} == {"Organization", "Person"}
    assert {r["label"] for r in data["relations"]} == {"member", "knows"}
    ego = _viz(tmp_path, "--data", str(partner), "--focus", "carla bianchi", "--lang", "it")
    assert {n["id"] for n in ego["nodes"]} == {"http://partner.example/bea", "http://partner.example/carla"}
    named = _viz(tmp_path, "--data", str(partner), "--focus", "ACME BIOTECNOLOGIE", "--depth", "2")
    assert len(named["nodes"]) == 3


def test_unknown_or_ambiguous_entity_is_an_error(tmp_path):
    out = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["viz", "--root", str(ROOT), "-o", str(out), "--focus", "Technopole Humain"])
    assert result.exit_code == 2 and "no entity is named 'Technopole Humain'" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []  # nothing written, no temp file left


def test_page_is_self_contained_and_deterministic():
    network = synthetic_network(120)
    page = render_html(network, lang="it").html
    assert page == render_html(network, lang="it").html
    assert '<meta charset="utf-8">' in page and "Content-Security-Policy" in page
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert "bootstrap" not in page.lower() and "//cdn" not in page.lower()
    assert len(re.findall(r"^<script", page, re.M)) == 3  # data, vis-network, the page's own code


def test_big_graphs_get_a_seeded_layout_and_no_physics():
    network = synthetic_network(BIG_GRAPH + 100)
    data = page_data(network)
    assert data["physics"] is False and all("x" in n and "y" in n for n in data["nodes"])
    assert page_data(network)["nodes"] == data["nodes"]
    small = page_data(synthetic_network(100))
    assert small["physics"] is True and not any("x" in n for n in small["nodes"])


MEASURES = {"degree": nx.degree_centrality, "betweenness": nx.betweenness_centrality,
            "eigenvector": nx.eigenvector_centrality_numpy}  # fmt: skip


@pytest.mark.parametrize("size_by", sorted(MEASURES))
def test_size_by_measure(size_by):
    network = synthetic_network(150)
    sizes = {n["id"]: n["size"] for n in page_data(network, size_by=size_by)["nodes"]}
    values = MEASURES[size_by](simple_graph(network.graph))
    assert min(sizes.values()) >= 8 and max(sizes.values()) == 40
    assert max(sizes, key=sizes.get) == max(values, key=values.get)
