"""The catalogue on real triple stores: the Oxigraph server and Virtuoso, next to the embedded store.

Each server is our own child process on free loopback ports (``conftest.py``), started once per
session. The inferred graph is published to it with ``lls-graph publish``, twice, and every query of
``queries/*.rq`` run with its defaults must give the same RDF terms, in the same order, as on the
embedded store; and again on an empty graph, where nothing matches. There is one exception, by
design and not by normalisation:

* DESCRIBE is implementation-defined (SPARQL 1.1, section 16.4). pyoxigraph and the Oxigraph server
  answer the Concise Bounded Description (the entity's own triples); Virtuoso adds the triples that
  point at the entity. What both define, the entity's own triples, must be identical, and every
  extra triple must have the entity as object.

Virtuoso differences found here were fixed in the queries, keeping their answers (``README``,
"Real triple stores"): ORDER BY on literals alike in their first 20 bytes, ``xsd:positiveInteger`` values that Oxigraph
stores as ``xsd:integer``, and Virtuoso's unbound SUM of nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import Virtuoso
from test_query import HOSTILE

from lls_graph.catalogue import load_catalogue
from lls_graph.config import Project
from lls_graph.query import Result, run_query
from lls_graph.remote import Endpoint, EndpointError, publish

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project(root=ROOT)
CATALOGUE = load_catalogue(ROOT / "queries")
GRAPH = "https://w3id.org/lls/graph"
#: Virtuoso's administrator as a fresh database creates it; its ``-auth`` endpoint asks for Digest.
DBA = {"LLS_ENDPOINT_USER": "dba", "LLS_ENDPOINT_PASSWORD": "dba"}


@dataclass(frozen=True)
class Published:
    """A server holding the published inferred graph: where to query it and where its graph lives."""

    query: str
    store: str
    graph: str | None
    credentials: dict[str, str] = field(default_factory=dict)


def _oxigraph(base: str) -> Published:
    return Published(f"{base}/query", f"{base}/store", None)


def _with_default_graph(url: str, graph: str) -> str:
    """``url`` asking for ``graph`` as the default graph (a SPARQL 1.1 Protocol parameter)."""
    return f"{url}?{urllib.parse.urlencode({'default-graph-uri': graph})}"


def _virtuoso(server: Virtuoso) -> Published:
    """Virtuoso has no Graph Store default graph and its query default graph is the union of all
    graphs (system graphs too): the graph goes to a named graph, queried as the default graph."""
    return Published(_with_default_graph(server.query, GRAPH), server.store, GRAPH, DBA)


def _cli_publish(target: Published, *options: str) -> str:
    graph = ["--graph", target.graph] if target.graph else []
    cli = subprocess.run([sys.executable, "-m", "lls_graph", "publish", "--endpoint", target.store, *graph, *options],
                         cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, **target.credentials})  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    return cli.stdout


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def published(request: pytest.FixtureRequest) -> Published:
    """Each server in turn, with the inferred graph published to it twice by the CLI, then in chunks.

    The catalogue then runs on the chunked copy: a PUT of the first 5,000 triples and a POST of
    each further 5,000, counted by a SPARQL query, as a 100 k-organisation graph is sent.
    """
    if request.param == "oxigraph":
        target = _oxigraph(request.getfixturevalue("oxigraph_server"))
    else:
        target = _virtuoso(request.getfixturevalue("virtuoso_server"))
    for options in ((), (), ("--chunk-size", "5000", "--count-endpoint", target.query)):
        out = _cli_publish(target, *options)
    expected = sum(1 for _ in ox.parse(path=PROJECT.inferred_graph, format=ox.RdfFormat.TURTLE))
    assert f"{expected} triples sent, {expected} on the server" in out
    return target


def _terms(rows: list[tuple]) -> list[tuple[str, ...]]:
    return [tuple(str(term) for term in row) for row in rows]


def test_publishing_twice_leaves_one_copy(published: Published) -> None:
    expected = sum(1 for _ in ox.parse(path=PROJECT.inferred_graph, format=ox.RdfFormat.TURTLE))
    count = run_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", endpoint=published.query)
    assert int(count.rows[0][0].value) == expected


def _assert_same(local: Result, remote: Result) -> None:
    assert remote.form == local.form
    if local.form == "DESCRIBE":
        _same_description(local, remote)
    elif local.form == "ASK":
        assert remote.boolean == local.boolean
    elif local.form == "SELECT":
        assert remote.variables == local.variables
        assert _terms(remote.rows) == _terms(local.rows)  # the same terms in the same order
    else:
        assert sorted(map(str, remote.triples)) == sorted(map(str, local.triples))


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_the_catalogue_answers_the_same(published: Published, name: str) -> None:
    _assert_same(run_query(name, project=PROJECT), run_query(name, project=PROJECT, endpoint=published.query))


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_the_catalogue_answers_the_same_on_an_empty_graph(published: Published, name: str) -> None:
    """No match at all: aggregates over nothing, empty OPTIONALs, empty graphs (a SUM once differed)."""
    empty = _with_default_graph(published.query.split("?")[0], "https://w3id.org/lls/graph/empty")
    _assert_same(run_query(name, project=PROJECT, data=[]), run_query(name, project=PROJECT, endpoint=empty))


def _same_description(local: Result, remote: Result) -> None:
    """The entity's own triples are identical; anything more must point at the entity."""
    described = {t.subject for t in local.triples}
    assert len(described) <= 1
    assert sorted(str(t) for t in remote.triples if t.subject in described) == sorted(map(str, local.triples))
    assert all(t.subject in described or t.object in described for t in remote.triples)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameters_match_nothing(published: Published, value: str) -> None:
    assert run_query("report-actors-by-hub", {"lang": value}, endpoint=published.query).rows == []


def test_virtuoso_writes_need_the_password(virtuoso_server: Virtuoso, monkeypatch: pytest.MonkeyPatch) -> None:
    turtle = PROJECT.asserted_graph.read_bytes()
    endpoint = Endpoint(virtuoso_server.store, retries=0)
    monkeypatch.delenv("LLS_ENDPOINT_USER", raising=False)
    with pytest.raises(EndpointError, match="HTTP 401"):
        publish(endpoint, turtle, "https://w3id.org/lls/graph/refused")
    monkeypatch.setenv("LLS_ENDPOINT_USER", "dba")
    monkeypatch.setenv("LLS_ENDPOINT_PASSWORD", "not-the-password")
    with pytest.raises(EndpointError, match="HTTP 401") as caught:
        publish(endpoint, turtle, "https://w3id.org/lls/graph/refused")
    assert "not-the-password" not in str(caught.value)
    ask = "ASK { GRAPH <https://w3id.org/lls/graph/refused> { ?s ?p ?o } }"
    assert run_query(ask, endpoint=virtuoso_server.query).boolean is False


def test_names_alike_in_their_first_20_bytes_sort_as_everywhere(virtuoso_server: Virtuoso, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Virtuoso sorts a literal by its first 20 bytes, then by its internal id (the order it was loaded).

    Two university names alike up to byte 20 (``ç`` is two bytes) go in one request each, the
    later-sorting first; the catalogue's ``ORDER BY STR(?name)`` must still sort them as the embedded
    store does (a bare ``ORDER BY ?name`` returned them in load order at 100 k organisations).
    """
    names = ["University of Berçosáço", "University of Berçoal"]
    assert names[0].encode()[:20] == names[1].encode()[:20] and sorted(names) == names[::-1]
    label, university = "<http://www.w3.org/2000/01/rdf-schema#label>", "<https://schema.org/CollegeOrUniversity>"
    lines = [f'<https://e.example/u{i}> {label} "{name}"@en .' for i, name in enumerate(names)]
    lines += [f"<https://e.example/u{i}> a {university} ." for i in range(len(names))]
    (tmp_path / "two.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    graph = "https://w3id.org/lls/graph/alike"
    for name, value in DBA.items():
        monkeypatch.setenv(name, value)
    assert publish(Endpoint(virtuoso_server.store), (tmp_path / "two.ttl").read_bytes(), graph, chunk_size=1).ok
    local = run_query("cq-15-schema-universities", project=PROJECT, data=[tmp_path / "two.ttl"])
    assert [row[0].value for row in local.rows] == names[::-1]
    remote = run_query("cq-15-schema-universities", project=PROJECT,
                       endpoint=_with_default_graph(virtuoso_server.query, graph))  # fmt: skip
    _assert_same(local, remote)
