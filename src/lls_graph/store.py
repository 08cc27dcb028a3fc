"""The embedded query store: a persistent pyoxigraph database beside the graph products.

rdflib's SPARQL engine is 10-100x slower than pyoxigraph on our queries and re-parsing Turtle
costs more than the query itself, so ``lls-graph build`` also writes ``graph/.store/inferred``
(RocksDB, not committed); ``graph/.store/asserted`` is made the first time a query asks for the
asserted graph (``--asserted``): at 100 k organisations each takes ~50 s to load, so the build
pays only for the one most queries use. Each store remembers the SHA-256 of the Turtle file it
was loaded from; a store whose file changed (a ``git pull``, another build) is
rebuilt on first use, into a temporary folder renamed into place, so a reader never sees half
a store.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from contextlib import suppress
from pathlib import Path

import pyoxigraph as ox

from .config import Project
from .search import INDEX_FILE, LabelIndex
from .serialise import replace_dir, write_atomically

__all__ = ["GRAPHS", "ensure_store", "fingerprint", "is_fresh", "open_index", "open_store", "source_of",
           "store_path"]  # fmt: skip

GRAPHS = ("inferred", "asserted")
FINGERPRINT = "source.sha256"


def source_of(project: Project, which: str) -> Path:
    """The Turtle product a store is loaded from."""
    if which not in GRAPHS:
        raise ValueError(f"unknown graph {which!r}: one of {', '.join(GRAPHS)}")
    return project.inferred_graph if which == "inferred" else project.asserted_graph


def store_path(project: Project, which: str) -> Path:
    return project.products / ".store" / which


def fingerprint(path: Path) -> str:
    """SHA-256 of the file's bytes, read in blocks: mtimes change on checkout, contents do not."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size} {stat.st_mtime_ns}"


def is_fresh(project: Project, which: str) -> bool:
    """Whether the store holds the product as it is now.

    The marker records the product's SHA-256 and its size and time when loaded. Same size and
    time: the same file, no hashing (hashing 1 GB at 100 k organisations costs ~2 s of every cold
    query). Otherwise the hash decides, and a match (a checkout touched the file) is remembered.
    """
    marker = store_path(project, which) / FINGERPRINT
    source = source_of(project, which)
    if not (marker.is_file() and source.is_file()):
        return False
    digest, _, stamp = marker.read_text().strip().partition("\n")
    if stamp == _stamp(source):
        return True
    if digest != fingerprint(source):
        return False
    with suppress(OSError):  # a read-only deployment simply hashes again next time
        marker.write_text(f"{digest}\n{_stamp(source)}\n")
    return True


def _load(source: Path, target: Path, index: LabelIndex | None = None) -> None:
    """Load ``source`` into a new store at ``target`` and record its fingerprint last."""
    stamp, digest = _stamp(source), fingerprint(source)
    store = ox.Store(str(target))
    store.bulk_load(path=str(source), format=ox.RdfFormat.TURTLE)
    store.flush()
    store.optimize()
    write_atomically({target / INDEX_FILE: (index or LabelIndex.from_store(store)).to_json()})
    del store
    (target / FINGERPRINT).write_text(f"{digest}\n{stamp}\n")


def ensure_store(project: Project, which: str = "inferred", index: LabelIndex | None = None) -> Path:
    """The store of ``which``, (re)built when missing or stale; raise FileNotFoundError without a graph.

    ``index``: the label index of the graph when the caller has it already (the build does).
    """
    source = source_of(project, which)
    if not source.is_file():
        raise FileNotFoundError(f"{source} does not exist: run `lls-graph build` first")
    target = store_path(project, which)
    if not is_fresh(project, which):
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{which}.", dir=target.parent))
        try:
            _load(source, staging, index)
            replace_dir(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def open_store(project: Project, which: str = "inferred") -> ox.Store:
    """A read-only handle on the fresh store: many processes may read at once."""
    return ox.Store.read_only(str(ensure_store(project, which)))


def open_index(project: Project, which: str = "inferred") -> LabelIndex:
    """The label index written beside the fresh store (see :mod:`lls_graph.search`).

    A store loaded by an older lls-graph has none, or one of an older layout: it is made once
    from the store itself.
    """
    path = ensure_store(project, which) / INDEX_FILE
    with suppress(FileNotFoundError, ValueError):
        return LabelIndex.load(path)
    index = LabelIndex.from_store(open_store(project, which))
    write_atomically({path: index.to_json()})
    return index
