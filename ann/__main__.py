"""``python -m ann`` runs the operators' CLI."""

from ann.ops.cli import app

app()
