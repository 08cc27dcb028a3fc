"""Entity pages: one static HTML page per entity, its Turtle and JSON-LD, an index and redirect rules.

Partners follow our IRIs: ``https://w3id.org/lls/id/mind`` must answer a browser with a page and a
linked-data client with RDF. ``lls-graph site -o DIR`` writes that as static files
(``id/<name>.html|.ttl|.jsonld``, ``index.html``) plus the ``.htaccess`` that picks the file by
``Accept`` (303, the w3id style); ``lls-graph serve`` renders the very same pages from the same
:class:`Model` (one renderer, two callers).

What gets a page: every IRI under the data namespace that has a type and is not provenance
bookkeeping (``owl:Axiom`` statements and ``lls:Quote`` quotes, whose IRIs are content hashes). So
organisations, hubs, places, concepts, initiatives, therapies, figures, indicators, periods,
footnotes, cited works, source documents, discrepancies each get one; a quote is shown, verbatim
with its document and line, on the page of every fact it supports.

The model is read in one pass over the triples (no query per triple), every text is escaped with
:func:`html.escape`, links between pages are relative (the site works from any folder and under
``serve``), and nothing is fetched: no CDN, no script, the style sheet is inline.
"""

from __future__ import annotations

import html
import os
import posixpath
import shutil
import tempfile
import urllib.parse
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .config import Namespaces
from .export import FORMATS
from .release import described_by
from .serialise import replace_dir

__all__ = ["MEDIA", "Model", "SiteExists", "entity_files", "htaccess", "render_index", "render_page",
           "site_files", "write_site"]  # fmt: skip

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
TYPE = RDF + "type"
LABELS = (SKOS + "prefLabel", RDFS + "label")
HIDDEN = {TYPE, *LABELS, SKOS + "altLabel"}

#: The alternates of a page, by file extension: media type and pyoxigraph format.
MEDIA = {"ttl": ("text/turtle", ox.RdfFormat.TURTLE), "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD)}
#: Marks a folder written by ``site``: only such a folder (or an empty one) is ever replaced.
MARKER = ".lls-site"
#: Classes that head the sections of the index, in this order (the first an entity has wins).
SECTIONS = ("Organisation", "InnovationHub", "Place", "Specialisation", "Initiative", "Therapy", "ScientificFirst",
            "MedicalCondition", "Statistic", "Indicator", "Period", "Footnote", "CitedWork", "SourceDocument",
            "Discrepancy")  # fmt: skip
STYLE = (
    "body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.3em;text-align:left;"
    "vertical-align:top}blockquote{margin:.3em 0 .3em 1em;color:#444;font-style:italic}"
    ".muted,small{color:#666}code{font-size:90%}nav{margin-bottom:1em}"
)

Key = tuple[str, str, str]


class SiteExists(Exception):
    """The output folder holds something that is not a site written by ``lls-graph site``."""


@dataclass(frozen=True)
class Quote:
    """A verbatim sentence of a source document, with where it stands."""

    iri: str
    text: str
    document: str
    line: int


def _key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A sort key of a term that is total and independent of the hash seed."""
    return str(term)


@dataclass
class Model:
    """Everything the pages show, indexed once: types, labels, facts both ways, evidence, quotes."""

    ns: Namespaces
    triples: dict[str, list[ox.Triple]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[str, list[ox.Triple]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    evidence: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))
    quotes: dict[str, Quote] = field(default_factory=dict)
    entities: dict[str, str] = field(default_factory=dict)
    inverse: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple], ns: Namespaces,
                     vocabulary: Iterable[ox.Triple] = ()) -> Model:  # fmt: skip
        """Index ``triples`` (the data) and take term labels from ``vocabulary`` (the ontology)."""
        model = cls(ns)
        ranked: dict[str, dict[str, tuple[int, str]]] = {}
        for triple in vocabulary:
            model._label(triple, ranked)
            if triple.predicate.value == OWL + "inverseOf":
                model.inverse[triple.subject.value].add(triple.object.value)
                model.inverse[triple.object.value].add(triple.subject.value)
            elif triple.predicate.value == TYPE and triple.object.value == OWL + "SymmetricProperty":
                model.inverse[triple.subject.value].add(triple.subject.value)
        for triple in triples:
            subject = triple.subject.value
            model.triples[subject].append(triple)
            if isinstance(triple.object, ox.NamedNode):
                model.incoming[triple.object.value].append(triple)
                if triple.predicate.value == TYPE:
                    model.types[subject].add(triple.object.value)
            model._label(triple, ranked)
        model.labels.update({iri: {lang: text for lang, (_, text) in found.items()} for iri, found in ranked.items()})
        model._index_provenance()
        base = str(ns.id)
        bookkeeping = {OWL + "Axiom", str(ns.lls.Quote)}
        model.entities = {iri: iri[len(base) :] for iri in sorted(model.types) if iri.startswith(base)
                          and len(iri) > len(base) and not model.types[iri] & bookkeeping}  # fmt: skip
        return model

    @classmethod
    def from_store(cls, store: ox.Store, ns: Namespaces, ontology: Path | None = None) -> Model:
        """The model of a store's default graph, with the labels of the ontology file's terms."""
        vocabulary = ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE) if ontology else ()
        return cls.from_triples((q.triple for q in store), ns, (q.triple for q in vocabulary))

    def _label(self, triple: ox.Triple, ranked: dict[str, dict[str, tuple[int, str]]]) -> None:
        """Keep, per language, the first skos:prefLabel, else the first rdfs:label (in code-point order)."""
        if triple.predicate.value in LABELS and isinstance(triple.object, ox.Literal):
            found = ranked.setdefault(triple.subject.value, {})
            candidate = (LABELS.index(triple.predicate.value), triple.object.value)
            language = triple.object.language or ""
            found[language] = min(found.get(language, candidate), candidate)

    def value(self, subject: str, name: str) -> ox.NamedNode | ox.Literal | None:
        """The first value of property ``name`` (in a fixed order), or None."""
        values = sorted((t.object for t in self.triples.get(subject, ()) if t.predicate.value == name), key=_key)
        return values[0] if values else None

    def _index_provenance(self) -> None:
        lls = self.ns.lls
        for iri in [s for s, kinds in self.types.items() if OWL + "Axiom" in kinds]:
            parts = [self.value(iri, OWL + n) for n in ("annotatedSource", "annotatedProperty", "annotatedTarget")]
            if all(parts):
                key = (parts[0].value, parts[1].value, str(parts[2]))
                self.evidence[key] |= {
                    t.object.value for t in self.triples[iri] if t.predicate.value == str(lls.evidence)
                }
        for iri in [s for s, kinds in self.types.items() if str(lls.Quote) in kinds]:
            text, document, line = (self.value(iri, str(lls[n])) for n in ("quoteText", "quotedFrom", "lineNumber"))
            if text and document:
                self.quotes[iri] = Quote(iri, text.value, document.value, int(line.value) if line else 0)

    def label(self, iri: str, lang: str = "en") -> str:
        """The label in ``lang`` (else en, it, any), else a prefixed name."""
        found = self.labels.get(iri, {})
        for key in (lang, "en", "it", "", *sorted(found)):
            if key in found:
                return found[key]
        for prefix, base in sorted(self.ns.prefixes().items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(base) and len(iri) > len(base):
                return f"{prefix}:{iri[len(base) :]}"
        return iri

    def sources(self, triple: ox.Triple) -> list[Quote]:
        """The quotes a fact rests on (none for an entailed fact)."""
        key = (triple.subject.value, triple.predicate.value, str(triple.object))
        return [self.quotes[q] for q in sorted(self.evidence.get(key, ())) if q in self.quotes]

    def inverse_sources(self, triple: ox.Triple) -> list[Quote]:
        """The quotes of the stated inverse of an entailed fact (``hostsOrganisation`` from ``basedInHub``)."""
        if not isinstance(triple.object, ox.NamedNode):
            return []
        found = [self.sources(ox.Triple(triple.object, ox.NamedNode(p), triple.subject))
                 for p in sorted(self.inverse.get(triple.predicate.value, ()))]  # fmt: skip
        return sorted({q for quotes in found for q in quotes}, key=lambda q: q.iri)

    def describe(self, iri: str) -> list[ox.Triple]:
        """What the RDF alternates carry: the entity's triples, the axioms about them and their quotes."""
        out = list(self.triples.get(iri, ()))
        for triple in self.triples.get(iri, ()):
            for quote in self.sources(triple):
                out.extend(self.triples[quote.iri])
        axioms = {t.subject.value for t in self.incoming.get(iri, ())
                  if t.predicate.value == OWL + "annotatedSource"}  # fmt: skip
        for axiom in axioms:
            out.extend(self.triples[axiom])
        return sorted(set(out), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


# --- rendering -------------------------------------------------------------------------------------


def page_path(name: str) -> str:
    """Where an entity's page lives in the site (names may hold '/', e.g. ``period/2022``)."""
    return f"id/{name}.html"


class _Page:
    """One page being written: relative links from its own place, and its numbered sources."""

    def __init__(self, model: Model, path: str) -> None:
        self.model, self.folder, self.notes = model, posixpath.dirname(path), {}

    def href(self, target: str) -> str:
        return html.escape(posixpath.relpath(target, self.folder or "."), quote=True)

    def link(self, iri: str) -> str:
        """A link to an entity's page, or to the IRI itself for terms and external resources."""
        text = html.escape(self.model.label(iri))
        if iri in self.model.entities:
            return f'<a href="{self.href(page_path(self.model.entities[iri]))}">{text}</a>'
        return f'<a href="{html.escape(iri, quote=True)}">{text}</a>'

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        if isinstance(term, ox.NamedNode):
            quote = self.model.quotes.get(term.value)
            return self.quote(quote) if quote else self.link(term.value)
        if isinstance(term, ox.Literal) and term.language:
            return f'<span lang="{html.escape(term.language, quote=True)}">{html.escape(term.value)}</span>'
        return html.escape(term.value)

    def quote(self, quote: Quote) -> str:
        return (f"<blockquote>{html.escape(quote.text)}</blockquote><small>{self.link(quote.document)}, "
                f"line {quote.line}</small>")  # fmt: skip

    def cite(self, triple: ox.Triple) -> str:
        """Footnote marks for a fact's quotes (listed once at the foot); entailed facts have none."""
        quotes = self.model.sources(triple)
        via = "" if quotes else ' <small class="muted">(stated as its inverse)</small>'
        quotes = quotes or self.model.inverse_sources(triple)
        if not quotes:
            return '<small class="muted">no quote</small>'
        marks = []
        for quote in quotes:
            number = self.notes.setdefault(quote.iri, len(self.notes) + 1)
            marks.append(f'<a href="#q{number}">[{number}]</a>')
        return " ".join(marks) + via

    def footnotes(self) -> str:
        if not self.notes:
            return ""
        items = "".join(f'<li id="q{n}">{self.quote(self.model.quotes[iri])}</li>\n' for iri, n in self.notes.items())
        return f"<h2>Sources</h2>\n<ol>\n{items}</ol>\n"


def _document(title: str, body: str, head: str = "") -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n{head}</head>\n"
            f"<body>\n{body}</body></html>\n")  # fmt: skip


def _figure_line(page: _Page, iri: str) -> str:
    """'more than 700 Companies, 2022' from a figure's value, qualifier, unit and period."""
    model = page.model
    lls = model.ns.lls
    parts = []
    for name in ("qualifier", "obsValue", "unit", "refPeriod"):
        value = model.value(iri, str(lls[name]))
        if value is not None and value.value != str(lls.Exact):
            parts.append(html.escape(model.label(value.value) if isinstance(value, ox.NamedNode) else value.value))
    return " ".join(parts)


def _restated(model: Model, triples: list[ox.Triple], column: str) -> list[ox.Triple]:
    """``triples`` less those in other vocabularies that restate a lls fact with the same other end
    (``org:siteOf`` beside ``lls:hostsOrganisation``): alignment entailments, left to the RDF files."""
    lls = str(model.ns.lls)
    ends = {str(getattr(t, column)) for t in triples if t.predicate.value.startswith(lls)}
    return [t for t in triples if t.predicate.value.startswith(lls) or str(getattr(t, column)) not in ends]


def _rows(page: _Page, triples: list[ox.Triple], column: str) -> str:
    triples = _restated(page.model, triples, column)
    cells = []
    for triple in triples:
        other = page.term(triple.object) if column == "object" else page.link(triple.subject.value)
        cells.append(f"<tr><td>{page.link(triple.predicate.value)}</td><td>{other}</td>"
                     f"<td>{page.cite(triple)}</td></tr>\n")  # fmt: skip
    return "".join(cells)


def render_page(model: Model, iri: str) -> str:
    """The HTML page of one entity: labels, types, facts both ways, figures, and the quotes behind them."""
    name = model.entities[iri]
    page = _Page(model, page_path(name))
    label = model.label
    stem = posixpath.basename(name)
    head = "".join(f'<link rel="alternate" type="{media}" href="{html.escape(stem, quote=True)}.{ext}">\n'
                   for ext, (media, _) in MEDIA.items())  # fmt: skip
    title = f"<h1>{html.escape(label(iri, 'en'))}</h1>\n"
    italian = model.labels.get(iri, {}).get("it")
    if italian and italian != label(iri, "en"):
        title += f'<p lang="it">{html.escape(italian)} <small>(it)</small></p>\n'
    aliases = sorted({t.object.value for t in model.triples[iri] if t.predicate.value == SKOS + "altLabel"})
    if aliases:
        title += f"<p>Also known as: {html.escape('; '.join(aliases))}</p>\n"
    lls_types = sorted((t for t in model.types[iri] if t.startswith(str(model.ns.lls))), key=label)
    other_types = sorted((t for t in model.types[iri] if not t.startswith(str(model.ns.lls))), key=label)
    alternates = " ".join(f'<a href="{html.escape(stem, quote=True)}.{ext}">{ext}</a>' for ext in MEDIA)
    body = [
        f'<nav><a href="{page.href("index.html")}">All entities</a></nav>\n',
        title,
        f"<p><code>{html.escape(iri)}</code> &middot; {alternates}</p>\n",
        f"<p>{', '.join(page.link(t) for t in lls_types)}"
        + (f' <small class="muted">also {", ".join(page.link(t) for t in other_types)}</small>' if other_types else "")
        + "</p>\n",
    ]
    if str(model.ns.lls.Statistic) in model.types[iri]:
        body.append(f"<p><strong>{_figure_line(page, iri)}</strong></p>\n")

    def order(triple: ox.Triple, other: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[str, str, str]:
        text = label(other.value) if isinstance(other, ox.NamedNode) else other.value
        return label(triple.predicate.value), text, str(other)

    facts = sorted((t for t in model.triples[iri] if t.predicate.value not in HIDDEN), key=lambda t: order(t, t.object))
    if facts:
        body.append("<h2>Facts</h2>\n<table>\n" + _rows(page, facts, "object") + "</table>\n")
    statistic = str(model.ns.lls.Statistic)
    inbound = [
        t for t in model.incoming.get(iri, ()) if t.subject.value in model.entities and t.predicate.value != TYPE
    ]
    figures = sorted((t for t in inbound if statistic in model.types[t.subject.value]),
                     key=lambda t: order(t, t.subject))  # fmt: skip
    others = sorted((t for t in inbound if statistic not in model.types[t.subject.value]),
                    key=lambda t: order(t, t.subject))  # fmt: skip
    if others:
        body.append("<h2>Referred to by</h2>\n<table>\n" + _rows(page, others, "subject") + "</table>\n")
    if figures:
        rows = "".join(f"<tr><td>{page.link(t.predicate.value)}</td><td>{page.link(t.subject.value)}</td>"
                       f"<td>{_figure_line(page, t.subject.value)}</td><td>{page.cite(t)}</td></tr>\n"
                       for t in figures)  # fmt: skip
        body.append(f"<h2>Figures</h2>\n<table>\n{rows}</table>\n")
    body.append(page.footnotes())
    return _document(label(iri), "".join(body), head)


def section_of(model: Model, iri: str) -> str:
    """The index section of an entity: the first of :data:`SECTIONS` it is an instance of."""
    for name in SECTIONS:
        if str(model.ns.lls[name]) in model.types[iri]:
            return str(model.ns.lls[name])
    return ""


def render_index(model: Model) -> str:
    """All entities by class, with their labels in English and Italian (find them with the browser's search)."""
    page = _Page(model, "index.html")
    groups: dict[str, list[str]] = defaultdict(list)
    for iri in model.entities:
        groups[section_of(model, iri)].append(iri)
    order = [g for g in [*(str(model.ns.lls[n]) for n in SECTIONS), ""] if g in groups]
    contents = " &middot; ".join(
        f'<a href="#s{i}">{html.escape(model.label(g) if g else "Other")}</a> ({len(groups[g])})'
        for i, g in enumerate(order)
    )
    links = " &middot; ".join(f'<a href="{html.escape(model.ns.base + path, quote=True)}">{text}</a>'
                              for path, text in (("ontology", "ontology"), ("dataset", "dataset description"),
                                                 ("sparql", "SPARQL endpoint")))  # fmt: skip
    parts = [f"<h1>Lombardy life sciences: {len(model.entities)} entities</h1>\n<p>{links}</p>\n",
             f"<nav>{contents}</nav>\n"]  # fmt: skip
    for i, group in enumerate(order):
        items = []
        for iri in sorted(groups[group], key=lambda e: (model.label(e).casefold(), e)):
            italian = model.labels.get(iri, {}).get("it")
            extra = (
                f' <small lang="it">{html.escape(italian)}</small>' if italian and italian != model.label(iri) else ""
            )
            items.append(
                f"<li>{page.link(iri)}{extra} <small><code>{html.escape(model.entities[iri])}</code></small></li>\n"
            )
        heading = html.escape(model.label(group) if group else "Other")
        parts.append(f'<h2 id="s{i}">{heading}</h2>\n<ul>\n{"".join(items)}</ul>\n')
    return _document("lls-graph entities", "".join(parts))


# --- files -----------------------------------------------------------------------------------------


def rdf_bytes(model: Model, iri: str, ext: str) -> bytes:
    """An entity's description as Turtle or JSON-LD, in a fixed order and with the fixed prefixes."""
    fmt = MEDIA[ext][1]
    prefixes = model.ns.prefixes() if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(model.describe(iri), format=fmt, prefixes=prefixes)


def entity_files(model: Model, iri: str) -> dict[str, bytes]:
    """The page and the RDF alternates of one entity, by path inside the site."""
    stem = f"id/{model.entities[iri]}"
    files = {f"{stem}.html": render_page(model, iri).encode("utf-8")}
    files.update({f"{stem}.{ext}": rdf_bytes(model, iri, ext) for ext in MEDIA})
    return files


def htaccess(ns: Namespaces, host: str | None = None) -> str:
    """Apache rules in the w3id style: ``<base>id/<name>`` answers 303 to the file ``Accept`` asks for.

    Two ways to publish. Without ``host`` the site folder itself is served at the base IRI: the rules
    sit in it and point at its files (a name never holds a dot, so ``mind.ttl`` does not match and is
    served as it is). With ``host`` (where a copy of the site is served, e.g. GitHub Pages) the file is
    the ``.htaccess`` of the base's folder in the w3id.org repository: every target is on ``host``, and
    the file names under ``<base>id/`` and the base itself are sent there too (302). The IRIs of the
    ontology (and so of its terms), the dataset and the catalogue answer with the files of
    ``lls-graph release`` (:func:`lls_graph.release.described_by`), written into the same folder.
    """
    to = host or ""
    lines = [
        "# Generated by `lls-graph site`: do not edit.",
        f"# {ns.id}<name> answers 303 to {to}id/<name>.html, .ttl or .jsonld by Accept.",
        "Options -MultiViews",
        "AddType text/turtle .ttl",
        "AddType application/ld+json .jsonld",
        "AddType text/html;charset=utf-8 .html",
        "AddDefaultCharset utf-8",
        "RewriteEngine on",
        f"RewriteBase {urllib.parse.urlsplit(ns.base).path}",
    ]
    for ext, (media, _) in MEDIA.items():
        pattern = media.replace("+", r"\+").replace(".", r"\.")
        lines += [f"RewriteCond %{{HTTP_ACCEPT}} {pattern}", rf"RewriteRule ^id/([^.]+)$ {to}id/$1.{ext} [R=303,L]"]
    lines += [rf"RewriteRule ^id/([^.]+)$ {to}id/$1.html [R=303,L]", rf"RewriteRule ^id/?$ {to}index.html [R=303,L]"]
    lines.append("# The ontology, the dataset and the catalogue answer with the files of `lls-graph release`.")
    for path, files in described_by(ns).items():
        lines += [r"RewriteCond %{HTTP_ACCEPT} text/turtle",
                  rf"RewriteRule ^{path}$ {to}{files['text/turtle']} [R=303,L]",
                  rf"RewriteRule ^{path}$ {to}{files['text/html']} [R=303,L]"]  # fmt: skip
    if host:
        extensions = "|".join(sorted({"html", *MEDIA, *(extension for extension, _ in FORMATS.values())}))
        lines += [
            rf"RewriteRule ^(.+\.(?:{extensions}))$ {host}$1 [R=302,L]",
            rf"RewriteRule ^$ {host} [R=302,L]",
        ]
    return "\n".join(lines) + "\n"


def site_files(model: Model, host: str | None = None) -> dict[str, bytes]:
    """Every file of the site, by path inside it (``host``: see :func:`htaccess`)."""
    files = {"index.html": render_index(model).encode("utf-8"), ".htaccess": htaccess(model.ns, host).encode("utf-8"),
             MARKER: b"Written by `lls-graph site`; the whole folder is replaced on the next build.\n"}  # fmt: skip
    for iri in model.entities:
        files.update(entity_files(model, iri))
    return dict(sorted(files.items()))


def write_site(files: dict[str, bytes], out: Path) -> None:
    """Write the site into a new sibling folder, then swap it for ``out`` in one rename.

    ``out`` is replaced only when it is missing, empty or an earlier site (it holds :data:`MARKER`),
    so a mistyped ``-o`` never wipes a folder of other files.
    """
    out = out.resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise SiteExists(f"{out} exists and is not a site written by lls-graph site: choose another folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for relative, data in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(staging, 0o755)
        replace_dir(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
