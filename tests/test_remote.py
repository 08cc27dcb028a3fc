"""Remote endpoints, against real servers: the Oxigraph server, and loopback servers that misbehave.

The Oxigraph server (from the ``oxigraph`` PyPI package) runs on a free port with a temporary
store and the graph is published to it with ``lls-graph publish``; ``test_stores.py`` checks that
the whole catalogue answers the same there, on Virtuoso and on the embedded store.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import free_port, scripted
from test_query import HOSTILE

from lls_graph.config import Project
from lls_graph.query import QueryFailed, run_query
from lls_graph.remote import USER_AGENT, Endpoint, EndpointError, publish, remote_triples

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project(root=ROOT)
JSON_TYPE = {"Content-Type": "application/sparql-results+json"}
ONE_ROW = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}})


@pytest.fixture(scope="module")
def oxigraph(oxigraph_server: str) -> str:
    """Base URL of the session's Oxigraph server, holding the inferred graph published by the CLI."""
    cli = subprocess.run([sys.executable, "-m", "lls_graph", "publish", "--endpoint", f"{oxigraph_server}/store"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert "triples sent" in cli.stdout
    return oxigraph_server


def test_publish_replaces_and_checks_the_count(oxigraph: str) -> None:
    endpoint = Endpoint(f"{oxigraph}/store")
    turtle = PROJECT.inferred_graph.read_bytes()
    expected = sum(1 for _ in ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    for _ in range(2):  # twice: replace semantics leave one copy
        report = publish(endpoint, turtle)
        assert report.ok and report.triples_remote == expected
    graph = "https://w3id.org/lls/graph/asserted"
    asserted = PROJECT.asserted_graph.read_bytes()
    report = publish(endpoint, asserted, graph)
    assert report.ok and report.graph == graph
    assert remote_triples(endpoint, None) == expected  # the default graph is untouched
    count = run_query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                      endpoint=f"{oxigraph}/query")  # fmt: skip
    assert int(count.rows[0][0].value) == report.triples_local


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameters_match_nothing_remotely(oxigraph: str, value: str) -> None:
    assert run_query("report-actors-by-hub", {"lang": value}, endpoint=f"{oxigraph}/query").rows == []
    assert run_query("report-actors-by-hub", {"lang": "it"}, endpoint=f"{oxigraph}/query").rows


def test_unsafe_queries_never_reach_the_endpoint() -> None:
    with scripted([(200, JSON_TYPE, ONE_ROW.encode())]) as server:
        for text in ("SELECT * FROM <http://e.example/g> WHERE { ?s ?p ?o }", "DROP ALL",
                     f"SELECT * WHERE {{ SERVICE <{server.url}> {{ ?s ?p ?o }} }}"):  # fmt: skip
            with pytest.raises(QueryFailed, match="refused"):
                run_query(text, endpoint=server.url)
        assert server.requests == []


# --- faults ----------------------------------------------------------------------------------------------


def test_an_endpoint_that_is_down_gives_a_clear_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(EndpointError, match=r"cannot reach http://127\.0\.0\.1"):
        run_query("ASK {}", endpoint=Endpoint(url, timeout=2))
    command = [sys.executable, "-m", "lls_graph", "query", "cq-01", "--endpoint", url, "--timeout", "2"]
    cli = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 2 and "cannot reach" in cli.stderr


def test_an_endpoint_that_never_answers_times_out() -> None:
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
        started = time.monotonic()
        with pytest.raises(EndpointError, match="did not answer within 1 s"):
            run_query("ASK {}", endpoint=Endpoint(url, timeout=1))
        assert time.monotonic() - started < 5


def test_429_then_200_is_retried_after_retry_after() -> None:
    with scripted([(429, {"Retry-After": "1"}, b"slow down"), (200, JSON_TYPE, ONE_ROW.encode())]) as server:
        started = time.monotonic()
        result = run_query("SELECT ?x WHERE { ?s ?p ?x }", endpoint=server.url)
        assert time.monotonic() - started >= 1.0
        assert [t.value for t in result.rows[0]] == ["ok"]
        assert len(server.requests) == 2


def test_503_is_retried_with_backoff_then_given_up() -> None:
    with scripted([(503, {}, b"busy")]) as server:
        with pytest.raises(EndpointError, match=r"HTTP 503.*after 3 attempts"):
            run_query("ASK {}", endpoint=Endpoint(server.url, retries=2, backoff=0.05))
        assert len(server.requests) == 3


def test_500_gives_a_clear_error() -> None:
    with scripted([(500, {"Content-Type": "text/plain"}, b"the store is on fire")]) as server:
        with pytest.raises(EndpointError, match="answered HTTP 500"):
            run_query("ASK {}", endpoint=server.url)
        assert len(server.requests) == 1


@pytest.mark.parametrize("body", [b"<html>not results</html>", b'{"head": {"vars": ["x"]}, "results": 3}', b""])
def test_a_malformed_answer_gives_a_clear_error(body: bytes) -> None:
    with scripted([(200, JSON_TYPE, body)]) as server, pytest.raises(EndpointError, match="malformed"):
        run_query("SELECT ?x WHERE { ?s ?p ?x }", endpoint=server.url)


def test_requests_identify_us_and_carry_credentials_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLS_ENDPOINT_USER", "steward")
    monkeypatch.setenv("LLS_ENDPOINT_PASSWORD", "s3cret-Pa55")
    with scripted([(401, {"WWW-Authenticate": 'Basic realm="x"'}, b"no")]) as server:
        with pytest.raises(EndpointError) as caught:
            run_query("ASK {}", endpoint=Endpoint(server.url, kind="fuseki", timeout=7))
        assert "s3cret" not in str(caught.value) and "steward" not in str(caught.value)
        _, _, headers, body = server.requests[0]
        assert headers["User-Agent"] == USER_AGENT
        assert "timeout=7" in body.decode()  # the server's own timeout parameter
        cli = subprocess.run([sys.executable, "-m", "lls_graph", "query", "cq-01", "--endpoint", server.url],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert cli.returncode == 2 and "s3cret" not in cli.stdout + cli.stderr
        token = base64.b64encode(b"steward:s3cret-Pa55").decode()
        assert any(h.get("Authorization") == f"Basic {token}" for _, _, h, _ in server.requests)


def test_userinfo_in_the_url_is_not_shown() -> None:
    port = free_port()
    with pytest.raises(EndpointError) as caught:
        run_query("ASK {}", endpoint=Endpoint(f"http://user:hunter2@127.0.0.1:{port}/sparql", timeout=2))
    assert "hunter2" not in str(caught.value)


def test_publish_errors_are_clear() -> None:
    with pytest.raises(EndpointError, match="not an absolute IRI"):
        publish(Endpoint("http://127.0.0.1:9/store"), b"", "not an iri")
    with scripted([(403, {}, b"read-only")]) as server, pytest.raises(EndpointError, match="HTTP 403"):
        publish(Endpoint(server.url), PROJECT.asserted_graph.read_bytes())


def test_a_large_graph_is_published_in_chunks_and_a_blank_node_keeps_it_whole() -> None:
    lines = [f"<https://e.example/s{i}> <https://e.example/p> <https://e.example/o{i}> .\n" for i in range(5)]
    body = "".join(lines).encode()
    with scripted([(201, {}, b"")] * 3 + [(200, {"Content-Type": "application/n-triples"}, body)]) as server:
        report = publish(Endpoint(server.url), body, chunk_size=2)
    assert report.ok and report.triples_local == 5
    assert [m for m, _, _, _ in server.requests] == ["PUT", "POST", "POST", "GET"]
    sent = [parsed for _, _, _, data in server.requests[:3]
            for parsed in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]  # fmt: skip
    assert sorted(map(str, sent)) == sorted(map(str, ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
    blank = body + b"_:b <https://e.example/p> <https://e.example/o> .\n"
    with scripted([(201, {}, b""), (200, {"Content-Type": "application/n-triples"}, blank)]) as server:
        assert publish(Endpoint(server.url), blank, chunk_size=2).ok
    assert [m for m, _, _, _ in server.requests] == ["PUT", "GET"]
    incomplete = "after 2 of 5 triples: the graph on the server is incomplete"
    with scripted([(201, {}, b""), (500, {}, b"disk full")]) as server, pytest.raises(EndpointError, match=incomplete):
        publish(Endpoint(server.url, retries=0), body, chunk_size=2)


def test_a_password_echoed_by_the_server_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLS_ENDPOINT_USER", "steward")
    monkeypatch.setenv("LLS_ENDPOINT_PASSWORD", "s3cret-Pa55")
    with scripted([(500, {}, b"bad login steward:s3cret-Pa55")]) as server:
        with pytest.raises(EndpointError, match="HTTP 500") as caught:
            run_query("ASK {}", endpoint=server.url)
        assert "s3cret" not in str(caught.value)


def test_publish_sends_basic_credentials_where_no_digest_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLS_ENDPOINT_USER", "steward")
    monkeypatch.setenv("LLS_ENDPOINT_PASSWORD", "s3cret-Pa55")
    triple = b"<https://e.example/a> <https://e.example/b> <https://e.example/c> .\n"
    with scripted([(201, {}, b""), (200, {"Content-Type": "application/n-triples"}, triple)]) as server:
        report = publish(Endpoint(server.url), triple)
    assert report.ok
    token = base64.b64encode(b"steward:s3cret-Pa55").decode()
    assert [(m, h.get("Authorization")) for m, _, h, _ in server.requests] == [("PUT", f"Basic {token}"),
                                                                             ("GET", f"Basic {token}")]  # fmt: skip
