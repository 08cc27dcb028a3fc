"""Reasoning strategy per size: HermiT, the rule closure and owlrl on synthetic ecosystems.

Run from the repository root::

    python benchmarks/reasoning_bench.py --sizes 1000,10000 --reasoners hermit,rules,owlrl

For each N it writes (or reuses) the synthetic project of ``scale_bench.py`` in ``--work``, then
runs :func:`lls_graph.reasoning.entail` once per reasoner in a child process of its own, so the
peak memory printed is that reasoner's (HermiT's JVM included: a child's rusage counts the
processes it waited for). A run past ``--cap`` seconds is stopped and printed as such. The
figures are what ``reasoning.choose`` thresholds come from (README, "Scale").
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from pathlib import Path

from scale_bench import _child, _project_dir  # benchmarks/ is on sys.path when run as a script


def _one(folder: Path, reasoner: str, cap: int) -> None:
    """In the child: populate, time the reasoner alone, print one JSON line."""
    from lls_graph.config import Namespaces, Project
    from lls_graph.populate import asserted_triples
    from lls_graph.reasoning import entail, facts_of, load_ontology
    from lls_graph.sources import load_sources

    signal.signal(signal.SIGALRM, lambda *_: sys.exit(3))
    project, ns = Project(root=folder, seeds=folder / "seeds"), Namespaces()
    sources = load_sources(project.sources, project.documents, project.root)
    asserted = asserted_triples(sources, ns)
    ontology = load_ontology(project.ontology, ns)
    facts = facts_of(asserted)
    individuals = len({s for s, _, _ in facts if str(s).startswith(str(ns.id))})
    signal.alarm(cap)
    started = time.perf_counter()
    entailed = entail(ontology, asserted, ns, reasoner=reasoner)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": round(seconds, 1), "entailed": len(entailed.triples), "individuals": individuals,
                      "asserted": len(asserted)}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of organisations")
    parser.add_argument("--reasoners", default="hermit,rules,owlrl", help="comma-separated reasoners")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "lls-scale")
    parser.add_argument("--cap", type=int, default=900, help="seconds before a reasoner is stopped")
    parser.add_argument("--one", nargs=2, metavar=("FOLDER", "REASONER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(Path(args.one[0]), args.one[1], args.cap)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    print("| organisations | individuals | asserted triples | reasoner | reasoning time | peak memory | entailed |")
    print("|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        folder, _ = _project_dir(size, args.work)
        for reasoner in args.reasoners.split(","):
            command = [sys.executable, __file__, "--one", str(folder), reasoner, "--cap", str(args.cap)]
            try:
                _, peak, out = _child(command)
            except SystemExit as failed:  # the cap (exit 3) or a crash: say which, keep measuring
                reason = f"stopped after {args.cap} s" if "(3)" in str(failed).splitlines()[0] else "failed"
                print(f"| {int(size):,} | | | {reasoner} | {reason} | | |", flush=True)
                continue
            figures = json.loads(out.strip().splitlines()[-1])
            print(f"| {int(size):,} | {figures['individuals']:,} | {figures['asserted']:,} | {reasoner} "
                  f"| {figures['seconds']:.1f} s | {peak:,.0f} MB | {figures['entailed']:,} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
