"""What changed in the ecosystem between two releases of the graph (``lls-graph diff OLD NEW``).

A line diff of ``graph/lls.ttl`` answers the wrong question: a new quote renames a hash IRI, a new
fact moves a block. Analysts want the ecosystem's changes: who entered and left, which relations
appeared or ended, which figures moved (old → new), which names changed. So both graphs are read
into the :class:`~lls_graph.site.Model` the entity pages use (same notion of entity, same labels),
and compared entity by entity. Provenance bookkeeping (axioms and quotes, whose IRIs are content
hashes) is never compared itself: it only supplies the quotes behind a changed fact.

The result is plain data with a stable order (sorted by IRIs and values), so its JSON is the same
bytes for the same two graphs.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .config import Namespaces
from .site import LABELS, TYPE, Model

__all__ = ["CATEGORIES", "DiffError", "compare", "load_graph"]

#: The sections of a diff, in the order they are shown.
CATEGORIES = ("entities_added", "entities_removed", "relations_added", "relations_removed", "figures_changed",
              "labels_changed", "attributes_changed")  # fmt: skip
#: What ``git:REV`` reads when no path is given.
DEFAULT_PATH = "graph/lls.ttl"


class DiffError(Exception):
    """A release could not be read: missing file, unknown git revision, invalid Turtle."""


def load_graph(spec: str, root: Path) -> list[ox.Triple]:
    """The triples of a Turtle file, or of ``git:REV[:PATH]`` (``PATH`` at revision ``REV`` of ``root``)."""
    if spec.startswith("git:"):
        revision, _, path = spec[len("git:") :].partition(":")
        shown = subprocess.run(["git", "show", f"{revision}:{path or DEFAULT_PATH}"], cwd=root,
                               capture_output=True, check=False)  # fmt: skip
        if shown.returncode != 0:
            raise DiffError(f"{spec}: {shown.stderr.decode('utf-8', 'replace').strip()}")
        data = shown.stdout
    else:
        try:
            data = Path(spec).read_bytes()
        except OSError as exc:
            raise DiffError(f"{spec}: {exc.strerror or exc}") from exc
    try:
        return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:
        raise DiffError(f"{spec}: not valid Turtle: {exc}") from exc


def _entity(model: Model, iri: str) -> dict[str, Any]:
    lls = str(model.ns.lls)
    classes = sorted(model.label(t) for t in model.types[iri] if t.startswith(lls))
    return {"iri": iri, "label": model.label(iri), "classes": classes}


def _sources(model: Model, triple: ox.Triple) -> list[dict[str, Any]]:
    return [{"document": model.label(q.document), "line": q.line, "quote": q.text} for q in model.sources(triple)]


def _value(model: Model, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return model.label(term.value) if isinstance(term, ox.NamedNode) else term.value


def _relation(model: Model, triple: ox.Triple) -> dict[str, Any]:
    s, p, o = triple.subject.value, triple.predicate.value, triple.object.value
    return {"subject": s, "subject_label": model.label(s), "property": p, "property_label": model.label(p),
            "object": o, "object_label": model.label(o), "sources": _sources(model, triple)}  # fmt: skip


def _relations(model: Model, iri: str) -> set[ox.Triple]:
    return {t for t in model.triples.get(iri, ()) if t.predicate.value != TYPE and t.object.value in model.entities}


def _attributes(model: Model, iri: str, skip: set[str]) -> dict[str, set[ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """An entity's values that are not relations to entities, by property (labels and ``skip`` aside)."""
    found: dict[str, set[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
    for triple in model.triples.get(iri, ()):
        if triple.predicate.value in skip or triple.object.value in model.entities:
            continue
        found.setdefault(triple.predicate.value, set()).add(triple.object)
    return found


def _labels(model: Model, iri: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for triple in model.triples.get(iri, ()):
        if triple.predicate.value in LABELS and isinstance(triple.object, ox.Literal):
            found.setdefault(triple.object.language or "", set()).add(triple.object.value)
    return found


def _added(model: Model, other: Model) -> list[dict[str, Any]]:
    """The entities of ``model`` that ``other`` lacks, each with its relations to and from entities."""
    found = []
    for iri in sorted(set(model.entities) - set(other.entities)):
        incoming = {t for t in model.incoming.get(iri, ()) if t.subject.value in model.entities
                    and t.predicate.value != TYPE}  # fmt: skip
        relations = sorted(_relations(model, iri) | incoming, key=str)
        found.append(_entity(model, iri) | {"relations": [_relation(model, t) for t in relations]})
    return found


def _changes_of(before: Model, after: Model, iri: str) -> dict[str, list[dict[str, Any]]]:
    """What changed about one entity present in both releases."""
    changes: dict[str, list[dict[str, Any]]] = {name: [] for name in CATEGORIES}
    gone, came = _relations(before, iri), _relations(after, iri)
    changes["relations_removed"] = [_relation(before, t) for t in sorted(gone - came, key=str)
                                    if t.object.value in after.entities]  # fmt: skip
    changes["relations_added"] = [_relation(after, t) for t in sorted(came - gone, key=str)
                                  if t.object.value in before.entities]  # fmt: skip
    value = str(after.ns.lls.obsValue)
    figure = str(after.ns.lls.Statistic) in after.types[iri]
    was, now = (_attributes(m, iri, set(LABELS)) for m in (before, after))
    if figure and was.get(value) != now.get(value):
        triples = [ox.Triple(ox.NamedNode(iri), ox.NamedNode(value), v) for v in sorted(now.get(value, ()), key=str)]
        changes["figures_changed"].append({
            "iri": iri, "label": after.label(iri),
            "old": sorted(v.value for v in was.get(value, ())), "new": sorted(v.value for v in now.get(value, ())),
            "sources": [s for t in triples for s in _sources(after, t)],
        })  # fmt: skip
    for prop in sorted(set(was) | set(now)):
        if (figure and prop == value) or was.get(prop) == now.get(prop):
            continue
        changes["attributes_changed"].append({
            "iri": iri, "label": after.label(iri), "property": prop, "property_label": after.label(prop),
            "old": sorted(_value(before, v) for v in was.get(prop, ())),
            "new": sorted(_value(after, v) for v in now.get(prop, ())),
        })  # fmt: skip
    old_labels, new_labels = _labels(before, iri), _labels(after, iri)
    changes["labels_changed"] = [
        {"iri": iri, "language": language, "old": sorted(old_labels.get(language, ())),
         "new": sorted(new_labels.get(language, ()))}
        for language in sorted(set(old_labels) | set(new_labels))
        if old_labels.get(language) != new_labels.get(language)
    ]  # fmt: skip
    return changes


def compare(old: list[ox.Triple], new: list[ox.Triple], ns: Namespaces | None = None,
            vocabulary: list[ox.Triple] | None = None) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """The changes from ``old`` to ``new``, by category of :data:`CATEGORIES` (empty lists: no change).

    Relations to and from an entity that was added or removed are listed with it, not again as relations.
    ``vocabulary`` (the ontology's triples) names classes and properties by their labels.
    """
    ns = ns or Namespaces()
    before = Model.from_triples(old, ns, vocabulary or ())
    after = Model.from_triples(new, ns, vocabulary or ())
    result = {name: [] for name in CATEGORIES}
    result["entities_added"] = _added(after, before)
    result["entities_removed"] = _added(before, after)
    for iri in sorted(set(before.entities) & set(after.entities)):
        for name, items in _changes_of(before, after, iri).items():
            result[name] += items
    return result
