"""``lls-graph diff``: nothing between a release and itself, exactly the one change of each kind of a fixture."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from lls_graph.config import Namespaces
from lls_graph.diff import CATEGORIES, DiffError, compare, load_graph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "diff"
ID = str(Namespaces().id)
LLS = str(Namespaces().lls)
VOCABULARY = [q.triple for q in ox.parse(path=str(ROOT / "ontology" / "lls.ttl"))]


def changes_between(old: Path, new: Path) -> dict[str, list[dict]]:
    return compare(load_graph(str(old), ROOT), load_graph(str(new), ROOT), Namespaces(), VOCABULARY)


def lls_graph(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lls_graph", "diff", *args, "--root", str(ROOT)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_a_release_against_itself_has_no_change() -> None:
    graph = load_graph(str(ROOT / "graph" / "lls.ttl"), ROOT)
    assert compare(graph, graph) == {name: [] for name in CATEGORIES}
    done = lls_graph("graph/lls.ttl", "git:HEAD")
    assert done.returncode == 0 and "no change" in done.stdout, done.stderr


def test_the_fixture_reports_exactly_its_three_changes() -> None:
    changes = changes_between(FIXTURES / "old.ttl", FIXTURES / "new.ttl")
    assert {name for name, items in changes.items() if items} == {"entities_added", "relations_removed",
                                                                  "figures_changed"}  # fmt: skip
    (added,) = changes["entities_added"]
    assert (added["iri"], added["label"], added["classes"]) == (ID + "university-of-milan", "University of Milan",
                                                                ["University"])  # fmt: skip
    assert [(r["property"], r["object"]) for r in added["relations"]] == [(LLS + "basedInHub", ID + "mind")]
    (removed,) = changes["relations_removed"]
    relation = (removed["subject"], removed["property"], removed["object"])
    assert relation == (ID + "human-technopole", LLS + "basedInHub", ID + "mind")
    assert removed["sources"] and removed["sources"][0]["line"] == 149  # the quote the old release cited
    (figure,) = changes["figures_changed"]
    assert (figure["iri"], figure["old"], figure["new"]) == (ID + "fig-deck-production-value-lombardy-2018",
                                                             ["71.1"], ["72.0"])  # fmt: skip
    assert figure["sources"][0]["document"].startswith("Il cluster come driver per lo sviluppo")
    backwards = changes_between(FIXTURES / "new.ttl", FIXTURES / "old.ttl")
    assert [e["iri"] for e in backwards["entities_removed"]] == [added["iri"]]
    assert [(r["subject_label"], r["object_label"]) for r in backwards["relations_added"]] == [
        ("Fondazione Human Technopole", "Milan Innovation District")
    ]
    assert [(f["old"], f["new"]) for f in backwards["figures_changed"]] == [(["72.0"], ["71.1"])]


def test_labels_and_attributes_changed_are_reported(tmp_path: Path) -> None:
    text = (FIXTURES / "old.ttl").read_text(encoding="utf-8")
    assert '"Milan Innovation District"@en' in text and "lls:status lls:Operating" in text
    changed = text.replace('"Milan Innovation District"@en', '"MIND district"@en')
    changed = changed.replace("lls:status lls:Operating", "lls:status lls:UnderDevelopment")
    (tmp_path / "changed.ttl").write_text(changed, encoding="utf-8")
    changes = changes_between(FIXTURES / "old.ttl", tmp_path / "changed.ttl")
    assert changes["labels_changed"] == [{"iri": ID + "mind", "language": "en", "old": ["Milan Innovation District"],
                                          "new": ["MIND district"]}]  # fmt: skip
    assert [(a["iri"], a["property"], a["old"], a["new"]) for a in changes["attributes_changed"]] == [
        (ID + "mind", LLS + "status", ["Operating"], ["Under development"])
    ]


def test_the_cli_prints_a_table_and_stable_json() -> None:
    table = lls_graph(str(FIXTURES / "old.ttl"), str(FIXTURES / "new.ttl"))
    assert table.returncode == 1, table.stderr
    assert "University of Milan" in table.stdout and "71.1" in table.stdout and "72.0" in table.stdout
    assert "1 entities added" in table.stdout and "1 relations removed" in table.stdout
    first, second = (lls_graph(str(FIXTURES / "old.ttl"), str(FIXTURES / "new.ttl"), "--format", "json")
                     for _ in range(2))  # fmt: skip
    assert first.returncode == 1 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert list(data) == list(CATEGORIES) and data["figures_changed"][0]["new"] == ["72.0"]
    assert data["figures_changed"][0]["label"] == "Value of production \N{EN DASH} Lombardy, 2018"


@pytest.mark.parametrize(("spec", "message"), [("missing.ttl", "missing.ttl"), ("git:no-such-rev", "git:no-such-rev")])
def test_an_unreadable_release_is_an_error(spec: str, message: str) -> None:
    with pytest.raises(DiffError, match=message):
        load_graph(spec, ROOT)
    done = lls_graph(spec, "graph/lls.ttl")
    assert done.returncode == 2 and message in done.stderr


def test_invalid_turtle_is_an_error_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a:x> <a:y> .\n", encoding="utf-8")
    with pytest.raises(DiffError, match=r"bad\.ttl: not valid Turtle.*line 1"):
        load_graph(str(bad), ROOT)
