"""Paths and namespaces of lls-graph, defined once.

Every module takes its locations from a :class:`Project` and its IRIs from
:class:`Namespaces`, so that a data steward can build from another checkout (or a
partner can mint our data under their own base IRI) by changing one value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDO,
    SKOS,
    VANN,
    VOID,
    XSD,
)

__all__ = [
    "DEFAULT_BASE",
    "EXTERNAL_NAMESPACES",
    "Namespaces",
    "Project",
]

DEFAULT_BASE = "https://w3id.org/lls/"

#: Standard vocabularies we align with, by preferred prefix. rdflib ships their term lists,
#: which the tests use to prove every external term we write really exists.
EXTERNAL_NAMESPACES: dict[str, Namespace] = {
    "dcat": Namespace(str(DCAT)),
    "dcterms": Namespace(str(DCTERMS)),
    "foaf": Namespace(str(FOAF)),
    "org": Namespace(str(ORG)),
    "owl": Namespace(str(OWL)),
    "prov": Namespace(str(PROV)),
    "qb": Namespace(str(QB)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "schema": Namespace(str(SDO)),
    "skos": Namespace(str(SKOS)),
    "vann": Namespace(str(VANN)),
    "void": Namespace(str(VOID)),
    "xsd": Namespace(str(XSD)),
}


@dataclass(frozen=True)
class Namespaces:
    """The IRIs lls-graph mints: terms under ``<base>ontology#``, data under ``<base>id/``.

    >>> ns = Namespaces("https://example.org/lls/")
    >>> str(ns.id["mind"])
    'https://example.org/lls/id/mind'
    >>> str(ns.lls.Organisation)
    'https://example.org/lls/ontology#Organisation'
    """

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if not self.base.startswith(("http://", "https://")) or not self.base.endswith("/"):
            raise ValueError(f"base IRI must be an http(s) IRI ending in '/': {self.base!r}")

    @property
    def lls(self) -> Namespace:
        return Namespace(self.base + "ontology#")

    @property
    def ontology_iri(self) -> str:
        return self.base + "ontology"

    @property
    def id(self) -> Namespace:
        return Namespace(self.base + "id/")

    # Where the published products live (issue 5): the release folder mirrors these paths.

    @property
    def dataset_iri(self) -> str:
        return self.base + "dataset"

    @property
    def catalog_iri(self) -> str:
        return self.base + "catalog"

    @property
    def sparql_endpoint(self) -> str:
        return self.base + "sparql"

    @property
    def context_iri(self) -> str:
        return self.base + "context.jsonld"

    def dump_iri(self, extension: str) -> str:
        """The download URL of the dump with this file extension (``ttl``, ``nt``, ``rdf``, ...)."""
        return f"{self.base}dumps/lls.{extension}"

    def prefixes(self) -> dict[str, str]:
        """The fixed prefix table of every product: same prefixes, same bytes."""
        table = {name: str(ns) for name, ns in EXTERNAL_NAMESPACES.items()}
        table["lls"] = str(self.lls)
        table["id"] = str(self.id)
        return dict(sorted(table.items()))


def _default_root() -> Path:
    return Path(os.environ.get("LLS_ROOT", Path.cwd())).resolve()


@dataclass(frozen=True)
class Project:
    """Where the hand-edited inputs are and where the generated products go.

    Paths default to the layout of the repository, relative to ``root`` (the current
    directory, or ``$LLS_ROOT``); the two source documents live beside the checkout in
    ``../shared/seeds`` (or ``$LLS_SEEDS``).
    """

    root: Path = field(default_factory=_default_root)
    seeds: Path | None = None
    out: Path | None = None

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "lls.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"

    @property
    def dcat_shapes(self) -> Path:
        return self.root / "ontology" / "dcat-ap-shapes.ttl"

    @property
    def sources(self) -> Path:
        return self.root / "graph" / "sources"

    @cached_property
    def queries(self) -> Path:
        """Made once per project: a new Path on every ``run_query`` cost a third of a small query."""
        return self.root / "queries"

    @property
    def checks(self) -> Path:
        return self.queries / "checks"

    @property
    def documents(self) -> Path:
        if self.seeds is not None:
            return self.seeds
        env = os.environ.get("LLS_SEEDS")
        return Path(env) if env else (self.root.parent / "shared" / "seeds")

    @property
    def products(self) -> Path:
        return self.out if self.out is not None else self.root / "graph"

    @property
    def asserted_graph(self) -> Path:
        return self.products / "lls.ttl"

    @property
    def inferred_graph(self) -> Path:
        return self.products / "lls-inferred.ttl"
