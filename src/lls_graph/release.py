"""``lls-graph release``: the publication folder partners download, laid out like the IRIs.

The folder mirrors the paths under the base IRI (``dumps/lls.ttl`` is served as
``<base>dumps/lls.ttl``), so publishing is copying it under the base. Every dump carries
the inferred graph (the quad dumps split it into the asserted and the entailed named
graph), so all distributions of the dataset hold the same triples and one VoID
description counts them all. Files are written all at once, or not at all.

The release date is an input, never the clock: ``--date``, else ``$SOURCE_DATE_EPOCH``
(the reproducible-builds convention), else the date of the ontology's ``owl:versionInfo``
in ``CHANGELOG.md`` (``## [0.2.0] - 2026-12-04``), else the ontology header's
``dcterms:modified`` or ``dcterms:issued``; so two builds of one release are byte-identical. The catalogue record
is checked against ``ontology/dcat-ap-shapes.ttl`` before anything is written.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL

from .config import Namespaces, Project
from .dataset import Dump, dcat_bytes, dcat_graph, ontology_facts, void_bytes, void_graph
from .docs import LANGUAGES, ontology_html
from .export import FORMATS, context_bytes, export_bytes, load_graphs
from .serialise import write_atomically
from .validation import shacl_violations

__all__ = ["DCAT_FILE", "VOID_FILE", "RecordInvalid", "described_by", "release_date", "release_files",
           "write_release"]  # fmt: skip

#: The dataset's VoID description and its DCAT-AP_IT catalogue record, at the top of the release.
VOID_FILE, DCAT_FILE = "void.ttl", "dcat.ttl"


class RecordInvalid(ValueError):
    """The DCAT record does not conform to the DCAT-AP shapes; nothing is written."""


def release_date(explicit: date | None, ontology: Graph, ns: Namespaces, changelog: Path) -> date:
    """The date the catalogue record states (issued and modified), from a stable input."""
    if explicit is not None:
        return explicit
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    version = ontology.value(URIRef(ns.ontology_iri), OWL.versionInfo)
    if version is not None and changelog.is_file():
        heading = re.compile(rf"^## \[{re.escape(str(version))}\] - (\d{{4}}-\d{{2}}-\d{{2}})\s*$", re.MULTILINE)
        found = heading.search(changelog.read_text(encoding="utf-8"))
        if found:
            return date.fromisoformat(found.group(1))
    for predicate in (DCTERMS.modified, DCTERMS.issued):
        value = ontology.value(URIRef(ns.ontology_iri), predicate)
        if value is not None:
            return date.fromisoformat(str(value)[:10])
    raise ValueError(f"no release date: give --date YYYY-MM-DD, set SOURCE_DATE_EPOCH, or date version {version} "
                     f"in {changelog}")  # fmt: skip


def _relative(ns: Namespaces, iri: str) -> str:
    return iri[len(ns.base) :]


def described_by(ns: Namespaces) -> dict[str, dict[str, str]]:
    """The release files that answer the IRIs of the ontology, the dataset and the catalogue.

    Path under the base → media type → file, for the redirect rules of :func:`lls_graph.site.htaccess`:
    a term ``<base>ontology#Company`` is requested as ``<base>ontology``.
    """
    folder = _relative(ns, ns.ontology_iri)
    return {
        folder: {"text/turtle": f"{folder}/lls.ttl", "text/html": f"{folder}/index-{LANGUAGES[0]}.html"},
        _relative(ns, ns.dataset_iri): {"text/turtle": VOID_FILE, "text/html": "index.html"},
        _relative(ns, ns.catalog_iri): {"text/turtle": DCAT_FILE, "text/html": "index.html"},
    }


def release_files(project: Project, ns: Namespaces, released: date | None = None) -> dict[str, bytes]:
    """Every product of a release, by path relative to the folder (and to the base IRI)."""
    ontology = Graph().parse(project.ontology, format="turtle")
    licence, version = ontology_facts(ontology, ns)
    day = release_date(released, ontology, ns, project.changelog)
    asserted, inferred = load_graphs(project)
    files: dict[str, bytes] = {}
    dumps: list[Dump] = []
    for fmt, (extension, _) in FORMATS.items():
        data = export_bytes(fmt, asserted, inferred, ns, use_inferred=True)
        files[_relative(ns, ns.dump_iri(extension))] = data
        dumps.append(Dump(fmt, len(data)))
    files[_relative(ns, ns.context_iri)] = context_bytes(ns)
    files[VOID_FILE] = void_bytes(void_graph(inferred, ns, dumps, licence), ns)
    record = dcat_graph(ns, dumps, licence, version, day)
    problems = shacl_violations(record, Graph().parse(project.dcat_shapes, format="turtle"))
    if problems:
        raise RecordInvalid("the DCAT record does not conform:\n" + "\n".join(map(str, problems)))
    files[DCAT_FILE] = dcat_bytes(record, ns)
    folder = _relative(ns, ns.ontology_iri)
    files[described_by(ns)[folder]["text/turtle"]] = project.ontology.read_bytes()
    for lang in LANGUAGES:
        files[f"{folder}/index-{lang}.html"] = ontology_html(project.ontology, lang).encode("utf-8")
    return files


def write_release(out: Path, files: dict[str, bytes]) -> dict[Path, int]:
    """Write the release under ``out`` atomically; returns path → size in bytes."""
    targets = {out / name: data for name, data in sorted(files.items())}
    write_atomically(targets)
    return {path: len(data) for path, data in targets.items()}
