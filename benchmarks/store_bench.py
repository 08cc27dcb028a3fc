"""Triple-store benchmark: publish a built graph to the Oxigraph server and to Virtuoso, then time the catalogue.

Run from the repository root, on the repository's graph or on a built synthetic project::

    python benchmarks/store_bench.py
    lls-graph synth 100000 -o /tmp/s100k && lls-graph build --root /tmp/s100k --seeds /tmp/s100k/seeds
    python benchmarks/store_bench.py --root /tmp/s100k --bulk

Both servers are our own children on free loopback ports (``tests/servers.py``), with their data in
a temporary folder (``--work``). Loading is the documented route, ``lls-graph publish`` (a Graph
Store ``PUT`` of the first chunk, a ``POST`` of each further one, and a SPARQL ``COUNT`` of what the
server holds: ``--count-endpoint``; Virtuoso cannot send 7.3 M triples back in one answer), timed as a
child process with its peak memory and the server's (``VmHWM``); ``--chunk-sizes 50000,250000,1000000``
times each chunk size on Virtuoso, each in a fresh server. ``--bulk`` adds each server's own bulk
loader (``oxigraph load`` into a fresh store; Virtuoso's ``ld_dir`` + ``rdf_loader_run`` through
isql); ``--bulk-only`` loads the queried graphs with those loaders and skips ``publish``.
Then every catalogue query of this repository, with its defaults, runs ``--repeat`` times on the
embedded store (``lls_graph.query.run_query``, warm) and through ``--endpoint`` on each server; the
table shows the medians (the embedded store twice: ``run_query`` as the CLI calls it, which opens
the store and checks its fingerprint each time, and ``run_query(store=...)`` on a store opened once)
and whether each server's answer is the embedded one (``same``: equal rows
in order, equal triples; DESCRIBE: the entity's own triples), then median / max / total per column.
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the servers the integration tests start, started the same way

GRAPH = "https://w3id.org/lls/graph"
DBA = {"LLS_ENDPOINT_USER": "dba", "LLS_ENDPOINT_PASSWORD": "dba"}


@dataclass(frozen=True)
class Load:
    """One way of loading the graph into a store, timed, with the peak memory of both sides where known."""

    store: str
    route: str
    seconds: float
    server_mb: float | None = None
    client_mb: float | None = None


def _wall(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str, float | None]:
    """Wall seconds, output and peak resident MB (GNU time, when installed) of one child; a failure stops us."""
    gnu_time = Path("/usr/bin/time").exists()
    with tempfile.NamedTemporaryFile("r") as peak:
        prefix = ["/usr/bin/time", "-o", peak.name, "-f", "%M"] if gnu_time else []
        started = time.perf_counter()
        done = subprocess.run([*prefix, *command], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, **(env or {})})  # fmt: skip
        seconds = time.perf_counter() - started
        kilobytes = peak.read().strip().splitlines()[-1:] if gnu_time else []
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds, done.stdout + done.stderr, int(kilobytes[0]) / 1024 if kilobytes else None


def _peak_mb(pid: int) -> float | None:
    """A running process's peak resident memory so far (``VmHWM``), MB; None off Linux."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), None)


def _publish(root: Path, store: str, graph: str | None, timeout: float, chunk_size: int | None, query: str,
             env: dict[str, str] | None = None) -> tuple[float, float | None]:  # fmt: skip
    """``lls-graph publish`` as a user runs it, counting with a SPARQL query: wall seconds, the client's peak MB."""
    command = [sys.executable, "-m", "lls_graph", "publish", "--root", str(root), "--endpoint", store,
               "--timeout", str(timeout), "--count-endpoint", query, *(["--graph", graph] if graph else []),
               *(["--chunk-size", str(chunk_size)] if chunk_size is not None else [])]  # fmt: skip
    seconds, out, client_mb = _wall(command, env)
    if "on the server" not in out:
        raise SystemExit(out)
    return seconds, client_mb


def _route(chunk_size: int) -> str:
    return f"lls-graph publish, chunks of {chunk_size:,} (PUT + POSTs + COUNT)"


def publish_virtuoso(root: Path, vt, chunk_size: int, timeout: float) -> Load:
    """Publish to ``vt`` in chunks of ``chunk_size``; the server's peak is read before it stops."""
    seconds, client_mb = _publish(root, vt.store, GRAPH, timeout, chunk_size, vt.query, DBA)
    return Load("Virtuoso", _route(chunk_size), seconds, _peak_mb(vt.pid), client_mb)


def _isql(sql_port: int, statement: str) -> float:
    return _wall(["isql-vt", str(sql_port), "dba", "dba", f"exec={statement}"])[0]


def _same(local, remote) -> bool:
    """The answer a test of ``tests/test_stores.py`` would accept (DESCRIBE: the entity's own triples)."""
    if local.form == "SELECT":
        return [tuple(map(str, r)) for r in local.rows] == [tuple(map(str, r)) for r in remote.rows]
    if local.form == "ASK":
        return local.boolean == remote.boolean
    if local.form == "DESCRIBE":
        described = {t.subject for t in local.triples}
        return sorted(str(t) for t in remote.triples if t.subject in described) == sorted(map(str, local.triples))
    return sorted(map(str, local.triples)) == sorted(map(str, remote.triples))


def _median(work, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def bench_queries(project, endpoints: dict[str, str], repeat: int, timeout: float) -> list[tuple[str, ...]]:
    from lls_graph.catalogue import load_catalogue
    from lls_graph.query import run_query
    from lls_graph.remote import Endpoint
    from lls_graph.store import open_store

    run_query("ASK {}", project=project)  # the persistent store is (re)built on first use
    rows, store = [], open_store(project)
    for name, entry in load_catalogue(ROOT / "queries").items():
        run_query(entry, project=project)  # warm
        local_s, local = _median(lambda e=entry: run_query(e, project=project), repeat)
        open_s, _ = _median(lambda e=entry: run_query(e, project=project, store=store), repeat)
        cells = [name, f"{local_s * 1000:.1f}", f"{open_s * 1000:.1f}"]
        for url in endpoints.values():
            target = Endpoint(url, timeout=timeout)
            remote_s, remote = _median(lambda e=entry, t=target: run_query(e, project=project, endpoint=t), repeat)
            cells += [f"{remote_s * 1000:.1f}", "same" if _same(local, remote) else "DIFFERS"]
        rows.append(tuple(cells))
    return rows


def main(args: argparse.Namespace) -> None:
    import pyoxigraph as ox
    from servers import free_port, oxigraph_binary, running, virtuoso

    from lls_graph.config import Project

    project = Project(root=Path(args.root))
    turtle = project.inferred_graph
    triples = sum(1 for _ in ox.parse(path=turtle, format=ox.RdfFormat.TURTLE))
    work = Path(tempfile.mkdtemp(prefix="store-bench-", dir=args.work))
    print(f"graph: {turtle} ({triples:,} triples, {turtle.stat().st_size / 1e6:.1f} MB)")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"pyoxigraph {ox.__version__ if hasattr(ox, '__version__') else '?'}")  # fmt: skip
    loads: list[Load] = []
    sizes = [int(size) for size in args.chunk_sizes.split(",")]
    try:
        for number, size in enumerate([] if args.bulk_only else sizes[:-1]):  # each in a fresh server, stopped
            with virtuoso(_fresh(work / f"virtuoso-{number}"), buffers=args.buffers) as vt:
                _record(loads, publish_virtuoso(project.root, vt, size, args.timeout))
            shutil.rmtree(vt.directory)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        if args.bulk_only:
            _record(loads, oxigraph_bulk(turtle, work / "oxigraph"))  # the store the server then serves
        command = [oxigraph_binary(), "serve", "--location", str(work / "oxigraph"), "--bind", f"127.0.0.1:{port}"]
        with running(command, f"{base}/") as oxigraph:
            if not args.bulk_only:
                seconds, client_mb = _publish(
                    project.root, f"{base}/store", None, args.timeout, sizes[0], f"{base}/query"
                )
                _record(loads, Load("Oxigraph server", _route(sizes[0]), seconds, _peak_mb(oxigraph.pid), client_mb))
            with virtuoso(_fresh(work / "virtuoso"), buffers=args.buffers) as vt:
                if args.bulk_only:
                    _record(loads, virtuoso_bulk(turtle, vt, GRAPH))
                else:
                    _record(loads, publish_virtuoso(project.root, vt, sizes[-1], args.timeout))
                if args.bulk:
                    loads += [oxigraph_bulk(turtle, work / "oxigraph-bulk"), virtuoso_bulk(turtle, vt, f"{GRAPH}/bulk")]
                default_graph = urllib.parse.urlencode({"default-graph-uri": GRAPH})
                endpoints = {"Oxigraph server": f"{base}/query", "Virtuoso": f"{vt.query}?{default_graph}"}
                rows = bench_queries(project, endpoints, args.repeat, args.timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_tables(loads, triples, rows, args.repeat)


def _record(loads: list[Load], load: Load) -> None:
    """Keep ``load`` and show it at once: a later stall or failure must not lose what was measured."""
    loads.append(load)
    print(f"loaded: {load}", file=sys.stderr, flush=True)


def _fresh(directory: Path) -> Path:
    directory.mkdir()
    return directory


def _mb(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else ""


def print_tables(loads: list[Load], triples: int, rows: list[tuple[str, ...]], repeat: int) -> None:
    """The loading table, the per-query table, and median / max / total of each timing column."""
    print("\n| store | route | wall s | triples/s | server peak MB | client peak MB |\n|---|---|---:|---:|---:|---:|")
    for load in loads:
        print(f"| {load.store} | {load.route} | {load.seconds:.1f} | {triples / load.seconds:,.0f} "
              f"| {_mb(load.server_mb)} | {_mb(load.client_mb)} |")  # fmt: skip
    print(f"\nmedian of {repeat} runs, ms\n")
    header = ["embedded run_query", "embedded, open store", "Oxigraph server", "Virtuoso"]
    print(
        "| query | embedded run_query | embedded, open store | Oxigraph server | same | Virtuoso | same |\n"
        "|---|---:|---:|---:|---|---:|---|"
    )
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n{len(rows)} queries; median / max / total, ms:")
    for title, column in zip(header, (1, 2, 3, 5), strict=True):
        values = [float(row[column]) for row in rows]
        print(f"- {title}: {statistics.median(values):,.1f} / {max(values):,.1f} / {sum(values):,.1f}")
    for title, column in (("Oxigraph server", 4), ("Virtuoso", 6)):
        print(f"- {title}: {sum(row[column] == 'same' for row in rows)} of {len(rows)} answers the embedded ones")


def oxigraph_bulk(turtle: Path, location: Path) -> Load:
    """Oxigraph's own loader, ``oxigraph load``, into a fresh store (no server on it)."""
    from servers import oxigraph_binary

    seconds, _, peak_mb = _wall([oxigraph_binary(), "load", "--location", str(location), "--file", str(turtle)])
    return Load("Oxigraph", "oxigraph load (fresh store, server off)", seconds, peak_mb)


def virtuoso_bulk(turtle: Path, vt, graph: str) -> Load:
    """Virtuoso's bulk loader into ``graph`` of the running server: ``ld_dir`` + ``rdf_loader_run`` + checkpoint."""
    if not (vt.directory / turtle.name).exists():
        shutil.copy(turtle, vt.directory / turtle.name)
    started = time.perf_counter()
    _isql(vt.sql_port, f"ld_dir('{vt.directory}', '{turtle.name}', '{graph}');")
    _isql(vt.sql_port, "rdf_loader_run();")
    _isql(vt.sql_port, "checkpoint;")
    return Load(
        "Virtuoso", "isql ld_dir + rdf_loader_run + checkpoint", time.perf_counter() - started, _peak_mb(vt.pid)
    )


if __name__ == "__main__":
    from lls_graph.remote import CHUNK_SIZE

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(ROOT), help="built project whose graph/lls-inferred.ttl is used")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query and store (median)")
    parser.add_argument("--timeout", type=float, default=600.0, help="client timeout, seconds")
    parser.add_argument("--buffers", type=int, default=100_000, help="Virtuoso NumberOfBuffers (8 KB pages)")
    parser.add_argument("--bulk", action="store_true", help="also time each server's own bulk loader")
    parser.add_argument("--bulk-only", action="store_true", help="load with the bulk loaders, no publish")
    parser.add_argument("--chunk-sizes", default=str(CHUNK_SIZE), metavar="N,N,...",
                        help="publish --chunk-size to time on Virtuoso, each in a fresh server; the queries "
                             "run on the last one; the Oxigraph server gets the first")  # fmt: skip
    parser.add_argument("--work", default=None, help="folder for the servers' data (default: the system temp)")
    main(parser.parse_args())
