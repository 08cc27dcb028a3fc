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

ROOT = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
                    help="Repository root (default: current directory or $LLS_ROOT).")  # fmt: skip
SEEDS = click.option("--seeds", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Folder of the source documents (default: ../shared/seeds or $LLS_SEEDS).")  # fmt: skip


@click.group()
@click.version_option(__version__, prog_name="lls-graph")
def main() -> None:
    """lls-graph: the Lombardy life-sciences knowledge graph."""


@main.command()
@ROOT
@SEEDS
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write lls.ttl and lls-inferred.ttl (default: graph/).")  # fmt: skip
@click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI of terms and data.")
@click.option("--reasoner", type=click.Choice(["auto", "hermit", "owlrl"]), default="auto", show_default=True,
              help="auto: HermiT when Java is found, else owlrl's OWL 2 RL closure.")  # fmt: skip
def build(root: Path | None, seeds: Path | None, out: Path | None, base: str, reasoner: str) -> None:
    """Validate the curated sources and build the graph products."""
    from rich.console import Console
    from rich.table import Table

    from .build import BuildFailed
    from .build import build as run_build
    from .reasoning import Inconsistent
    from .sources import SourcesInvalid

    err = Console(stderr=True)
    try:
        ns = Namespaces(base)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    project = Project(root.resolve(), seeds, out) if root else Project(seeds=seeds, out=out)
    use_hermit = {"auto": None, "hermit": True, "owlrl": False}[reasoner]
    try:
        with err.status("building") as status:
            report = run_build(project, ns, use_hermit=use_hermit,
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

    project = Project(root.resolve()) if root else Project()
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

    project = Project(root.resolve()) if root else Project()
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
@_endpoint_options
def publish_command(root: Path | None, endpoint: str, graph_iri: str | None, asserted: bool, timeout: float,
                    retries: int) -> None:  # fmt: skip
    """Replace a graph on a triple store with the built graph, then check its triple count there."""
    from .remote import Endpoint, EndpointError, publish

    project = Project(root.resolve()) if root else Project()
    path = project.asserted_graph if asserted else project.inferred_graph
    try:
        report = publish(Endpoint(endpoint, timeout=timeout, retries=retries), path.read_bytes(), graph_iri)
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

    project = Project(root.resolve()) if root else Project()
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
