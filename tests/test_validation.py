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
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, QB, RDF, RDFS, SKOS, XSD

from lls_graph import validation
from lls_graph.build import Products
from lls_graph.config import Namespaces, Project
from lls_graph.validation import check_queries, focus_neighbourhood, run_checks, shacl_violations

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


def test_shacl_conforms_on_the_real_graph(union: Graph, shapes: Graph) -> None:
    assert shacl_violations(union, shapes) == []


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
    found = [v for v in shacl_violations(fixture, shapes) if v.focus == str(focus)]
    assert found and {v.check for v in found} == {f"shape shapes:{shape}"}, found


def test_focus_neighbourhoods_judge_as_the_whole_graph(union: Graph, shapes: Graph,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The shortcut of :func:`focus_neighbourhood` finds exactly what pySHACL finds on the whole graph."""
    broken = Graph()
    broken += union
    for _, breaking in SHAPE_CASES.values():
        breaking(broken)
    assert focus_neighbourhood(broken, shapes) is not None  # the shortcut applies to our shapes
    local = shacl_violations(broken, shapes)
    monkeypatch.setattr(validation, "focus_neighbourhood", lambda data, shapes: None)
    assert local == shacl_violations(broken, shapes)
    assert {v.check for v in local} == {f"shape shapes:{shape}" for shape, _ in SHAPE_CASES.values()}


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
