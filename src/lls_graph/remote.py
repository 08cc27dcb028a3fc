"""Talk to SPARQL servers: run queries with SPARQLWrapper, publish graphs with the Graph Store Protocol.

Remote servers fail in ordinary ways (down, slow, rate-limited, broken) and each way gets its
own clear :class:`EndpointError`. Every request identifies us (``User-Agent``), has a client
timeout, passes the server's own timeout parameter where the server kind is known, and retries
429 and 503 answers with exponential backoff, waiting as long as ``Retry-After`` asks.
Credentials come from ``$LLS_ENDPOINT_USER`` / ``$LLS_ENDPOINT_PASSWORD`` and appear in no
message: URLs are shown without their user-info.
"""

from __future__ import annotations

import base64
import email.utils
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox

from . import __version__

if TYPE_CHECKING:
    from .query import Result

__all__ = [
    "CHUNK_SIZE",
    "USER_AGENT",
    "Endpoint",
    "EndpointError",
    "PublishReport",
    "counted_triples",
    "publish",
    "remote_query",
    "server_kind",
]

USER_AGENT = f"lls-graph/{__version__} (Lombardy life-sciences knowledge graph; +https://w3id.org/lls/)"
RETRY_CODES = (429, 503)
#: The query-timeout parameter of the servers that have one, and its unit.
SERVER_TIMEOUT = {"fuseki": ("timeout", 1), "graphdb": ("timeout", 1), "virtuoso": ("timeout", 1000)}
T = TypeVar("T")


class EndpointError(Exception):
    """The endpoint could not answer: unreachable, timed out, an HTTP error or a malformed answer."""


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL endpoint and how to talk to it."""

    url: str
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_wait: float = 30.0
    kind: str | None = None

    @property
    def shown(self) -> str:
        """The URL without user-info, for messages."""
        return redact(self.url)

    def credentials(self) -> tuple[str, str] | None:
        user = os.environ.get("LLS_ENDPOINT_USER")
        return (user, os.environ.get("LLS_ENDPOINT_PASSWORD", "")) if user else None


def redact(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        parts = parts._replace(netloc=netloc)
    return urllib.parse.urlunsplit(parts)


def server_kind(url: str) -> str | None:
    """Guess the server from its URL layout, to pass the right timeout parameter (None: unknown)."""
    parts = urllib.parse.urlsplit(url)
    if "/repositories/" in parts.path:
        return "graphdb"
    if parts.port == 8890 or "sparql-graph-crud" in parts.path:
        return "virtuoso"
    if parts.port == 3030:
        return "fuseki"
    return None


def retry_after(value: str | None, default: float) -> float:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, when.timestamp() - time.time())


def with_retries(endpoint: Endpoint, call: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """``call()``, retried on HTTP 429/503; other failures become an :class:`EndpointError`.

    A server may echo a request in its error body, so the password is scrubbed from every message.
    """
    try:
        return _attempts(endpoint, call, sleep)
    except EndpointError as exc:
        creds = endpoint.credentials()
        if creds and creds[1] and creds[1] in str(exc):
            raise EndpointError(str(exc).replace(creds[1], "***")) from None
        raise


def _attempts(endpoint: Endpoint, call: Callable[[], T], sleep: Callable[[float], None]) -> T:
    attempt = 0
    while True:
        try:
            return call()
        except urllib.error.HTTPError as exc:
            if exc.code in RETRY_CODES and attempt < endpoint.retries:
                wait = retry_after(exc.headers.get("Retry-After"), endpoint.backoff * 2**attempt)
                if wait > endpoint.max_wait:
                    raise EndpointError(f"{endpoint.shown} asks to retry in {wait:.0f} s; giving up") from None
                sleep(wait)
                attempt += 1
                continue
            body = _body(exc)
            tries = f" after {attempt + 1} attempts" if attempt else ""
            raise EndpointError(f"{endpoint.shown} answered HTTP {exc.code} {exc.reason}{tries}{body}") from None
        except TimeoutError:
            raise EndpointError(f"{endpoint.shown} did not answer within {endpoint.timeout:g} s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise EndpointError(f"{endpoint.shown} did not answer within {endpoint.timeout:g} s") from None
            raise EndpointError(f"cannot reach {endpoint.shown}: {exc.reason}") from None
        except ConnectionError as exc:
            raise EndpointError(f"cannot reach {endpoint.shown}: {exc}") from None


def _body(exc: urllib.error.HTTPError) -> str:
    try:
        text = exc.read(500).decode("utf-8", "replace").strip()
    except Exception:
        return ""
    return f": {text}" if text else ""


# --- queries (SPARQL 1.1 Protocol, through SPARQLWrapper) ------------------------------------------------


def _wrapper(endpoint: Endpoint, text: str, form: str):  # -> SPARQLWrapper
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    sparql = SPARQLWrapper(endpoint.url, agent=USER_AGENT)
    sparql.setMethod(POST)
    sparql.setOnlyConneg(True)
    sparql.setTimeout(max(1, round(endpoint.timeout)))
    sparql.setQuery(text)
    sparql.queryType = form  # our tokenizer's form: SPARQLWrapper's regex reads "add" in prose as ADD
    sparql.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
    kind = endpoint.kind or server_kind(endpoint.url)
    if kind in SERVER_TIMEOUT:
        name, scale = SERVER_TIMEOUT[kind]
        sparql.addParameter(name, str(round(endpoint.timeout * scale)))
    creds = endpoint.credentials()
    if creds:
        sparql.setCredentials(*creds)
    return sparql


def _send(sparql, endpoint: Endpoint) -> tuple[bytes, str]:
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    codes = {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404, "URITooLong": 414,
             "EndPointInternalError": 500}  # fmt: skip
    try:
        response = sparql.query().response
        return response.read(), response.headers.get("Content-Type", "")
    except SPARQLWrapperException as exc:
        code = codes.get(type(exc).__name__, "error")
        detail = str(exc).split("Response:\n", 1)[-1][:500] if "Response:" in str(exc) else ""
        raise EndpointError(f"{endpoint.shown} answered HTTP {code}: {type(exc).__name__}"
                            + (f": {detail}" if detail else "")) from None  # fmt: skip


def remote_query(endpoint: Endpoint, text: str, form: str) -> Result:
    """Run ``text`` (already guarded and bound) on ``endpoint``; the answer as a :class:`Result`."""
    from .query import Result

    graph = form in ("CONSTRUCT", "DESCRIBE")
    sparql = _wrapper(endpoint, text, form)
    body, content_type = with_retries(endpoint, lambda: _send(sparql, endpoint))
    try:
        if graph:
            media = content_type.split(";")[0].strip() or "text/turtle"
            fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE
            return Result(form, triples=[q.triple for q in ox.parse(body, format=fmt)])
        answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        raise EndpointError(f"{endpoint.shown} sent a malformed answer ({content_type or 'no type'}): {exc}") from None
    if isinstance(answer, ox.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    names = [v.value for v in answer.variables]
    try:
        return Result("SELECT", names, [tuple(s[n] for n in names) for s in answer])
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"{endpoint.shown} sent a malformed answer: {exc}") from None


# --- publishing (SPARQL 1.1 Graph Store HTTP Protocol) ---------------------------------------------------


@dataclass(frozen=True)
class PublishReport:
    """What ``publish`` sent and what the server holds afterwards."""

    url: str
    graph: str | None
    triples_local: int
    triples_remote: int

    @property
    def ok(self) -> bool:
        return self.triples_local == self.triples_remote


def graph_url(url: str, graph: str | None) -> str:
    """The Graph Store Protocol URL of ``graph`` (``?graph=IRI``) or of the default graph (``?default``)."""
    query = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _head(url: str) -> urllib.request.Request:
    """A body-less request: it asks for the server's challenge without sending a graph first."""
    return urllib.request.Request(url, method="HEAD", headers={"User-Agent": USER_AGENT})


def _challenge(endpoint: Endpoint, url: str) -> str:
    """The ``WWW-Authenticate`` challenge a body-less ``HEAD`` of ``url`` gets ('' when none)."""
    try:
        urllib.request.urlopen(_head(url), timeout=endpoint.timeout).close()
    except urllib.error.HTTPError as exc:
        return exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
    except OSError:
        pass  # the real request reports what is wrong
    return ""


def _check_password(endpoint: Endpoint, url: str, digest: urllib.request.HTTPDigestAuthHandler) -> None:
    """Raise the server's 401 (or 429/503) to an authenticated ``HEAD``; any other answer accepts it."""
    try:
        urllib.request.build_opener(digest).open(_head(url), timeout=endpoint.timeout).close()
    except urllib.error.HTTPError as exc:
        if exc.code == 401 or exc.code in RETRY_CODES:
            raise


def _authorise(endpoint: Endpoint, request: urllib.request.Request) -> list[urllib.request.BaseHandler]:
    """Put the credentials on ``request``: HTTP Basic, or the answer to the server's Digest challenge.

    A Digest server (Virtuoso's ``-auth`` endpoints) answers a Basic header with a bare 401 and may
    close the connection on an unauthenticated ``PUT`` while the body is still on its way, so
    body-less ``HEAD`` requests fetch the challenge and check the password first, and the ``PUT``
    carries the answer to the challenge. The returned handler answers a later one (a stale nonce).
    """
    url, creds = request.full_url, endpoint.credentials()
    if not creds:
        return []
    challenge = _challenge(endpoint, url)
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, endpoint.url, *creds)
    digest = urllib.request.HTTPDigestAuthHandler(passwords)
    if challenge[:7].lower() == "digest ":
        with_retries(endpoint, lambda: _check_password(endpoint, url, digest))
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge[7:]))
        request.add_unredirected_header("Authorization", f"Digest {digest.get_authorization(request, fields)}")
    else:
        token = base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    return [digest]


def _request(endpoint: Endpoint, url: str, method: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[bytes, str]:  # fmt: skip
    """One HTTP request to the Graph Store, authenticated by :func:`_authorise`, retried by :func:`with_retries`."""
    all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    request = urllib.request.Request(url, data=body, method=method, headers=all_headers)
    opener = urllib.request.build_opener(*_authorise(endpoint, request))

    def call() -> tuple[bytes, str]:
        try:
            with opener.open(request, timeout=endpoint.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.URLError as exc:  # a server that wants credentials may cut an upload short
            if isinstance(exc, urllib.error.HTTPError) or body is None or endpoint.credentials():
                raise
            if _challenge(endpoint, url):
                raise EndpointError(f"{endpoint.shown} answered HTTP 401 Unauthorized: set $LLS_ENDPOINT_USER "
                                    "and $LLS_ENDPOINT_PASSWORD") from None  # fmt: skip
            raise

    return with_retries(endpoint, call)


def remote_triples(endpoint: Endpoint, graph: str | None) -> int:
    """How many triples the server holds in ``graph``, read back through the Graph Store Protocol."""
    body, content_type = _request(endpoint, graph_url(endpoint.url, graph), "GET",
                                  headers={"Accept": "application/n-triples, text/turtle;q=0.9"})  # fmt: skip
    fmt = ox.RdfFormat.from_media_type(content_type.split(";")[0].strip()) or ox.RdfFormat.TURTLE
    try:
        return sum(1 for _ in ox.parse(body, format=fmt))
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(f"{endpoint.shown} sent a malformed graph: {exc}") from None


def counted_triples(endpoint: Endpoint, graph: str | None) -> int:
    """How many triples ``graph`` holds, by a SPARQL ``COUNT`` on the query ``endpoint``.

    Reading a graph back through the Graph Store does not scale: Virtuoso refuses to send the 7.3 M
    triples of 100 k organisations in one answer ("The result vector is too large").
    """
    pattern = f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    result = remote_query(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", "SELECT")
    try:
        return int(result.rows[0][0].value)
    except (IndexError, AttributeError, ValueError):
        raise EndpointError(f"{endpoint.shown} sent no triple count") from None


#: Triples per request when publishing a large graph (~7 MB of N-Triples). Virtuoso stalls on large
#: requests (lock waits, idle): one ``PUT`` of the 7.3 M triples of 100 k organisations, and a first
#: chunk of 1 M triples, never finished. Chunks of 50,000 and 250,000 took the same time there (81 s,
#: 85 s), and the smaller ones less memory on both sides (docs/stores.md).
CHUNK_SIZE = 50_000


def publish(endpoint: Endpoint, turtle: bytes, graph: str | None = None, chunk_size: int = CHUNK_SIZE,
            count_endpoint: Endpoint | None = None) -> PublishReport:  # fmt: skip
    """Replace ``graph`` (default: the default graph) on the server with ``turtle``, then count it back.

    ``PUT`` has replace semantics, so publishing twice leaves one copy. A graph of more than
    ``chunk_size`` triples (0: never) without blank nodes is sent as a ``PUT`` of its first
    ``chunk_size`` triples and a ``POST`` (add) of each further chunk, as N-Triples: blank nodes
    would be renamed per request, so a graph with any goes in one request. The count is read back
    through the Graph Store, or asked of ``count_endpoint`` (a SPARQL query endpoint) when given.
    """
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as exc:
            raise EndpointError(f"--graph {graph!r} is not an absolute IRI ({exc})") from None
    local, blank = 0, False
    for triple in ox.parse(turtle, format=ox.RdfFormat.TURTLE):
        local += 1
        blank = blank or isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)
    url = graph_url(endpoint.url, graph)
    if blank or chunk_size <= 0 or local <= chunk_size:
        _request(endpoint, url, "PUT", turtle, {"Content-Type": "text/turtle"})
    else:
        _publish_chunks(endpoint, url, turtle, chunk_size, local)
    remote = counted_triples(count_endpoint, graph) if count_endpoint else remote_triples(endpoint, graph)
    return PublishReport(endpoint.shown, graph, local, remote)


def _publish_chunks(endpoint: Endpoint, url: str, turtle: bytes, chunk_size: int, total: int) -> None:
    triples = ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    sent = 0
    while chunk := list(islice(triples, chunk_size)):
        body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)  # N-Triples is Turtle too
        try:
            _request(endpoint, url, "POST" if sent else "PUT", body, {"Content-Type": "text/turtle"})
        except EndpointError as exc:
            if not sent:
                raise
            raise EndpointError(f"{exc} (after {sent:,} of {total:,} triples: the graph on the server is "
                                "incomplete, publish again)") from None  # fmt: skip
        sent += len(chunk)
