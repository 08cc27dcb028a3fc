"""Shared fixtures: one fresh build of the real sources, and each real triple store, per test session."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import Virtuoso, free_port, oxigraph_binary, running, virtuoso, virtuoso_binary

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


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of an empty Oxigraph server (``oxigraph serve``) on a free loopback port."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    location = tmp_path_factory.mktemp("oxigraph")
    command = [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with running(command, f"{base}/"):
        yield base


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """An empty Virtuoso of our own (ini, database and logs in a temp folder) on free loopback ports."""
    if virtuoso_binary() is None:
        reason = "virtuoso-t not found (Debian package virtuoso-opensource)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Virtuoso: {reason}")
        pytest.skip(reason)
    with virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def block_network(patch: pytest.MonkeyPatch) -> list[object]:
    """Make every socket connection and name look-up fail; returns the attempts, to assert none was made."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args[1:] if args and isinstance(args[0], socket.socket) else args)
        raise OSError(f"network access attempted: {attempts[-1]}")

    for owner, name in ((socket.socket, "connect"), (socket.socket, "connect_ex"), (socket, "getaddrinfo"),
                        (socket, "create_connection")):  # fmt: skip
        patch.setattr(owner, name, refuse)
    return attempts


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The network is unavailable for this test; the list holds any attempt made."""
    return block_network(monkeypatch)
