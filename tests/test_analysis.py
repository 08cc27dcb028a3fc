"""Network analysis, paths and matching on small graphs whose answers are known by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from lls_graph.analysis import (
    EXACT_BETWEENNESS_MAX,
    actor_graph,
    analyse,
    export_graph,
    metrics_graph,
    ranking,
    relation_paths,
)
from lls_graph.config import Project
from lls_graph.matching import match_entity, match_specialisation
from lls_graph.network import Network, ecosystem, resolve

ROOT = Path(__file__).resolve().parents[1]
LLS = "https://w3id.org/lls/ontology#"
ID = "https://w3id.org/lls/id/"
PREFIXES = f"""@prefix lls: <{LLS}> . @prefix id: <{ID}> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(Project(root=ROOT).ontology)


def _network(turtle: str, ontology: Graph) -> Network:
    return ecosystem(Graph().parse(data=PREFIXES + turtle, format="turtle"), ontology)


def _companies(edges: list[tuple[str, str]], ontology: Graph) -> Network:
    """Companies a, b, ... collaborating along ``edges``: the RDF twin of a networkx graph."""
    names = sorted({n for e in edges for n in e})
    turtle = "".join(f'id:{n} a lls:Company ; rdfs:label "Company {n}"@en .\n' for n in names)
    turtle += "".join(f"id:{a} lls:collaboratesWith id:{b} .\n" for a, b in edges)
    return _network(turtle, ontology)


def test_path_graph_centralities_and_bridges():
    result = analyse(nx.path_graph(["a", "b", "c", "d", "e"]))
    assert result.degree == {"a": 0.25, "b": 0.5, "c": 0.5, "d": 0.5, "e": 0.25}
    assert result.betweenness == pytest.approx({"a": 0, "b": 0.5, "c": 4 / 6, "d": 0.5, "e": 0})
    assert [n for n, _ in ranking(result.betweenness, 3)] == ["c", "b", "d"]  # ties by id
    assert ranking(result.eigenvector, 1)[0][0] == "c"
    assert result.bridges == [("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")]
    assert result.components == [["a", "b", "c", "d", "e"]]


def test_star_centre_brokers_everything():
    result = analyse(nx.star_graph(["hub", "l1", "l2", "l3", "l4"]))
    assert result.betweenness["hub"] == 1.0 and all(result.betweenness[f"l{i}"] == 0 for i in range(1, 5))
    assert result.degree["hub"] == 1.0
    assert max(result.eigenvector, key=result.eigenvector.get) == "hub"
    assert len(result.bridges) == 4


def test_barbell_communities_and_the_one_bridge():
    graph = nx.relabel_nodes(nx.barbell_graph(4, 0), {i: f"n{i}" for i in range(8)})
    result = analyse(graph, seed=1)
    assert result.communities == [["n0", "n1", "n2", "n3"], ["n4", "n5", "n6", "n7"]]
    assert result.bridges == [("n3", "n4")]
    assert {n for n, _ in ranking(result.betweenness, 2)} == {"n3", "n4"}
    assert analyse(graph, seed=1).communities == result.communities  # seeded: same answer


def test_big_graphs_estimate_betweenness_from_seeded_pivots():
    """Two big stars joined through one broker: the estimate ranks and sizes the brokers, the same way each run."""
    leaves = EXACT_BETWEENNESS_MAX // 2 + 1
    graph = nx.Graph()
    for centre in ("left", "right"):
        graph.add_edges_from((centre, f"{centre}-{i:05d}") for i in range(leaves))
        graph.add_edge(centre, "broker")
    result = analyse(graph, seed=3)
    assert result.betweenness_pivots is not None and len(graph) > EXACT_BETWEENNESS_MAX
    top = [n for n, _ in ranking(result.betweenness, 3)]
    assert set(top[:2]) == {"left", "right"} and top[2] == "broker"
    side, n = leaves + 1, len(graph)  # the broker is on every path from one side to the other
    assert result.betweenness["broker"] == pytest.approx(side * side / ((n - 1) * (n - 2) / 2), rel=0.15)
    assert nx.betweenness_centrality(graph, k=result.betweenness_pivots, seed=3) == result.betweenness  # seeded
    assert analyse(nx.path_graph(["a", "b", "c"])).betweenness_pivots is None  # small graphs: exact


def test_two_triangles_and_a_stray_pair():
    graph = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d"),
                      ("x", "y")])  # fmt: skip
    result = analyse(graph)
    assert result.components == [["a", "b", "c", "d", "e", "f"], ["x", "y"]]
    assert result.component_of()["y"] == 2
    assert result.bridges == [("c", "d"), ("x", "y")]
    assert sorted(result.communities) == [["a", "b", "c"], ["d", "e", "f"], ["x", "y"]]
    # eigenvector centrality per component, scaled by its share of nodes: the pair still counts 0
    assert result.eigenvector["x"] == 0 and result.eigenvector["c"] == pytest.approx(result.eigenvector["d"])
    assert result.eigenvector["c"] > result.eigenvector["a"]


def test_actor_graph_leaves_places_out(ontology):
    network = _network(
        'id:a a lls:Company . id:b a lls:Company . id:milan a lls:Place ; rdfs:label "Milan"@en .\n'
        "id:a lls:locatedIn id:milan . id:b lls:locatedIn id:milan . id:a lls:collaboratesWith id:b .\n"
        "id:b lls:collaboratesWith id:a .\n",
        ontology,
    )
    simple = actor_graph(network)
    assert sorted(simple) == [ID + "a", ID + "b"] and simple.number_of_edges() == 1
    assert sorted(actor_graph(network, exclude=[])) == [ID + "a", ID + "b", ID + "milan"]


def test_metrics_as_data_cube_answer_sparql(ontology):
    network = _companies([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")], ontology)
    cube = metrics_graph(analyse(actor_graph(network)), network)
    rows = cube.query(
        """PREFIX qb: <http://purl.org/linked-data/cube#> PREFIX lls: <https://w3id.org/lls/ontology#>
        SELECT ?node ?b WHERE { ?obs a qb:Observation ; qb:dataSet ?ds ; lls:networkNode ?node ; lls:betweenness ?b .
                                ?ds qb:structure/qb:component/qb:measure lls:betweenness }
        ORDER BY DESC(?b) ?node"""
    )
    ranked = [(str(r.node), float(r.b)) for r in rows]
    assert ranked[0] == (ID + "c", pytest.approx(4 / 6, abs=1e-6))
    assert [n for n, _ in ranked] == [ID + x for x in "cbdae"]
    measures = {str(r.m) for r in cube.query("PREFIX qb: <http://purl.org/linked-data/cube#> "
                                               "SELECT ?m WHERE { ?c qb:measure ?m }")}  # fmt: skip
    assert measures == {LLS + m for m in ("degree", "betweenness", "eigenvector", "community", "component")}
    incomplete = cube.query(
        """PREFIX qb: <http://purl.org/linked-data/cube#>
        ASK { ?obs a qb:Observation . ?ds qb:structure/qb:component/qb:measure ?m .
              FILTER NOT EXISTS { ?obs ?m ?v } }"""
    )
    assert not incomplete.askAnswer


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_graphml_and_gexf_round_trip(tmp_path, ontology, suffix):
    network = _companies([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")], ontology)
    result = analyse(actor_graph(network))
    path = tmp_path / f"net{suffix}"
    export_graph(result, network, path)
    back = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
    assert sorted(back) == sorted(result.graph)
    assert {tuple(sorted(e)) for e in back.edges()} == set(result.graph.edges())
    c = back.nodes[ID + "c"]
    assert c["label"] == "Company c" and float(c["betweenness"]) == pytest.approx(result.betweenness[ID + "c"])
    assert int(c["community"]) == result.community_of()[ID + "c"]
    assert back.edges[ID + "c", ID + "d"]["label"] == "collaborates with"
    first = path.read_bytes()
    export_graph(result, network, path)
    assert path.read_bytes() == first


def test_relation_paths_follow_stated_directions(ontology):
    network = _network(
        'id:a a lls:Company ; rdfs:label "A"@en . id:b a lls:Company . id:c a lls:Company . id:d a lls:Company .\n'
        "id:a lls:collaboratesWith id:b . id:a lls:hasPartner id:b . id:c lls:funds id:b . id:c lls:leads id:d .\n",
        ontology,
    )
    chains = relation_paths(network, ID + "a", ID + "d")
    assert [[(s.source[-1], s.relation.rsplit("#")[-1], s.target[-1], s.forward) for s in c] for c in chains] == [
        [("a", "collaboratesWith", "b", True), ("c", "funds", "b", False), ("c", "leads", "d", True)],
        [("a", "hasPartner", "b", True), ("c", "funds", "b", False), ("c", "leads", "d", True)],
    ]
    assert len(relation_paths(network, ID + "a", ID + "d", limit=1)) == 1
    with pytest.raises(nx.NetworkXNoPath):
        relation_paths(_companies([("a", "b"), ("c", "d")], ontology), ID + "a", ID + "d")


MATCHING = """
id:genomics a lls:Specialisation ; rdfs:label "Genomics"@en , "Genomica"@it ; skos:broader id:biotech .
id:proteomics a lls:Specialisation ; rdfs:label "Proteomics"@en ; skos:broader id:biotech .
id:biotech a lls:Specialisation ; rdfs:label "Biotechnology"@en , "Biotecnologie"@it .
id:me a lls:Company ; rdfs:label "Me"@en ; lls:specialisesIn id:genomics .
id:twin a lls:Company ; rdfs:label "Twin"@en ; lls:specialisesIn id:genomics .
id:far a lls:Company ; rdfs:label "Far twin"@en ; lls:specialisesIn id:genomics .
id:sibling a lls:Company ; rdfs:label "Sibling"@en ; lls:specialisesIn id:proteomics .
id:friend a lls:Company ; rdfs:label "Friend"@en .
id:me lls:collaboratesWith id:friend . id:friend lls:collaboratesWith id:twin .
[] a owl:Axiom ; owl:annotatedSource id:twin ; owl:annotatedProperty lls:specialisesIn ;
   owl:annotatedTarget id:genomics ; lls:evidence [ lls:quoteText "Twin works in genomics" ; lls:lineNumber 7 ] .
"""


def test_matching_order_and_explanations(ontology):
    network = _network(MATCHING, ontology)
    me, matches = match_entity(network, "me")
    assert me == ID + "me"
    assert [m.node.removeprefix(ID) for m in matches] == ["twin", "far", "friend", "sibling"]
    twin, far, friend, sibling = matches
    assert (twin.shared, twin.distance, twin.score) == ([ID + "genomics"], 2, 4.0)  # shared 3 + closeness 2/2
    assert [(s.relation.rsplit("#")[-1], s.target[-4:]) for s in twin.path] == [
        ("collaboratesWith", "iend"),
        ("collaboratesWith", "twin"),
    ]
    assert twin.sources == [{"text": "Twin works in genomics", "document": "", "line": 7}]
    assert (far.shared, far.distance, far.path, far.score) == ([ID + "genomics"], None, [], 3.0)
    assert (friend.shared, friend.distance, friend.score) == ([], 1, 2.0)  # closeness alone
    assert (sibling.complementary, sibling.score) == ([(ID + "genomics", ID + "proteomics")], 1.0)
    again = match_entity(_network(MATCHING, ontology), "ME")[1]
    assert [(m.node, m.score, m.path, m.sources) for m in again] == [(m.node, m.score, m.path, m.sources)
                                                                     for m in matches]  # fmt: skip


def test_matching_a_specialisation_by_its_italian_name(ontology):
    network = _network(MATCHING, ontology)
    concept, matches = match_specialisation(network, "genomica")
    assert concept == ID + "genomics"
    assert [m.node.removeprefix(ID) for m in matches] == ["far", "me", "twin", "sibling"]  # ties by label
    assert all(m.path and m.path[-1].target == concept for m in matches[:3])


def test_resolve_by_id_label_and_alternative_label(ontology):
    network = _network(
        'id:uni a lls:University ; rdfs:label "Università di Milano"@it , "University of Milan"@en ;'
        ' skos:altLabel "UniMi"@it .\n',
        ontology,
    )
    for name in ("uni", "id:uni", ID + "uni", "universita di milano", "UNIVERSITY OF MILAN", "unimi"):
        assert resolve(network, name) == ID + "uni"


DETERMINISM = """
import sys
from lls_graph.analysis import EXACT_BETWEENNESS_MAX, actor_graph, analyse, metrics_graph
from lls_graph.matching import match_entity
from lls_graph.serialise import turtle_bytes
from lls_graph.config import Namespaces
from lls_graph.synthetic_network import synthetic_network
net = synthetic_network(200)
result = analyse(actor_graph(net))
sys.stdout.buffer.write(turtle_bytes(metrics_graph(result, net), Namespaces(), "x"))
print(repr(match_entity(net, "org-3")))
"""


def test_analysis_and_matching_do_not_depend_on_the_hash_seed():
    command = [sys.executable, "-c", DETERMINISM]
    runs = [subprocess.run(command, capture_output=True, check=True, env={"PYTHONHASHSEED": seed}) for seed in "12"]
    assert runs[0].stdout and runs[0].stdout == runs[1].stdout
