"""Network page timings: generating the page for a synthetic ecosystem, and drawing it in Chromium.

Run ``python benchmarks/viz_bench.py`` from the repository root (``--sizes 1000 10000`` by
default). For each size it prints: the time to build the synthetic network (not part of the
page), the time to generate and write the page (``viz.write_html``: sizes, layout above
``viz.BIG_GRAPH`` nodes, JSON, atomic write), the HTML size, and in headless Debian chromium the
time to the first stable drawing (the page's own ``llsViz.readyAt``, from navigation start) plus
a search and a filter once drawn, to show the page is interactive. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lls_graph.synthetic_network import synthetic_network
from lls_graph.viz import CHROMIUM_ARGS, chromium_path, write_html


def _generate(size: int, folder: Path, runs: int) -> tuple[dict[str, str], Path]:
    started = time.perf_counter()
    network = synthetic_network(size)
    built = time.perf_counter() - started
    path = folder / f"ecosystem-{size}.html"
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        page = write_html(network, path)
        samples.append(time.perf_counter() - started)
    layout = "precomputed, physics off" if page.precomputed else "physics (seeded), then off"
    return {
        "nodes / edges": f"{page.nodes:,} / {page.edges:,}",
        "synthetic network": f"{built:.2f} s",
        "page generation": f"{statistics.median(samples):.2f} s (median of {runs})",
        "HTML size": f"{path.stat().st_size / 1_048_576:.1f} MiB",
        "layout": layout,
    }, path


def _render(browser, path: Path) -> dict[str, str]:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        started = time.perf_counter()
        page.goto(path.resolve().as_uri())
        page.wait_for_function("() => window.llsViz && window.llsViz.ready", timeout=300_000, polling=50)
        wall = time.perf_counter() - started
        first = page.evaluate("window.llsViz.readyAt") / 1000
        search = page.evaluate("() => { const t = performance.now(); llsViz.search('Organisation 17'); "
                               "return performance.now() - t; }")  # fmt: skip
        family = "https://w3id.org/lls/ontology#InnovationHub"
        filters = page.evaluate("f => { const s = document.getElementById('lls-filter-class'); s.value = f;"
                                " const t = performance.now(); llsViz.applyFilters(); return performance.now() - t; }",
                                family)  # fmt: skip
    finally:
        page.close()
    return {
        "first stable drawing": f"{first:.2f} s ({wall:.2f} s wall, load included)",
        "search once drawn": f"{search:.0f} ms",
        "class filter once drawn": f"{filters:.0f} ms",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="Node counts.")
    parser.add_argument("--runs", type=int, default=1, help="Generation runs per size (median).")
    args = parser.parse_args()
    executable = chromium_path()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        pages = {}
        for size in args.sizes:
            figures, pages[size] = _generate(size, Path(tmp), args.runs)
            _print(size, figures)
        if executable is None:
            print("\nno chromium at /usr/bin/chromium: drawing times not measured")
            return
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                for size, path in pages.items():
                    _print(size, _render(browser, path), "headless chromium")
            finally:
                browser.close()


def _print(size: int, figures: dict[str, str], what: str = "page") -> None:
    print(f"\n### {size:,} nodes: {what}\n\n| measure | figure |\n|---|---|")
    for measure, figure in figures.items():
        print(f"| {measure} | {figure} |")


if __name__ == "__main__":
    main()
