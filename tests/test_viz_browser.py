"""The network page in a real browser: Debian's chromium driven by Playwright (never a downloaded one).

One browser per module, one page per drawing, reused by the tests that only read it. Under
``CI=true`` a missing chromium or Playwright fails the tests; elsewhere they skip and say why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from lls_graph.cli import main
from lls_graph.config import Project
from lls_graph.network import ecosystem, load_rdf
from lls_graph.viz import CHROMIUM_ARGS, chromium_path, write_html

ROOT = Path(__file__).resolve().parents[1]
XSS = ROOT / "tests" / "fixtures" / "xss.ttl"
HEADING = ('<img src=x onerror="window.__xss=99;alert(99)"></script><script>window.__xss=98;alert(98)</script>'
           '<a href="javascript:window.__xss=97">heading</a>')  # fmt: skip


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        _unavailable("no chromium at /usr/bin/chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Opened:
    """A page opened from file://, with every request, console error, page error and dialog it caused."""

    def __init__(self, browser, path: Path, bypass_csp: bool = False):
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(bypass_csp=bypass_csp, viewport={"width": 1200, "height": 800})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url)
        self.page.wait_for_function("() => window.llsViz && window.llsViz.ready", timeout=60_000)

    def js(self, script: str, arg=None):
        return self.page.evaluate(script, arg)


@pytest.fixture(scope="module")
def network():
    project = Project(root=ROOT)
    return ecosystem(load_rdf([project.asserted_graph]), Graph().parse(project.ontology))


@pytest.fixture(scope="module")
def whole(browser, network, tmp_path_factory):
    path = tmp_path_factory.mktemp("viz") / "ecosystem.html"
    write_html(network, path, lang="en")
    opened = Opened(browser, path)
    yield opened
    opened.context.close()


def test_page_opens_offline_without_errors(whole):
    assert whole.errors == []
    assert whole.requests == [whole.url]  # vis-network, styles and data are all in the file


def test_counts_equal_the_network(whole, network):
    counts = whole.js("() => [llsViz.nodes.length, llsViz.edges.length, llsViz.visibleNodes(), llsViz.visibleEdges()]")
    n, e = network.graph.number_of_nodes(), network.graph.number_of_edges()
    assert counts == [n, e, n, e]
    legend = whole.js("() => Array.from(document.querySelectorAll('#lls-legend-list li')).map(li => li.textContent)")
    families = {a["family"] for _, a in network.graph.nodes(data=True)}
    assert len(legend) == len(families) and "Innovation hub (4)" in legend


def _hover(opened: Opened, x: float, y: float) -> str:
    """Move the mouse to a point and return the tooltip vis-network shows there."""
    opened.page.mouse.move(x, y)
    opened.page.wait_for_function("() => { const t = document.querySelector('div.vis-tooltip');"
                                  " return t && t.style.visibility === 'visible'; }", timeout=5000)  # fmt: skip
    text = opened.page.text_content("div.vis-tooltip")
    opened.page.mouse.move(1, 1)
    return text


def test_tooltip_names_type_specialisations_and_source(whole, network):
    mind = "https://w3id.org/lls/id/mind"
    x, y = whole.js(_POINT, mind)
    tip = _hover(whole, x, y)
    assert tip.startswith("Milan Innovation District") and "Type: Innovation district" in tip
    assert "Specialisations: " in tip and "Biotechnology" in tip
    quote = network.graph.nodes[mind]["sources"][0]
    assert f"Source: “{quote['text']}” ({quote['document']}, line {quote['line']})" in tip


def _search(opened: Opened, text: str) -> list[str]:
    opened.page.fill("#lls-search", text)
    opened.page.click("#lls-search-go")
    return opened.js("() => llsViz.network.getSelectedNodes()")


def test_search_by_italian_and_english_name(whole):
    hub = "https://w3id.org/lls/id/citta-della-salute"
    assert _search(whole, "City of Health") == [hub]
    assert _search(whole, "Città della Salute") == [hub]
    assert _search(whole, "citta della salute") == [hub]  # accents and case ignored
    assert whole.js("() => document.getElementById('lls-status').textContent") == "1 found"
    assert _search(whole, "no such name at all") == []


def _filter(opened: Opened, which: str, value: str) -> tuple[int, int]:
    opened.page.select_option(f"#lls-filter-{which}", value)
    return tuple(opened.js("() => [llsViz.visibleNodes(), llsViz.visibleEdges()]"))


def test_filters_hide_what_they_should(whole, network):
    graph = network.graph
    spec = "https://w3id.org/lls/ontology#Specialisation"
    expected = {n for n, a in graph.nodes(data=True) if a["family"] == spec}
    visible_edges = sum(1 for u, v in graph.edges() if u in expected and v in expected)
    assert _filter(whole, "class", spec) == (len(expected), visible_edges)
    hidden = whole.js("() => llsViz.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert set(hidden) == set(graph) - expected
    _filter(whole, "class", "")

    hub = "https://w3id.org/lls/id/mind"
    members = {hub} | {n for n, a in graph.nodes(data=True) if hub in a["hubs"]}
    assert 1 < len(members) < len(graph)
    assert _filter(whole, "hub", hub)[0] == len(members)
    _filter(whole, "hub", "")

    field = "https://w3id.org/lls/id/biotechnology"
    workers = {field} | {n for n, a in graph.nodes(data=True) if field in a["specialisations"]}
    assert 1 < len(workers) < len(graph)
    assert _filter(whole, "spec", field)[0] == len(workers)
    assert _search(whole, "City of Health") == []  # a hidden node is not found
    assert _filter(whole, "spec", "") == (len(graph), graph.number_of_edges())


def test_italian_page_labels(browser, network, tmp_path):
    path = tmp_path / "it.html"
    write_html(network, path, lang="it")
    opened = Opened(browser, path)
    try:
        label = opened.js("() => llsViz.nodes.get('https://w3id.org/lls/id/citta-della-salute').label")
        legend = opened.js("() => document.getElementById('lls-legend-title').textContent")
        assert (label, legend) == ("Città della Salute", "Legenda")
        assert _search(opened, "City of Health") == ["https://w3id.org/lls/id/citta-della-salute"]
    finally:
        opened.context.close()


_POINT = """id => {
  const box = document.getElementById('lls-network').getBoundingClientRect();
  const p = llsViz.network.canvasToDOM(llsViz.network.getPositions([id])[id]);
  return [p.x + box.left, p.y + box.top];
}"""
_HOVER_ALL = """async () => {
  const net = llsViz.network, box = document.getElementById('lls-network').getBoundingClientRect();
  const points = [];
  const pos = net.getPositions();
  for (const id of llsViz.nodes.getIds()) points.push(['node', id, net.canvasToDOM(pos[id])]);
  for (const id of llsViz.edges.getIds()) {
    const p = net.body.edges[id].edgeType.getPoint(0.5);
    points.push(['edge', id, net.canvasToDOM(p)]);
  }
  return points.map(([kind, id, p]) => [kind, id, p.x + box.left, p.y + box.top]);
}"""


def _xss_page(tmp_path: Path) -> Path:
    path = tmp_path / "xss.html"
    result = CliRunner().invoke(main, ["viz", "--root", str(ROOT), "--data", str(XSS), "-o", str(path),
                                       "--title", HEADING])  # fmt: skip
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_data_executes_nothing(browser, tmp_path, bypass_csp):
    """Labels, ids, classes, relations, quotes and the heading stay text, also in tooltips.

    Run once as written and once with the Content-Security-Policy switched off, so the escaping
    alone is proven, not only the policy behind it.
    """
    opened = Opened(browser, _xss_page(tmp_path), bypass_csp=bypass_csp)
    page = opened.page
    try:
        assert opened.js("() => document.getElementById('lls-heading').textContent") == HEADING
        assert opened.js("() => document.title") == HEADING
        shown = []
        for kind, item, x, y in opened.js(_HOVER_ALL):
            shown.append(_hover(opened, x, y))
            if kind == "node":
                opened.js("id => llsViz.network.selectNodes([id])", item)
            else:
                opened.js("id => llsViz.network.selectEdges([id])", item)
        _search(opened, "<img src=x")
        page.select_option("#lls-filter-class", index=1)
        page.wait_for_timeout(200)
        assert opened.js("() => window.__xss") is None
        assert opened.dialogs == []
        injected = "() => document.querySelectorAll('img, svg, iframe, a, object, embed').length"
        assert opened.js(injected) == 0
        assert opened.js("() => document.scripts.length") == 3
        assert opened.requests == [opened.url]
        assert [e for e in opened.errors if "Content Security Policy" not in e] == []
        tips = "\n".join(shown)
        assert '<img src=x onerror="window.__xss=3;alert(3)">' in tips  # shown as text
        assert "quoted href" in tips and "relates to" in tips
        assert len(shown) == opened.js("() => llsViz.nodes.length + llsViz.edges.length")
    finally:
        opened.context.close()


def test_png_of_a_view(tmp_path):
    """``--png`` through the real command (its own process: Playwright's sync API runs one per thread)."""
    if chromium_path() is None:
        _unavailable("no chromium at /usr/bin/chromium (apt-get install chromium)")
    html, png = tmp_path / "mind.html", tmp_path / "mind.png"
    command = [sys.executable, "-m", "lls_graph", "viz", "--root", str(ROOT), "--focus", "MIND", "-o", str(html),
               "--png", str(png)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
