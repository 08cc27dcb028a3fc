"""``lls-graph serve``: a read-only SPARQL 1.1 Protocol endpoint and linked data, on 127.0.0.1.

Why our own small server rather than ``oxigraph serve-read-only``: a public query must pass the
same :func:`lls_graph.sparql.guard` as the CLI (Oxigraph's server would run ``SERVICE`` and reach
the network), and entity IRIs must dereference. ``/sparql`` answers the SPARQL 1.1 Protocol (GET,
POST form, POST ``application/sparql-query``) with results chosen by ``Accept``; updates get 403.
``/id/<name>`` answers the entity as Turtle, JSON-LD or HTML by ``Accept``, and ``/id/<name>.html``
(``.ttl``, ``.jsonld``) and ``/index.html`` answer the files of ``lls-graph site``: the pages are the
same bytes, made by the same renderer (:mod:`lls_graph.site`) from a model read once at start.

Each query runs in a worker thread under a time limit: the answer is a 503 when the limit passes.
A query is stopped between result rows; a single long step (a large sort) runs to its end in the
background, but its answer is dropped.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from .config import Namespaces, Project
from .query import QueryFailed, Result, format_result, syntax_message
from .site import MEDIA, Model, rdf_bytes, render_index, render_page
from .sparql import UnsafeQuery, guard

__all__ = ["QueryTimeout", "accept", "make_server"]

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
ENTITY_TYPES = ("text/turtle", "application/ld+json", "text/html", "application/n-triples")


class QueryTimeout(Exception):
    """The query ran past the server's time limit."""


def accept(header: str | None, offered: tuple[str, ...] | list[str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (first offered on ties; None if none fits).

    >>> accept("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", ["text/turtle", "text/html"])
    'text/html'
    >>> accept(None, ["text/turtle", "text/html"])
    'text/turtle'
    """
    if not header:
        return offered[0]
    best, best_q = None, 0.0
    ranges = []
    for part in header.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    for index, media in enumerate(offered):
        for pattern, q in ranges:
            kind = media.split("/")[0]
            specific = 2 if pattern == media else 1 if pattern == f"{kind}/*" else 0 if pattern == "*/*" else -1
            if specific < 0:
                continue
            score = q + specific * 1e-3 - index * 1e-6
            if q > 0 and score > best_q:
                best, best_q = media, score
    return best


def _collect(store: ox.Store, text: str, deadline: float) -> Result:
    """Run and materialise ``text``, stopping between rows once ``deadline`` passed.

    pyoxigraph's result iterators belong to the thread that made them, so the iterator is
    dropped here, before an exception carries this frame to the request thread.
    """
    answer = store.query(text)
    try:
        if isinstance(answer, ox.QueryBoolean):
            return Result("ASK", boolean=bool(answer))
        names = [v.value for v in answer.variables] if isinstance(answer, ox.QuerySolutions) else []
        items = []
        for item in answer:
            if time.monotonic() > deadline:
                raise QueryTimeout
            items.append(tuple(item[n] for n in names) if names else item)
        if isinstance(answer, ox.QuerySolutions):
            return Result("SELECT", names, items)
        return Result("CONSTRUCT", triples=items)
    finally:
        del answer


class Handler(BaseHTTPRequestHandler):
    """Routes: ``/sparql`` (queries), ``/id/...`` (entities), ``/`` and ``/index.html`` (the site's index)."""

    server_version = "lls-graph-serve"
    store: ox.Store
    model: Model
    ns: Namespaces
    time_limit: float
    pool: ThreadPoolExecutor

    def log_message(self, format: str, *args: object) -> None:  # quiet: the CLI says where it listens
        pass

    def _send(self, status: int, body: str | bytes, media: str, extra: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", f"{media}; charset=utf-8" if media.startswith("text/") else media)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send(status, message + "\n", "text/plain")

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/sparql":
            params = urllib.parse.parse_qs(url.query)
            if "update" in params:
                return self._error(403, "updates are refused: this endpoint is read-only")
            if "query" not in params:
                return self._error(400, "missing 'query' parameter (SPARQL 1.1 Protocol)")
            return self._query(params["query"][0])
        if url.path.startswith("/id/"):
            return self._entity(urllib.parse.unquote(url.path[len("/id/") :]))
        if url.path in ("/", "/index.html"):
            return self._send(200, render_index(self.model), "text/html")
        return self._error(404, "not found")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            return self._error(405, "read-only: only /sparql accepts POST")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            return self._error(403, "updates are refused: this endpoint is read-only")
        if media == "application/sparql-query":
            return self._query(body)
        if media == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body)
            if "update" in form:
                return self._error(403, "updates are refused: this endpoint is read-only")
            if "query" in form:
                return self._query(form["query"][0])
            return self._error(400, "missing 'query' parameter (SPARQL 1.1 Protocol)")
        return self._error(415, f"unsupported Content-Type {media!r}")

    def _refuse(self) -> None:
        self._error(405, "read-only endpoint: updates and graph writes are refused")

    do_PUT = do_DELETE = do_PATCH = _refuse

    def _query(self, text: str) -> None:
        try:
            form = guard(text)
        except UnsafeQuery as exc:
            status = 403 if "refused" in str(exc) else 400
            return self._error(status, str(exc))
        deadline = time.monotonic() + self.time_limit
        future = self.pool.submit(_collect, self.store, text, deadline)
        try:
            result = future.result(timeout=self.time_limit + 0.5)
        except SyntaxError as exc:
            return self._error(400, syntax_message(exc))
        except (QueryTimeout, FutureTimeout):
            return self._error(503, f"query time limit of {self.time_limit:g} s exceeded")
        except OSError as exc:
            return self._error(500, f"query failed: {exc}")
        self._answer(result, form)

    def _answer(self, result: Result, form: str) -> None:
        header = self.headers.get("Accept")
        if form in ("CONSTRUCT", "DESCRIBE"):
            media = accept(header, list(GRAPH_TYPES))
            if media is None:
                return self._error(406, f"graph results are offered as {', '.join(GRAPH_TYPES)}")
            data = ox.serialize(result.triples, format=GRAPH_TYPES[media], prefixes=self.ns.prefixes()
                                if media == "text/turtle" else None)  # fmt: skip
            return self._send(200, data, media)
        media = accept(header, list(RESULT_TYPES))
        if media is None:
            return self._error(406, f"results are offered as {', '.join(RESULT_TYPES)}")
        fmt = RESULT_TYPES[media]
        try:
            if fmt == "xml":
                parsed = ox.parse_query_results(
                    format_result(result, "json").encode(), format=ox.QueryResultsFormat.JSON
                )
                data = parsed.serialize(format=ox.QueryResultsFormat.XML)
            else:
                data = format_result(result, fmt, self.ns).encode("utf-8")
        except QueryFailed as exc:
            return self._error(500, str(exc))
        self._send(200, data, "application/sparql-results+json" if media == "application/json" else media)

    def _entity(self, name: str) -> None:
        """``name`` with an extension is one of the site's files; without, the media type is negotiated."""
        stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
        iri = str(self.ns.id) + stem
        if iri not in self.model.entities or (dot and ext not in ("html", *MEDIA)):
            return self._error(404, f"no entity {iri}")
        if dot:
            media = "text/html" if ext == "html" else MEDIA[ext][0]
        else:
            media = accept(self.headers.get("Accept"), ENTITY_TYPES)
            if media is None:
                return self._error(406, f"entities are offered as {', '.join(ENTITY_TYPES)}")
        if media == "text/html":
            return self._send(200, render_page(self.model, iri), media)
        extension = {m: e for e, (m, _) in MEDIA.items()}.get(media)
        if extension:
            return self._send(200, rdf_bytes(self.model, iri, extension), media)
        self._send(200, ox.serialize(self.model.describe(iri), format=GRAPH_TYPES[media]), media)


def make_server(project: Project | None = None, port: int = 8000, *, time_limit: float = 10.0,
                ns: Namespaces | None = None, asserted: bool = False,
                store: ox.Store | None = None) -> ThreadingHTTPServer:  # fmt: skip
    """A server on 127.0.0.1:``port`` (0: any free port) over the built graph; call ``serve_forever``.

    The entity pages are rendered from a :class:`~lls_graph.site.Model` of the store, read here once
    (under a second for the seed graph), with the labels of the project's ontology.
    """
    if store is None:
        from .store import open_store

        store = open_store(project or Project(), "asserted" if asserted else "inferred")
    ns = ns or Namespaces()
    ontology = (project or Project()).ontology
    model = Model.from_store(store, ns, ontology if ontology.is_file() else None)
    attributes = {"store": store, "ns": ns, "model": model, "time_limit": time_limit,
                  "pool": ThreadPoolExecutor(max_workers=4, thread_name_prefix="lls-query")}  # fmt: skip
    handler = type("BoundHandler", (Handler,), attributes)
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Run ``server`` in a daemon thread (for tests and notebooks); stop it with ``server.shutdown()``."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
