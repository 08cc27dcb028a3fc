"""Releases: the CHANGELOG, the ontology's version triples and the package agree on one version."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

import lls_graph
from lls_graph.config import Namespaces

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.compile(r"^## \[(\d+)\.(\d+)\.(\d+)\] - \d{4}-\d{2}-\d{2}$", re.MULTILINE)


def released() -> list[tuple[int, int, int]]:
    """The released versions of CHANGELOG.md, newest first."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog") and "## [Unreleased]" in text
    return [tuple(int(part) for part in match.groups()) for match in VERSION.finditer(text)]


def test_the_changelog_lists_versions_newest_first() -> None:
    versions = released()
    assert versions and versions == sorted(set(versions), reverse=True)


def test_the_latest_release_is_the_ontology_version() -> None:
    ontology = Graph().parse(ROOT / "ontology" / "lls.ttl")
    iri = URIRef(Namespaces().ontology_iri)
    latest, *older = [".".join(map(str, v)) for v in released()]
    assert [str(v) for v in ontology.objects(iri, OWL.versionInfo)] == [latest]
    assert [str(v) for v in ontology.objects(iri, OWL.versionIRI)] == [f"{iri}/{latest}"]
    prior = [str(v) for v in ontology.objects(iri, OWL.priorVersion)]
    assert prior == ([f"{iri}/{older[0]}"] if older else [])
    assert lls_graph.__version__ == latest
