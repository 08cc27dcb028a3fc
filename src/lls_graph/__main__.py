"""``python -m lls_graph`` runs the CLI."""

from .cli import main

main()
