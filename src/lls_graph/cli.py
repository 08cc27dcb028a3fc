"""The ``lls-graph`` command line: parse arguments, call the library, print.

Exit codes: 0 success; 1 the sources or the graph did not validate (nothing written);
2 usage or environment error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .config import DEFAULT_BASE, Namespaces, Project
from .gc_pause import cycles_uncollected

ROOT = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
                    help="Repository root (default: current directory or $LLS_ROOT).")  # fmt: skip
SEEDS = click.option("--seeds", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Folder of the source documents (default: ../shared/seeds or $LLS_SEEDS).")  # fmt: skip


def _project(root: Path | None, **paths: Path | None) -> Project:
    """The project at ``--root`` (resolved), else the default one; ``paths``: seeds, out."""
    return Project(root.resolve(), **paths) if root else Project(**paths)


def _namespaces(base: str) -> Namespaces:
    """``--base`` as namespaces; a malformed IRI is a usage error (exit 2)."""
    try:
        return Namespaces(base)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


#: Commands that keep running: the cycle collector stays on for them (see :mod:`lls_graph.gc_pause`).
LONG_RUNNING = {"serve"}


@click.group()
@click.version_option(__version__, prog_name="lls-graph")
@click.pass_context
def main(ctx: click.Context) -> None:
    """lls-graph: the Lombardy life-sciences knowledge graph."""
    if ctx.invoked_subcommand not in LONG_RUNNING:
        ctx.with_resource(cycles_uncollected())  # batch work; restored when the command ends


@main.command()
@ROOT
@SEEDS
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write lls.ttl and lls-inferred.ttl (default: graph/).")  # fmt: skip
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI of terms and data.")
@click.option("--reasoner", type=click.Choice(["auto", "hermit", "rules", "owlrl"]), default="auto",
              show_default=True, help="auto: HermiT when Java is found, else owlrl's OWL 2 RL closure; "
              "the OWL 2 RL rules alone above the size limits (README, Scale).")  # fmt: skip
def build(root: Path | None, seeds: Path | None, out: Path | None, base: str, reasoner: str) -> None:
    """Validate the curated sources and build the graph products."""
    from rich.console import Console
    from rich.table import Table

    from .build import BuildFailed
    from .build import build as run_build
    from .reasoning import Inconsistent
    from .sources import SourcesInvalid

    err = Console(stderr=True)
    ns = _namespaces(base)
    project = _project(root, seeds=seeds, out=out)
    try:
        with err.status("building") as status:
            report = run_build(project, ns, reasoner=reasoner,
                               progress=lambda m: status.update(m) if err.is_terminal else None)  # fmt: skip
    except SourcesInvalid as exc:
        err.print(f"[red]error:[/red] the curated sources have {len(exc.errors)} problem(s); nothing was written")
        for error in exc.errors:
            click.echo(str(error), err=True)
        sys.exit(1)
    except (BuildFailed, Inconsistent) as exc:
        err.print("[red]error:[/red] the graph did not validate; nothing was written")
        click.echo(str(exc), err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    table = Table(title="Entities per class (inferred graph)")
    table.add_column("class")
    table.add_column("entities", justify="right")
    for name, count in report.entities.items():
        table.add_row(name, str(count))
    out_console = Console()
    out_console.print(table)
    out_console.print(f"records: {report.records}  triples: {report.triples_asserted} asserted, "
                      f"{report.triples_inferred} inferred  time: "
                      + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in report.seconds.items()))  # fmt: skip
    out_console.print(f"entailments: {report.method}")
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    for path in report.written:
        out_console.print(f"wrote {path}")


# --- issue 3: SPARQL everywhere (queries, query, publish, serve) ---------------------------------------


@main.command("queries")
@ROOT
@click.option("--lang", type=click.Choice(["en", "it"]), default="en", show_default=True,
              help="Language of titles and descriptions.")  # fmt: skip
def list_queries(root: Path | None, lang: str) -> None:
    """List the query catalogue: name, view, parameters and title."""
    from .catalogue import CatalogueError, load_catalogue

    project = _project(root)
    try:
        catalogue = load_catalogue(project.queries)
    except CatalogueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for name, entry in catalogue.items():
        params = " ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default else "") for p in entry.params)
        title = (entry.title_it or entry.title) if lang == "it" else entry.title
        click.echo("\t".join([name, entry.view, params or "-", title]))


QUERY_FORMATS = ["table", "csv", "tsv", "json", "ttl", "jsonld"]


def _endpoint_options(function):
    """The options shared by the commands that talk to a remote endpoint."""
    timeout = click.option("--timeout", type=float, default=30.0, show_default=True,
                           help="Client timeout in seconds (also the server's, where known).")  # fmt: skip
    function = timeout(function)
    return click.option("--retries", type=int, default=3, show_default=True,
                        help="Retries on HTTP 429/503 (honouring Retry-After).")(function)  # fmt: skip


@main.command("query")
@click.argument("query")
@ROOT
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter (repeatable).")
@click.option("--asserted", is_flag=True, help="Query the asserted graph instead of the inferred one.")
@click.option("--data", "data", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Query these RDF files instead of the built graph (repeatable).")  # fmt: skip
@click.option("--endpoint", default=None, metavar="URL", help="Run the query on this SPARQL endpoint.")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default=None,
              help="Default: table on a terminal, else csv (SELECT/ASK) or ttl (graphs).")  # fmt: skip
@click.option("--lang", default="en", show_default=True, help="Label language of the table view (en, it).")
@click.option("--fail-empty", is_flag=True, help="Exit 1 when there are no rows, no triples or ASK is false.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE (federated queries reach the network).")
@_endpoint_options
def run_query_command(query: str, root: Path | None, params: tuple[str, ...], asserted: bool,
                      data: tuple[Path, ...], endpoint: str | None, fmt: str | None, lang: str,
                      fail_empty: bool, allow_service: bool, timeout: float,
                      retries: int) -> None:  # fmt: skip
    """Run QUERY: a catalogue name (or unique prefix), a .rq file, or - for standard input.

    Exit codes: 0 answered; 1 no rows / false / no triples with --fail-empty; 2 error.
    """
    from .query import QueryFailed, format_result, label_lookup, run_query, table_rows
    from .remote import Endpoint, EndpointError

    project = _project(root)
    bound: dict[str, str] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--param wants NAME=VALUE, got {item!r}")
        bound[name] = value
    source: str | Path = sys.stdin.read() if query == "-" else Path(query) if query.endswith(".rq") else query
    target = Endpoint(endpoint, timeout=timeout, retries=retries) if endpoint else None
    try:
        result = run_query(source, bound, project=project, asserted=asserted, endpoint=target,
                           data=list(data) if data else None, allow_service=allow_service)  # fmt: skip
        graph = result.form in ("CONSTRUCT", "DESCRIBE")
        fmt = fmt or ("table" if sys.stdout.isatty() else "ttl" if graph else "csv")
        if fmt == "table":
            from rich.console import Console
            from rich.table import Table

            store = None
            if target is None:
                from .query import load_data
                from .store import open_store

                which = "asserted" if asserted else "inferred"
                store = load_data(data) if data else open_store(project, which)
            columns, cells = table_rows(result, label_lookup(store, lang))
            table = Table(*columns, caption=f"{len(cells)} row(s)")
            for row in cells:
                table.add_row(*row)
            Console().print(table)
        else:
            click.echo(format_result(result, fmt), nl=False)
    except (QueryFailed, EndpointError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if fail_empty and result.empty:
        sys.exit(1)


@main.command("publish")
@ROOT
@click.option("--endpoint", required=True, metavar="URL", help="Graph Store Protocol URL (see README).")
@click.option("--graph", "graph_iri", default=None, metavar="IRI",
              help="Named graph to replace (default: the default graph).")  # fmt: skip
@click.option("--asserted", is_flag=True, help="Publish the asserted graph instead of the inferred one.")
@click.option("--chunk-size", type=click.IntRange(min=0), default=None, metavar="N",
              help="Triples per request for large graphs (default 50000; 0: one request).")  # fmt: skip
@click.option("--count-endpoint", default=None, metavar="URL",
              help="SPARQL query endpoint to count the graph with, instead of reading it all back.")  # fmt: skip
@_endpoint_options
def publish_command(root: Path | None, endpoint: str, graph_iri: str | None, asserted: bool, chunk_size: int | None,
                    count_endpoint: str | None, timeout: float, retries: int) -> None:  # fmt: skip
    """Replace a graph on a triple store with the built graph, then check its triple count there."""
    from .remote import CHUNK_SIZE, Endpoint, EndpointError, publish

    project = _project(root)
    path = project.asserted_graph if asserted else project.inferred_graph
    try:
        report = publish(
            Endpoint(endpoint, timeout=timeout, retries=retries),
            path.read_bytes(),
            graph_iri,
            CHUNK_SIZE if chunk_size is None else chunk_size,
            Endpoint(count_endpoint, timeout=timeout, retries=retries) if count_endpoint else None,
        )
    except (EndpointError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    where = f"graph <{report.graph}>" if report.graph else "the default graph"
    click.echo(f"published {path.name} to {where} of {report.url}: {report.triples_local} triples sent, "
               f"{report.triples_remote} on the server")  # fmt: skip
    if not report.ok:
        click.echo("error: the server holds a different number of triples", err=True)
        sys.exit(1)


@main.command("serve")
@ROOT
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free).")
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="Seconds allowed per query.")
@click.option("--asserted", is_flag=True, help="Serve the asserted graph instead of the inferred one.")
def serve_command(root: Path | None, port: int, time_limit: float, asserted: bool) -> None:
    """Serve the built graph read-only: SPARQL at /sparql, entities at /id/NAME (Turtle, JSON-LD, HTML)."""
    from .serve import make_server

    project = _project(root)
    try:
        server = make_server(project, port, time_limit=time_limit, asserted=asserted)
    except OSError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    host, bound_port = server.server_address[:2]
    click.echo(f"serving http://{host}:{bound_port}/sparql (entities under /id/); Ctrl-C stops", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# --- network: viz, analyse, path, match (issue 4) -------------------------------------------------

DATA = click.option("--data", "data_files", multiple=True,
                    type=click.Path(exists=True, dir_okay=False, path_type=Path),
                    help="RDF file(s) to draw instead of graph/lls.ttl (any RDF syntax); repeatable.")  # fmt: skip
LANG = click.option("--lang", type=click.Choice(["en", "it"]), default="en", show_default=True,
                    help="Language of labels.")  # fmt: skip
SEED = click.option("--seed", type=int, default=42, show_default=True, help="Seed of layouts and Louvain.")


def _network(root: Path | None, data_files: tuple[Path, ...], query: str | None = None):
    """The ecosystem network of the asserted graph, of --data files, or of a CONSTRUCT query."""
    from rdflib import Graph

    from .network import ecosystem, load_product, load_rdf, query_graph

    project = _project(root)
    ontology = Graph().parse(project.ontology) if project.ontology.exists() else Graph()
    if query:
        data, name = query_graph(query, project, data_files)
        return ecosystem(data, ontology, title=name), project
    files = list(data_files) or [project.asserted_graph]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)}: run `lls-graph build` first")
    if not data_files:
        return ecosystem(load_product(project.asserted_graph), ontology), project
    return ecosystem(load_rdf(files), ontology, title=", ".join(f.name for f in data_files)), project


def _fail(exc: Exception) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@main.command()
@ROOT
@DATA
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="HTML file.")
@click.option("--focus", help="Entity (id, label or alt label) at the centre of an ego network.")
@click.option("--depth", type=click.IntRange(1, 6), default=1, show_default=True, help="Hops around --focus.")
@click.option("--hub", help="Draw one innovation hub, its organisations and their fields.")
@click.option("--specialisation", help="Draw one specialisation, who works in it and their hubs.")
@click.option("--query", help="Draw a CONSTRUCT query of the catalogue (queries/NAME.rq, or a .rq path).")
@click.option("--size-by", type=click.Choice(["degree", "betweenness", "eigenvector"]), default="degree",
              show_default=True, help="Node size measure.")  # fmt: skip
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), help="Also save a screenshot (Chromium).")
@click.option("--title", help="Heading of the page.")
@LANG
@SEED
def viz(root, data_files, output, focus, depth, hub, specialisation, query, size_by, png, title, lang, seed) -> None:
    """Write a self-contained interactive network page (no request, opens offline)."""
    from .network import EntityNotFound, ego_view, hub_view, specialisation_view
    from .query import QueryFailed
    from .viz import render_png, write_html

    if sum(x is not None for x in (focus, hub, specialisation)) > 1:
        raise click.UsageError("use at most one of --focus, --hub, --specialisation")
    try:
        network, _ = _network(root, data_files, query)
        views = {"focus": lambda n: ego_view(n, focus, depth), "hub": lambda n: hub_view(n, hub),
                 "specialisation": lambda n: specialisation_view(n, specialisation)}  # fmt: skip
        for name, value in (("focus", focus), ("hub", hub), ("specialisation", specialisation)):
            if value is not None:
                network = views[name](network)
        if title:
            network.title = title
        page = write_html(network, output, lang=lang, size_by=size_by, seed=seed)
    except (EntityNotFound, QueryFailed, ValueError, OSError) as exc:
        _fail(exc)
    layout = "precomputed layout, physics off" if page.precomputed else "physics layout (seeded)"
    click.echo(
        f"wrote {output}: {page.nodes} nodes, {page.edges} edges, {len(page.html.encode()) // 1024} KiB, {layout}"
    )
    if png:
        try:
            seconds = render_png(output, png)
        except (FileNotFoundError, ImportError, RuntimeError) as exc:
            _fail(exc)
        click.echo(f"wrote {png} (first stable drawing after {seconds:.2f} s)")


@main.command()
@ROOT
@DATA
@click.option("--top", type=int, default=10, show_default=True, help="Rows per ranking.")
@click.option("--exclude", multiple=True, default=["Place"], show_default=True,
              help="Class families left out of the analysis (repeatable; --exclude '' keeps all).")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Data Cube observations of the metrics (default: graph/lls-metrics.ttl).")  # fmt: skip
@click.option("--graphml", type=click.Path(dir_okay=False, path_type=Path), help="Export GraphML (Cytoscape).")
@click.option("--gexf", type=click.Path(dir_okay=False, path_type=Path), help="Export GEXF (Gephi).")
@LANG
@SEED
def analyse(root, data_files, top, exclude, output, graphml, gexf, lang, seed) -> None:
    """Centralities, communities, components and bridges; metrics written back as RDF."""
    from rich.console import Console
    from rich.table import Table

    from .analysis import actor_graph, export_graph, metrics_graph, ranking
    from .analysis import analyse as run_analysis
    from .config import Namespaces
    from .network import local_name
    from .serialise import turtle_bytes, write_atomically

    network, project = _network(root, data_files)
    result = run_analysis(actor_graph(network, [e for e in exclude if e]), seed=seed)
    console = Console()
    name = lambda n: f"{network.label(n, lang)} ({local_name(n)})"  # noqa: E731
    for measure in ("degree", "betweenness", "eigenvector"):
        pivots = result.betweenness_pivots if measure == "betweenness" else None
        estimate = f", estimated from {pivots} pivots" if pivots else ""
        table = Table(title=f"{measure} centrality (top {top}){estimate}")
        table.add_column("#", justify="right")
        table.add_column("entity")
        table.add_column(measure, justify="right")
        for i, (node, value) in enumerate(ranking(getattr(result, measure), top), start=1):
            table.add_row(str(i), name(node), f"{value:.4f}")
        console.print(table)
    table = Table(title=f"communities (Louvain, seed {seed})")
    table.add_column("#", justify="right")
    table.add_column("size", justify="right")
    table.add_column("members (highest degree first)")
    groups = [c for c in result.communities if len(c) > 1]
    for i, members in enumerate(groups[:top], start=1):
        best = [m for m, _ in ranking({m: result.degree[m] for m in members}, 6)]
        table.add_row(str(i), str(len(members)), "; ".join(network.label(m, lang) for m in best)
                      + ("; ..." if len(members) > 6 else ""))  # fmt: skip
    console.print(table)
    console.print(f"communities: {len(result.communities)} ({len(groups)} with 2 or more members, "
                  f"{len(result.communities) - len(groups)} single entities)")  # fmt: skip
    sizes = [len(c) for c in result.components]
    console.print(
        f"components: {len(sizes)} (sizes {', '.join(map(str, sizes[:10]))}{', ...' if len(sizes) > 10 else ''})"
    )
    console.print(f"bridges: {len(result.bridges)}")
    for u, v in result.bridges[:top]:
        console.print(f"  {network.label(u, lang)} — {network.label(v, lang)}")
    target = output or project.products / "lls-metrics.ttl"
    header = ("Generated by `lls-graph analyse` from graph/lls.ttl: do not edit.\n"
              "Network metrics as RDF Data Cube observations (qb:Observation, one per entity).")  # fmt: skip
    ns = Namespaces()
    write_atomically({target: turtle_bytes(metrics_graph(result, network, ns), ns, header)})
    console.print(f"wrote {target}")
    for path in (graphml, gexf):
        if path:
            export_graph(result, network, path, lang)
            console.print(f"wrote {path}")
    timings = ", ".join(f"{k} {v:.3f} s" for k, v in result.timings.items())
    console.print(f"{result.graph.number_of_nodes()} nodes, {result.graph.number_of_edges()} edges; {timings}")


def _step_text(network, step, lang: str) -> str:
    from .network import pick

    relation = pick(network.graph.edges[step.source, step.target, step.relation]["label"], lang)
    if step.forward:
        return f"—{relation}→ {network.label(step.target, lang)}"
    return f"←{relation}— {network.label(step.source, lang)}"


@main.command()
@ROOT
@DATA
@click.argument("source")
@click.argument("target")
@click.option("--limit", type=int, default=5, show_default=True, help="Most chains shown.")
@LANG
def path(root, data_files, source, target, limit, lang) -> None:
    """How two entities are connected: the chains of relations along the shortest paths."""
    import networkx as nx

    from .analysis import relation_paths
    from .network import EntityNotFound, resolve

    network, _ = _network(root, data_files)
    try:
        a, b = resolve(network, source), resolve(network, target)
        chains = relation_paths(network, a, b, limit)
    except EntityNotFound as exc:
        _fail(exc)
    except nx.NetworkXNoPath:
        click.echo(f"{network.label(a, lang)} and {network.label(b, lang)} are not connected")
        sys.exit(1)
    for i, chain in enumerate(chains, start=1):
        start = chain[0].source if chain[0].forward else chain[0].target
        steps = " ".join(_step_text(network, s, lang) for s in chain)
        click.echo(f"{i}. {network.label(start, lang)} {steps}")
        for s in chain:
            click.echo(f"     {s.source} {s.relation} {s.target}")
    click.echo(f"{len(chains)} chain(s) of {len(chains[0]) if chains else 0} relation(s)")


@main.command()
@ROOT
@DATA
@click.argument("entity", required=False)
@click.option("--specialisation", help="Find partners for a field instead of an entity.")
@click.option("--top", type=int, default=10, show_default=True, help="Most candidates shown.")
@LANG
def match(root, data_files, entity, specialisation, top, lang) -> None:
    """Candidate partners, ranked by shared and complementary fields and closeness, with reasons."""
    from .matching import match_entity, match_specialisation
    from .network import EntityNotFound

    if (entity is None) == (specialisation is None):
        raise click.UsageError("give an ENTITY or --specialisation NAME (one of the two)")
    network, _ = _network(root, data_files)
    try:
        subject, matches = match_entity(network, entity, top) if entity else match_specialisation(
            network, specialisation, top)  # fmt: skip
    except EntityNotFound as exc:
        _fail(exc)
    label = lambda n: network.label(n, lang)  # noqa: E731
    click.echo(f"partners for {label(subject)} ({subject})")
    for i, m in enumerate(matches, start=1):
        click.echo(f"{i}. {label(m.node)}  score {m.score:g}")
        if m.shared:
            click.echo(f"   shares: {', '.join(label(s) for s in m.shared)}")
        if m.complementary:
            theirs: dict[str, list[str]] = {}
            for mine, other in m.complementary:
                theirs.setdefault(other, []).append(label(mine))
            text = "; ".join(f"{label(t)} (~ {', '.join(sorted(ms))})" for t, ms in sorted(theirs.items()))
            click.echo(f"   complements: {text}")
        if m.path:
            start = m.path[0].source if m.path[0].forward else m.path[0].target
            steps = " ".join(_step_text(network, s, lang) for s in m.path)
            click.echo(f"   path ({m.distance}): {label(start)} {steps}")
        for s in m.sources:
            where = f"{s['document']}:{s['line']}" if s.get("line") else s.get("document", "")
            click.echo(f"   source: “{s['text']}” ({where})")
    if not matches:
        click.echo("no candidates")


@main.command()
@click.argument("n", type=click.IntRange(1, 1_000_000))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of the synthetic project (sources, seeds/, ontology/, queries/).")  # fmt: skip
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed: same seed, same bytes.")
@ROOT
def synth(n: int, out: Path, seed: int, root: Path | None) -> None:
    """Write a synthetic ecosystem of N organisations, buildable with `lls-graph build --root OUT`."""
    from .synthetic import generate

    try:
        summary = generate(n, out, seed=seed, repo=root or Project().root)
    except (FileExistsError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"wrote {summary.records} records ({summary.organisations} organisations, "
               f"{summary.collaborations} collaborations, {summary.quotes} quotes) to {summary.root}")  # fmt: skip
    click.echo(f"build it: lls-graph build --root {out} --seeds {out / 'seeds'}")


@main.command("search")
@click.argument("text")
@ROOT
@click.option("--type", "type_name", default=None, metavar="CLASS",
              help="Only entities of this class: an ontology term (Organisation, InnovationHub) or IRI.")  # fmt: skip
@click.option("--asserted", is_flag=True, help="Search the asserted graph (types as stated, not inferred).")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="Most entities shown.")
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default=None,
              help="Default: table on a terminal, else tsv.")  # fmt: skip
def search_command(text: str, root: Path | None, type_name: str | None, asserted: bool, limit: int,
                   fmt: str | None) -> None:  # fmt: skip
    """Find entities whose label contains TEXT, in any language, ignoring case and accents.

    Exit codes: 0 found; 1 nothing found; 2 error (no graph built).
    """
    import json

    from .store import open_index

    project = _project(root)
    ns = Namespaces()
    type_iri = None if type_name is None else type_name if ":" in type_name else str(ns.lls[type_name])
    try:
        hits = open_index(project, "asserted" if asserted else "inferred").search(text, type_iri, limit)
    except (OSError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    lls = str(ns.lls)
    rows = [(hit.label, hit.language, ", ".join(t.removeprefix(lls) for t in hit.types if t.startswith(lls)), hit.iri)
            for hit in hits]  # fmt: skip
    fmt = fmt or ("table" if sys.stdout.isatty() else "tsv")
    if fmt == "json":
        keys = ("label", "language", "types", "iri")
        click.echo(json.dumps([dict(zip(keys, row, strict=True)) for row in rows], ensure_ascii=False, indent=1))
    elif fmt == "tsv":
        for row in rows:
            click.echo("\t".join(value.replace("\t", " ").replace("\n", " ") for value in row))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("label", "lang", "types", "IRI", caption=f"{len(rows)} entit(ies)")
        for row in rows:
            table.add_row(*row)
        Console().print(table)
    if not hits:
        sys.exit(1)


# --- issue 5b: entity pages and releases (site, diff) ----------------------------------------------


@main.command("site")
@ROOT
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder of the site (replaced whole; only an empty folder or an earlier site).")  # fmt: skip
@click.option("--asserted", is_flag=True, help="Pages of the asserted graph instead of the inferred one.")
@click.option("--host", default=None, metavar="URL",
              help="Where a copy of the site is served: .htaccess for the base's w3id.org folder, redirecting "
              "there (default: the folder itself is served at the base IRI).")  # fmt: skip
def site_command(root: Path | None, out: Path, asserted: bool, host: str | None) -> None:
    """Write the static site: one page per entity with .ttl/.jsonld alternates, an index, .htaccess.

    Exit codes: 0 written; 2 error (no graph built, or OUT is a folder of other files).
    """
    import time

    from .site import Model, SiteExists, site_files, write_site
    from .store import open_store

    if host is not None and (not host.startswith(("http://", "https://")) or not host.endswith("/")):
        raise click.UsageError(f"--host must be an http(s) URL ending in '/': {host!r}")
    project = _project(root)
    started = time.monotonic()
    try:
        store = open_store(project, "asserted" if asserted else "inferred")
        model = Model.from_store(store, Namespaces(), project.ontology)
        files = site_files(model, host)
        write_site(files, out)
    except (OSError, SiteExists) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    size = sum(len(data) for data in files.values())
    click.echo(f"wrote {out}: {len(model.entities)} entity pages, {len(files)} files, {size:,} bytes "
               f"in {time.monotonic() - started:.1f} s")  # fmt: skip


@main.command("diff")
@click.argument("old")
@click.argument("new")
@ROOT
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="A readable table, or JSON (stable order).")  # fmt: skip
def diff_command(old: str, new: str, root: Path | None, fmt: str) -> None:
    """What changed in the ecosystem from release OLD to NEW (Turtle files, or git:REV[:PATH]).

    Exit codes (as diff(1)): 0 no change; 1 changes; 2 error.
    """
    import json

    import pyoxigraph as ox

    from .diff import CATEGORIES, DiffError, compare, load_graph

    project = _project(root)
    try:
        before, after = (load_graph(spec, project.root) for spec in (old, new))
        vocabulary = [q.triple for q in ox.parse(path=str(project.ontology))]
    except (DiffError, OSError, SyntaxError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    changes = compare(before, after, Namespaces(), vocabulary)
    if fmt == "json":
        click.echo(json.dumps(changes, ensure_ascii=False, indent=1))
    else:
        _print_diff(changes, CATEGORIES)
    sys.exit(1 if any(changes.values()) else 0)


def _print_diff(changes: dict, categories: tuple[str, ...]) -> None:
    """One rich table per non-empty category, then a one-line summary."""
    from rich.console import Console
    from rich.table import Table

    def sources(item: dict) -> str:
        return "; ".join(f"{s['document']}:{s['line']}" for s in item.get("sources", ()))

    def short(values: list[str]) -> str:  # the table shows the start of long notes; JSON has them whole
        text = " | ".join(values)
        return text if len(text) <= 160 else text[:159] + "…"

    def relation(r: dict) -> str:
        return f"{r['subject_label']} —{r['property_label']}→ {r['object_label']}"

    columns = {
        "entities_added": (("entity", "classes", "relations"),
                           lambda e: (e["label"], ", ".join(e["classes"]), "\n".join(map(relation, e["relations"])))),
        "relations_added": (("relation", "sources"), lambda r: (relation(r), sources(r))),
        "figures_changed": (("figure", "old", "new", "sources"),
                            lambda f: (f["label"], ", ".join(f["old"]), ", ".join(f["new"]), sources(f))),
        "labels_changed": (("entity", "lang", "old", "new"),
                           lambda x: (x["iri"], x["language"], " | ".join(x["old"]), " | ".join(x["new"]))),
        "attributes_changed": (("entity", "property", "old", "new"),
                               lambda x: (x["label"], x["property_label"], short(x["old"]), short(x["new"]))),
    }  # fmt: skip
    columns["entities_removed"] = columns["entities_added"]
    columns["relations_removed"] = columns["relations_added"]
    console = Console()
    for category in categories:
        if changes[category]:
            heads, row = columns[category]
            table = Table(*heads, title=f"{category.replace('_', ' ')} ({len(changes[category])})")
            for item in changes[category]:
                table.add_row(*row(item))
            console.print(table)
    counts = ", ".join(f"{len(changes[c])} {c.replace('_', ' ')}" for c in categories)
    console.print("no change" if not any(changes.values()) else counts)


# --- issue 5: publishing for partners (export, release) -------------------------------------------

#: The dump formats of ``lls_graph.export.FORMATS`` (spelled here so the CLI loads without rdflib).
EXPORT_FORMATS = ["ttl", "nt", "nq", "trig", "jsonld", "xml"]
BASE = click.option("--base", default=DEFAULT_BASE, show_default=True,
                    help="Base IRI the graph was built with (names the named graphs and the dataset).")  # fmt: skip


@main.command("export")
@ROOT
@BASE
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="RDF format of the dump.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Dump file.")
@click.option("--inferred/--asserted", "use_inferred", default=True, show_default=True,
              help="The inferred graph (nq/trig: asserted and entailed named graphs) or the asserted one.")  # fmt: skip
@click.option("--chunk-size", type=click.IntRange(1), default=None, metavar="N",
              help="nt/nq only: write FILE-0001.nt, FILE-0002.nt, ... of at most N lines each.")  # fmt: skip
def export_command(root: Path | None, base: str, fmt: str, output: Path, use_inferred: bool,
                   chunk_size: int | None) -> None:  # fmt: skip
    """Write the graph in one RDF format, byte-identical for the same graph.

    Exit codes: 0 written; 2 error (no graph built, bad option).
    """
    from .export import load_graphs, write_export

    ns = _namespaces(base)
    if chunk_size is not None and fmt not in ("nt", "nq"):
        raise click.UsageError("--chunk-size applies to the line formats nt and nq only")
    project = _project(root)
    try:
        asserted, inferred = load_graphs(project, fmt, use_inferred)
        written = write_export(fmt, output, asserted, inferred, ns, use_inferred, chunk_size)
    except (OSError, SyntaxError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for path, size in written.items():
        click.echo(f"wrote {path} ({size:,} bytes)")


@main.command("release")
@ROOT
@BASE
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Publication folder (its paths mirror the IRIs under the base).")  # fmt: skip
@click.option("--date", "released", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Release date of the DCAT record (default: $SOURCE_DATE_EPOCH, else the date of the "
              "ontology's version in CHANGELOG.md).")  # fmt: skip
def release_command(root: Path | None, base: str, out: Path, released) -> None:
    """Write every dump, context.jsonld, void.ttl, dcat.ttl and the ontology docs (en, it).

    Exit codes: 0 written; 2 error (no graph built, no release date).
    """
    import time

    from .release import release_files, write_release

    ns = _namespaces(base)
    project = _project(root)
    start = time.perf_counter()
    try:
        files = release_files(project, ns, released.date() if released else None)
        written = write_release(out, files)
    except (OSError, SyntaxError, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    for path, size in written.items():
        click.echo(f"{size:>12,}  {path}")
    click.echo(f"{len(written)} files in {time.perf_counter() - start:.1f} s")
