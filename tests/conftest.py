"""Shared fixtures: one fresh build of the real sources per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lls_graph.build import Products, make_products
from lls_graph.config import Namespaces, Project

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(root=ROOT)


@pytest.fixture(scope="session")
def products(project: Project) -> Products:
    """The graphs of a fresh build, in memory (nothing written)."""
    return make_products(project, Namespaces())


@pytest.fixture
def scratch(tmp_path: Path, project: Project) -> Project:
    """A copy of the hand-edited inputs in a temp folder, to break on purpose."""
    for folder in ("ontology", "queries", "graph/sources"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return Project(root=tmp_path, seeds=project.documents)
