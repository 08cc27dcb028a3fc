"""The dataset described for harvesters: VoID (``void.ttl``) and a DCAT-AP_IT record (``dcat.ttl``).

Both are computed, never hand-written, so they cannot drift from what we publish: the VoID
counts come from the very graph the dumps are serialised from, and each distribution's
``dcat:byteSize`` from the dump's bytes. Dates are an input (the release date), not the
clock, so the same release gives the same bytes.

Who publishes: the lls-graph project itself (an agent we mint, ``<base>project``); no
public body is named, since none has taken that role. The dataset and catalogue IRIs,
the dump URLs and the SPARQL endpoint come from :class:`~lls_graph.config.Namespaces`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD
from rdflib.term import Node

from .config import Namespaces
from .export import FORMATS
from .serialise import turtle_bytes

__all__ = [
    "DCATAPIT",
    "EXTRA_PREFIXES",
    "Dump",
    "dcat_bytes",
    "dcat_graph",
    "ontology_facts",
    "void_bytes",
    "void_graph",
]

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
#: Prefixes of the description files beyond the fixed table of every product.
EXTRA_PREFIXES = {"dcatapit": str(DCATAPIT)}

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
#: Format name → (EU file-type authority code, W3C unique format IRI) of each distribution.
FORMAT_IRIS: dict[str, tuple[str, str]] = {
    "ttl": ("RDF_TURTLE", "http://www.w3.org/ns/formats/Turtle"),
    "nt": ("RDF_N_TRIPLES", "http://www.w3.org/ns/formats/N-Triples"),
    "nq": ("RDF_N_QUADS", "http://www.w3.org/ns/formats/N-Quads"),
    "trig": ("RDF_TRIG", "http://www.w3.org/ns/formats/TriG"),
    "jsonld": ("JSON_LD", "http://www.w3.org/ns/formats/JSON-LD"),
    "xml": ("RDF_XML", "http://www.w3.org/ns/formats/RDF_XML"),
}
FORMAT_TITLES = {"ttl": "Turtle", "nt": "N-Triples", "nq": "N-Quads", "trig": "TriG", "jsonld": "JSON-LD",
                 "xml": "RDF/XML"}  # fmt: skip
THEMES = (URIRef(EU + "data-theme/HEAL"), URIRef(EU + "data-theme/TECH"))
LANGUAGES = (URIRef(EU + "language/ENG"), URIRef(EU + "language/ITA"))
FREQUENCY = URIRef(EU + "frequency/IRREG")
#: Lombardy, NUTS 2 region ITC4.
LOMBARDY = URIRef("http://data.europa.eu/nuts/code/ITC4")
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")

TITLE = {
    "en": "Lombardy life-sciences knowledge graph (lls-graph)",
    "it": "Knowledge graph delle scienze della vita in Lombardia (lls-graph)",
}
DESCRIPTION = {
    "en": "Organisations, innovation hubs, places, areas of specialisation, initiatives, therapies and "
    "statistical figures of the Lombardy life-sciences ecosystem, each fact citing a verbatim quote from "
    "its source document; with the entailments of the lls OWL ontology.",
    "it": "Organizzazioni, poli dell'innovazione, luoghi, ambiti di specializzazione, iniziative, terapie e "
    "dati statistici dell'ecosistema lombardo delle scienze della vita, ogni fatto con la citazione testuale "
    "del documento da cui proviene; con le inferenze dell'ontologia OWL lls.",
}
CATALOG_TITLE = {"en": "lls-graph open data catalogue", "it": "Catalogo dei dati aperti di lls-graph"}
CATALOG_DESCRIPTION = {
    "en": "The datasets published by the lls-graph project.",
    "it": "I dataset pubblicati dal progetto lls-graph.",
}
PUBLISHER_NAME = {"en": "lls-graph project", "it": "progetto lls-graph"}
KEYWORDS = {
    "en": ("life sciences", "Lombardy", "knowledge graph", "linked data"),
    "it": ("scienze della vita", "Lombardia", "knowledge graph", "linked data"),
}
LICENCE_NAMES = {"https://creativecommons.org/licenses/by/4.0/": "Creative Commons Attribution 4.0 International"}
#: VoID's example resources: the first (by IRI) organisation, innovation hub and initiative.
EXAMPLE_CLASSES = ("Organisation", "InnovationHub", "Initiative")


@dataclass(frozen=True)
class Dump:
    """One published file: its format name (a key of :data:`~lls_graph.export.FORMATS`) and size."""

    fmt: str
    size: int


def ontology_facts(ontology: Graph, ns: Namespaces) -> tuple[URIRef, str]:
    """The licence and the version the ontology header declares (the one place they are written)."""
    iri = URIRef(ns.ontology_iri)
    licence = ontology.value(iri, DCTERMS.license)
    version = ontology.value(iri, OWL.versionInfo)
    if not isinstance(licence, URIRef) or version is None:
        raise ValueError(f"{ns.ontology_iri} must state dcterms:license (an IRI) and owl:versionInfo")
    return licence, str(version)


def _bilingual(graph: Graph, subject: URIRef, predicate: URIRef, text: dict[str, str]) -> None:
    for lang, value in text.items():
        graph.add((subject, predicate, Literal(value, lang=lang)))


def _namespace(iri: str, prefixes: dict[str, str]) -> str:
    """The vocabulary an IRI belongs to: a namespace of our table, else the IRI up to its last # or /."""
    for candidate in sorted(prefixes.values(), key=len, reverse=True):
        if iri.startswith(candidate) and len(iri) > len(candidate):
            return candidate
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _partition(ns: Namespaces, kind: str, iri: str) -> URIRef:
    """A stable IRI for a class or property partition: ``<dataset>#class-lls-Company``."""
    for prefix, namespace in ns.prefixes().items():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local.replace("_", "").replace("-", "").isalnum():
            return URIRef(f"{ns.dataset_iri}#{kind}-{prefix}-{local}")
    return URIRef(f"{ns.dataset_iri}#{kind}-{hashlib.sha1(iri.encode()).hexdigest()[:12]}")


def _new_graph(ns: Namespaces) -> Graph:
    out = Graph(bind_namespaces="none")
    for prefix, iri in {**ns.prefixes(), **EXTRA_PREFIXES}.items():
        out.bind(prefix, iri)
    return out


def void_graph(graph: Graph, ns: Namespaces, dumps: Sequence[Dump], licence: URIRef) -> Graph:
    """VoID of ``graph``, the triples every dump carries (the quad dumps split them in two graphs)."""
    out = _new_graph(ns)
    ds = URIRef(ns.dataset_iri)
    subjects: set[Node] = set()
    objects: set[Node] = set()
    properties: Counter[Node] = Counter()
    members: dict[Node, set[Node]] = {}
    for s, p, o in graph:
        subjects.add(s)
        objects.add(o)
        properties[p] += 1
        if p == RDF.type:
            members.setdefault(o, set()).add(s)
    entities = {s for s in subjects if str(s).startswith(str(ns.id))}
    out.add((ds, RDF.type, VOID.Dataset))
    _bilingual(out, ds, DCTERMS.title, TITLE)
    out.add((ds, DCTERMS.license, licence))
    for predicate, count in [(VOID.triples, len(graph)), (VOID.distinctSubjects, len(subjects)),
                             (VOID.distinctObjects, len(objects)), (VOID.entities, len(entities))]:  # fmt: skip
        out.add((ds, predicate, Literal(count, datatype=XSD.integer)))
    out.add((ds, VOID.uriSpace, Literal(str(ns.id))))
    out.add((ds, VOID.sparqlEndpoint, URIRef(ns.sparql_endpoint)))
    for dump in dumps:
        out.add((ds, VOID.dataDump, URIRef(ns.dump_iri(FORMATS[dump.fmt][0]))))
        out.add((ds, VOID.feature, URIRef(FORMAT_IRIS[dump.fmt][1])))
    prefixes = ns.prefixes()
    for term in {*properties, *(c for c in members if isinstance(c, URIRef))}:
        out.add((ds, VOID.vocabulary, URIRef(_namespace(str(term), prefixes))))
    for cls, instances in members.items():
        part = _partition(ns, "class", str(cls))
        out.add((ds, VOID.classPartition, part))
        out.add((part, VOID["class"], cls))
        out.add((part, VOID.entities, Literal(len(instances), datatype=XSD.integer)))
    for prop, count in properties.items():
        part = _partition(ns, "property", str(prop))
        out.add((ds, VOID.propertyPartition, part))
        out.add((part, VOID.property, prop))
        out.add((part, VOID.triples, Literal(count, datatype=XSD.integer)))
    for name in EXAMPLE_CLASSES:
        if members.get(ns.lls[name]):
            out.add((ds, VOID.exampleResource, min(members[ns.lls[name]], key=str)))
    return out


def _publisher(out: Graph, ns: Namespaces) -> URIRef:
    agent = URIRef(ns.base + "project")
    out.add((agent, RDF.type, FOAF.Agent))
    out.add((agent, RDF.type, DCATAPIT.Agent))
    _bilingual(out, agent, FOAF.name, PUBLISHER_NAME)
    out.add((agent, DCTERMS.identifier, Literal("lls-graph")))
    return agent


def _licence(out: Graph, licence: URIRef) -> None:
    out.add((licence, RDF.type, DCTERMS.LicenseDocument))
    out.add((licence, RDF.type, DCATAPIT.LicenseDocument))
    out.add((licence, FOAF.name, Literal(LICENCE_NAMES.get(str(licence), str(licence)))))
    if "creativecommons.org/licenses/by" in str(licence):
        out.add((licence, DCTERMS.type, ATTRIBUTION))


def _distribution(out: Graph, ns: Namespaces, dump: Dump, licence: URIRef) -> URIRef:
    extension, media = FORMATS[dump.fmt]
    dist = URIRef(f"{ns.dataset_iri}#distribution-{extension}")
    url = URIRef(ns.dump_iri(extension))
    out.add((dist, RDF.type, DCAT.Distribution))
    out.add((dist, RDF.type, DCATAPIT.Distribution))
    name = FORMAT_TITLES[dump.fmt]
    _bilingual(out, dist, DCTERMS.title, {"en": f"{name} dump", "it": f"Dump {name}"})
    out.add((dist, DCAT.accessURL, url))
    out.add((dist, DCAT.downloadURL, url))
    out.add((dist, DCAT.mediaType, URIRef(IANA + media)))
    out.add((dist, DCTERMS["format"], URIRef(EU + "file-type/" + FORMAT_IRIS[dump.fmt][0])))
    out.add((dist, DCTERMS.conformsTo, URIRef(FORMAT_IRIS[dump.fmt][1])))
    out.add((dist, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
    out.add((dist, DCTERMS.license, licence))
    return dist


def dcat_graph(ns: Namespaces, dumps: Sequence[Dump], licence: URIRef, version: str, released: date) -> Graph:
    """The DCAT-AP_IT record: one catalogue, one dataset, a distribution per dump, the SPARQL service."""
    out = _new_graph(ns)
    catalog, ds, service = URIRef(ns.catalog_iri), URIRef(ns.dataset_iri), URIRef(ns.sparql_endpoint)
    agent = _publisher(out, ns)
    _licence(out, licence)
    day = Literal(released.isoformat(), datatype=XSD.date)
    out.add((catalog, RDF.type, DCAT.Catalog))
    out.add((catalog, RDF.type, DCATAPIT.Catalog))
    _bilingual(out, catalog, DCTERMS.title, CATALOG_TITLE)
    _bilingual(out, catalog, DCTERMS.description, CATALOG_DESCRIPTION)
    for subject in (catalog, ds):
        out.add((subject, DCTERMS.publisher, agent))
        out.add((subject, DCTERMS.issued, day))
        out.add((subject, DCTERMS.modified, day))
        for language in LANGUAGES:
            out.add((subject, DCTERMS.language, language))
    out.add((catalog, DCTERMS.license, licence))
    out.add((catalog, FOAF.homepage, URIRef(ns.base)))
    out.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    out.add((catalog, DCAT.dataset, ds))
    out.add((catalog, DCAT.service, service))

    out.add((ds, RDF.type, DCAT.Dataset))
    out.add((ds, RDF.type, DCATAPIT.Dataset))
    _bilingual(out, ds, DCTERMS.title, TITLE)
    _bilingual(out, ds, DCTERMS.description, DESCRIPTION)
    out.add((ds, DCTERMS.identifier, Literal(ns.dataset_iri)))
    out.add((ds, DCTERMS.rightsHolder, agent))
    out.add((ds, OWL.versionInfo, Literal(version)))
    out.add((ds, DCTERMS.conformsTo, URIRef(ns.ontology_iri)))
    out.add((ds, DCTERMS.accrualPeriodicity, FREQUENCY))
    out.add((ds, DCTERMS.spatial, LOMBARDY))
    out.add((ds, DCAT.landingPage, URIRef(ns.base)))
    for theme in THEMES:
        out.add((ds, DCAT.theme, theme))
    for lang, words in KEYWORDS.items():
        for word in words:
            out.add((ds, DCAT.keyword, Literal(word, lang=lang)))
    for dump in dumps:
        out.add((ds, DCAT.distribution, _distribution(out, ns, dump, licence)))

    out.add((service, RDF.type, DCAT.DataService))
    _bilingual(out, service, DCTERMS.title, {"en": "lls-graph SPARQL endpoint", "it": "Endpoint SPARQL di lls-graph"})
    out.add((service, DCAT.endpointURL, service))
    out.add((service, DCAT.servesDataset, ds))
    out.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    out.add((service, DCTERMS.license, licence))
    return out


HEADER = "Generated by `lls-graph release` from the published graph and ontology/lls.ttl: do not edit."


def void_bytes(description: Graph, ns: Namespaces) -> bytes:
    return turtle_bytes(description, ns, f"{HEADER}\nVoID description of {ns.dataset_iri}.", EXTRA_PREFIXES)


def dcat_bytes(record: Graph, ns: Namespaces) -> bytes:
    return turtle_bytes(record, ns, f"{HEADER}\nDCAT-AP_IT catalogue record of {ns.dataset_iri}.", EXTRA_PREFIXES)
