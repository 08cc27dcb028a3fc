"""Real servers for the tests: the Oxigraph server, Virtuoso, ``lls-graph serve``, a scripted loopback server.

No mocks: every test talks HTTP over 127.0.0.1 to a process or thread that really listens.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, timeout: float = 20.0, errors_count: bool = True) -> None:
    """Until ``url`` answers (any HTTP status, or only 2xx when ``errors_count`` is false)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.stderr and process.stderr.read()}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            if errors_count:
                return  # it answers
            time.sleep(0.2)
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up within {timeout} s")


@contextmanager
def running(command: list[str], probe: str, cwd: Path | None = None, log: Path | None = None,
            timeout: float = 20.0) -> Iterator[subprocess.Popen]:  # fmt: skip
    """Start ``command``, wait until ``probe`` answers, and stop the process by its pid afterwards.

    With ``log`` the output goes to that file (a chatty server never blocks on a full pipe) and only
    a 2xx answer counts as up (a server still initialising may answer errors).
    """
    out = log.open("ab") if log else None
    process = subprocess.Popen(command, cwd=cwd, stdout=out or subprocess.DEVNULL, stderr=out or subprocess.PIPE)
    try:
        _wait(probe, process, timeout, errors_count=log is None)
        yield process
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        if out:
            out.close()


def oxigraph_binary() -> str:
    candidate = BIN / "oxigraph"
    return str(candidate) if candidate.exists() else "oxigraph"


#: Virtuoso's configuration for a throw-away instance: every file in one folder, loopback ports,
#: small buffers, no scheduled checkpoints, and room for a whole graph in one answer (the Graph
#: Store read-back of ``publish`` is one answer; the default cap is 10,000 rows).
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
MaxClientConnections = 8
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
ServerThreads = 4
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its HTTP base URL, its SQL (isql) port, its folder and its process id."""

    base: str
    sql_port: int
    directory: Path
    pid: int

    @property
    def query(self) -> str:
        return f"{self.base}/sparql"

    @property
    def store(self) -> str:
        """The Graph Store endpoint that authenticates (HTTP Digest, user ``dba``, password ``dba``)."""
        return f"{self.base}/sparql-graph-crud-auth"


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


@contextmanager
def virtuoso(directory: Path, buffers: int = 10_000) -> Iterator[Virtuoso]:
    """A fresh Virtuoso with its database, logs and ini in ``directory``, on free loopback ports.

    ``buffers`` are 8 KB pages of cache (10,000: 80 MB). It runs in the foreground as our child and
    is stopped by its pid; a system instance (ports 1111/8890) is never touched.
    """
    binary = virtuoso_binary()
    if binary is None:
        raise RuntimeError("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource)")
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port,
                                       buffers=buffers, dirty=buffers * 3 // 4))  # fmt: skip
    base = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(ini)]
    probe = f"{base}/sparql?query=ASK%7B%7D"
    with running(command, probe, cwd=directory, log=directory / "virtuoso.out", timeout=120) as process:
        yield Virtuoso(base, sql_port, directory, process.pid)


@dataclass
class Scripted:
    """A loopback HTTP server answering from a script of (status, headers, body), recording requests."""

    script: list[tuple[int, dict[str, str], bytes]]
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                scripted.requests.append((self.command, self.path, dict(self.headers), body))
                index = min(len(scripted.requests), len(scripted.script)) - 1
                status, headers, payload = scripted.script[index]
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _answer

        return Handler


@contextmanager
def scripted(script: list[tuple[int, dict[str, str], bytes]]) -> Iterator[Scripted]:
    """A :class:`Scripted` server in a thread on a free port; ``url`` is its ``/sparql``."""
    state = Scripted(script)
    server = ThreadingHTTPServer(("127.0.0.1", 0), state.handler())
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
