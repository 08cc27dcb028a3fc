"""Turn validated curated records into the asserted RDF graph, every fact with its quote.

Provenance design (see ``ontology/README.md``): each asserted triple ``s p o`` that
comes from a document is described by an ``owl:Axiom`` (the OWL 2 way of annotating an
axiom) whose ``lls:evidence`` is a ``lls:Quote`` node holding the verbatim text, the
document it is quoted from and the line it starts on. Node IRIs are content hashes, so
the same sources always mint the same IRIs and the graph has no blank nodes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, QB, RDF, RDFS, SDO, SKOS, XSD, Namespace

from .config import Namespaces
from .schema import QUALIFIERS, SECTIONS, STATUSES, UNITS
from .serialise import Triple, graph_of
from .sources import Evidence, Record, Sources

__all__ = ["asserted_triples", "populate"]

#: Record notes are our editorial words, not facts of the documents.
NOTE = SKOS.editorialNote
#: The terms of every provenance axiom, looked up once (rdflib's namespace lookups cost ~2 µs each).
_TYPE, _AXIOM, _SOURCE, _PROPERTY, _TARGET = (RDF.type, OWL.Axiom, OWL.annotatedSource, OWL.annotatedProperty,
                                              OWL.annotatedTarget)  # fmt: skip


def _digest(*parts: str, size: int = 16) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:size]


class _Facts:
    """The asserted triples, with, for every fact added with evidence, the quote behind it.

    A plain set, not an rdflib Graph: at 100 k organisations (5 M triples) rdflib's indexed store
    costs ~2 KB and ~10 µs a triple; a set of shared terms, a tenth of both. Terms are minted
    once (rdflib validates every IRI it makes) and quotes once per evidence.
    """

    def __init__(self, ns: Namespaces) -> None:
        self.ns = ns
        self.triples: set[Triple] = set()
        self._iris: dict[str, URIRef] = {}
        self._quotes: dict[Evidence, URIRef] = {}
        self._lls = {name: ns.lls[name] for name in ("Quote", "quoteText", "quotedFrom", "lineNumber", "evidence")}

    def iri(self, path: str) -> URIRef:
        """The data IRI ``<base>id/<path>``, made once."""
        node = self._iris.get(path)
        if node is None:
            node = self._iris[path] = URIRef(str(self.ns.id) + path)
        return node

    def quote(self, evidence: Evidence) -> URIRef:
        node = self._quotes.get(evidence)
        if node is not None:
            return node
        node = self._quotes[evidence] = self.iri(
            f"quote/{evidence.doc}-{evidence.line}-{_digest(evidence.quote, size=10)}"
        )
        lls, add = self._lls, self.triples.add
        add((node, _TYPE, lls["Quote"]))
        add((node, lls["quoteText"], Literal(evidence.quote)))
        add((node, lls["quotedFrom"], self.iri(evidence.doc)))
        add((node, lls["lineNumber"], Literal(evidence.line, datatype=XSD.positiveInteger)))
        return node

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal, evidence: Evidence | None) -> None:
        add = self.triples.add
        add((s, p, o))
        if evidence is None:
            return
        axiom = URIRef(f"{self.ns.id}statement/{_digest(s, p, o.n3())}")
        add((axiom, _TYPE, _AXIOM))
        add((axiom, _SOURCE, s))
        add((axiom, _PROPERTY, p))
        add((axiom, _TARGET, o))
        add((axiom, self._lls["evidence"], self.quote(evidence)))


class _Terms:
    """A namespace whose terms are made once: ``lls.Hub`` and ``lls["Hub"]`` alike."""

    def __init__(self, namespace: Namespace) -> None:
        self._namespace = namespace
        self._made: dict[str, URIRef] = {}

    def __getitem__(self, name: str) -> URIRef:
        term = self._made.get(name)
        if term is None:
            term = self._made[name] = self._namespace[name]
        return term

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]


def _texts(value: dict[str, str] | None) -> Iterable[Literal]:
    for lang, text in sorted((value or {}).items()):
        yield Literal(" ".join(text.split()), lang=lang)


def _year(value: int | str) -> Literal:
    return Literal(str(value), datatype=XSD.gYear)


class _Populator:
    def __init__(self, sources: Sources, ns: Namespaces) -> None:
        self.sources = sources
        self.ns = ns
        self.facts = _Facts(ns)
        self.lls = _Terms(ns.lls)

    def iri(self, record_id: str) -> URIRef:
        return self.facts.iri(record_id)

    def run(self) -> set[Triple]:
        self.schemes()
        for record in self.sources.records.values():
            self.common(record)
            self.relations(record)
            getattr(self, f"section_{record.section}")(record)
        return self.facts.triples

    # ------------------------------------------------------------------ shared by every section

    def schemes(self) -> None:
        g, lls = self.facts.triples, self.lls
        for name, en, it in (
            ("specialisations", "Specialisations of the Lombardy life-sciences ecosystem",
             "Ambiti di specializzazione dell'ecosistema lombardo delle scienze della vita"),
            ("indicators", "Indicators of the lls statistics", "Indicatori dei dati statistici lls"),
        ):  # fmt: skip
            scheme = self.facts.iri(f"scheme/{name}")
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            for label in (Literal(en, lang="en"), Literal(it, lang="it")):
                g.add((scheme, RDFS.label, label))
                g.add((scheme, SKOS.prefLabel, label))
        dataset = self.facts.iri("dataset/figures")
        g.add((dataset, RDF.type, QB.DataSet))
        g.add((dataset, QB.structure, lls.figuresStructure))
        g.add((dataset, RDFS.label, Literal("Figures of the Lombardy life-sciences documents", lang="en")))
        g.add((dataset, RDFS.label, Literal("Dati dei documenti sulle scienze della vita in Lombardia", lang="it")))

    def common(self, record: Record) -> None:
        s, ev, add = self.iri(record.id), record.evidence, self.facts.add
        for t in record.types:
            add(s, RDF.type, self.lls[t], ev)
        labels = list(_texts(record.data.get("label")))
        if not labels and record.section == "figures":
            labels = self.figure_labels(record)
        concept = record.section in {"concepts", "indicators"}
        for label in labels:
            add(s, RDFS.label, label, ev)
            if concept:
                add(s, SKOS.prefLabel, label, ev)
        for lang, names in sorted((record.data.get("alt_labels") or {}).items()):
            for name in names:
                add(s, SKOS.altLabel, Literal(name, lang=lang), ev)
        for acronym in record.data.get("acronyms") or []:
            add(s, SKOS.altLabel, Literal(acronym), ev)
        if record.data.get("note"):
            self.facts.triples.add((s, NOTE, Literal(" ".join(str(record.data["note"]).split()), lang="en")))

    def relations(self, record: Record) -> None:
        s = self.iri(record.id)
        for key, relation in SECTIONS[record.section].relations.items():
            if relation.prop in {"source"}:
                continue  # written by section_figures: a footnote stands for the works it cites
            prop = SKOS.broader if key == "broader" else self.lls[relation.prop]
            for ref in record.refs.get(relation.prop, []):
                self.facts.add(s, prop, self.iri(ref.target), ref.evidence or record.evidence)

    def status(self, record: Record) -> None:
        if "status" in record.data:
            s = self.iri(record.id)
            self.facts.add(s, self.lls.status, self.lls[STATUSES[record.data["status"]]], record.evidence)

    # ------------------------------------------------------------------ one method per section

    def section_places(self, record: Record) -> None:
        """Places need nothing beyond labels and ``part_of``."""

    def section_organisations(self, record: Record) -> None:
        s, ev, add, data = self.iri(record.id), record.evidence, self.facts.add, record.data
        for key, prop in (("mission", self.lls.mission), ("vision", self.lls.vision)):
            for text in _texts(data.get(key)):
                add(s, prop, text, ev)
        if "website" in data:
            add(s, FOAF.homepage, URIRef(str(data["website"])), ev)
        for key, prop in (("email", SDO.email), ("telephone", SDO.telephone),
                          ("social_account", self.lls.socialAccount)):  # fmt: skip
            if key in data:
                add(s, prop, Literal(str(data[key])), ev)
        if "street_address" in data or "postal_code" in data:
            address = self.facts.iri(f"{record.id}/address")
            add(s, SDO.address, address, ev)
            add(address, RDF.type, SDO.PostalAddress, ev)
            add(address, RDFS.label, Literal(f"Address of {self.label(record.id)}", lang="en"), ev)
            for key, prop in (("street_address", SDO.streetAddress), ("postal_code", SDO.postalCode)):
                if key in data:
                    add(address, prop, Literal(str(data[key])), ev)

    def section_hubs(self, record: Record) -> None:
        self.status(record)

    def section_concepts(self, record: Record) -> None:
        s, ev, add = self.iri(record.id), record.evidence, self.facts.add
        scheme = self.facts.iri("scheme/specialisations")
        add(s, SKOS.inScheme, scheme, ev)
        if not record.refs.get("broader"):
            add(s, SKOS.topConceptOf, scheme, ev)

    def section_initiatives(self, record: Record) -> None:
        self.status(record)
        if "year" in record.data:
            self.facts.add(self.iri(record.id), self.lls.year, _year(record.data["year"]), record.evidence)

    def section_therapies(self, record: Record) -> None:
        """Therapies need nothing beyond labels and relations."""

    def section_documents(self, record: Record) -> None:
        s, ev, add, data = self.iri(record.id), record.evidence, self.facts.add, record.data
        add(s, DCTERMS.identifier, Literal(str(data["file"])), ev)
        add(s, DCTERMS.language, Literal(str(data["language"])), ev)
        if "year" in data:
            add(s, self.lls.year, _year(data["year"]), ev)

    def section_works(self, record: Record) -> None:
        s, ev, add, data = self.iri(record.id), record.evidence, self.facts.add, record.data
        add(s, DCTERMS.title, Literal(" ".join(str(data["title"]).split())), ev)
        if "year" in data:
            add(s, self.lls.year, _year(data["year"]), ev)
        if "data_period" in data:
            add(s, self.lls.dataPeriod, Literal(str(data["data_period"])), ev)

    def section_footnotes(self, record: Record) -> None:
        s, ev, add = self.iri(record.id), record.evidence, self.facts.add
        add(s, self.lls.footnoteNumber, Literal(record.data["number"], datatype=XSD.positiveInteger), ev)
        if ev is not None:
            add(s, self.lls.inDocument, self.iri(ev.doc), ev)

    def section_indicators(self, record: Record) -> None:
        s, g = self.iri(record.id), self.facts.triples
        g.add((s, SKOS.inScheme, self.facts.iri("scheme/indicators")))
        for text in _texts(record.data.get("definition")):
            g.add((s, SKOS.definition, text))
        if "counts" in record.data:
            g.add((s, self.lls.countsInstancesOf, self.lls[str(record.data["counts"])]))

    def section_figures(self, record: Record) -> None:
        s, ev, add, data, lls = self.iri(record.id), record.evidence, self.facts.add, record.data, self.lls
        value = data["value"]
        literal = (
            Literal(value, datatype=XSD.integer)
            if isinstance(value, int)
            else Literal(Decimal(repr(value)), datatype=XSD.decimal)
        )  # repr: the shortest text that is the number
        add(s, QB.dataSet, self.facts.iri("dataset/figures"), ev)
        add(s, lls.obsValue, literal, ev)
        add(s, lls.unit, lls[UNITS[data["unit"]]], ev)
        add(s, lls.qualifier, lls[QUALIFIERS[data["qualifier"]]], ev)
        if "period" in data:
            add(s, lls.refPeriod, self.period(str(data["period"])), ev)
        for ref in record.refs.get("source", []):
            target = self.sources.records[ref.target]
            if target.section == "footnotes":
                add(s, lls.footnote, self.iri(target.id), ev)
                works = [r.target for r in target.refs.get("cites", [])]
            else:
                works = [target.id]
            for work in works:
                add(s, lls.citedSource, self.iri(work), ev)

    def section_discrepancies(self, record: Record) -> None:
        s, g, lls = self.iri(record.id), self.facts.triples, self.lls
        for key, prop in (("description", DCTERMS.description), ("decision", lls.decision)):
            for text in _texts(record.data.get(key)):
                g.add((s, prop, text))
        for evidence in record.data["evidence"]:
            g.add((s, lls.citesQuote, self.facts.quote(evidence)))

    # ------------------------------------------------------------------ derived nodes

    def period(self, text: str) -> URIRef:
        g, lls = self.facts.triples, self.lls
        start, _, end = text.partition("-")
        node = self.facts.iri(f"period/{text}")
        g.add((node, RDF.type, lls.Period))
        g.add((node, RDFS.label, Literal(text)))
        g.add((node, lls.startYear, _year(start)))
        g.add((node, lls.endYear, _year(end or start)))
        return node

    def label(self, record_id: str, lang: str = "en") -> str:
        labels = self.sources.records[record_id].data.get("label") or {}
        return labels.get(lang) or next(iter(sorted(labels.values())), record_id)

    def figure_labels(self, record: Record) -> list[Literal]:
        data = record.data
        period = f", {data['period']}" if "period" in data else ""
        return [
            Literal(
                f"{self.label(data['indicator'], lang)} \N{EN DASH} {self.label(data['area'], lang)}{period}", lang=lang
            )
            for lang in ("en", "it")
        ]


def asserted_triples(sources: Sources, ns: Namespaces | None = None) -> set[Triple]:
    """The asserted triples of the curated sources (data only: the ontology is a separate file)."""
    return _Populator(sources, ns or Namespaces()).run()


def populate(sources: Sources, ns: Namespaces | None = None) -> Graph:
    """The asserted graph of the curated sources, as an rdflib Graph with our prefixes."""
    ns = ns or Namespaces()
    return graph_of(asserted_triples(sources, ns), ns)
