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
