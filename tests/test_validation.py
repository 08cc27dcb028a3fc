"""Every SHACL shape and every check query conforms on the real graph and fires on a broken fixture.

Paired valid/invalid fixtures (as in LinkML): a shape or check that never fires checks nothing.
Each fixture is the real graph around one node with one deliberate fault, so the expected
violation is exactly one shape on exactly one node.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, QB, RDF, RDFS, SKOS, XSD

from lls_graph import validation
from lls_graph.build import Products
from lls_graph.config import Namespaces, Project
from lls_graph.validation import (
    Violation,
    check_queries,
    native_supported,
    pyshacl_violations,
    run_checks,
    shacl_violations,
    to_store,
)

NS = Namespaces()
ID, LLS = NS.id, NS.lls

Break = Callable[[Graph], URIRef]


def neighbourhood(graph: Graph, focus: URIRef, hops: int = 2) -> Graph:
    """The triples of ``focus`` and of the nodes within ``hops`` of it: enough for its shapes to run."""
    part, frontier = Graph(), {focus}
    for _ in range(hops + 1):
        reached = set()
        for node in frontier:
            for triple in graph.triples((node, None, None)):
                part.add(triple)
                if isinstance(triple[2], URIRef) and triple[1] != RDF.type:
                    reached.add(triple[2])
        frontier = reached
    return part


def first_axiom(graph: Graph) -> URIRef:
    return min(graph.subjects(LLS.evidence, None))


def first_quote(graph: Graph) -> URIRef:
    return min(graph.subjects(RDF.type, LLS.Quote))


def _no_unit(g: Graph) -> URIRef:
    g.remove((ID["ls-value-added-lombardy-2022"], LLS.unit, None))
    return ID["ls-value-added-lombardy-2022"]


def _two_periods(g: Graph) -> URIRef:
    g.add((ID["ls-value-added-lombardy-2022"], LLS.refPeriod, URIRef(ID + "period/2015")))
    g.add((URIRef(ID + "period/2015"), RDF.type, LLS.Period))
    return ID["ls-value-added-lombardy-2022"]


def _two_english_labels(g: Graph) -> URIRef:
    g.add((ID.mind, RDFS.label, Literal("Another name", lang="en")))
    return ID.mind


def _untagged_label(g: Graph) -> URIRef:
    g.add((ID.cnr, RDFS.label, Literal("CNR, no language")))
    return ID.cnr


def _bad_status(g: Graph) -> URIRef:
    g.remove((ID.mind, LLS.status, None))
    g.add((ID.mind, LLS.status, LLS.Exact))
    return ID.mind


def _quote_without_line(g: Graph) -> URIRef:
    quote = first_quote(g)
    g.remove((quote, LLS.lineNumber, None))
    return quote


def _axiom_without_target(g: Graph) -> URIRef:
    axiom = first_axiom(g)
    g.remove((axiom, OWL.annotatedTarget, None))
    return axiom


def _footnote_citing_nothing(g: Graph) -> URIRef:
    g.remove((ID["fn-29"], LLS.cites, None))
    return ID["fn-29"]


def _discrepancy_without_quote(g: Graph) -> URIRef:
    g.remove((ID["disc-altems-title"], LLS.citesQuote, None))
    return ID["disc-altems-title"]


def _indicator_counting_a_hub(g: Graph) -> URIRef:
    indicator = min(g.subjects(LLS.countsInstancesOf, None))
    g.remove((indicator, LLS.countsInstancesOf, None))
    g.add((indicator, LLS.countsInstancesOf, ID.mind))
    return indicator


def _orphan_concept(g: Graph) -> URIRef:
    g.remove((ID.biotechnology, SKOS.broader, None))
    g.remove((ID.biotechnology, SKOS.topConceptOf, None))
    return ID.biotechnology


def _untyped_year(g: Graph) -> URIRef:
    period = URIRef(ID + "period/2015")
    g.remove((period, LLS.endYear, None))
    g.add((period, LLS.endYear, Literal("2015")))
    return period


SHAPE_CASES: dict[str, tuple[str, Break]] = {
    "statistic without unit": ("StatisticShape", _no_unit),
    "statistic with two periods": ("StatisticContextShape", _two_periods),
    "two English labels": ("NamedEntityShape", _two_english_labels),
    "label without language": ("NamedEntityShape", _untagged_label),
    "hub status not a status": ("HubShape", _bad_status),
    "quote without line": ("QuoteShape", _quote_without_line),
    "axiom without target": ("EvidenceAxiomShape", _axiom_without_target),
    "footnote citing nothing": ("FootnoteShape", _footnote_citing_nothing),
    "discrepancy without quote": ("DiscrepancyShape", _discrepancy_without_quote),
    "indicator counting a hub": ("IndicatorShape", _indicator_counting_a_hub),
    "concept outside the hierarchy": ("SpecialisationShape", _orphan_concept),
    "year as a plain string": ("PeriodShape", _untyped_year),
}


@pytest.fixture(scope="module")
def union(products: Products) -> Graph:
    return products.ontology + products.inferred


@pytest.fixture(scope="module")
def shapes(project: Project) -> Graph:
    return Graph().parse(project.shapes)


def pairs(violations: list[Violation]) -> set[tuple[str, str]]:
    """What two validators must agree on: which shape fired on which node (messages are their own)."""
    return {(v.check, v.focus) for v in violations}


def test_shacl_conforms_on_the_real_graph(products: Products, union: Graph, shapes: Graph) -> None:
    assert native_supported(shapes)  # so shacl_violations below is the native validator
    assert shacl_violations([products.ontology, set(products.inferred)], shapes) == []
    assert pyshacl_violations(union, shapes) == []


def test_every_shape_has_a_broken_fixture(shapes: Graph) -> None:
    named = {str(s).split("#")[1] for s in shapes.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape"))}
    assert named == {shape for shape, _ in SHAPE_CASES.values()}


@pytest.mark.parametrize("case", sorted(SHAPE_CASES))
def test_shape_fires_on_its_broken_fixture(case: str, products: Products, union: Graph, shapes: Graph) -> None:
    shape, breaking = SHAPE_CASES[case]
    broken = Graph()
    broken += union  # the fault is made on a copy; the focus is then cut out with its neighbours
    focus = breaking(broken)
    fixture = products.ontology + neighbourhood(broken, focus)
    clean = products.ontology + neighbourhood(union, focus)
    # The cut-out edge lacks its own neighbours, so only the focus node is judged.
    before = [v for v in shacl_violations(clean, shapes) if v.focus == str(focus)]
    assert before == [], "the fixture is not valid before it is broken"
    native = shacl_violations(fixture, shapes)
    found = [v for v in native if v.focus == str(focus)]
    assert found and {v.check for v in found} == {f"shape shapes:{shape}"}, found
    assert pairs(native) == pairs(pyshacl_violations(fixture, shapes))  # the edge nodes' results too


def test_native_judges_as_pyshacl_on_the_whole_graph(union: Graph, shapes: Graph) -> None:
    """Every fault at once, in the whole graph: the native validator and pySHACL find the same results."""
    broken = Graph()
    broken += union
    for _, breaking in SHAPE_CASES.values():
        breaking(broken)
    native = shacl_violations(broken, shapes)
    assert pairs(native) == pairs(pyshacl_violations(broken, shapes))
    assert {v.check for v in native} == {f"shape shapes:{shape}" for shape, _ in SHAPE_CASES.values()}


PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""
EX = "http://example.org/"
TARGET = "ex:S a sh:NodeShape ; sh:targetClass ex:C ;"

#: Per supported component: shapes, data that conforms, data where ex:x breaks ex:S.
COMPONENT_CASES: dict[str, tuple[str, str, str]] = {
    "minCount": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:minCount 2 ] .",
        "ex:x a ex:C ; ex:p 1, 2 .",
        "ex:x a ex:C ; ex:p 1 .",
    ),
    "maxCount": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:maxCount 1 ] .",
        "ex:x a ex:C ; ex:p 1 .",
        "ex:x a ex:C ; ex:p 1, 2 .",
    ),
    "targets of a subclass": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:x a ex:Sub ; ex:p 1 . ex:Sub rdfs:subClassOf ex:Mid . ex:Mid rdfs:subClassOf ex:C .",
        "ex:x a ex:Sub . ex:Sub rdfs:subClassOf ex:Mid . ex:Mid rdfs:subClassOf ex:C .",
    ),
    "subjects of a predicate": (
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .",
        "ex:x ex:p 1 ; ex:q 2 . ex:y ex:q 3 .",
        "ex:x ex:p 1 .",
    ),
    "class through subClassOf": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:class ex:D ] .",
        "ex:x a ex:C ; ex:p ex:y . ex:y a ex:E . ex:E rdfs:subClassOf ex:F . ex:F rdfs:subClassOf ex:D .",
        "ex:x a ex:C ; ex:p ex:y, ex:z . ex:y a ex:D . ex:z a ex:E . ex:D rdfs:subClassOf ex:E .",
    ),
    "class of the focus node": (
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:class ex:D .",
        "ex:x ex:p 1 ; a ex:D .",
        "ex:x ex:p 1 ; a ex:E .",
    ),
    "class of a literal": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:class ex:D ] .",
        "ex:x a ex:C .",
        'ex:x a ex:C ; ex:p "ex:D" .',
    ),
    "positiveInteger": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:datatype xsd:positiveInteger ] .",
        'ex:x a ex:C ; ex:p "3"^^xsd:positiveInteger .',
        'ex:x a ex:C ; ex:p "0"^^xsd:positiveInteger .',
    ),
    "datatype of a plain literal": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:datatype xsd:string ] .",
        'ex:x a ex:C ; ex:p "text" .',
        'ex:x a ex:C ; ex:p "text"@en .',
    ),
    "datatype other than the literal's": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:datatype xsd:integer ] .",
        "ex:x a ex:C ; ex:p 12 .",
        "ex:x a ex:C ; ex:p 1.5 .",
    ),
    "nodeKind": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:nodeKind sh:IRI ] .",
        "ex:x a ex:C ; ex:p ex:y .",
        "ex:x a ex:C ; ex:p [ ex:q 1 ] .",
    ),
    "in": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:in ( ex:a ex:b 1 ) ] .",
        "ex:x a ex:C ; ex:p ex:b, 1 .",
        'ex:x a ex:C ; ex:p ex:b, "1" .',
    ),
    "languageIn": (
        f'{TARGET} sh:property [ sh:path ex:p ; sh:languageIn ( "en" "it" ) ] .',
        'ex:x a ex:C ; ex:p "colour"@en-GB, "colore"@it .',
        'ex:x a ex:C ; ex:p "colore"@it, "couleur"@fr, "untagged" .',
    ),
    "uniqueLang": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:uniqueLang true ] .",
        'ex:x a ex:C ; ex:p "one"@en, "uno"@it, "untagged", "also untagged" .',
        'ex:x a ex:C ; ex:p "one"@en, "uno"@it, "another"@en .',
    ),
    "minLength": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:minLength 3 ] .",
        'ex:x a ex:C ; ex:p "abc", ex:y .',
        'ex:x a ex:C ; ex:p "abc", "ab" .',
    ),
    "or of value shapes": (
        f"{TARGET} sh:property [ sh:path ex:p ; sh:or ( [ sh:datatype xsd:integer ] [ sh:datatype xsd:decimal ] ) ] .",
        "ex:x a ex:C ; ex:p 1, 1.5 .",
        'ex:x a ex:C ; ex:p 1, "1.5" .',
    ),
    "or of property shapes": (
        f"{TARGET} sh:or ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:q ; sh:minCount 1 ] ) .",
        "ex:x a ex:C ; ex:q 1 .",
        "ex:x a ex:C ; ex:r 1 .",
    ),
}


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


@pytest.mark.parametrize("case", sorted(COMPONENT_CASES))
def test_component_conforms_and_fires_as_in_pyshacl(case: str) -> None:
    shape, good, bad = COMPONENT_CASES[case]
    shapes = turtle(shape)
    assert native_supported(shapes)
    for data, expected in ((good, set()), (bad, {("shape ex:S", EX + "x")})):
        graph = turtle(data)
        native = pairs(shacl_violations([set(graph)], shapes))
        assert native == expected, data
        assert native == pairs(pyshacl_violations(graph, shapes)), data


def test_collections_are_read_as_their_union() -> None:
    """A triple in two collections is one value; a fact split across them is seen whole."""
    shapes = turtle(f"{TARGET} sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ] .")
    typed, valued = turtle("ex:x a ex:C ."), turtle("ex:x ex:p 1 .")
    assert shacl_violations([set(typed), set(valued), set(valued)], shapes) == []
    assert pairs(shacl_violations([set(typed)], shapes)) == {("shape ex:S", EX + "x")}


def test_messages_name_the_constraint_and_the_path() -> None:
    shapes = turtle(f"""{TARGET} sh:property [ sh:path ex:p ; sh:minCount 1 ] ;
                        sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:message "needs a q" ] .""")
    found = shacl_violations([turtle("ex:x a ex:C .")], shapes)
    assert [v.message for v in found] == ["needs a q (path ex:q)", "sh:minCount 1: 0 values (path ex:p)"]


def test_a_deactivated_shape_fires_nothing() -> None:
    data = turtle("ex:x a ex:C .")
    active = turtle(f"{TARGET} sh:property [ sh:path ex:p ; sh:minCount 1 ] .")
    deactivated = turtle(f"{TARGET} sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:deactivated true ] .")
    assert shacl_violations([data], active) and native_supported(deactivated)
    assert shacl_violations([data], deactivated) == pyshacl_violations(data, deactivated) == []


def test_shapes_beyond_the_native_subset_go_to_pyshacl() -> None:
    """ex:y lacks the ex:q that sh:node asks for: only pySHACL, on the whole graph, can say so."""
    shapes = turtle(f"""{TARGET} sh:property [ sh:path ex:p ; sh:node ex:T ] .
                        ex:T a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .""")
    assert not native_supported(shapes)
    found = shacl_violations([set(turtle("ex:x a ex:C ; ex:p ex:y ."))], shapes)
    assert ("shape ex:S", EX + "x") in pairs(found)  # (pySHACL also reports the nested ex:T result on ex:y)


def test_where_pyshacl_reads_shacl_its_own_way_it_judges() -> None:
    """pySHACL lets any literal match sh:datatype rdfs:Literal (SHACL: none does); the build keeps its reading."""
    shapes = turtle(f"{TARGET} sh:property [ sh:path ex:p ; sh:datatype rdfs:Literal ] .")
    assert not native_supported(shapes)
    assert shacl_violations([set(turtle('ex:x a ex:C ; ex:p "text" .'))], shapes) == []


def test_the_store_loads_one_union_blank_nodes_included(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyoxigraph renames blank nodes per load: collections, lines and chunks must be one load."""
    monkeypatch.setattr(validation, "_CHUNK", 1)  # every triple its own chunk
    node = BNode()
    first = {(node, URIRef(EX + "p"), Literal(1)), (node, URIRef(EX + "q"), Literal(2))}
    store = to_store([first, Graph()], lines=[f'_:{node} <{EX}r> "3" .\n'])
    assert len(store) == 3
    assert len(list(store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }"))) == 1


def _unsupported_fact(g: Graph) -> None:
    g.add((ID.mind, LLS.focusArea, ID.oncology))


def _dangling(g: Graph) -> None:
    g.add((ID.mind, LLS.focusArea, ID["no-such-concept"]))


def _broader_cycle(g: Graph) -> None:
    g.add((ID["life-sciences"], SKOS.broader, ID.biotechnology))


def _unit_of_itself(g: Graph) -> None:
    g.add((ID["regione-lombardia"], LLS.subOrganisationOf, ID["regione-lombardia-welfare"]))


def _period_backwards(g: Graph) -> None:
    period = URIRef(ID + "period/2023-2019")
    g.add((period, LLS.startYear, Literal("2023", datatype=XSD.gYear)))
    g.add((period, LLS.endYear, Literal("2019", datatype=XSD.gYear)))


def _footnote_mismatch(g: Graph) -> None:
    g.add(
        (ID["fig-italy-life-expectancy-gain-per-year"], LLS.citedSource, ID["work-qs-world-university-rankings-2024"])
    )


def _percent_too_big(g: Graph) -> None:
    figure = ID["ls-value-added-share-of-gdp-lombardy-2022"]
    g.remove((figure, LLS.obsValue, None))
    g.add((figure, LLS.obsValue, Literal("126", datatype=XSD.decimal)))


def _based_in_planned_hub(g: Graph) -> None:
    g.add((ID["human-technopole"], LLS.basedInHub, ID["citta-della-salute"]))


def _conflicting_copy(g: Graph) -> None:
    figure, copy = ID["fig-italy-life-expectancy-gain-per-year"], ID["copy-of-a-figure"]
    for p, o in g.predicate_objects(figure):
        g.add((copy, p, Literal(4) if p == LLS.obsValue else o))


CHECK_CASES: dict[str, Callable[[Graph], None]] = {
    "fact-without-evidence-violation": _unsupported_fact,
    "dangling-reference-violation": _dangling,
    "broader-cycle-violation": _broader_cycle,
    "suborganisation-cycle-violation": _unit_of_itself,
    "period-order-violation": _period_backwards,
    "footnote-source-mismatch-violation": _footnote_mismatch,
    "percent-range-violation": _percent_too_big,
    "planned-hub-hosts-violation": _based_in_planned_hub,
    "conflicting-figures-violation": _conflicting_copy,
}


@pytest.fixture(scope="module")
def checked(products: Products) -> Graph:
    return products.ontology + products.asserted


def test_check_queries_return_nothing_on_the_real_graph(checked: Graph, project: Project) -> None:
    assert run_checks(checked, project.checks) == []


def test_every_check_query_has_a_broken_fixture(project: Project) -> None:
    assert {path.stem for path in check_queries(project.checks)} == set(CHECK_CASES)


@pytest.mark.parametrize("check", sorted(CHECK_CASES))
def test_check_query_fires_on_its_broken_fixture(check: str, checked: Graph, project: Project,
                                                 tmp_path: Path) -> None:  # fmt: skip
    shutil.copy(project.checks / f"{check}.rq", tmp_path)
    broken = Graph()
    broken += checked
    CHECK_CASES[check](broken)
    found = run_checks(broken, tmp_path)
    assert found and {v.check for v in found} == {check}


def test_checks_follow_the_base_iri(products: Products, project: Project) -> None:
    """Under another base the data moves, and the checks still see it (and still fire)."""
    other = Namespaces("https://example.org/lls/")
    moved = Graph()
    for triple in products.ontology + products.asserted:
        moved.add(tuple(URIRef(str(t).replace(NS.base, other.base)) if isinstance(t, URIRef) else t
                        for t in triple))  # fmt: skip
    moved.add((other.id.mind, URIRef(other.lls + "focusArea"), other.id.oncology))
    found = run_checks(moved, project.checks, other)
    assert [(v.check, v.focus) for v in found] == [("fact-without-evidence-violation", str(other.id.mind))]


def test_the_dataset_is_a_data_cube(products: Products) -> None:
    figures = set(products.inferred.subjects(RDF.type, LLS.Statistic))
    assert figures and figures <= set(products.inferred.subjects(RDF.type, QB.Observation))
