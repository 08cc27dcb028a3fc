"""``lls-graph serve``, as a real process: SPARQL 1.1 Protocol, content negotiation, read-only, time limit."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import free_port, running, scripted
from test_competency import EXPECTED

from lls_graph.config import Namespaces, Project
from lls_graph.query import run_query
from lls_graph.serve import make_server, serve_in_thread
from lls_graph.site import Model, rdf_bytes, render_index, render_page
from lls_graph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project(root=ROOT)
MIND = "https://w3id.org/lls/id/mind"
CQ01 = (ROOT / "queries" / "cq-01-mind-members.rq").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """Base URL of ``lls-graph serve`` running over the built graph."""
    port = free_port()
    command = [sys.executable, "-m", "lls_graph", "serve", "--port", str(port), "--root", str(ROOT)]
    with running(command, f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}"


def get(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None,
        method: str | None = None) -> tuple[int, str, bytes]:  # fmt: skip
    headers = {k: v for k, v in (("Accept", accept), ("Content-Type", content_type)) if v}
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def test_sparqlwrapper_queries_the_server(served: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    sparql = SPARQLWrapper(f"{served}/sparql")
    sparql.setQuery(CQ01)
    sparql.setReturnFormat(JSON)
    answer = sparql.query().convert()
    assert {(b["name"]["value"],) for b in answer["results"]["bindings"]} == EXPECTED["cq-01-mind-members"]


def test_a_plain_http_client_queries_the_server(served: str) -> None:
    url = f"{served}/sparql?" + urllib.parse.urlencode({"query": CQ01})
    status, media, body = get(url, "text/csv")
    assert status == 200 and media.startswith("text/csv")
    assert {(line,) for line in body.decode().splitlines()[1:]} == EXPECTED["cq-01-mind-members"]
    status, media, body = get(f"{served}/sparql", "application/sparql-results+json", CQ01.encode(),
                              "application/sparql-query")  # fmt: skip
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == len(EXPECTED["cq-01-mind-members"])
    status, media, body = get(f"{served}/sparql", "application/sparql-results+xml",
                              urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode(),
                              "application/x-www-form-urlencoded")  # fmt: skip
    assert status == 200 and b"<boolean>true</boolean>" in body


@pytest.mark.parametrize("name", ["cq-06-pharma-lombardy-figures", "cq-23-deck-lombardy-largest",
                                  "report-hub-network", "report-actors-by-hub"])  # fmt: skip
def test_the_server_answers_like_the_embedded_store(served: str, name: str) -> None:
    local = run_query(name, {"lang": "it"} if name == "report-actors-by-hub" else None, project=PROJECT)
    remote = run_query(name, {"lang": "it"} if name == "report-actors-by-hub" else None, project=PROJECT,
                       endpoint=f"{served}/sparql")  # fmt: skip
    assert (remote.rows, remote.boolean, set(remote.triples)) == (
        local.rows,
        local.boolean,
        set(local.triples),
    )


def test_entities_dereference_by_content_negotiation(served: str) -> None:
    store = open_store(PROJECT)
    own = {q.triple for q in store.quads_for_pattern(ox.NamedNode(MIND), None, None)}
    status, media, body = get(f"{served}/id/mind", "text/turtle")
    assert status == 200 and media.startswith("text/turtle")
    described = {q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)}
    assert own < described  # and the axioms and quotes of its facts
    assert {t.subject.value for t in described} - {MIND} and all(
        t.subject.value.startswith(("https://w3id.org/lls/id/statement/", "https://w3id.org/lls/id/quote/"))
        for t in described - own
    )
    status, media, body = get(f"{served}/id/mind", "application/ld+json")
    assert status == 200 and media == "application/ld+json"
    assert {q.triple for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)} == described
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, media, body = get(f"{served}/id/mind", browser)
    assert status == 200 and media.startswith("text/html")
    assert b"<h1>Milan Innovation District</h1>" in body
    assert get(f"{served}/id/mind", "image/png")[0] == 406
    assert get(f"{served}/id/no-such-entity", "text/turtle")[0] == 404
    assert get(f"{served}/id/mind.png")[0] == 404
    assert get(f"{served}/id/statement")[0] == 404


def test_serve_answers_the_same_pages_and_files_as_the_site(served: str) -> None:
    model = Model.from_store(open_store(PROJECT), Namespaces(), PROJECT.ontology)
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for name in ("mind", "period/2018", "fig-deck-production-value-lombardy-2018"):
        iri = f"https://w3id.org/lls/id/{name}"
        page = render_page(model, iri).encode("utf-8")
        assert get(f"{served}/id/{name}", browser)[2] == page
        assert get(f"{served}/id/{name}.html", "text/turtle")[2] == page  # a file is a file, whatever Accept says
        for ext, media in (("ttl", "text/turtle"), ("jsonld", "application/ld+json")):
            status, served_media, body = get(f"{served}/id/{name}.{ext}")
            assert status == 200 and served_media.startswith(media) and body == rdf_bytes(model, iri, ext)
    index = render_index(model).encode("utf-8")
    assert get(f"{served}/")[2] == index and get(f"{served}/index.html")[2] == index


def test_updates_are_refused(served: str) -> None:
    insert = "INSERT DATA { <https://w3id.org/lls/id/x> <https://w3id.org/lls/id/p> 'x' }"
    assert get(f"{served}/sparql", None, insert.encode(), "application/sparql-update")[0] == 403
    form = urllib.parse.urlencode({"update": insert}).encode()
    assert get(f"{served}/sparql", None, form, "application/x-www-form-urlencoded")[0] == 403
    assert get(f"{served}/sparql?" + urllib.parse.urlencode({"update": insert}))[0] == 403
    assert get(f"{served}/sparql?" + urllib.parse.urlencode({"query": insert}))[0] == 403
    assert get(f"{served}/id/mind", None, b"<a:a> <a:a> <a:a> .", "text/turtle", method="PUT")[0] == 405
    ask = urllib.parse.urlencode({"query": "ASK { <https://w3id.org/lls/id/x> ?p ?o }"})
    assert json.loads(get(f"{served}/sparql?{ask}", "application/sparql-results+json")[2])["boolean"] is False


def test_service_from_a_public_query_never_leaves_the_server(served: str) -> None:
    with scripted([(200, {"Content-Type": "application/sparql-results+json"}, b"{}")]) as remote:
        query = f"SELECT * WHERE {{ SERVICE <{remote.url}> {{ ?s ?p ?o }} }}"
        status, _, body = get(f"{served}/sparql?" + urllib.parse.urlencode({"query": query}))
        assert status == 403 and b"SERVICE is refused" in body
        assert remote.requests == []


def test_syntax_errors_are_400_with_a_position(served: str) -> None:
    status, _, body = get(f"{served}/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE {\n ?s ?p }"}))
    assert status == 400 and b"syntax error at line" in body


def test_a_query_past_the_time_limit_is_stopped() -> None:
    server = make_server(store=open_store(PROJECT), port=0, time_limit=0.5)
    serve_in_thread(server)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql?"
        cross = urllib.parse.urlencode({"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})  # 10^9 rows
        started = time.monotonic()
        status, _, body = get(url + cross, "text/csv")
        assert status == 503 and b"time limit" in body
        assert time.monotonic() - started < 5
        assert get(url + urllib.parse.urlencode({"query": "ASK {}"}), "application/json")[0] == 200
    finally:
        server.shutdown()
        server.server_close()


def test_serve_command_reports_a_busy_port() -> None:
    server = make_server(store=ox.Store(), port=0)
    try:
        port = server.server_address[1]
        command = [sys.executable, "-m", "lls_graph", "serve", "--port", str(port), "--root", str(ROOT)]
        cli = subprocess.run(command, capture_output=True, text=True, timeout=30)
        assert cli.returncode == 2 and "error:" in cli.stderr
    finally:
        server.server_close()
