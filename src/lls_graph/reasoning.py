"""Check the graph against the ontology and compute what it entails.

Two jobs, two tools. HermiT (through owlready2; it needs Java) proves the asserted graph
consistent with the OWL 2 DL ontology, e.g. nothing is both an organisation and a place.
The materialisation a partner queries (every superclass type, every super-property,
inverse, symmetric and transitive value) is then computed by a small fixpoint of OWL 2
RL rules over the ontology's class and property hierarchy: HermiT, through owlready2,
reports only the most specific types, and the rules are cheap and deterministic.

Without Java the build says so and falls back to owlrl's pure-Python OWL 2 RL closure,
labelled as such in the products; it also detects disjointness clashes.

Strategy per size (``reasoner="auto"``; figures in docs/scale.md, from
``benchmarks/reasoning_bench.py`` on the 2-core machine): the rule closure is linear (on Python
sets of terms 3.3 s at 10 k organisations, 27 s at 100 k) and gives the same entailments as owlrl
and HermiT on our ontology; HermiT adds the DL consistency proof at 5-16x that cost (17 s at 10 k,
170 s at 100 k, where it doubles the build), so it runs up to :data:`HERMIT_MAX_INDIVIDUALS` and
the rule closure alone above; owlrl, the fallback without Java, is 60-90x slower than the rules
(18 s at 1 k, 192 s at 10 k), so it runs only on graphs the size of the documents'
(:data:`OWLRL_MAX_INDIVIDUALS`). "Individuals" are the subjects under the data
namespace once the provenance axioms are set aside: ~2.5 per organisation.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from .config import DEFAULT_BASE, Namespaces
from .serialise import IS_TYPE, RDF_TYPE, Triple, graph_of

__all__ = [
    "HERMIT_MAX_INDIVIDUALS",
    "OWLRL_MAX_INDIVIDUALS",
    "REASONERS",
    "RULES",
    "Entailment",
    "Inconsistent",
    "choose",
    "entail",
    "facts_of",
    "java_available",
    "load_ontology",
]

HERMIT = "HermiT (owlready2) consistency check + OWL 2 RL rule closure"
OWLRL = "OWL 2 RL closure (owlrl), not a DL consistency check: HermiT not run"
RULES = "OWL 2 RL rule closure and disjointness check; HermiT not run: {why}"

#: Reasoner choices: ``auto`` picks by size and by whether Java is installed.
REASONERS = ("auto", "hermit", "rules", "owlrl")
#: auto runs HermiT up to this many individuals (a 10 k-organisation region has 24 k), the rules above.
HERMIT_MAX_INDIVIDUALS = 25_000
#: auto runs owlrl (no Java) up to this many individuals (the documents' graph has 1.2 k), the rules above.
OWLRL_MAX_INDIVIDUALS = 2_000
_AXIOM = frozenset({OWL.Axiom})


class Inconsistent(Exception):
    """The asserted graph contradicts the ontology."""


@dataclass
class Entailment:
    """What reasoning added to the asserted graph, and how it was computed."""

    triples: set[Triple]
    method: str
    warnings: list[str] = field(default_factory=list)


def load_ontology(path: Path, ns: Namespaces) -> Graph:
    """Parse the hand-edited ontology, moved under ``ns.base`` when another base is configured."""
    graph = Graph(bind_namespaces="none").parse(path, format="turtle")
    if ns.base == DEFAULT_BASE:
        return graph

    def move(term):
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE):
            return URIRef(ns.base + str(term)[len(DEFAULT_BASE) :])
        return term

    moved = Graph(bind_namespaces="none")
    for triple in graph:
        moved.add(tuple(move(t) for t in triple))
    return moved


def facts_of(triples: Iterable[Triple]) -> set[Triple]:
    """The triples without their provenance axioms: what the reasoner needs to see."""
    triples = triples if isinstance(triples, (set, frozenset, Graph)) else set(triples)
    axioms = {s for s, p, o in triples if p in IS_TYPE and o in _AXIOM}
    return {triple for triple in triples if triple[0] not in axioms}


def java_available() -> bool:
    return shutil.which(os.environ.get("LLS_JAVA", "java")) is not None


# --------------------------------------------------------------------------- HermiT


def _hermit_check(ontology: Graph, facts: set[Triple]) -> None:
    """Run HermiT on ontology + facts; raise :class:`Inconsistent` on a clash."""
    import owlready2

    owlready2.JAVA_EXE = shutil.which(os.environ.get("LLS_JAVA", "java")) or "java"
    with tempfile.TemporaryDirectory(prefix="lls-hermit-") as tmp:
        path = Path(tmp) / "union.nt"
        (ontology + graph_of(facts, Namespaces())).serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        noise = io.StringIO()
        try:
            with contextlib.redirect_stderr(noise), contextlib.redirect_stdout(noise):
                world.get_ontology(path.as_uri()).load(format="ntriples")
                owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise Inconsistent("HermiT: the graph is inconsistent with the ontology") from exc
        finally:
            world.close()


# --------------------------------------------------------------------------- rule closure


@dataclass
class _TBox:
    """The parts of the ontology the OWL 2 RL rules read."""

    supers: dict[URIRef, set[URIRef]]
    super_props: dict[URIRef, set[URIRef]]
    inverse: dict[URIRef, set[URIRef]]
    symmetric: set[URIRef]
    transitive: set[URIRef]
    domain: dict[URIRef, set[URIRef]]
    range: dict[URIRef, set[URIRef]]
    object_props: set[URIRef]
    disjoint: list[set[URIRef]]

    @classmethod
    def of(cls, ontology: Graph) -> _TBox:
        def closure(pairs: Iterable[tuple[URIRef, URIRef]]) -> dict[URIRef, set[URIRef]]:
            direct: dict[URIRef, set[URIRef]] = defaultdict(set)
            for a, b in pairs:
                if isinstance(a, URIRef) and isinstance(b, URIRef) and a != b:
                    direct[a].add(b)
            result: dict[URIRef, set[URIRef]] = {}
            for start in list(direct):
                seen, todo = set(), [start]
                while todo:
                    for nxt in direct.get(todo.pop(), ()):
                        if nxt not in seen:
                            seen.add(nxt)
                            todo.append(nxt)
                result[start] = seen - {start}
            return result

        equivalents = [(a, b) for a, b in ontology.subject_objects(OWL.equivalentClass)]
        supers = closure([*ontology.subject_objects(RDFS.subClassOf), *equivalents,
                          *((b, a) for a, b in equivalents)])  # fmt: skip
        super_props = closure(ontology.subject_objects(RDFS.subPropertyOf))
        inverse: dict[URIRef, set[URIRef]] = defaultdict(set)
        for a, b in ontology.subject_objects(OWL.inverseOf):
            inverse[a].add(b)
            inverse[b].add(a)

        def by_prop(pred: URIRef) -> dict[URIRef, set[URIRef]]:
            table: dict[URIRef, set[URIRef]] = defaultdict(set)
            for p, c in ontology.subject_objects(pred):
                if isinstance(c, URIRef) and c != RDFS.Literal and not str(c).startswith(str(RDF)):
                    table[p].add(c)
            return table

        disjoint = [set(Collection(ontology, m)) for n in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
                    for m in ontology.objects(n, OWL.members)]  # fmt: skip
        object_props = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
        return cls(
            supers=supers,
            super_props=super_props,
            inverse=inverse,
            symmetric=set(ontology.subjects(RDF.type, OWL.SymmetricProperty)),
            transitive=set(ontology.subjects(RDF.type, OWL.TransitiveProperty)),
            domain=by_prop(RDFS.domain),
            range=by_prop(RDFS.range),
            object_props=object_props,
            disjoint=disjoint,
        )


def _rule_closure(tbox: _TBox, known: set[Triple]) -> set[Triple]:
    """Fixpoint of the OWL 2 RL rules cax-sco, prp-spo1, prp-inv, prp-symp, prp-trp, prp-dom, prp-rng.

    The new triples are added to ``known`` (no copy: at 100 k organisations it holds millions of
    triples) and returned. Plain sets and dicts: rdflib's store made this 30x slower.
    """
    # (p, s) -> objects and (p, o) -> subjects of the transitive properties, kept as triples arrive
    forward: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    backward: dict[tuple[Node, Node], set[Node]] = defaultdict(set)

    def index(triples: Iterable[Triple]) -> None:
        for s, p, o in triples:
            if p in tbox.transitive:
                forward[p, s].add(o)
                backward[p, o].add(s)

    index(known)
    added: set[Triple] = set()
    todo: Iterable[Triple] = list(known)
    while todo:
        new: set[Triple] = set()
        for s, p, o in todo:
            if p in IS_TYPE:
                new.update((s, RDF_TYPE, c) for c in tbox.supers.get(o, ()))
                continue
            if isinstance(s, BNode):
                continue
            new.update((s, sp, o) for sp in tbox.super_props.get(p, ()))
            new.update((s, RDF_TYPE, c) for c in tbox.domain.get(p, ()))
            if isinstance(o, URIRef) and p in tbox.object_props:
                new.update((o, RDF_TYPE, c) for c in tbox.range.get(p, ()))
                new.update((o, inv, s) for inv in tbox.inverse.get(p, ()))
                if p in tbox.symmetric:
                    new.add((o, p, s))
                if p in tbox.transitive:
                    new.update((s, p, o2) for o2 in forward.get((p, o), ()))
                    new.update((s2, p, o) for s2 in backward.get((p, s), ()))
        todo = new - known
        known |= todo
        added |= todo
        index(todo)
    return added


def _clashes(tbox: _TBox, known: Iterable[Triple], subjects: set[Node]) -> list[str]:
    types: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in known:
        if p in IS_TYPE and s in subjects:
            types[s].add(o)
    clashes = []
    for s in sorted(types):
        for group in tbox.disjoint:
            both = sorted(types[s] & group)
            if len(both) > 1:
                clashes.append(f"{s} is both {' and '.join(both)}, which the ontology declares disjoint")
    return clashes


def _entailed(new: Iterable[Triple], ns: Namespaces, vocabulary: set[URIRef]) -> set[Triple]:
    """The new triples about our data, in terms the ontology declares (no owl:Thing, no RDF axioms)."""
    data = str(ns.id)
    return {
        (s, p, o)
        for s, p, o in new
        if isinstance(s, URIRef)
        and s.startswith(data)
        and not isinstance(o, (Literal, BNode))
        and ((p in IS_TYPE and o in vocabulary) or (p in vocabulary and p not in IS_TYPE))
    }


def _vocabulary(ontology: Graph) -> set[URIRef]:
    declared = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        declared.update(t for t in ontology.subjects(RDF.type, kind) if isinstance(t, URIRef))
    declared.update((SKOS.Concept, SKOS.broader, SKOS.narrower, SKOS.inScheme))
    return declared - {OWL.Thing, OWL.NamedIndividual}


def _owlrl_closure(ontology: Graph, facts: set[Triple]) -> Graph:
    import owlrl

    union = ontology + graph_of(facts, Namespaces())
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(union)
    return union


def choose(reasoner: str, individuals: int, java: bool) -> str:
    """The reasoner ``auto`` stands for, given the size of the data and whether Java is installed.

    >>> choose("auto", 1_000, True), choose("auto", 1_000, False), choose("auto", 10**6, True)
    ('hermit', 'owlrl', 'rules')
    >>> choose("owlrl", 10**6, True)
    'owlrl'
    """
    if reasoner != "auto":
        return reasoner
    if java:
        return "hermit" if individuals <= HERMIT_MAX_INDIVIDUALS else "rules"
    return "owlrl" if individuals <= OWLRL_MAX_INDIVIDUALS else "rules"


def entail(ontology: Graph, asserted: Iterable[Triple], ns: Namespaces, *, use_hermit: bool | None = None,
           reasoner: str = "auto") -> Entailment:  # fmt: skip
    """Check ``asserted`` against ``ontology`` and return what it entails.

    ``reasoner`` is one of :data:`REASONERS`; ``use_hermit`` (the older switch) wins when given:
    True is ``hermit``, False ``owlrl``.
    """
    if reasoner not in REASONERS:
        raise ValueError(f"reasoner must be one of {', '.join(REASONERS)}, not {reasoner!r}")
    if use_hermit is not None:
        reasoner = "hermit" if use_hermit else "owlrl"
    facts = facts_of(asserted)
    tbox = _TBox.of(ontology)
    vocabulary = _vocabulary(ontology)
    data = str(ns.id)
    data_subjects = {s for s, _, _ in facts if isinstance(s, URIRef) and s.startswith(data)}
    java = java_available()
    chosen = choose(reasoner, len(data_subjects), java)
    warnings: list[str] = []
    if chosen == "owlrl":
        why = "asked for --reasoner owlrl" if java else "Java not found (set $LLS_JAVA or install a JRE)"
        warnings.append(f"{why}: HermiT skipped, entailments are owlrl's OWL 2 RL closure")
        closed = set(_owlrl_closure(ontology, facts))
        new = closed - facts
        method = OWLRL
    else:
        if chosen == "hermit":
            _hermit_check(ontology, facts)
            method = HERMIT
        else:
            why = "asked for" if reasoner == "rules" else f"{len(data_subjects)} individuals, above the auto limit"
            method = RULES.format(why=why)
        closed = facts  # facts_of made it: the closure may grow it in place
        closed.update(ontology)
        new = _rule_closure(tbox, closed)
    clashes = _clashes(tbox, closed, data_subjects)
    if clashes:
        raise Inconsistent("; ".join(clashes))
    return Entailment(_entailed(new, ns, vocabulary), method, warnings)
