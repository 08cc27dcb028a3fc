"""Ontology documentation: one self-contained HTML page per language, made by pyLODE.

pyLODE (``OntPub``) documents every class and property of ``ontology/lls.ttl`` from its
labels and definitions, with its CSS inlined and its reference ontologies read from files
it ships, so the build needs no network. It has no language option, so each page is
made from a copy of the ontology that keeps only that language's literals (and the
untagged ones): the English page reads in English, the Italian page in Italian, whose
headings and row labels are translated from :data:`ITALIAN` (pyLODE's tooltips, taken
from the vocabularies it ships, stay in English). pyLODE takes every
``skos:ConceptScheme`` in the file for the document itself (their names join the page
title), and the ontology's ``rdfs:label`` for a second title, so the copy leaves those
triples out; the code lists are individuals, which pyLODE does not document anyway.

pyLODE caches the ontologies it ships as a pickle in its own folder on first use, written in
place: a second process starting meanwhile (two releases at once on a fresh install) read it
half-written and failed (``UnpicklingError``). Pages are made under a lock file
(:data:`PYLODE_LOCK`), so the others wait for the first to finish the cache.

Two things are fixed after pyLODE renders: its embedded schema.org JSON-LD comes from
rdflib's JSON-LD writer, whose order follows Python's hash seed, so it is re-dumped
sorted; and the page gets ``<html lang="...">``.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import tempfile
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, SKOS

__all__ = ["ITALIAN", "LANGUAGES", "ontology_html"]

LANGUAGES = ("en", "it")
#: Held while pyLODE reads (or, the first time, writes) its cache of background ontologies.
PYLODE_LOCK = Path(tempfile.gettempdir()) / f"lls-graph-pylode-{os.getuid()}.lock"
#: pyLODE's headings and row labels (pyLODE 3.3), as they read on the Italian page.
ITALIAN = {
    "Table of Contents": "Indice",
    "Metadata": "Metadati",
    "Classes": "Classi",
    "Object Properties": "Proprietà di oggetto",
    "Datatype Properties": "Proprietà di tipo di dato",
    "Annotation Properties": "Proprietà di annotazione",
    "Namespaces": "Namespace",
    "Legend": "Legenda",
    "Title": "Titolo",
    "Description": "Descrizione",
    "Creator": "Autore",
    "License": "Licenza",
    "Version Info": "Versione",
    "Version Iri": "IRI della versione",
    "Preferred Namespace Prefix": "Prefisso preferito",
    "Preferred Namespace Uri": "Namespace preferito",
    "Is Defined By": "Definito da",
    "Sub Class Of": "Sottoclasse di",
    "Super Class Of": "Superclasse di",
    "Sub Property Of": "Sottoproprietà di",
    "Super Property Of": "Superproprietà di",
    "Domain": "Dominio",
    "Range": "Codominio",
    "In Domain Of": "Nel dominio di",
    "In Range Of": "Nel codominio di",
}
_LABEL = re.compile(r">(\s*)(" + "|".join(re.escape(text) for text in ITALIAN) + r")(\s*)<")
_SCHEMA_ORG = re.compile(r'(<script id="schema.org" type="application/ld\+json">)(.*?)(</script>)', re.DOTALL)


def _ontpub():
    """pyLODE's OntPub, imported without the DEBUG root logging its loader module switches on."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    from pylode import OntPub

    root.handlers[:], root.level = handlers, level
    return OntPub


def _in_language(ontology: Path, lang: str) -> Graph:
    """The ontology as pyLODE should read it, in one language, its triples inserted in sorted order."""
    source = Graph().parse(ontology, format="turtle")
    header = set(source.subjects(RDF.type, OWL.Ontology))
    kept = (
        (s, p, o)
        for s, p, o in source
        if (not isinstance(o, Literal) or o.language in (None, lang))
        and (p, o) != (RDF.type, SKOS.ConceptScheme)
        and not (s in header and p == RDFS.label)
    )
    out = Graph()
    for triple in sorted(kept, key=lambda t: tuple(term.n3() for term in t)):
        out.add(triple)
    return out


def _canonical(value: object) -> object:
    """JSON with every list sorted, so the order of rdflib's JSON-LD writer does not leak."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(item) for item in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _stable_schema_org(match: re.Match[str]) -> str:
    data = _canonical(json.loads(match.group(2)))
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).replace("</", "<\\/")
    return f"{match.group(1)}\n{text}\n{match.group(3)}"


def ontology_html(ontology: Path, lang: str) -> str:
    """The documentation page of ``ontology`` in ``lang`` (``en`` or ``it``), byte-stable."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)}")
    page = _in_language(ontology, lang)
    with PYLODE_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        publication = _ontpub()(page)  # reads pyLODE's cache, or makes it
    html = publication.make_html()
    html = _SCHEMA_ORG.sub(_stable_schema_org, html, count=1)
    if lang == "it":
        html = _LABEL.sub(lambda m: f">{m.group(1)}{ITALIAN[m.group(2)]}{m.group(3)}<", html)
    return html.replace("<html>", f'<html lang="{lang}">', 1)
