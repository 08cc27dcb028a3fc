"""Scale benchmark: build, load, query, search, serialise, view and analyse at N organisations.

Run from the repository root::

    python benchmarks/scale_bench.py --sizes real,1000,10000

``real`` is the graph of the two documents (the repository's build); a number N is a synthetic
ecosystem of N organisations written by ``lls-graph synth N`` into ``--work`` and built there by
the real ``lls-graph build`` (in a child process, so its peak memory is its own). For each graph
it prints one table: every figure of our path (the persistent pyoxigraph store behind
``lls_graph.query.run_query``, the label index) next to raw pyoxigraph running the same query
text (the floor reachable from Python) and rdflib's default in-memory store running the same
work, as ratios measured in the same run. Figures, not assertions: no test times anything.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "lls_graph"]


def _timed(work: Callable[[], object], repeat: int = 1) -> tuple[float, float, object]:
    """Median and spread (max - min) in seconds of ``repeat`` runs, and the last result."""
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), max(samples) - min(samples), result


def _runs(work: Callable[[], object], repeat: int, budget: float = 0.05) -> int:
    """How many runs give a stable median: ``repeat``, or more for a fast query (up to ~``budget`` s).

    A 0.05 ms query timed 5 times is a draw of the scheduler's noise; 200 runs cost 10 ms.
    """
    seconds, _, _ = _timed(work)
    return max(repeat, min(200, int(budget / max(seconds, 1e-6))))


def _child(command: list[str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one child process.

    The peak comes from GNU time (``/usr/bin/time``): the rusage of a child forked from this
    process counts the pages of this process it held before ``exec``, which after loading a
    graph here is hundreds of MB that are not the child's.
    """
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak_file:
        timer = ["/usr/bin/time", "-f", "%M", "-o", peak_file.name] if Path("/usr/bin/time").exists() else []
        process = subprocess.run([*timer, *command], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, check=False)  # fmt: skip
        seconds = time.perf_counter() - started
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{process.stdout[-3000:]}")
        kilobytes = peak_file.read().strip().splitlines()
    peak = int(kilobytes[-1]) / 1024 if timer and kilobytes else float("nan")
    return seconds, peak, process.stdout


def _project_dir(size: str, work: Path) -> tuple[Path, list[str]]:
    """The project folder of ``size`` and the build options that point at its documents."""
    if size == "real":
        return ROOT, []
    folder = work / f"synthetic-{size}"
    if not (folder / "graph" / "sources").is_dir():
        _child([*CLI, "synth", size, "-o", str(folder)])
    return folder, ["--seeds", str(folder / "seeds")]


def bench_build(folder: Path, seeds: list[str], reasoners: list[str]) -> list[tuple[str, str, str]]:
    """One real ``lls-graph build`` per reasoner; the last one leaves the products in place."""
    rows = []
    for reasoner in reasoners:
        seconds, peak, out = _child([*CLI, "build", "--root", str(folder), *seeds, "--reasoner", reasoner])
        stages = re.search(r"time: (.*?)\s+entailments:", out, re.DOTALL)  # the stages, across wrapped lines
        stages = " ".join(stages.group(1).split()) if stages else ""
        rows.append((f"build --reasoner {reasoner}", f"{seconds:.1f} s, {peak:,.0f} MB peak", stages))
    return rows


def bench_queries(folder: Path, repeat: int, with_rdflib: bool, per_query: dict, sample_size: int | None = None,
                  cap: float = 120.0) -> list[tuple[str, str, str]]:  # fmt: skip
    """Load, per-query medians, cold CLI, label search: ours vs raw pyoxigraph vs rdflib.

    rdflib runs each query once, stopped after ``cap`` seconds (the cap then counts as its time,
    so a ratio is a lower bound); with ``sample_size`` only that many queries, spread evenly
    over the catalogue's names, run on rdflib (at 100 k organisations all of them take hours).
    ``per_query`` receives each query's medians: ours, raw pyoxigraph in memory and on our on-disk
    store (the same RocksDB store ``run_query`` reads: what our wrapper costs), rdflib (None if not run).
    """
    import pyoxigraph as ox
    import rdflib

    from lls_graph.catalogue import load_catalogue
    from lls_graph.config import Namespaces, Project
    from lls_graph.query import bindings, run_query
    from lls_graph.sparql import bind
    from lls_graph.store import open_index, open_store

    project, ns = Project(root=folder), Namespaces()
    source = project.inferred_graph
    catalogue = load_catalogue(project.queries)
    texts = {name: bind(entry.text, bindings(entry, {}, ns)) for name, entry in catalogue.items()}
    rows = [("graph", f"{source.stat().st_size / 2**20:,.1f} MiB Turtle", f"{len(catalogue)} catalogue queries")]

    raw = ox.Store()
    ox_load, _, _ = _timed(lambda: raw.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE))
    rows.append(("load into the store (pyoxigraph bulk_load)", f"{ox_load:.2f} s", f"{len(raw):,} triples"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        shutil.copy(source, out / source.name)
        rebuild, _, _ = _timed(lambda: open_store(Project(root=folder, out=out)))
    rows.append(("persistent store + label index from Turtle", f"{rebuild:.2f} s", "once per changed graph"))
    store = open_store(project)
    ours, floor, disk = {}, {}, {}
    for name in catalogue:  # before rdflib's graph exists: its heap would slow the Python side of ours
        runs = _runs(lambda n=name: run_query(n, project=project, store=store), repeat)  # also warms it
        ours[name] = _timed(lambda n=name: run_query(n, project=project, store=store).rows, runs)
        floor[name] = _timed(lambda n=name: _drain(raw.query(texts[n])), runs)
        disk[name] = _timed(lambda n=name: _drain(store.query(texts[n])), runs)
    graph, slow = rdflib.Graph(), {}
    if with_rdflib:
        rdf_load, _, _ = _timed(lambda: graph.parse(source, format="turtle"))
        rows.append(("load, rdflib Graph.parse", f"{rdf_load:.2f} s", f"{rdf_load / ox_load:.0f}x pyoxigraph"))
        gc.collect()
        gc.freeze()  # rdflib's millions of objects would make every later collection pause the timings
        names = sorted(catalogue)
        sample = None if sample_size is None else set(names[:: max(1, len(names) // sample_size)][:sample_size])
        for name in names:
            if sample is None or name in sample:
                slow[name] = _capped(lambda n=name: _drain_rdflib(graph.query(texts[n])), cap)
    for label, figures in (("ours", ours), ("raw pyoxigraph, in memory", floor),
                           ("raw pyoxigraph, our on-disk store", disk), ("rdflib", slow)):  # fmt: skip
        if figures:
            medians = [m for m, _, _ in figures.values()]
            spreads = [s for _, s, _ in figures.values()]
            rows.append((f"catalogue query, {label}", f"median {statistics.median(medians) * 1e3:.1f} ms, "
                         f"max {max(medians) * 1e3:.1f} ms, total {sum(medians) * 1e3:.0f} ms",
                         f"spread median {statistics.median(spreads) * 1e3:.2f} ms"))  # fmt: skip
    rows += _ratios("ours / raw pyoxigraph in memory", {n: ours[n][0] / floor[n][0] for n in ours}, worst=max)
    rows += _ratios("ours / raw pyoxigraph on our store", {n: ours[n][0] / disk[n][0] for n in ours}, worst=max)
    if slow:
        rows += _ratios("rdflib / ours", {n: slow[n][0] / ours[n][0] for n in slow}, worst=min)
        capped = sum(seconds >= cap for seconds, _, _ in slow.values())
        rows.append(("rdflib queries run", f"{len(slow)} of {len(catalogue)}",
                     f"once each, cap {cap:.0f} s; {capped} hit it (their ratio is a lower bound)"))  # fmt: skip
    per_query.update({n: (ours[n][0], floor[n][0], disk[n][0], slow[n][0] if n in slow else None) for n in ours})
    cold, _, _ = _timed(lambda: _child([*CLI, "query", "cq-01", "--root", str(folder), "--format", "csv"]), 3)
    peak = _child([*CLI, "query", "cq-01", "--root", str(folder), "--format", "csv"])[1]
    rows.append(("cold `lls-graph query cq-01`", f"{cold:.2f} s", f"{peak:,.0f} MB peak"))
    rows += bench_search(project, raw, graph if with_rdflib else None, repeat, open_index)
    return rows


def _ratios(label: str, ratios: dict[str, float], worst: Callable) -> list[tuple[str, str, str]]:
    """Median of the per-query ratios, the worst query, and the ratio of the totals."""
    name = worst(ratios, key=ratios.get)
    return [(f"ratio {label}", f"median {statistics.median(ratios.values()):.2f}x over {len(ratios)} queries",
             f"worst {ratios[name]:.2f}x ({name})")]  # fmt: skip


def _capped(work: Callable[[], object], cap: float) -> tuple[float, float, object]:
    """One timed run of pure-Python ``work``, interrupted after ``cap`` seconds (then ``cap`` is its time)."""

    def stop(*_: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, cap)
    try:
        return _timed(work)
    except TimeoutError:
        return cap, 0.0, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _drain(result: object) -> object:
    import pyoxigraph as ox

    return bool(result) if isinstance(result, ox.QueryBoolean) else list(result)


def _drain_rdflib(result: object) -> object:
    return result.askAnswer if result.type == "ASK" else list(result)


SEARCH = "universit"
CONTAINS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?e WHERE { ?e rdfs:label ?l FILTER(CONTAINS(LCASE(STR(?l)), "universit")) }"""


def bench_search(project, raw, graph, repeat: int, open_index) -> list[tuple[str, str, str]]:
    """The label index against the CONTAINS filter it replaces (which also misses accents)."""
    index_load, _, index = _timed(lambda: open_index(project))
    found, spread, hits = _timed(lambda: index.search(SEARCH, limit=None), repeat * 10)
    scan, _, rows = _timed(lambda: list(raw.query(CONTAINS)), repeat)
    out = [
        ("label search, index", f"{found * 1e3:.2f} ms (spread {spread * 1e3:.2f})",
         f"{len(hits)} hits; index load {index_load * 1e3:.0f} ms"),
        ("label search, raw CONTAINS", f"{scan * 1e3:.1f} ms", f"{len(rows)} hits, {scan / found:.0f}x the index"),
    ]  # fmt: skip
    if graph is not None:
        slow, _, _ = _timed(lambda: list(graph.query(CONTAINS)))
        out.append(("label search, rdflib CONTAINS", f"{slow * 1e3:.0f} ms", f"{slow / found:.0f}x the index"))
    return out


#: rdflib's serializer for the same dump (rdflib has no sorted N-Quads of two graphs from one file).
RDFLIB_FORMATS = {"nt": "nt", "ttl": "turtle", "jsonld": "json-ld", "xml": "xml"}


def bench_outputs(folder: Path, with_rdflib: bool) -> list[tuple[str, str, str]]:
    """Export (every format), the network page and the analysis, each a real CLI run with its peak memory.

    rdflib's side is the same work done the former way, in this process: parse the product with
    ``Graph.parse`` and write the format with rdflib's own serializer; build the network from an
    rdflib graph of the asserted product and render the same page.
    """
    from lls_graph.export import FORMATS

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ours = {}
        for fmt in FORMATS:
            target = out / f"dump.{fmt}"
            ours[fmt], peak, _ = _child([*CLI, "export", "--root", str(folder), "--format", fmt, "-o", str(target)])
            rows.append((f"`lls-graph export --format {fmt}`", f"{ours[fmt]:.1f} s, {peak:,.0f} MB peak",
                         f"{target.stat().st_size / 2**20:,.1f} MiB"))  # fmt: skip
            target.unlink()
        seconds, peak, text = _child([*CLI, "viz", "--root", str(folder), "-o", str(out / "page.html")])
        rows.append(("`lls-graph viz` (network + page)", f"{seconds:.1f} s, {peak:,.0f} MB peak", text.strip()[-160:]))
        viz_seconds = seconds
        seconds, peak, text = _child([*CLI, "analyse", "--root", str(folder), "-o", str(out / "metrics.ttl")])
        stages = re.search(r"(\d+ nodes, \d+ edges; .*)", " ".join(text.split()))  # rich wraps the line
        rows.append(("`lls-graph analyse` (network + analysis + metrics)", f"{seconds:.1f} s, {peak:,.0f} MB peak",
                     stages.group(1) if stages else ""))  # fmt: skip
    if with_rdflib:
        rows += _rdflib_outputs(folder, ours, viz_seconds)
    return rows


def _rdflib_outputs(folder: Path, ours: dict[str, float], viz_seconds: float) -> list[tuple[str, str, str]]:
    """The former way, in this process: rdflib parses the product, writes each format, builds the page."""
    import rdflib

    from lls_graph.config import Project
    from lls_graph.network import ecosystem
    from lls_graph.viz import render_html

    project = Project(root=folder)
    rows = _rdflib_dumps(rdflib.Graph().parse, project.inferred_graph, ours)
    ontology = rdflib.Graph().parse(project.ontology)
    seconds, _, network = _timed(lambda: ecosystem(rdflib.Graph().parse(project.asserted_graph), ontology))
    drawn, _, _ = _timed(lambda: render_html(network))
    rows.append(("rdflib: parse lls.ttl + network + page", f"{seconds + drawn:.1f} s",
                 f"{(seconds + drawn) / viz_seconds:.1f}x `lls-graph viz`"))  # fmt: skip
    return rows


def _rdflib_dumps(parse: Callable, source: Path, ours: dict[str, float]) -> list[tuple[str, str, str]]:
    """rdflib's parse of the product, then its own serializer per format, against our export."""
    parsed, _, graph = _timed(lambda: parse(source, format="turtle"))
    rows = [("rdflib Graph.parse of lls-inferred.ttl", f"{parsed:.1f} s", f"{len(graph):,} triples")]
    for fmt, name in RDFLIB_FORMATS.items():
        if fmt in ours:
            seconds, _, _ = _timed(lambda n=name: graph.serialize(format=n, encoding="utf-8"))
            rows.append((f"rdflib: parse + serialize {name}", f"{parsed + seconds:.1f} s",
                         f"{(parsed + seconds) / ours[fmt]:.1f}x `lls-graph export --format {fmt}`"))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,1000,10000", help="comma-separated: real and/or N organisations")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "lls-scale",
                        help="where synthetic projects are written and built (reused when present)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=5, help="least runs per query; fast queries run more")
    parser.add_argument("--rdflib-max", type=int, default=10_000,
                        help="above this many organisations rdflib runs only a sample of the queries")  # fmt: skip
    parser.add_argument("--rdflib-sample", type=int, default=8,
                        help="queries run on rdflib above --rdflib-max (0: none, its graph not parsed)")  # fmt: skip
    parser.add_argument("--rdflib-cap", type=float, default=120, help="seconds before an rdflib query is stopped")
    parser.add_argument("--hermit-max", type=int, default=10_000, help="also build with HermiT up to this N")
    parser.add_argument("--skip-build", action="store_true", help="reuse products already built in --work")
    parser.add_argument("--skip-outputs", action="store_true", help="no serialisation, view, analysis")
    parser.add_argument("--skip-queries", action="store_true", help="no load, query, search figures")
    parser.add_argument("--json", type=Path, help="also write all figures as JSON")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(_machine())
    report: dict[str, dict] = {}
    for size in args.sizes.split(","):
        n = 700 if size == "real" else int(size)
        folder, seeds = _project_dir(size, args.work)
        reasoners = ["rules"] + (["hermit"] if n <= args.hermit_max else [])
        rows = [] if args.skip_build else bench_build(folder, seeds, reasoners[::-1])
        per_query: dict[str, tuple] = {}
        sample = None if n <= args.rdflib_max else args.rdflib_sample
        if not args.skip_queries:
            rows += bench_queries(folder, args.repeat, sample != 0, per_query, sample, args.rdflib_cap)
        if not args.skip_outputs:
            rows += bench_outputs(folder, with_rdflib=n <= args.rdflib_max)
        rows.append(("peak memory of this benchmark process", f"{_peak_mb():,.0f} MB",
                     "it holds what the rows above load into it (raw pyoxigraph, rdflib)"))  # fmt: skip
        rows.append(("load average (1, 5, 15 min) at the end", " ".join(f"{x:.1f}" for x in os.getloadavg()),
                     "other work shared the 2 cores"))  # fmt: skip
        report[size] = {"rows": rows, "queries": per_query}
        _print(size, rows, per_query)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")


def _machine() -> str:
    """The machine line of the table: cores, CPU, RAM, Python and library versions, date."""
    from importlib.metadata import version

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")  # fmt: skip
    libraries = ", ".join(f"{lib} {version(lib)}" for lib in ("pyoxigraph", "rdflib", "pyshacl", "owlready2", "owlrl"))
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return (f"machine: {os.cpu_count()} cores ({cpu}), {_machine_memory()}, Python {sys.version.split()[0]}, "
            f"{libraries}; {when}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _machine_memory() -> str:
    pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return f"{pages * size / 2**30:.0f} GiB RAM"


def _print(size: str, rows: list[tuple[str, str, str]], per_query: dict[str, tuple]) -> None:
    title = "the documents' graph" if size == "real" else f"synthetic, {int(size):,} organisations"
    print(f"\n### {title}\n\n| measure | figure | note |\n|---|---|---|")
    for measure, figure, note in rows:
        print(f"| {measure} | {figure} | {note} |")
    if per_query:
        print("\n| query | ours (ms) | raw, memory (ms) | raw, our store (ms) | ours / raw memory | ours / raw store "
              "| rdflib (ms) | rdflib / ours |\n|---|---|---|---|---|---|---|---|")  # fmt: skip
    for name, (ours, raw, disk, slow) in sorted(per_query.items()):
        rdflib = f"{slow * 1e3:,.0f} | {slow / ours:,.0f}x" if slow is not None else "not run | "
        print(f"| {name} | {ours * 1e3:.2f} | {raw * 1e3:.2f} | {disk * 1e3:.2f} | {ours / raw:.2f} "
              f"| {ours / disk:.2f} | {rdflib} |")  # fmt: skip
    sys.stdout.flush()


if __name__ == "__main__":
    main()
