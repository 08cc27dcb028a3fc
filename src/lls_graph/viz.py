"""The network as one self-contained, interactive HTML page (vis-network, pyvis's data model).

Partners open these pages on their own machines, often offline, and the labels come from data
they send us. So the page makes no request at all (vis-network is inlined from the copy pyvis
ships; no CDN, no Bootstrap), and no text of the data can run as code: it travels as JSON in a
``<script type="application/json">`` block with ``<``, ``>``, ``&`` and the JavaScript line
separators escaped, is read with ``JSON.parse`` and only ever shown through ``textContent``. A
Content-Security-Policy allowing only the page's own two scripts (by hash) is a second lock:
even an injected ``onerror=`` attribute could not run. We write the page ourselves rather than
through pyvis's template, which loads Bootstrap from a CDN and renders headings and tooltips as HTML.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import networkx as nx

from .analysis import betweenness_centrality
from .layout import precomputed_layout
from .network import Network, overview, pick, simple_graph
from .serialise import write_atomically

__all__ = [
    "BIG_GRAPH",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "PAGE_MAX",
    "Page",
    "chromium_path",
    "json_for_script",
    "notebook_frame",
    "page_data",
    "render_html",
    "render_png",
    "write_html",
]

#: Above this many nodes the layout is computed in Python and the browser's physics is off.
BIG_GRAPH = 500
#: Most nodes one page draws (10,000 draw in ~4 s in headless Chromium, README): a bigger network is
#: drawn as its overview (:func:`~lls_graph.network.overview`), and the heading says how many of how many.
PAGE_MAX = 10_000

_FAMILY_STYLE: dict[str, tuple[str, str]] = {
    "InnovationHub": ("#e6194b", "star"),
    "Company": ("#4363d8", "dot"),
    "HealthcareProvider": ("#3cb44b", "hexagon"),
    "University": ("#911eb4", "triangle"),
    "ResearchOrganisation": ("#f58231", "triangleDown"),
    "Cluster": ("#800000", "star"),
    "PublicAuthority": ("#808000", "square"),
    "Organisation": ("#42d4f4", "dot"),
    "Specialisation": ("#ffe119", "diamond"),
    "Place": ("#a9a9a9", "square"),
    "Initiative": ("#f032e6", "dot"),
    "Therapy": ("#469990", "diamond"),
    "ScientificFirst": ("#9a6324", "star"),
    "MedicalCondition": ("#dcbeff", "triangle"),
}
_PALETTE = ("#bfef45", "#fabed4", "#aaffc3", "#ffd8b1", "#000075", "#fffac8", "#e6beff", "#d2f53c", "#008080")
_SHAPES = ("dot", "square", "diamond", "triangle", "hexagon", "triangleDown", "star")

_UI = {
    "en": {"search": "Search (Italian or English name)", "go": "Find", "legend": "Legend",
           "found": "{n} found", "shown": "{n} of {t} shown", "all": "all", "filterClass": "Class",
           "filterHub": "Hub", "filterSpec": "Specialisation", "type": "Type", "specs": "Specialisations",
           "source": "Source", "relation": "Relation", "id": "Id"},
    "it": {"search": "Cerca (nome italiano o inglese)", "go": "Trova", "legend": "Legenda",
           "found": "{n} trovati", "shown": "{n} di {t} visibili", "all": "tutti", "filterClass": "Classe",
           "filterHub": "Polo", "filterSpec": "Specializzazione", "type": "Tipo", "specs": "Specializzazioni",
           "source": "Fonte", "relation": "Relazione", "id": "Id"},
}  # fmt: skip

_TEMPLATES = resources.files("lls_graph") / "templates"


@dataclass(frozen=True)
class Page:
    """A rendered page and the figures a caller reports."""

    html: str
    nodes: int
    edges: int
    precomputed: bool


def _styles(families: list[str]) -> dict[str, tuple[str, str]]:
    """Colour and shape per family: fixed for ours, then a palette in sorted order (deterministic)."""
    styles: dict[str, tuple[str, str]] = {}
    others = sorted(f for f in families if f.rsplit("#", 1)[-1] not in _FAMILY_STYLE)
    for family in families:
        short = family.rsplit("#", 1)[-1]
        if short in _FAMILY_STYLE:
            styles[family] = _FAMILY_STYLE[short]
    for i, family in enumerate(others):
        styles[family] = (_PALETTE[i % len(_PALETTE)], _SHAPES[(i // len(_PALETTE)) % len(_SHAPES)])
    return styles


def _sizes(simple: nx.Graph, size_by: str, seed: int) -> dict[str, float]:
    """Node sizes from 8 to 40 px by the square root of degree or a centrality (0 gives the minimum)."""
    if size_by == "degree":
        values = dict(simple.degree())
    elif size_by == "betweenness":
        values = betweenness_centrality(simple, seed)
    elif size_by == "eigenvector":
        try:
            values = nx.eigenvector_centrality_numpy(simple) if simple.number_of_edges() else {}
        except (nx.NetworkXException, ValueError, TypeError):
            values = dict(simple.degree())
    else:
        raise ValueError(f"unknown size measure {size_by!r}: degree, betweenness or eigenvector")
    top = max((abs(v) for v in values.values()), default=0) or 1
    return {n: round(8 + 32 * math.sqrt(abs(values.get(n, 0)) / top), 2) for n in simple}


def _source_text(source: dict) -> str:
    where = f"{source['document']}, line {source['line']}" if source.get("line") else str(source.get("document", ""))
    return f"“{source['text']}” ({where})" if where else f"“{source['text']}”"


def page_data(network: Network, lang: str = "en", size_by: str = "degree", seed: int = 42) -> dict:
    """Everything the page shows, as plain JSON-ready values (the page adds no text of its own).

    Compact, because a 10 k-node page carries 30 k edges: an edge is ``[from, to, relation,
    sources]`` by index into ``nodes`` and ``relations``, a node's family, hubs and specialisations
    are indices too, and tooltips are assembled by the page from these parts when first shown.
    """
    graph = network.graph
    ui = _UI[lang]
    order = sorted(graph)
    index = {n: i for i, n in enumerate(order)}
    simple = simple_graph(graph)
    sizes = _sizes(simple, size_by, seed)
    big = graph.number_of_nodes() > BIG_GRAPH
    positions = precomputed_layout(simple, seed=seed) if big else {}
    label = {n: network.label(n, lang) for n in graph}
    legend = _legend(network, lang)
    family_index = {item["family"]: i for i, item in enumerate(legend)}
    nodes = []
    for node in order:
        attrs = graph.nodes[node]
        rows = [[ui["type"], pick(attrs["cls_label"], lang)]]
        if attrs["specialisations"]:
            rows.append([ui["specs"], ", ".join(sorted(label[s] for s in attrs["specialisations"]))])
        rows += [[ui["source"], _source_text(s), True] for s in attrs["sources"]]
        item = {"id": node, "label": label[node], "names": attrs["names"], "family": family_index[attrs["family"]],
                "size": sizes[node], "hubs": [index[h] for h in attrs["hubs"]],
                "specs": [index[s] for s in attrs["specialisations"]], "rows": rows}  # fmt: skip
        if node in positions:
            item["x"], item["y"] = positions[node]
        nodes.append(item)
    relations: dict[str, str] = {}
    for _, _, key, attrs in graph.edges(keys=True, data=True):
        relations.setdefault(key, pick(attrs["label"], lang))
    relation_index = {key: i for i, key in enumerate(sorted(relations))}
    edges = [[index[u], index[v], relation_index[key], [_source_text(s) for s in attrs["sources"]]]
             for u, v, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3])]  # fmt: skip
    by_family = lambda suffix: sorted(  # noqa: E731
        ({"id": n, "label": label[n]} for n, a in graph.nodes(data=True) if a["family"].endswith(suffix)),
        key=lambda i: (i["label"].casefold(), i["id"]))  # fmt: skip
    return {
        "title": network.title,
        "lang": lang,
        "seed": seed,
        "physics": not big,
        "ui": ui,
        "nodes": nodes,
        "edges": edges,
        "relations": [{"id": key, "label": relations[key]} for key in sorted(relations)],
        "legend": legend,
        "filters": {
            "classes": [{"id": i["family"], "label": i["label"]} for i in legend],
            "hubs": by_family("#InnovationHub"),
            "specialisations": by_family("#Specialisation"),
        },
    }


def _legend(network: Network, lang: str) -> list[dict]:
    """One entry per family (class IRI, label, colour, shape, count), sorted by label."""
    counts: dict[str, int] = {}
    family_label: dict[str, str] = {}
    for _, attrs in network.graph.nodes(data=True):
        counts[attrs["family"]] = counts.get(attrs["family"], 0) + 1
        family_label.setdefault(attrs["family"], pick(attrs["family_label"], lang))
    styles = _styles(sorted(counts))
    return [{"family": f, "label": family_label[f], "color": styles[f][0], "shape": styles[f][1], "count": counts[f]}
            for f in sorted(counts, key=lambda f: (family_label[f].casefold(), f))]  # fmt: skip


def json_for_script(value: object) -> str:
    """JSON that cannot close its ``<script>`` element nor break a JavaScript string.

    >>> json_for_script({"a": "</script><b>&\\u2028"})
    '{"a": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(char, escape)
    return text


def _vis_js() -> str:
    """vis-network as bundled by pyvis: the library pyvis pages run, read from disk, never fetched."""
    import pyvis

    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    js = path.read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script")


def _csp(*scripts: str) -> str:
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def render_html(network: Network, lang: str = "en", size_by: str = "degree", seed: int = 42) -> Page:
    """The whole page as a string (deterministic: same network, same bytes).

    Above :data:`PAGE_MAX` nodes the page draws the network's overview, and its heading says so.
    """
    if lang not in _UI:
        raise ValueError(f"unknown language {lang!r}: it or en")
    network = overview(network, PAGE_MAX)
    data = page_data(network, lang, size_by, seed)
    vis_js = _vis_js()
    app_js = (_TEMPLATES / "network.js").read_text(encoding="utf-8")
    template = (_TEMPLATES / "network.html").read_text(encoding="utf-8")
    parts = {"{{LANG}}": lang, "{{CSP}}": html.escape(_csp(vis_js, app_js)), "{{TITLE}}": html.escape(network.title),
             "{{DATA}}": json_for_script(data), "{{VIS_JS}}": vis_js, "{{APP_JS}}": app_js}  # fmt: skip
    out = template
    for marker in ("{{LANG}}", "{{CSP}}", "{{TITLE}}"):
        out = out.replace(marker, parts[marker])
    # The last three are substituted in one pass each, so data can never introduce a marker.
    head, rest = out.split("{{DATA}}")
    rest_head, rest = rest.split("{{VIS_JS}}")
    rest_mid, rest_tail = rest.split("{{APP_JS}}")
    out = head + parts["{{DATA}}"] + rest_head + vis_js + rest_mid + app_js + rest_tail
    return Page(out, len(data["nodes"]), len(data["edges"]), not data["physics"])


def write_html(network: Network, path: Path, lang: str = "en", size_by: str = "degree", seed: int = 42) -> Page:
    """Render the page and write it atomically."""
    page = render_html(network, lang, size_by, seed)
    write_atomically({path: page.html.encode("utf-8")})
    return page


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def chromium_path() -> str | None:
    """Debian's chromium (or ``$LLS_CHROMIUM``): we drive an installed browser, never download one."""
    path = os.environ.get("LLS_CHROMIUM", CHROMIUM)
    return path if Path(path).exists() else None


def render_png(html_path: Path, png_path: Path, width: int = 1600, height: int = 1000, timeout_s: float = 120) -> float:
    """Screenshot the page in headless Chromium once drawn; returns seconds to the first stable drawing."""
    from playwright.sync_api import Error, sync_playwright

    executable = chromium_path()
    if executable is None:
        raise FileNotFoundError(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error as exc:
            raise RuntimeError(f"{executable} did not start: {exc.message.splitlines()[0]}") from None
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(html_path.resolve().as_uri())
            page.wait_for_function("() => window.llsViz && window.llsViz.ready", timeout=timeout_s * 1000)
            seconds = page.evaluate("window.llsViz.readyAt") / 1000
            write_atomically({png_path: page.screenshot(full_page=False, type="png")})
        except Error as exc:
            raise RuntimeError(f"chromium could not draw {html_path}: {exc.message.splitlines()[0]}") from None
        finally:
            browser.close()
    return seconds


def notebook_frame(page: Page, height: int = 650) -> str:
    """An ``<iframe srcdoc>`` holding the page, for ``IPython.display.HTML`` in Jupyter (still self-contained)."""
    return (f'<iframe srcdoc="{html.escape(page.html, quote=True)}" style="width:100%;height:{height}px;border:0" '
            'sandbox="allow-scripts"></iframe>')  # fmt: skip
