"""``lls-graph site``: a page per entity, links that resolve, redirect rules that reach a file, offline, stable."""

from __future__ import annotations

import html
import os
import posixpath
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import block_network
from mod_rewrite import rewrite

from lls_graph.config import EXTERNAL_NAMESPACES, Namespaces, Project
from lls_graph.site import MARKER, Model, SiteExists, htaccess, render_page, site_files, write_site
from lls_graph.store import open_store

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project(root=ROOT)
NS = Namespaces()
HOSTILE = ROOT / "tests" / "fixtures" / "site" / "hostile.ttl"
#: Every entity, found by SPARQL rather than by the site's own model: typed, in the data namespace,
#: not an axiom or a quote.
ENTITIES = f"""
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?e WHERE {{
  ?e a ?class .
  FILTER(STRSTARTS(STR(?e), "{NS.id}"))
  FILTER NOT EXISTS {{ ?e a owl:Axiom }}
  FILTER NOT EXISTS {{ ?e a <{NS.lls.Quote}> }}
}}"""


class Links(HTMLParser):
    """Every href and src of a page, and every id it defines."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("href", "src"):
                self.links.append((name, value or ""))
            if name == "id":
                self.ids.add(value or "")


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The site of the built graph, written with the network unavailable (any socket use fails)."""

    store = open_store(PROJECT)
    out = tmp_path_factory.mktemp("site") / "site"
    with pytest.MonkeyPatch.context() as patch:
        attempts = block_network(patch)
        write_site(site_files(Model.from_store(store, NS, PROJECT.ontology)), out)
    assert attempts == []
    yield out


@pytest.fixture(scope="module")
def entities() -> list[str]:
    return sorted(row[0].value for row in open_store(PROJECT).query(ENTITIES))


def test_every_entity_has_a_page_and_its_rdf(site: Path, entities: list[str]) -> None:
    store = open_store(PROJECT)
    assert len(entities) > 500
    for iri in entities:
        stem = site / "id" / iri[len(str(NS.id)) :]
        page = stem.with_name(stem.name + ".html").read_text(encoding="utf-8")
        assert f"<code>{iri}</code>" in page, iri
        own = {q.triple for q in store.quads_for_pattern(ox.NamedNode(iri), None, None)}
        turtle = {q.triple for q in ox.parse(path=str(stem) + ".ttl", format=ox.RdfFormat.TURTLE)}
        jsonld = {q.triple for q in ox.parse(path=str(stem) + ".jsonld", format=ox.RdfFormat.JSON_LD)}
        assert own <= turtle and turtle == jsonld, iri


def test_a_page_shows_facts_relations_figures_and_their_quotes(site: Path) -> None:
    mind = (site / "id" / "mind.html").read_text(encoding="utf-8")
    assert "<h1>Milan Innovation District</h1>" in mind and '<p lang="it">Milano Innovation District' in mind
    assert '<a href="human-technopole.html">Fondazione Human Technopole</a>' in mind  # incoming: based in hub
    assert "MIND, Milano Innovation District, is a development hub" in mind and "line 149" in mind
    assert '<link rel="alternate" type="text/turtle" href="mind.ttl">' in mind
    hosts = re.search(r'<tr><td><a href="[^"]*#hostsOrganisation">.*?human-technopole.html.*?</tr>', mind).group(0)
    assert "(stated as its inverse)" in hosts and 'href="#q' in hosts  # the quote of its basedInHub
    assert "org#siteOf" not in mind  # an alignment restating hostsOrganisation: in the .ttl, not the page
    figure = (site / "id" / "fig-deck-production-value-lombardy-2018.html").read_text(encoding="utf-8")
    assert "71.1 Billion euros 2018" in figure and '<a href="period/2018.html">2018</a>' in figure
    lombardy = (site / "id" / "lombardy.html").read_text(encoding="utf-8")
    assert "<h2>Figures</h2>" in lombardy and 'href="fig-deck-production-value-lombardy-2018.html"' in lombardy


def test_every_link_resolves_inside_the_site(site: Path) -> None:
    """Relative links reach a file (and an anchor) of the site; absolute ones are our terms, standard
    vocabularies, or web addresses the graph itself states (an organisation's homepage)."""
    allowed = (NS.base, *(str(ns) for ns in EXTERNAL_NAMESPACES.values()))
    stated = {q.object.value for q in open_store(PROJECT) if isinstance(q.object, ox.NamedNode)}
    pages = sorted(site.rglob("*.html"))
    ids = {page: parse(page) for page in pages}
    checked = 0
    for page, parsed in ids.items():
        assert not parsed.tags & {"script", "img", "iframe", "object", "embed"}, page
        for attribute, link in parsed.links:
            assert attribute == "href", f"{page}: {attribute}={link} loads a resource"
            url = urllib.parse.urlsplit(link)
            if url.scheme:
                assert link.startswith(allowed) or html.unescape(link) in stated, f"{page}: external link {link}"
                continue
            relative = page.parent.relative_to(site).as_posix()
            target = site / posixpath.normpath(posixpath.join(relative, url.path)) if url.path else page
            assert target.resolve().is_relative_to(site.resolve()) and target.is_file(), f"{page}: {link}"
            if url.fragment and target.suffix == ".html":
                assert url.fragment in ids[target].ids, f"{page}: {link}"
            checked += 1
    assert checked > 10_000


def test_no_local_or_example_iris_in_the_site(site: Path) -> None:
    bad = re.compile(rb"file:|localhost|127\.0\.0\.1|example\.(org|com)")
    for path in site.rglob("*"):
        if path.is_file():
            assert not bad.search(path.read_bytes()), path


def test_the_site_is_the_same_bytes_on_every_run_and_hash_seed(site: Path, tmp_path: Path) -> None:
    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    expected = files(site)
    for seed in ("1", "4242"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "lls_graph", "site", "--root", str(ROOT), "-o", str(out)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "entity pages" in done.stdout
        assert files(out) == expected


def test_a_site_replaces_only_an_earlier_site(tmp_path: Path) -> None:
    model = Model.from_triples([q.triple for q in ox.parse(path=str(HOSTILE))], NS)
    other = tmp_path / "notes"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(SiteExists):
        write_site(site_files(model), other)
    assert (other / "keep.txt").read_text() == "mine"
    target = tmp_path / "site"
    write_site(site_files(model), target)
    (target / "stale.html").write_text("from an older build")
    write_site(site_files(model), target)
    assert (target / MARKER).is_file() and not (target / "stale.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left
    command = [sys.executable, "-m", "lls_graph", "site", "--root", str(ROOT), "-o", str(other)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "not a site written by lls-graph site" in done.stderr


def test_hostile_text_is_escaped() -> None:
    model = Model.from_triples([q.triple for q in ox.parse(path=str(HOSTILE))], NS)
    page = render_page(model, str(NS.id["evil"]))
    parsed = Links()
    parsed.feed(page)
    assert parsed.tags <= {"html", "head", "meta", "title", "style", "link", "body", "nav", "a", "h1", "h2",
                           "p", "small", "code", "table", "tr", "td", "span", "ol", "li", "blockquote"}  # fmt: skip
    assert "&lt;script&gt;alert(&#x27;label&#x27;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;quote&#x27;)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "Other &amp; &lt;Sons&gt;" in page
    assert "x&#x27;onmouseover=&#x27;alert(4)" in page and "'onmouseover" not in page


# --- the redirect rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("host", [None, "https://lls-graph.github.io/site/"])
def test_every_entity_iri_redirects_to_its_file(site: Path, entities: list[str], host: str | None) -> None:
    """Served from the site folder at the base, or from w3id.org's folder to a copy of the site on ``host``."""
    rules = (site / ".htaccess").read_text(encoding="utf-8") if host is None else htaccess(NS, host)
    assert "RewriteEngine on" in rules and f"RewriteBase {urllib.parse.urlsplit(NS.base).path}" in rules
    assert "AddType text/turtle .ttl" in rules and "AddType application/ld+json .jsonld" in rules
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    prefix = host or ""
    for iri in entities:
        path = iri[len(NS.base) :]
        for accept, ext in (("text/turtle", "ttl"), ("application/ld+json", "jsonld"), (browser, "html"),
                            ("text/html", "html"), ("*/*", "html")):  # fmt: skip
            target, status = rewrite(rules, path, accept)
            assert (target, status) == (f"{prefix}{path}.{ext}", "303"), (iri, accept)
            assert (site / target.removeprefix(prefix)).is_file(), (iri, accept)
        # the files themselves: served as they are, or sent on to the host
        assert rewrite(rules, path + ".ttl", "text/html") == (None if host is None else (f"{host}{path}.ttl", "302"))
    assert rewrite(rules, "id/", "text/html") == (f"{prefix}index.html", "303")
