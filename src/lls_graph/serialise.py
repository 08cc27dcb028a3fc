"""Write graphs the same way every time, and never leave a half-written product.

Partners diff our releases and the drift test compares bytes, so a product depends only
on its triples: fixed prefixes, rdflib's ``longturtle`` in canonical order, no
timestamps. longturtle costs ~80 µs a triple (8 minutes for a 100 k-organisation synthetic
graph), so above :data:`LONGTURTLE_MAX` triples the body is sorted N-Triples lines instead:
still Turtle (every N-Triples line is a Turtle statement), still deterministic, 20x faster.
Each file is written to a temporary sibling and renamed into place, so a failed build leaves
the previous products untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .config import Namespaces

__all__ = ["IS_TYPE", "LONGTURTLE_MAX", "RDF_TYPE", "Triple", "graph_of", "has_blank_nodes", "ntriples", "prefix_lines",
           "read_triples", "replace_dir", "turtle_bytes", "turtle_text", "write_atomically"]  # fmt: skip

#: A triple of rdflib terms: the build holds large graphs as sets of these, not as rdflib Graphs.
Triple = tuple[Node, Node, Node]

#: ``RDF.type`` costs ~0.7 µs an access and ``==`` on rdflib terms is a Python call (~0.2 µs);
#: loops over millions of triples use this one term and test ``p in IS_TYPE`` (a C set lookup).
RDF_TYPE = RDF.type
IS_TYPE = frozenset({RDF_TYPE})

#: Graphs up to this many triples are written as longturtle (the committed products are ~30 k).
LONGTURTLE_MAX = 250_000


def graph_of(triples: Iterable[Triple], ns: Namespaces) -> Graph:
    """An rdflib Graph of ``triples`` with the fixed prefix table bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, iri in ns.prefixes().items():
        graph.bind(prefix, iri)
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def ntriples(triples: Iterable[Triple], graph: URIRef | None = None) -> list[str]:
    """One N-Triples line per triple (an N-Quads line in ``graph``), in rdflib's own line format.

    The build's large graphs are sets of terms, written and loaded as these lines: ~1 µs a
    triple against rdflib's ~20 µs (no memo: hashing an rdflib term costs more than rendering it).
    """
    end = f" <{graph}> .\n" if graph is not None else " .\n"
    return [f"{_term(s)} {_term(p)} {_term(o)}{end}" for s, p, o in triples]


def read_triples(path: Path) -> Iterator[Triple]:
    """The triples of an RDF file (syntax by extension) as rdflib terms, parsed by pyoxigraph.

    rdflib's Turtle parser costs ~45 µs a triple (339 s and > 10 GB for the 100 k-organisation
    graph); pyoxigraph's costs ~2 µs. The terms are the ones rdflib's parser makes: literals go
    through rdflib's ``Literal`` (the same normalisation), a plain literal has no datatype (so a
    literal typed ``xsd:string`` explicitly reads as plain, which our products never write), and
    each IRI is one shared object, since a product repeats most IRIs many times.
    """
    import pyoxigraph as ox

    iris: dict[str, URIRef] = {}

    def term(node: object) -> Node:
        if isinstance(node, ox.NamedNode):
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = URIRef(node.value)
            return iri
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        return Literal(node.value, datatype=None if datatype == _XSD_STRING else term(node.datatype))

    for triple in ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip("."))):
        yield term(triple.subject), term(triple.predicate), term(triple.object)


_XSD_STRING = str(XSD.string)


#: What N-Triples escapes in a literal, as rdflib's serializer does.
_NT_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", '"': '\\"', "\r": "\\r"})


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"  # rdflib checked the IRI when it made the term; n3() would check it again
    if isinstance(node, BNode):
        return f"_:{node}"
    text = f'"{str(node).translate(_NT_ESCAPES)}"'
    if node.language:
        return f"{text}@{node.language}"
    return f"{text}^^<{node.datatype}>" if node.datatype else text


def has_blank_nodes(triples: Iterable[Triple]) -> bool:
    """Whether any term is a blank node: ~4 s a pass over 5 M triples, so callers who know say so."""
    return any(type(term) is BNode for triple in triples for term in triple)  # isinstance: 8x slower


def prefix_lines(table: Mapping[str, str]) -> str:
    """``@prefix`` directives of ``table``, sorted: the head of a Turtle or TriG document written as lines."""
    return "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in sorted(table.items()))


def turtle_text(triples: Collection[Triple], ns: Namespaces, header: str,
                extra_prefixes: Mapping[str, str] | None = None, *,
                lines: Sequence[str] | None = None, blank: bool | None = None) -> list[str]:  # fmt: skip
    """Canonical Turtle of ``triples`` (a Graph or a set of triples) after a ``#`` comment header,
    as pieces of text to join, or to hand to :func:`write_atomically` as they are.

    ``extra_prefixes`` adds vocabularies outside the fixed table (the DCAT-AP_IT terms of
    ``dcat.ttl``), so they read as prefixed names instead of rdflib's generated ``ns1:``.
    ``lines``, when given, are the sorted :func:`ntriples` of ``triples``, rendered already.
    ``blank`` says whether the triples hold blank nodes (whose labels only longturtle's
    canonical form makes stable), when the caller knows: looking costs ~4 s a pass over 5 M
    triples, and the build's products never do (populate mints IRIs).
    """
    table = {**ns.prefixes(), **(extra_prefixes or {})}
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    if blank is None:
        blank = has_blank_nodes(triples)
    if len(triples) > LONGTURTLE_MAX and not blank:
        return [comment, "\n", prefix_lines(table), "\n", *(lines if lines is not None else sorted(ntriples(triples)))]
    out = Graph(bind_namespaces="none")
    for prefix, iri in sorted(table.items()):
        out.bind(prefix, iri)
    out.addN((s, p, o, out) for s, p, o in triples)
    # Without blank nodes longturtle's order is already canonical; canon=True costs 3x more.
    return [comment, "\n", out.serialize(format="longturtle", canon=blank)]


def turtle_bytes(triples: Collection[Triple], ns: Namespaces, header: str,
                 extra_prefixes: Mapping[str, str] | None = None) -> bytes:  # fmt: skip
    """:func:`turtle_text` as one UTF-8 document."""
    return "".join(turtle_text(triples, ns, header, extra_prefixes)).encode("utf-8")


def write_atomically(files: Mapping[Path, bytes | Iterable[str]]) -> None:
    """Write all files, or none: every temp file is complete before the first rename.

    A file's content is bytes, or pieces of text written in turn as UTF-8 (a product of
    millions of lines is never joined into one string: at 100 k organisations that cost
    ~20 s and 2 GB per file).
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, content in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(tmp), target))
            os.chmod(tmp, 0o644)
            binary = isinstance(content, bytes)
            with os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                if binary:
                    handle.write(content)
                else:
                    handle.writelines(content)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def replace_dir(new: Path, target: Path) -> None:
    """Put the complete folder ``new`` in the place of ``target``: readers see the old or the new one."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
