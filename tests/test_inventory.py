"""Inventory: each entity of the two documents is in the graph with the type it must have.

``tests/data/inventory.tsv`` is the reviewed list (one row per entity, bioregistry style: one
test per row, so a failure names the entity). Rows are checked on the inferred graph, so an
IRCCS listed as a Hospital passes. A new record needs no row; removing an entity or changing
its type fails here until the inventory is updated on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, RDFS

from lls_graph.build import Products
from lls_graph.config import Namespaces

NS = Namespaces()
INVENTORY = Path(__file__).parent / "data" / "inventory.tsv"


def rows() -> list[tuple[str, str, str, str]]:
    found = []
    for line in INVENTORY.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            section, entity, types, label = line.split("\t")
            found.append((section, entity, types, label))
    return found


def test_inventory_covers_every_section() -> None:
    counts: dict[str, int] = {}
    for section, *_ in rows():
        counts[section] = counts.get(section, 0) + 1
    assert counts["organisations"] >= 60 and counts["figures"] >= 150 and counts["hubs"] == 4
    assert len({entity for _, entity, _, _ in rows()}) == len(rows()), "an entity is listed twice"


@pytest.mark.parametrize(("section", "entity", "types", "label"), rows(), ids=[r[1] for r in rows()])
def test_entity_has_its_type_and_label(section: str, entity: str, types: str, label: str,
                                       products: Products) -> None:  # fmt: skip
    node = NS.id[entity]
    found = set(products.inferred.objects(node, RDF.type))
    for name in types.split():
        assert NS.lls[name] in found, f"{entity} ({section}) should be a lls:{name}"
    if label:
        labels = {str(o) for o in products.inferred.objects(node, RDFS.label) if isinstance(o, Literal)}
        assert label in labels, f"{entity} should be labelled {label!r}, has {sorted(labels)}"
