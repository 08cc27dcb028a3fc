"""The ontology: parses, is documented in English and Italian, and uses only real external terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, VANN, VOID, XSD

from lls_graph.config import Namespaces
from lls_graph.reasoning import load_ontology

ROOT = Path(__file__).resolve().parents[1]

NS = Namespaces()
ONTOLOGY = load_ontology(ROOT / "ontology" / "lls.ttl", NS)
TERMS = sorted(
    t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for t in ONTOLOGY.subjects(RDF.type, kind) if str(t).startswith(str(NS.lls))
)  # fmt: skip


def _langs(graph: Graph, term: URIRef, prop: URIRef) -> set[str]:
    return {o.language for o in graph.objects(term, prop)}


def test_metadata() -> None:
    onto = URIRef(NS.ontology_iri)
    assert (onto, RDF.type, OWL.Ontology) in ONTOLOGY
    for prop in (OWL.versionIRI, OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.license,
                 DCTERMS.creator, VANN.preferredNamespacePrefix, VANN.preferredNamespaceUri):  # fmt: skip
        assert ONTOLOGY.value(onto, prop) is not None, prop
    assert not list(ONTOLOGY.objects(None, OWL.imports)), "no owl:imports: nothing may be fetched"


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.split("#")[-1])
def test_term_is_labelled_and_defined_in_english_and_italian(term: URIRef) -> None:
    assert {"en", "it"} <= _langs(ONTOLOGY, term, RDFS.label)
    assert {"en", "it"} <= _langs(ONTOLOGY, term, SKOS.definition)


def _external_terms(graph: Graph) -> set[URIRef]:
    used = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                used.add(term)
    for _s, o in graph.subject_objects(RDF.type):
        used.add(o)
    return used


#: rdflib's pinned term lists: a term outside them does not exist in its vocabulary.
PINNED = (DCAT, DCTERMS, FOAF, ORG, OWL, PROV, QB, RDF, RDFS, SDO, SKOS, VANN, VOID, XSD)


def _known(term: URIRef) -> bool | None:
    """True/False for a term of a pinned vocabulary; None for our own or other IRIs."""
    for vocabulary in PINNED:
        base = str(vocabulary)
        name = str(term)[len(base) :]
        if str(term).startswith(base) and name and "/" not in name:
            return name in vocabulary.__annotations__ or name in getattr(vocabulary, "_extras", [])
    return None


def test_every_external_term_exists(products) -> None:
    """Against rdflib's pinned term lists of ORG, schema.org, SKOS, PROV, DCTERMS, QB, FOAF, ..."""
    unknown = sorted(
        str(t) for t in _external_terms(ONTOLOGY) | _external_terms(products.inferred) if _known(t) is False
    )
    assert unknown == []


def test_the_term_check_can_fail() -> None:
    assert _known(URIRef("https://schema.org/Hospitall")) is False
    assert _known(URIRef("http://www.w3.org/ns/org#memberOf")) is True
