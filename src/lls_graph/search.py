"""Label search: "which entities are called something like X", in any language, accents ignored.

A SPARQL ``FILTER(CONTAINS(LCASE(?label), "x"))`` scans every label and cannot fold accents
(``Università`` vs ``universita``); at 100 k organisations the raw engine needs ~170 ms for it.
The index here folds every label once (:func:`normalise_name`) and joins them into one string,
so a search is one C-level regular-expression scan plus a bisect per label found: at 100 k
organisations (136 k labels) 2 ms for a text found nowhere, 6-10 ms for the 995 labels holding
"universit", half what it took while each hit folded its label again (``docs/scale.md``).
``lls-graph build`` writes it beside the query store (``graph/.store/<graph>/labels.json``)
whenever the store is (re)loaded, so it never drifts from the graph it describes.
"""

from __future__ import annotations

import heapq
import json
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from rdflib.term import Node

from .serialise import IS_TYPE

__all__ = ["INDEX_FILE", "Hit", "LabelIndex", "normalise_name"]

INDEX_FILE = "labels.json"
#: The layout of INDEX_FILE; an index of another layout is rebuilt from its store.
FORMAT = 2

#: Every naming property of the ontology's entities; altLabels make acronyms findable (``MIND``).
_LABELS_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?label WHERE {
  VALUES ?naming { rdfs:label skos:prefLabel skos:altLabel }
  ?entity ?naming ?label .
  FILTER(isIRI(?entity) && isLITERAL(?label))
}
"""
_NAMING = frozenset({RDFS.label, SKOS.prefLabel, SKOS.altLabel})
#: Classes of the named entities only: at 100 k organisations 1.07 M entities have a class (every
#: provenance axiom, every quote) and 0.12 M a name; asking for all of them took 18.9 s, these 13.1 s.
_TYPES_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?entity ?type WHERE {
  VALUES ?naming { rdfs:label skos:prefLabel skos:altLabel }
  ?entity ?naming ?label ; a ?type .
  FILTER(isIRI(?entity) && isLITERAL(?label) && isIRI(?type))
}
"""


def normalise_name(text: str) -> str:
    """Fold a name for lookup: no accents, no case, single spaces.

    >>> normalise_name("  Università   degli Studi ")
    'universita degli studi'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@dataclass(frozen=True)
class Hit:
    """One entity found, with the label that matched and how well (0 exact, 1 prefix, 2 inside)."""

    iri: str
    label: str
    language: str
    rank: int
    types: tuple[str, ...]


class LabelIndex:
    """Folded labels of every entity, searchable by substring; built from a store, saved as JSON."""

    def __init__(self, labels: list[tuple[str, str, str]], types: dict[str, list[str]]) -> None:
        """``labels``: (entity IRI, label, language) rows; ``types``: entity IRI → class IRIs."""
        rows = sorted(set(labels))
        self._set(rows, {iri: sorted(set(classes)) for iri, classes in sorted(types.items())},
                  [normalise_name(label) for _, label, _ in rows])  # fmt: skip

    def _set(self, labels: list[tuple[str, str, str]], types: dict[str, list[str]], folded: list[str]) -> None:
        self.labels = labels
        self.types = types
        # One string, one label per line: "\n" never occurs in a folded label, so no match spans two.
        self._text = "\n".join(folded)
        self._starts: list[int] = []  # where each label begins in _text, and where it ends
        self._ends: list[int] = []
        offset = 0
        for name in folded:
            self._starts.append(offset)
            offset += len(name)
            self._ends.append(offset)
            offset += 1

    @classmethod
    def from_store(cls, store: ox.Store) -> LabelIndex:
        """Read labels and types of every named IRI in ``store`` (two queries, ~13 s at 100 k organisations)."""
        labels = [(row["entity"].value, row["label"].value, row["label"].language or "")
                  for row in store.query(_LABELS_QUERY)]  # fmt: skip
        types: dict[str, list[str]] = {}
        for row in store.query(_TYPES_QUERY):
            types.setdefault(row["entity"].value, []).append(row["type"].value)
        return cls(labels, types)

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[Node, Node, Node]]) -> LabelIndex:
        """The same index from the build's own triples in memory: no query of the store (~9 s at 100 k)."""
        labels: list[tuple[str, str, str]] = []
        types: dict[str, list[str]] = {}
        for s, p, o in triples:
            if not isinstance(s, URIRef):
                continue
            if p in _NAMING and isinstance(o, Literal):
                labels.append((str(s), str(o), o.language or ""))
            elif p in IS_TYPE and isinstance(o, URIRef):
                types.setdefault(str(s), []).append(str(o))
        named = {iri for iri, _, _ in labels}
        return cls(labels, {iri: classes for iri, classes in types.items() if iri in named})

    def to_json(self) -> bytes:
        """The index as sorted JSON (same graph, same bytes), folded names included.

        Classes are numbered: at 100 k organisations the IRIs of each entity's classes made 40 of
        the 48 MB, and folding every label again took a second of each cold search.
        """
        classes = sorted({c for found in self.types.values() for c in found})
        number = {c: i for i, c in enumerate(classes)}
        data = {"format": FORMAT, "labels": self.labels, "folded": self._text, "classes": classes,
                "types": {iri: [number[c] for c in found] for iri, found in self.types.items()}}  # fmt: skip
        return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode()

    @classmethod
    def load(cls, path: Path) -> LabelIndex:
        """The index saved by :meth:`to_json`; ValueError for another format (then rebuild it)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"{path}: not a format-{FORMAT} label index")
        classes = data["classes"]
        index = cls.__new__(cls)
        index._set([tuple(row) for row in data["labels"]],
                   {iri: [classes[i] for i in found] for iri, found in data["types"].items()},
                   data["folded"].split("\n") if data["labels"] else [])  # fmt: skip
        return index

    def _rows_containing(self, needle: str) -> Iterator[tuple[int, bool]]:
        """Each label row holding ``needle``, once, and whether it starts with it.

        After a hit the scan jumps to the next label: a later match in the same label never ranks
        better than the first, and a one-letter search would otherwise stop at every letter.
        """
        pattern = re.compile(re.escape(needle))
        found = pattern.search(self._text)
        while found:
            row = bisect_right(self._starts, found.start()) - 1
            yield row, found.start() == self._starts[row]
            found = pattern.search(self._text, self._ends[row] + 1)

    def search(self, text: str, type_iri: str | None = None, limit: int | None = 20) -> list[Hit]:
        """Entities with a label containing ``text`` (folded), best first: exact, prefix, inside, then by label.

        ``type_iri`` keeps only entities of that class (the inferred graph types every organisation
        ``lls:Organisation``, so a search on it finds companies, hospitals and universities alike).
        """
        needle = normalise_name(text)
        if not needle:
            return []
        best: dict[str, tuple[int, str, str, str]] = {}
        for row, prefix in self._rows_containing(needle):
            iri, label, language = self.labels[row]
            if type_iri is not None and type_iri not in self.types.get(iri, ()):
                continue
            folded = self._text[self._starts[row] : self._ends[row]]
            candidate = (0 if folded == needle else 1 if prefix else 2, folded, label, language)
            if iri not in best or candidate < best[iri]:
                best[iri] = candidate
        ranked = [(found, iri) for iri, found in best.items()]
        ranked = sorted(ranked) if limit is None else heapq.nsmallest(limit, ranked)
        return [Hit(iri, label, language, rank, tuple(self.types.get(iri, ())))
                for (rank, _, label, language), iri in ranked]  # fmt: skip
