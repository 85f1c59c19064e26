"""``python -m ann`` runs the operators' CLI."""

from ann.cli import app

app()
