"""lls-graph: the knowledge graph of the Lombardy life-sciences ecosystem.

The public API is small: :func:`build` (curated sources → graph products) and
:func:`load_sources` (read and validate the curated YAML).
"""

from .build import BuildFailed, BuildReport, build
from .config import Namespaces, Project
from .sources import SourcesInvalid, load_sources

__version__ = "0.2.0"

__all__ = [
    "BuildFailed",
    "BuildReport",
    "Namespaces",
    "Project",
    "SourcesInvalid",
    "__version__",
    "build",
    "load_sources",
]
