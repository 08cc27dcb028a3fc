"""Read SPARQL text safely: its tokens, its form, whether it may run, and how parameters are bound.

Query text from a user must not reach the network or local files: rdflib and pyoxigraph both
make outbound HTTP for ``SERVICE`` (pyoxigraph's bypasses Python audit hooks) and rdflib loads
``FROM`` graphs. :func:`guard` therefore rejects ``SERVICE``, ``FROM`` / ``FROM NAMED`` and every
update before a query runs. It works on tokens, not on raw text, so the word ``SERVICE`` inside
a string, an IRI or a comment is not mistaken for the keyword, and a keyword cannot hide from it
in odd spacing or case.

Parameters are bound as RDF terms: :func:`bind` inserts a ``VALUES`` block whose terms are
serialised by pyoxigraph (N-Triples escaping), at the start of the ``WHERE`` group. The caller's
value is never spliced into the query: a hostile string becomes one literal that matches nothing.

>>> form("PREFIX x: <http://e/> SELECT * WHERE { ?s ?p ?o }")
'SELECT'
>>> guard('SELECT * WHERE { ?s ?p "SERVICE <http://e/>" }')
'SELECT'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

__all__ = ["QUERY_FORMS", "Token", "UnsafeQuery", "bind", "form", "guard", "tokens"]

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
             | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
             | '(?:[^'\\\n\r]|\\.)*'
             | "(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[A-Za-z_\u00c0-\ufffd][\w.\-\u00b7\u00c0-\ufffd]*)?
            :(?:[\w.\-:%\\\u00b7\u00c0-\ufffd]*[\w\-:%\u00b7\u00c0-\ufffd])?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*/+\-=<>!|^?])
    """,
    re.VERBOSE,
)


class UnsafeQuery(ValueError):
    """The query text is not a query we run: an update, SERVICE without permission, FROM, or not lexable."""


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (``word``, ``iri``, ``string``, ``punct``, ...), text and offset."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a bare word, else ``""``: SPARQL keywords are case-insensitive."""
        return self.text.upper() if self.kind == "word" else ""


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` without white space and comments; raise :class:`UnsafeQuery` where none fits."""
    found: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise UnsafeQuery(f"syntax error at {_position(text, pos)}: unexpected {text[pos]!r}")
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            found.append(Token(kind, match.group(), pos))
        pos = match.end()
    return found


def form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the first query-form keyword after the prologue."""
    for token in tokens(text):
        if token.keyword in QUERY_FORMS:
            return token.keyword
        if token.keyword in UPDATE_WORDS:
            break
    raise UnsafeQuery("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


@lru_cache(maxsize=1024)
def guard(text: str, *, allow_service: bool = False) -> str:
    """Return the query form of ``text``, or raise :class:`UnsafeQuery` saying why it may not run.

    Cached: tokenising costs ~0.3 ms, more than a catalogue query on a small graph, and the
    catalogue's texts repeat (a refusal is an exception, so it is never cached).
    """
    toks = tokens(text)
    for token in toks:
        word = token.keyword
        if word in UPDATE_WORDS:
            raise UnsafeQuery(f"updates are refused ({word} at {_position(text, token.start)}): this is read-only")
        if word == "FROM":
            raise UnsafeQuery(
                f"FROM / FROM NAMED is refused (at {_position(text, token.start)}): a query runs on the "
                "chosen graph only and may not load other graphs"
            )
        if word == "SERVICE" and not allow_service:
            raise UnsafeQuery(
                f"SERVICE is refused (at {_position(text, token.start)}): federated queries reach the "
                "network; pass --allow-service (allow_service=True) to permit them"
            )
    return form(text)


def _matching(toks: list[Token], opening: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``opening``."""
    depth = 0
    for i in range(opening, len(toks)):
        if toks[i].text == "{" and toks[i].kind == "punct":
            depth += 1
        elif toks[i].text == "}" and toks[i].kind == "punct":
            depth -= 1
            if depth == 0:
                return i
    raise UnsafeQuery("syntax error: unbalanced braces")


def _where_group(toks: list[Token]) -> int:
    """Index of the ``{`` opening the query's WHERE group."""
    braces = [i for i, t in enumerate(toks) if t.kind == "punct" and t.text == "{"]
    start = next((i for i, t in enumerate(toks) if t.keyword in QUERY_FORMS), None)
    if start is None:
        raise UnsafeQuery("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    after = [i for i in braces if i > start]
    if not after:
        raise UnsafeQuery("this query has no WHERE group to bind parameters in")
    if toks[start].keyword == "CONSTRUCT":
        if start + 1 < len(toks) and toks[start + 1].keyword == "WHERE":
            raise UnsafeQuery("parameters cannot be bound in the short form CONSTRUCT WHERE { ... }")
        end = _matching(toks, after[0])
        after = [i for i in after if i > end]
        if not after:
            raise UnsafeQuery("this CONSTRUCT query has no WHERE group")
    return after[0]


def values_block(bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` from terms: pyoxigraph writes each term, escaped as N-Triples."""
    names = " ".join(str(ox.Variable(name)) for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def bind(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """``text`` with ``bindings`` as a VALUES block opening its WHERE group (unchanged when empty).

    The block is joined with the whole group, so a FILTER of the group sees the bound value; a
    group that is a bare sub-select is wrapped, as a sub-select may not share its group.

    >>> bind("SELECT ?n WHERE { ?s <http://e/name> ?n }", {"s": ox.NamedNode("http://e/a")})
    'SELECT ?n WHERE { VALUES (?s) { (<http://e/a>) } ?s <http://e/name> ?n }'
    """
    if not bindings:
        return text
    return _bind(text, tuple(bindings.items()))


@lru_cache(maxsize=1024)
def _bind(text: str, bindings: tuple[tuple[str, ox.NamedNode | ox.Literal], ...]) -> str:
    """:func:`bind`, cached: tokenising three times costs ~0.5 ms, more than most catalogue queries."""
    toks = tokens(text)
    opening = _where_group(toks)
    block = values_block(dict(bindings))
    cut = toks[opening].start + 1
    if opening + 1 < len(toks) and toks[opening + 1].keyword == "SELECT":
        closing = toks[_matching(toks, opening)].start
        return f"{text[:cut]} {block} {{{text[cut:closing]}}} {text[closing:]}"
    bound = f"{text[:cut]} {block}{text[cut:]}"
    expected = len(toks) + len(tokens(block))
    if len(tokens(bound)) != expected:  # the block must add its own tokens and change nothing else
        raise UnsafeQuery("internal error: parameter binding changed the query")
    return bound
