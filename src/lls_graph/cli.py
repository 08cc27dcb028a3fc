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
    try:
        ns = Namespaces(base)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    project = Project(root.resolve(), seeds, out) if root else Project(seeds=seeds, out=out)
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
                      f"{report.triples_inferred} inferred  time: {report.seconds}")  # fmt: skip
    out_console.print(f"entailments: {report.method}")
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    for path in report.written:
        out_console.print(f"wrote {path}")


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
