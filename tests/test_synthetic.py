"""The synthetic ecosystem generator: seeded bytes, a realistic shape, and the real build runs on it."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from lls_graph.build import build
from lls_graph.config import Project
from lls_graph.query import run_query
from lls_graph.reasoning import HERMIT_MAX_INDIVIDUALS, OWLRL_MAX_INDIVIDUALS, choose
from lls_graph.store import open_index
from lls_graph.synthetic import CLASS_WEIGHTS, DOCUMENT, generate

ROOT = Path(__file__).resolve().parents[1]
N = 400


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    generate(N, out, seed=7, repo=ROOT)
    return out


def _organisations(folder: Path) -> list[dict]:
    return yaml.safe_load((folder / "graph" / "sources" / "organisations.yaml").read_text())["organisations"]


def test_same_seed_same_bytes_other_seed_other_bytes(synthetic: Path, tmp_path: Path) -> None:
    generate(N, tmp_path / "again", seed=7, repo=ROOT)
    generate(N, tmp_path / "other", seed=8, repo=ROOT)
    assert _files(tmp_path / "again") == _files(synthetic)
    assert _files(tmp_path / "other") != _files(synthetic)


def test_shape_classes_degrees_and_places(synthetic: Path) -> None:
    organisations = _organisations(synthetic)
    assert len(organisations) == N and len({o["id"] for o in organisations}) == N
    classes = Counter(o["type"] for o in organisations)
    assert set(classes) <= set(CLASS_WEIGHTS)
    assert classes.most_common(1)[0][0] == max(CLASS_WEIGHTS, key=CLASS_WEIGHTS.get)  # companies dominate
    total = sum(CLASS_WEIGHTS.values())
    for name, weight in CLASS_WEIGHTS.items():  # every share within 4 binomial standard deviations
        share = weight / total
        assert abs(classes[name] / N - share) <= 4 * math.sqrt(share * (1 - share) / N), name
    degree = Counter()
    for o in organisations:
        for partner in o.get("collaborates_with", []):
            degree[o["id"]] += 1
            degree[partner] += 1
    degrees = [degree[o["id"]] for o in organisations]
    assert max(degrees) >= 10 * statistics.median(degrees)  # heavy tail: preferential attachment
    cities = Counter(o["located_in"][0] for o in organisations)
    assert cities.most_common(1)[0][1] >= 5 * statistics.median(cities.values())  # Zipf over cities


def test_hubs_specialisations_and_figures_with_sources(synthetic: Path) -> None:
    sources = synthetic / "graph" / "sources"
    organisations = {o["id"]: o for o in _organisations(synthetic)}
    hubs = {h["id"]: h for h in yaml.safe_load((sources / "hubs.yaml").read_text())["hubs"]}
    assert all(set(h["led_by"]) <= set(organisations) for h in hubs.values())
    hosted = [hub for o in organisations.values() for hub in o.get("based_in_hub", [])]
    assert hosted and all(hubs[hub]["status"] != "planned" for hub in hosted)
    scheme = {c["id"] for c in yaml.safe_load((ROOT / "graph" / "sources" / "concepts.yaml").read_text())["concepts"]}
    assert all(set(o["specialises_in"]) <= scheme for o in organisations.values())
    works = {w["id"] for w in yaml.safe_load((sources / "sources.yaml").read_text())["works"]}
    figures = yaml.safe_load((sources / "figures.yaml").read_text())["figures"]
    assert figures and all(f["source"] in works for f in figures)
    assert all(organisations[f["subject"]]["type"].endswith("Company") for f in figures)
    assert all(f["area"] == organisations[f["subject"]]["located_in"][0] for f in figures)


def test_every_quote_is_a_line_of_the_synthetic_document(synthetic: Path) -> None:
    lines = set((synthetic / "seeds" / DOCUMENT).read_text(encoding="utf-8").splitlines())
    for path in (synthetic / "graph" / "sources").glob("*.yaml"):
        for records in yaml.safe_load(path.read_text()).values():
            assert all(r["quote"] in lines for r in records if "quote" in r), path.name


def test_the_real_build_runs_on_it(synthetic: Path) -> None:
    project = Project(root=synthetic, seeds=synthetic / "seeds")
    report = build(project, reasoner="rules")
    assert report.entities["Organisation"] == N
    assert report.triples_inferred > report.triples_asserted > 20 * N
    hubs = run_query("SELECT (COUNT(?h) AS ?n) WHERE { ?h a <https://w3id.org/lls/ontology#InnovationHub> }",
                     project=project)  # fmt: skip
    assert int(hubs.rows[0][0].value) == 1  # one hub per 500 organisations, at least one
    first = _organisations(synthetic)[0]
    found = open_index(project).search(first["label"][next(iter(first["label"]))])
    assert found and found[0].iri.endswith("/" + first["id"])


def test_refuses_to_overwrite_sources(synthetic: Path) -> None:
    with pytest.raises(FileExistsError):
        generate(10, synthetic, repo=ROOT)
    done = subprocess.run([sys.executable, "-m", "lls_graph", "synth", "10", "-o", str(synthetic)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2 and "already holds curated sources" in done.stderr


@pytest.mark.parametrize(
    ("individuals", "java", "chosen"),
    [(1_227, True, "hermit"), (24_237, True, "hermit"), (HERMIT_MAX_INDIVIDUALS, True, "hermit"),
     (HERMIT_MAX_INDIVIDUALS + 1, True, "rules"), (240_000, True, "rules"),
     (1_227, False, "owlrl"), (OWLRL_MAX_INDIVIDUALS, False, "owlrl"), (2_613, False, "rules")],
    ids=["documents", "10k-region", "hermit-limit", "above-hermit-limit", "100k-europe",
         "documents-no-java", "owlrl-limit", "1k-no-java"],
)  # fmt: skip
def test_auto_reasoner_by_size(individuals: int, java: bool, chosen: str) -> None:
    """The documented strategy (docs/scale.md): individuals of the documents' graph and of 1 k, 10 k, 100 k."""
    assert choose("auto", individuals, java) == chosen
    assert choose("rules", individuals, java) == "rules" and choose("hermit", individuals, java) == "hermit"
